// The training loop on a loaded, normalized data set: seeded init, a shuffled pass per epoch, one synchronous
// step per mini-batch (coordinator gradient → clip → optimizer), validation after each epoch, early stopping
// that keeps the best weights. No file I/O: train.ts loads and saves.
//
// Legend: N sequences, B batch size, P parameters, H hidden units, k BPTT horizon.

import { sharedFloat32 } from '../data/dataset.js';
import type { DataSet } from '../data/dataset.js';
import type { Normalization } from '../data/normalize.js';
import { initParameters } from '../model/init.js';
import { type Shape, layoutOf } from '../model/layout.js';
import type { Model } from '../model/model.js';
import { createRng, shuffle } from '../model/rng.js';
import { type Readout, windowLength } from '../model/rnn.js';
import { score } from '../eval/score.js';
import { createEngine } from './coordinator.js';
import type { KernelName } from './shared-state.js';
import { type OptimizerName, clipGlobalNorm, createOptimizerState, optimizerStep } from './optimizer.js';
import { stratifiedSplit } from './split.js';

export interface FitOptions {
  readonly hidden: number;
  readonly readout: Readout;
  readonly bptt: number; // k; 0 = full BPTT
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly clip: number; // global-norm clipping, 0 = off
  readonly threads: number;
  readonly seed: number;
  readonly valSplit: number;
  readonly patience: number; // epochs without validation improvement before stopping; 0 = never stop early
  readonly chunkSize: number; // sequences per gradient chunk (fixed, so results do not depend on threads)
  readonly kernel?: KernelName; // 'wasm' (default, fast) or 'ts' (the reference kernel)
  readonly init?: Model; // start from these parameters (shape and readout come from it)
  readonly onEpoch?: (e: EpochRecord) => void;
}

export interface EpochRecord {
  epoch: number;
  loss: number; // mean training loss over the epoch's batches
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
  sequencesPerSecond: number;
}

export interface FitResult {
  readonly model: Model;
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly sequencesPerSecond: number;
  readonly computeMs: number;
  readonly reduceMs: number;
  readonly updateMs: number;
}

function longestWindow(ds: DataSet, k: number): number {
  let w = 1;
  for (let n = 0; n < ds.lengths.length; n++) w = Math.max(w, windowLength(ds.lengths[n], k));
  return w;
}

export async function fit(ds: DataSet, normalization: Normalization | null, o: FitOptions): Promise<FitResult> {
  const C = ds.classes.length;
  const shape: Shape = o.init ? o.init.shape : { D: ds.D, H: o.hidden, C };
  const readout = o.init ? o.init.readout : o.readout;
  const rng = createRng(o.seed);
  const params = sharedFloat32(layoutOf(shape).size);
  if (o.init) params.set(o.init.parameters);
  else initParameters(params, shape, rng);

  const split = o.valSplit > 0 ? stratifiedSplit(ds.labels, C, o.valSplit, rng) : { train: Int32Array.from(ds.labels.keys()), val: new Int32Array(0) };
  const nTrain = split.train.length;
  const batchSize = Math.min(o.batchSize, nTrain);
  const engine = createEngine({
    shape, readout, k: o.bptt, threads: o.threads, chunkSize: o.chunkSize, maxBatch: batchSize,
    params, capacity: longestWindow(ds, o.bptt), classWeight: null, kernel: o.kernel,
    data: { D: ds.D, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels: ds.labels },
  });
  const theta = engine.params; // the shared weights the threads read; updated in place between steps
  const grad = new Float64Array(params.length);
  const opt = createOptimizerState(o.optimizer, params.length);
  const best = new Float32Array(params);
  const history: EpochRecord[] = [];
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let computeMs = 0;
  let reduceMs = 0;
  let updateMs = 0;
  const t0 = performance.now();
  const order = Int32Array.from(split.train);
  const modelOf = (p: Float32Array): Model => ({
    shape, readout, classes: ds.classes, channels: ds.channels, normalization, parameters: p, training: {},
  });
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const te = performance.now();
      shuffle(rng, order);
      engine.state.order.set(order);
      let lossSum = 0;
      let correct = 0;
      let batches = 0;
      for (let b = 0; b < nTrain; b += batchSize) {
        const r = await engine.gradient(b, Math.min(b + batchSize, nTrain), grad);
        const tu = performance.now();
        clipGlobalNorm(grad, o.clip);
        optimizerStep(theta, grad, opt, o.lr);
        updateMs += performance.now() - tu;
        computeMs += r.computeMs;
        reduceMs += r.reduceMs;
        lossSum += r.loss;
        correct += r.correct;
        batches++;
      }
      let valLoss: number | null = null;
      let valAccuracy: number | null = null;
      if (split.val.length > 0) {
        const s = score(modelOf(theta), engine.state.data, split.val);
        valLoss = s.loss;
        valAccuracy = s.accuracy;
      }
      const seconds = (performance.now() - te) / 1000;
      const rec: EpochRecord = {
        epoch, loss: lossSum / batches, accuracy: correct / nTrain, valLoss, valAccuracy, lr: o.lr,
        seconds, sequencesPerSecond: nTrain / seconds,
      };
      history.push(rec);
      o.onEpoch?.(rec);
      // Keep the weights with the best validation loss (the last ones when there is no validation set).
      const monitored = valLoss ?? -epoch;
      if (monitored < bestLoss) {
        bestLoss = monitored;
        bestEpoch = epoch;
        best.set(theta);
      } else if (o.patience > 0 && epoch - bestEpoch >= o.patience) {
        break;
      }
    }
  } finally {
    await engine.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const seen = history.length * nTrain;
  const model = modelOf(new Float32Array(best));
  return {
    model, history, bestEpoch, seconds, sequencesPerSecond: seen / seconds, computeMs, reduceMs, updateMs,
  };
}
