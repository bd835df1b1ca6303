// First differences as channels of their own (src/model/differences.ts, --differences): the definition, the
// auto rule, the model file and checkpoint carrying them, and a trained model applying them alike in train's
// test evaluation, evaluate, and predict.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appendDifferences } from '../src/model/differences.js';
import { standardizedShare, withDifferences } from '../src/data/differences.js';
import { autoDifferences } from '../src/train/defaults.js';
import { createRng, normal } from '../src/model/rng.js';
import { parseCheckpoint, serializeCheckpoint } from '../src/io/checkpoint.js';
import { loadDataSet, loadModel, parseModel, serializeModel, train } from '../src/index.js';
import { assertEvaluatePredictAgree, randomModel } from './helpers/models.js';
import { tempDir } from './helpers/temp.js';
import { dataSetOf } from './helpers/synthetic.js';
import { cliHere } from './helpers/cli-here.js';

test('sample t becomes its values, then x_t − x_{t−1} (0 for the first), in float32', () => {
  const x = Float32Array.from([1, 10, 3, 7, 0.1, 7.25]); // T = 3 samples of 2 channels
  const out = new Float32Array(3 * 4);
  appendDifferences(out, 0, x, 0, 3, 2);
  assert.deepEqual(Array.from(out), [1, 10, 0, 0, 3, 7, 2, -3, Math.fround(0.1), 7.25, Math.fround(Math.fround(0.1) - 3), 0.25]);
  const one = new Float32Array(2);
  appendDifferences(one, 0, Float32Array.of(5), 0, 1, 1);
  assert.deepEqual(Array.from(one), [5, 0]);
});

test('a data set with differences: 2D channels named Δ after theirs, every sequence from its own first sample', () => {
  const ds = withDifferences(dataSetOf([[[1, 2], [4, 0]], [[10, 20], [11, 22], [9, 22]]]));
  assert.equal(ds.D, 4);
  assert.deepEqual(ds.channels, ['c0', 'c1', 'Δc0', 'Δc1']);
  assert.deepEqual(Array.from(ds.values), [1, 2, 0, 0, 4, 0, 3, -2, 10, 20, 0, 0, 11, 22, 1, 2, 9, 22, -2, 0]);
  assert.deepEqual(Array.from(ds.offsets), [0, 2]);
  assert.ok(ds.values.buffer instanceof SharedArrayBuffer); // the engine's threads read it
});

test('auto: differences on raw recordings, none where most sequences are z-normalized one by one', () => {
  const rng = createRng(3);
  const standardized = (T: number) => {
    const x = Array.from({ length: T }, () => normal(rng));
    const m = x.reduce((a, b) => a + b) / T;
    const s = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (T - 1)); // divided by T − 1, as some archives do
    return x.map((v) => [(v - m) / s]);
  };
  const z = dataSetOf(Array.from({ length: 20 }, () => standardized(24)));
  assert.equal(standardizedShare(z), 1);
  assert.equal(autoDifferences(z), false);
  const raw = dataSetOf(Array.from({ length: 20 }, () => Array.from({ length: 24 }, () => [9.8 + normal(rng), 0.3 * normal(rng)])));
  assert.equal(standardizedShare(raw), 0);
  assert.equal(autoDifferences(raw), true);
  const mostly = dataSetOf([...Array.from({ length: 15 }, () => standardized(30)), ...Array.from({ length: 5 }, () => standardized(30).map(([v]) => [v + 3]))]);
  assert.equal(standardizedShare(mostly), 0.75);
  assert.equal(autoDifferences(mostly), false);
});

test('the model file carries "differences" only when the model has them, with 2D statistics, and checks both', () => {
  const m = randomModel(createRng(2), 2, 3, 2, 'mean', true, 3, true, 'gru', true);
  assert.equal(m.shape.D, 12);
  const text = serializeModel(m);
  const back = parseModel(text, 'm.json');
  assert.equal(back.differences, true);
  assert.deepEqual(back.normalization, m.normalization);
  assert.equal(JSON.parse(serializeModel(randomModel(createRng(2), 2, 3, 2, 'mean', true))).differences, undefined);
  const doc = JSON.parse(text);
  assert.throws(() => parseModel(JSON.stringify({ ...doc, differences: 'yes' }), 'm.json'), /m\.json:1: "differences" must be true when present/);
  const { differences: _d, ...without } = doc;
  assert.throws(() => parseModel(JSON.stringify(without), 'm.json'), /"inputSize" must equal the number of channels times the stride \(2 × 3\)/);
  const short = { ...doc, normalization: { mean: doc.normalization.mean.slice(2), std: doc.normalization.std.slice(2) } };
  assert.throws(() => parseModel(JSON.stringify(short), 'm.json'), /normalization\.mean/);
});

test('train reads the differences of raw recordings; its test evaluation, evaluate and predict agree bit for bit', async () => {
  const dir = tempDir('ts-differences-');
  const out = join(dir, 'm.json');
  const tr = 'datasets/motion/train.csv';
  const te = 'datasets/motion/test.csv';
  const r = await train({ files: [tr], test: [te], out, hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, seed: 3 });
  assert.equal(r.model.differences, true, 'accelerometer recordings: auto reads their differences');
  assert.deepEqual(r.model.channels, (await loadDataSet([tr])).channels, 'the channels as read');
  assert.equal(r.model.normalization!.mean.length, 2 * r.model.channels.length);
  assert.equal((r.model.training.hyperparameters as { differences: boolean }).differences, true);
  const m = loadModel(out);
  await assertEvaluatePredictAgree(m, te, r.test[0].scores.probabilities);
  const off = await train({ files: [tr], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1, differences: false });
  assert.equal(off.model.differences, undefined);
  assert.equal(off.model.normalization!.mean.length, off.model.channels.length);
});

test('a checkpoint keeps the differences, checks the input size against them, and a resumed or --init run follows them', async () => {
  const dir = tempDir('ts-differences-ck-');
  const ck = join(dir, 'm.ckpt');
  await train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1, checkpoint: ck, out: join(dir, 'm.json') });
  const text = (await import('node:fs')).readFileSync(ck, 'utf8');
  const c = parseCheckpoint(text, 'm.ckpt');
  assert.equal(c.model.differences, true);
  assert.equal(parseCheckpoint(serializeCheckpoint(c), 'm.ckpt').model.differences, true);
  await assert.rejects(
    train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, resume: ck, differences: false, out: join(dir, 'm.json') }),
    /m\.ckpt: --differences off, but the checkpoint has --differences on; leave out --differences \(it follows the checkpoint\)/,
  );
  await assert.rejects(
    train({ files: ['datasets/motion/train.csv'], epochs: 1, select: 'off', threads: 1, init: loadModel(join(dir, 'm.json')), differences: false }),
    /--differences off, but the --init model has --differences on/,
  );
  // So does every other option they fix, given otherwise (they were ignored: the run went on with the model's).
  const init = loadModel(join(dir, 'm.json'));
  for (const [o, re] of [
    [{ hidden: 8 }, /--hidden 8, but the --init model has --hidden 4/],
    [{ cell: 'rnn' as const }, /--cell rnn, but the --init model has --cell gru/],
    [{ bidirectional: false }, /--no-bidirectional, but the --init model has --bidirectional; leave out --no-bidirectional/],
    [{ stride: 7 }, /--stride 7, but the --init model has --stride \d+/],
    [{ resample: 16 }, /--resample 16, but the --init model has --resample/],
    [{ normalize: 'none' as const }, /--normalize none, but the --init model has --normalize zscore/],
    [{ readout: init.readout === 'mean' ? 'last' as const : 'mean' as const }, /--readout \w+, but the --init model has --readout/],
  ] as const) {
    await assert.rejects(train({ files: ['datasets/motion/train.csv'], epochs: 1, select: 'off', threads: 1, init, ...o }), re);
  }
  await assert.rejects(
    train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, resume: ck, normalize: 'none', out: join(dir, 'm.json') }),
    /m\.ckpt: --normalize none, but the checkpoint has --normalize zscore/,
  );
  await assert.rejects(
    train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, resume: ck, readout: c.model.readout === 'mean' ? 'last' : 'mean', out: join(dir, 'm.json') }),
    /m\.ckpt: --readout \w+, but the checkpoint has --readout/,
  );
  const doc = JSON.parse(text);
  delete doc.model.differences;
  assert.throws(() => parseCheckpoint(JSON.stringify(doc), 'm.ckpt'), /"model\.classes" and "model\.channels" must match "model\.shape"/);
});

test('--differences takes auto, on or off, and the model line says so', () => {
  const dir = tempDir('ts-differences-cli-');
  const bad = cliHere(['train', 'datasets/cbf/train.csv', '--differences', 'maybe', '--out', join(dir, 'm.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^train-signals: --differences must be auto, on or off \(got maybe\) \(see train-signals train --help\)$/m);
  const on = cliHere(['train', 'datasets/cbf/train.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--differences', 'on', '--quiet', '--out', join(dir, 'on.json')]);
  assert.equal(on.code, 0, on.stderr);
  assert.equal(loadModel(join(dir, 'on.json')).differences, true);
  assert.match(on.stdout, /channel\(s\) and their differences/);
});
