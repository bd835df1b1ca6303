import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../src/errors.js';
import { train } from '../src/train/train.js';
import { tune } from '../src/train/tune.js';
import { fit } from '../src/train/fit.js';
import { tuneThreads } from '../src/train/tune.js';
import { evaluate } from '../src/eval/evaluate.js';
import { predictions as predict } from '../src/eval/predict.js';
import { score } from '../src/eval/score.js';
import { loadDataSet } from '../src/data/csv.js';
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
  [{ seed: 2 ** 31 }, /^seed must be a whole number from -2147483648 to 2147483647 \(got 2147483648\)$/], // 2^32 from -2^31's run
  [{ seed: 2 ** 32 }, /^seed must be a whole number from -2147483648 to 2147483647/], // seed 0's run
  [{ valSplit: 1 }, /^valSplit must be auto or a number in \[0, 1\)/],
  [{ patience: -1 }, /^patience must be a whole number ≥ 0/],
  [{ warmup: 1 }, /^warmup must be a number in \[0, 1\)/],
  [{ minSteps: 0 }, /^minSteps must be a whole number from 1 to 1000000/],
  [{ minSteps: 1e12 }, /^minSteps must be a whole number from 1 to 1000000 \(got 1000000000000\)$/],
  [{ threads: [1, 2] }, /^threads must be auto or a whole number from 1 to 256 \(got \[1, 2\]\)$/], // a list is tune's
  [{ weightDecay: -0.1 }, /^weightDecay must be a number ≥ 0/],
  [{ noise: Number.POSITIVE_INFINITY }, /^noise must be a number ≥ 0 \(got Infinity\)$/],
  [{ warp: 1 }, /^warp must be a number in \[0, 1\)/],
  [{ mixup: -0.1 }, /^mixup must be a number ≥ 0/],
  [{ guidedWarp: 1 }, /^guidedWarp must be a number in \[0, 1\)/],
  [{ guidedWarp: -0.5 }, /^guidedWarp must be a number in \[0, 1\)/],
  [{ mixup: Infinity }, /^mixup must be a number ≥ 0/],
  [{ chunkSize: 0 }, /^chunkSize must be a whole number from 1/],
  [{ checkpointEvery: -1 }, /^checkpointEvery must be a number of seconds ≥ 0/],
  [{ steps: 0 }, /^steps must be a whole number from 1 to 100000/],
  [{ threads: 0 }, /^threads must be auto or a whole number from 1 to 256/],
  [{ threads: [1, 300] }, /^threads must be .* \(got \[1, 300\]\)$/],
  [{ threads: [] }, /^threads must be/],
  [{ readout: 'Mean' as 'mean' }, /^readout must be one of auto, last, mean, max \(got "Mean"\)$/],
  [{ cell: 'lstm' as 'gru' }, /^cell must be one of rnn, gru/],
  [{ layers: 3 as 2 }, /^layers must be 1 or 2 \(got 3\)$/],
  [{ layers: 2, bptt: 8 }, /^bptt 8: a model of two layers trains with full backpropagation through time; leave out bptt \(or give 0\)$/],
  [{ optimizer: 'adamw' as 'adam' }, /^optimizer must be one of adam, sgd, momentum/],
  [{ schedule: 'linear' as 'cosine' }, /^schedule must be one of cosine, constant/],
  [{ classWeights: 'auto' as 'none' }, /^classWeights must be one of none, balanced/],
  [{ select: 'always' as 'auto' }, /^select must be one of auto, on, off \(got "always"\)$/],
  [{ bidirectional: 'yes' as unknown as boolean }, /^bidirectional must be true or false/],
  [{ differences: 'on' as 'auto' }, /^differences must be true, false or auto/],
  [{ normalize: 'minmax' }, /^normalize must be one of zscore, none/],
  [{ kernel: 'gpu' }, /^kernel must be one of wasm, ts/],
  [{ members: 0 }, /^members must be a whole number ≥ 1 with members × hidden at most 4096 \(got 0\)$/],
  [{ members: 65 }, /^members must be a whole number ≥ 1 with members × hidden at most 4096 \(got 65 × 64 = 4160\)$/],
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
  checkOptions({ hidden: 4096, members: 1, bptt: 0, stride: 1024, resample: 0, epochs: 1_000_000, batchSize: 1, lr: 1e-9, clip: 0, seed: -(2 ** 31), valSplit: 0, warmup: 0.99, noise: 0, warp: 0, threads: 256 });
  checkOptions({ seed: 2 ** 31 - 1 });
  checkOptions({ threads: [1, 256] }, undefined, 'tune');
  checkOptions({ threads: 1 }, undefined, 'fit');
  assert.throws(() => checkOptions({ threads: 2 }, undefined, 'tune'), /^UserError: threads must be a list of whole numbers from 1 to 256 \(got 2\)$/);
  // a string in the list is shown as one (it read [2], hiding what was wrong)
  assert.throws(() => checkOptions({ threads: ['2'] as unknown as number[] }, undefined, 'tune'), /^UserError: threads must be a list of whole numbers from 1 to 256 \(got \["2"\]\)$/);
  assert.throws(() => checkOptions({ threads: 'auto' }, undefined, 'fit'), /^UserError: threads must be a whole number from 1 to 256/);
  checkOptions({ resample: 2, differences: false, bidirectional: false, cell: 'rnn', optimizer: 'momentum', schedule: 'constant', classWeights: 'balanced', select: 'off' });
  checkOptions({ layers: 2, bptt: 0 });
  checkOptions({ layers: 1, bptt: 8 });
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

// A program in JavaScript may pass what the types forbid: a path for a list of paths, a path for a model.
test('the library refuses arguments of another kind in one UserError naming the option, before any work', async () => {
  const dir = tempDir('arguments-');
  const file = join(dir, 'train.csv');
  writeFileSync(file, 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\n');
  const refused = (phrase: RegExp) => (e: unknown) => e instanceof UserError && phrase.test(e.message);
  const any = (o: unknown) => o as never;
  await assert.rejects(train(any({ files: file })), refused(/^files must be a non-empty array of file paths \(got ".*train\.csv"\); give an array: \[".*train\.csv"\]$/));
  await assert.rejects(train(any({ files: undefined })), refused(/^train\(\) needs its training data: files \(an array of file paths\) or data \(a data set in memory, as loadDataSet\(\) gives it\)$/));
  await assert.rejects(train(any({ data: [file] })), refused(/^train\(\) data is a data set in memory, as loadDataSet\(\) gives it; file paths go in files: \[\.\.\.\]$/));
  await assert.rejects(train(any({ files: [42] })), refused(/^files must be a non-empty array of file paths \(got \[number\]\)$/));
  await assert.rejects(train(any({ files: [file], test: file })), refused(/^test must be a non-empty array/));
  await assert.rejects(train(any({ files: [file], out: 5 })), refused(/^out must be a file path \(got number\)$/));
  await assert.rejects(train(any({ files: [file], init: 'm.json' })), refused(/^init must be a model as loadModel\(\) returns it \(got "m\.json"\); read it first: loadModel\("m\.json"\)$/));
  await assert.rejects(tune(any({ files: [file], threads: 2 })), refused(/^threads must be a list of whole numbers/));
  await assert.rejects(evaluate(any('m.json'), { files: [file] }), refused(/^model must be a model as loadModel\(\) returns it/));
  await assert.rejects(evaluate(any({}), any({})), refused(/^model must be a model/));
  await assert.rejects(loadDataSet(any(file)), refused(/^files must be a non-empty array/));
  await assert.rejects(loadDataSet(any({ files: [file] })), refused(/^files must be a non-empty array of file paths \(got object\); give the array of paths itself, then the options: \(files, \{ … \}\)$/));
  const { model } = await train({ files: [file], epochs: 1, hidden: 2, select: 'off', members: 1 });
  await assert.rejects(evaluate(model, any({})), refused(/^files must be a non-empty array of file paths \(got undefined\)$/));
  await assert.rejects(evaluate(model, { files: [] }), refused(/^files must be a non-empty array/));
  await assert.rejects(predict(any('m.json'), { files: [file] }).next(), refused(/^model must be a model/));
  await assert.rejects(predict(model, any({ files: file })).next(), refused(/^files must be a non-empty array/));
  assert.throws(() => score(any(null), syntheticDataSet(2, 1, 2)), refused(/^model must be a model as loadModel\(\) returns it \(got null\)$/));
  // An option the function does not have, misspelt or not: refused, the nearest named.
  await assert.rejects(train(any({ files: [file], epoch: 3 })), refused(/^train\(\) has no option "epoch"; did you mean epochs\?$/));
  await assert.rejects(train(any({ files: [file], bogus: 1 })), refused(/^train\(\) has no option "bogus"$/));
  await assert.rejects(tune(any({ files: [file], thread: [1] })), refused(/^tune\(\) has no option "thread"; did you mean threads\?$/));
  await assert.rejects(evaluate(model, any({ files: [file], labelColum: 'label' })), refused(/^evaluate\(\) has no option "labelColum"; did you mean labelColumn\?$/));
  await assert.rejects(predict(model, any({ files: [file], labelColum: 'x' })).next(), refused(/^predict\(\) has no option "labelColum"; did you mean labelColumn\?$/));
  assert.deepEqual(readdirSync(dir), ['train.csv']);
});

test('the column flags are trimmed as the header\'s names are: --label-column " label " names the column label', async () => {
  const { loadOptionsOf } = await import('../src/cli/options.js');
  assert.deepEqual(loadOptionsOf({ 'label-column': ' label ', 'id-column': 'id\t', 'time-column': ' t', channels: ' ax, ay ' }),
    { format: undefined, labelColumn: 'label', idColumn: 'id', timeColumn: 't', channels: ['ax', 'ay'], gaps: undefined });
  assert.equal(loadOptionsOf({ gaps: 'refuse' }).gaps, 'refuse');
});
