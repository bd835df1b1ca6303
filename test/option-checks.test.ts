import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/errors.js';
import { train, tune } from '../src/train/train.js';
import { fit } from '../src/train/fit.js';
import { tuneThreads } from '../src/train/tune.js';
import { type CheckedOptions, asFlag, checkOptions } from '../src/train/option-checks.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { tempDir } from './helpers/temp.js';

// One value out of bounds for each option, and the phrase its error must carry.
const BAD: readonly [CheckedOptions, RegExp][] = [
  [{ hidden: 0 }, /^hidden must be a whole number from 1 to 4096 \(got 0\)$/],
  [{ hidden: -5 }, /^hidden must be a whole number/],
  [{ hidden: 2.5 }, /^hidden must be a whole number/],
  [{ bptt: -1 }, /^bptt must be a whole number ≥ 0/],
  [{ stride: 0 }, /^stride must be auto or a whole number from 1 to 1024/],
  [{ resample: 1 }, /^resample must be auto, 0 \(off\) or a whole number from 2/],
  [{ epochs: 0 }, /^epochs must be auto or a whole number from 1/],
  [{ epochs: 'all' as unknown as number }, /^epochs must be auto or a whole number from 1 to 1000000 \(got "all"\)$/],
  [{ batchSize: 0 }, /^batchSize must be a whole number from 1 to 1000000 \(got 0\)$/],
  [{ lr: -1 }, /^lr must be a number > 0 \(got -1\)$/],
  [{ lr: 0 }, /^lr must be a number > 0/],
  [{ lr: Number.NaN }, /^lr must be a number > 0 \(got NaN\)$/],
  [{ clip: -1 }, /^clip must be a number ≥ 0/],
  [{ seed: 1.5 }, /^seed must be a whole number/],
  [{ valSplit: 1 }, /^valSplit must be auto or a number in \[0, 1\)/],
  [{ patience: -1 }, /^patience must be a whole number ≥ 0/],
  [{ warmup: 1 }, /^warmup must be a number in \[0, 1\)/],
  [{ minSteps: 0 }, /^minSteps must be a whole number ≥ 1/],
  [{ weightDecay: -0.1 }, /^weightDecay must be a number ≥ 0/],
  [{ noise: Number.POSITIVE_INFINITY }, /^noise must be a number ≥ 0 \(got Infinity\)$/],
  [{ warp: 1 }, /^warp must be a number in \[0, 1\)/],
  [{ chunkSize: 0 }, /^chunkSize must be a whole number from 1/],
  [{ checkpointEvery: -1 }, /^checkpointEvery must be a number of seconds ≥ 0/],
  [{ steps: 0 }, /^steps must be a whole number from 1 to 100000/],
  [{ threads: 0 }, /^threads must be auto or a whole number from 1 to 256/],
  [{ threads: [1, 300] }, /^threads must be .* \(got \[1, 300\]\)$/],
  [{ threads: [] }, /^threads must be/],
  [{ readout: 'Mean' as 'mean' }, /^readout must be one of auto, last, mean \(got "Mean"\)$/],
  [{ cell: 'lstm' as 'gru' }, /^cell must be one of rnn, gru/],
  [{ optimizer: 'adamw' as 'adam' }, /^optimizer must be one of adam, sgd, momentum/],
  [{ schedule: 'linear' as 'cosine' }, /^schedule must be one of cosine, constant/],
  [{ classWeights: 'auto' as 'none' }, /^classWeights must be one of none, balanced/],
  [{ select: 'on' as 'auto' }, /^select must be one of auto, off/],
  [{ bidirectional: 'yes' as unknown as boolean }, /^bidirectional must be true or false/],
  [{ differences: 'on' as 'auto' }, /^differences must be true, false or auto/],
  [{ normalize: 'minmax' }, /^normalize must be one of zscore, none/],
  [{ kernel: 'gpu' }, /^kernel must be one of wasm, ts/],
  [{ members: 0 }, /^members must be a whole number ≥ 1 with members × hidden at most 4096 \(got 0\)$/],
  [{ members: 65 }, /^members must be a whole number ≥ 1 with members × hidden at most 4096 \(got 65\)$/],
  [{ members: 3, hidden: 2048 }, /^members must be/],
];

for (const [o, phrase] of BAD) {
  test(`checkOptions refuses ${JSON.stringify(o, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
    assert.throws(() => checkOptions(o), (e: unknown) => e instanceof UserError && phrase.test(e.message));
  });
}

test('checkOptions takes every default, every auto and the bounds themselves', () => {
  checkOptions({});
  checkOptions({ stride: 'auto', resample: 'auto', epochs: 'auto', valSplit: 'auto', threads: 'auto', readout: 'auto', differences: 'auto' });
  checkOptions({ hidden: 4096, members: 1, bptt: 0, stride: 1024, resample: 0, epochs: 1_000_000, batchSize: 1, lr: 1e-9, clip: 0, seed: -3, valSplit: 0, warmup: 0.99, noise: 0, warp: 0, threads: [1, 256] });
  checkOptions({ resample: 2, differences: false, bidirectional: false, cell: 'rnn', optimizer: 'momentum', schedule: 'constant', classWeights: 'balanced', select: 'off' });
});

test('as flags, the messages name the command line options', () => {
  assert.equal(asFlag('batchSize'), '--batch-size');
  assert.equal(asFlag('checkpointEvery'), '--checkpoint-every');
  assert.equal(asFlag('hidden'), '--hidden');
  assert.throws(() => checkOptions({ weightDecay: -1 }, asFlag), /^UserError: --weight-decay must be a number ≥ 0 \(got -1\)$/);
  assert.throws(() => checkOptions({ members: 0 }, asFlag), /--members must be a whole number ≥ 1 with --members × --hidden at most 4096/);
});

// Before these checks a batch size of 0 made train() loop forever, and hidden −5 threw a bare RangeError.
test('train(), tune(), fit() and tuneThreads() refuse a bad option before any work, and write nothing', async () => {
  const dir = tempDir('options-');
  const file = join(dir, 'train.csv');
  writeFileSync(file, 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\n');
  const out = join(dir, 'model.json');
  const refused = (phrase: RegExp) => (e: unknown) => e instanceof UserError && phrase.test(e.message);
  await assert.rejects(train({ files: [file], out, batchSize: 0 }), refused(/^batchSize must be/));
  await assert.rejects(train({ files: [file], out, hidden: -5 }), refused(/^hidden must be/));
  await assert.rejects(train({ files: [join(dir, 'missing.csv')], out, lr: -1 }), refused(/^lr must be/)); // before the files are read
  await assert.rejects(tune({ files: [file], threads: [0] }), refused(/^threads must be/));
  const ds = syntheticDataSet(8, 1, 2);
  await assert.rejects(fit(ds, null, { epochs: 0 }), refused(/^epochs must be/));
  await assert.rejects(tuneThreads(ds, { steps: 0 }), refused(/^steps must be/));
  assert.deepEqual(readdirSync(dir), ['train.csv']);
});
