// Each sequence on its own scale (src/model/sequence-norm.ts, --sequence-norm): the definition against float64,
// the auto rule, the model file, checkpoint and safetensors carrying it, and a trained model applying it alike
// in train's test evaluation, evaluate and predict.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendSequenceNorm, sequenceNormChannels } from '../src/model/sequence-norm.js';
import { withSequenceNorm } from '../src/data/sequence-norm.js';
import { sequenceNormFor } from '../src/train/defaults.js';
import { createRng, normal } from '../src/model/rng.js';
import { parseCheckpoint, serializeCheckpoint } from '../src/io/checkpoint.js';
import {
  evaluate, evaluateFile, exportSafetensors, loadDataSet, loadModel, parseModel, parseSafetensors, serializeModel, train,
} from '../src/index.js';
import { tempDir } from './helpers/temp.js';
import { dataSetOf } from './helpers/synthetic.js';
import { assertEvaluatePredictAgree } from './helpers/models.js';

test('sample t becomes (x_t − μ) / σ, then μ and log σ of its sequence and channel; a constant channel takes σ = 1', () => {
  // T = 4 samples of 2 channels; channel 1 constant.
  const x = Float32Array.from([1, 5, 2, 5, 4, 5, 9, 5]);
  const out = new Float32Array(4 * 6);
  appendSequenceNorm(out, 0, x, 0, 4, 2);
  const mean = 4;
  const sd = Math.sqrt(((1 - 4) ** 2 + (2 - 4) ** 2 + (4 - 4) ** 2 + (9 - 4) ** 2) / 4); // population σ, in float64
  [1, 2, 4, 9].forEach((v, t) => {
    assert.deepEqual(Array.from(out.subarray(t * 6, t * 6 + 6)), [(v - mean) / sd, 0, mean, 5, Math.log(sd), 0].map(Math.fround));
  });
  assert.deepEqual(sequenceNormChannels(['a', 'b']), ['a', 'b', 'μa', 'μb', 'logσa', 'logσb']);
});

test('a data set on its sequences\' scales: 3D channels, every sequence from its own statistics; auto where scales lie decades apart', () => {
  const ds = withSequenceNorm(dataSetOf([[[1], [3]], [[10], [30], [20]]]));
  assert.equal(ds.D, 3);
  assert.deepEqual(ds.channels, ['c0', 'μc0', 'logσc0']);
  const sd1 = Math.sqrt(200 / 3);
  assert.deepEqual(Array.from(ds.values), [-1, 2, 0, 1, 2, 0, -10 / sd1, 20, Math.log(sd1), 10 / sd1, 20, Math.log(sd1), 0, 20, Math.log(sd1)].map(Math.fround));
  assert.ok(ds.values.buffer instanceof SharedArrayBuffer);
  const rng = createRng(4);
  const walk = (scale: number) => Array.from({ length: 30 }, () => [scale * (5 + normal(rng))]);
  const spread = dataSetOf(Array.from({ length: 40 }, (_, n) => walk(10 ** (4 * n / 40))));
  const alike = dataSetOf(Array.from({ length: 40 }, (_, n) => walk(1 + n / 40)));
  assert.equal(sequenceNormFor('auto', spread), true);
  assert.equal(sequenceNormFor('auto', alike), false);
  assert.equal(sequenceNormFor(true, alike), true);
  assert.equal(sequenceNormFor(false, spread), false);
});

test('train, evaluate and predict agree bit for bit on a model that normalizes each sequence; the files carry it', async () => {
  const dir = tempDir('ts-sequence-norm-');
  // Two classes by trend, at scales from 1 to 10 000: auto turns the sequence normalization on.
  const rng = createRng(6);
  const file = (name: string, N: number) => {
    const rows = ['label,' + Array.from({ length: 24 }, (_, t) => `t${t}`).join(',')];
    for (let n = 0; n < N; n++) {
      const scale = 10 ** (4 * rng.next());
      rows.push(`${n % 2 ? 'up' : 'down'},` + Array.from({ length: 24 }, (_, t) => (scale * (3 + (n % 2 ? t : -t) / 12 + 0.2 * normal(rng))).toFixed(4)).join(','));
    }
    writeFileSync(join(dir, name), rows.join('\n') + '\n');
    return join(dir, name);
  };
  const tr = file('train.csv', 40);
  const te = file('test.csv', 20);
  const out = join(dir, 'm.json');
  const r = await train({ files: [tr], test: [te], out, hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, seed: 3 });
  assert.equal(r.model.sequenceNorm, true, 'scales four decades apart: auto normalizes each sequence');
  assert.equal(r.model.normalization!.mean.length, 3 * 2 * r.model.channels.length, 'values, levels, log scales, and their differences');
  assert.equal((r.model.training.hyperparameters as { sequenceNorm: boolean }).sequenceNorm, true);
  const m = loadModel(out);
  assert.equal(m.sequenceNorm, true);
  const e = await assertEvaluatePredictAgree(m, te, r.test[0].scores.probabilities);
  const st = parseSafetensors(exportSafetensors(m), 'm.safetensors');
  assert.equal(st.sequenceNorm, true);
  assert.deepEqual(Array.from((await evaluateFile(st, te)).scores.probabilities), Array.from(e.scores.probabilities));
  const doc = JSON.parse(serializeModel(m));
  assert.throws(() => parseModel(JSON.stringify({ ...doc, sequenceNorm: 'yes' }), 'm.json'), /m\.json:1: "sequenceNorm" must be true when present/);
  const { sequenceNorm: _s, ...without } = doc;
  assert.throws(() => parseModel(JSON.stringify(without), 'm.json'), /"inputSize" must equal the number of channels \(twice with the differences\) times the stride/);
  const off = await train({ files: [tr], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1, sequenceNorm: false });
  assert.equal(off.model.sequenceNorm, undefined);
  const motion = await train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 });
  assert.equal(motion.model.sequenceNorm, undefined, 'recordings at one scale: auto leaves them as they are');
});

test('a checkpoint keeps the sequence normalization, and a resumed or --init run follows it', async () => {
  const dir = tempDir('ts-sequence-norm-ck-');
  const ck = join(dir, 'm.ckpt');
  const tr = 'datasets/motion/train.csv';
  await train({ files: [tr], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1, sequenceNorm: true, checkpoint: ck, out: join(dir, 'm.json') });
  const c = parseCheckpoint((await import('node:fs')).readFileSync(ck, 'utf8'), 'm.ckpt');
  assert.equal(c.model.sequenceNorm, true);
  assert.equal(parseCheckpoint(serializeCheckpoint(c), 'm.ckpt').model.sequenceNorm, true);
  await assert.rejects(
    train({ files: [tr], hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, resume: ck, sequenceNorm: false, out: join(dir, 'm.json') }),
    /m\.ckpt: --sequence-norm off, but the checkpoint has --sequence-norm on; leave out --sequence-norm \(it follows the checkpoint\)/,
  );
  await assert.rejects(
    train({ files: [tr], epochs: 1, select: 'off', threads: 1, init: loadModel(join(dir, 'm.json')), sequenceNorm: false }),
    /--sequence-norm off, but the --init model has --sequence-norm on/,
  );
  const ds = await loadDataSet([tr]);
  assert.equal(sequenceNormFor('auto', ds), false);
});

test('data normalized one sequence at a time already: levels and log scales that vary by rounding alone are taken as constant, so a copy rounded otherwise scores alike', async () => {
  const dir = tempDir('seqnorm-');
  const rng = createRng(5);
  const write = (name: string, decimals: number) => {
    const rows = Array.from({ length: 12 }, (_, k) => {
      const raw = Array.from({ length: 24 }, (_, t) => Math.sin(t / (2 + (k % 2))) + 0.3 * normal(rng));
      const mean = raw.reduce((a, b) => a + b) / raw.length;
      const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length);
      return [k % 2 ? 'a' : 'b', ...raw.map((v) => ((v - mean) / sd).toFixed(decimals))].join(',');
    });
    const path = join(dir, name);
    writeFileSync(path, ['label,' + Array.from({ length: 24 }, (_, t) => `t${t}`).join(','), ...rows].join('\n') + '\n');
    return path;
  };
  const { model } = await train({ files: [write('train.csv', 7)], hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, sequenceNorm: true, differences: false });
  const { mean, std } = model.normalization!;
  assert.deepEqual(std.slice(1), [Math.fround(Math.exp(mean[2])), 1], 'the level on the sequences\' scale, the log scale on 1: flat');
  const rounded = write('rounded.csv', 3);
  const warnings: string[] = [];
  await evaluate(model, { files: [rounded], onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, [], 'no values far from the training data\'s');
});
