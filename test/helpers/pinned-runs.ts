// Runs a few small trainings that together touch every arithmetic path a default run takes (model selection,
// an ensemble, frame stacking, both directions, both cells, two layers, the augmentations, the schedule, the
// readouts, scoring) and prints the first 16 hex digits of a SHA-256 of each one's bits, with the kernel build that computed them, as one
// line of JSON. pinned-bits.test.ts runs it under each build and compares with the fingerprints it pins, so a
// machine whose arithmetic rounds otherwise (another CPU, another Node) fails there rather than in a user's resume.

import { createHash } from 'node:crypto';
import { fit } from '../../src/train/fit.js';
import { train } from '../../src/train/train.js';
import { scoreByKernel } from '../../src/eval/score.js';
import { kernelRecord } from '../../src/engine/kernels.js';
import { syntheticDataSet } from './synthetic.js';

function hashOf(...arrays: ArrayBufferView[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex').slice(0, 16);
}

const losses = (history: readonly { loss: number }[]) => Float64Array.from(history, (e) => e.loss);

async function defaultsShortened(): Promise<string> {
  // The defaults, selection and a three-member ensemble included, with fewer epochs and units.
  const r = await train({
    files: ['datasets/cbf/train.csv'], test: ['datasets/cbf/test.csv'], epochs: 4, hidden: 8, threads: 2, seed: 3,
  });
  const selection = r.model.training['selection'] as { candidates: { logLoss: number }[] };
  const scores = Float64Array.from(selection.candidates, (c) => c.logLoss);
  return hashOf(r.model.parameters, losses(r.history), scores, r.test[0]!.scores.probabilities);
}

async function everyPath(kernel: 'wasm' | 'ts'): Promise<string> {
  const options = {
    hidden: 6, readout: 'max', bptt: 0, stride: 2, bidirectional: true, cell: 'gru', layers: 2, epochs: 3,
    batchSize: 9, optimizer: 'adam', lr: 4e-3, clip: 0.5, threads: 2, seed: 11, valSplit: 0.2, patience: 0,
    chunkSize: 3, schedule: 'cosine', warmup: 0.2, weightDecay: 0.05, noise: 0.1, warp: 0.2, mixup: 0.3,
    classWeights: 'balanced', kernel,
  } as const;
  const r = await fit(syntheticDataSet(36, 3, 3, 21, 8, 40), null, options);
  const tanh = await fit(syntheticDataSet(30, 2, 2, 22, 6, 30), null, {
    ...options, cell: 'rnn', layers: 1, readout: 'mean', bptt: 5, stride: 3, mixup: 0, guidedWarp: 0.5,
  });
  const unseen = syntheticDataSet(12, 3, 3, 23, 8, 40);
  return hashOf(r.model.parameters, losses(r.history), tanh.model.parameters, losses(tanh.history), scoreByKernel(r.model, unseen, kernel).probabilities);
}

const fingerprints = {
  kernel: kernelRecord('wasm'),
  defaults: await defaultsShortened(),
  everyPath: await everyPath('wasm'),
  everyPathReference: await everyPath('ts'),
};
process.stdout.write(`${JSON.stringify(fingerprints)}\n`);
