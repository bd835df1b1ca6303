// Resampling every sequence to one length (src/model/resample.ts, --resample): the definition on small
// cases, the auto rule, the model file carrying it, and a trained model applying it alike in train's test
// evaluation, evaluate, and predict.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resampleSequence } from '../src/model/resample.js';
import { autoResample } from '../src/train/defaults.js';
import { resampledSequences } from '../src/data/resample.js';
import { createRng } from '../src/model/rng.js';
import { type Prediction, evaluateFile, loadModel, parseModel, predict, serializeModel, train } from '../src/index.js';
import { randomModel } from './helpers/models.js';
import { tempDir } from './helpers/temp.js';
import { cliHere } from './helpers/cli-here.js';

test('sample j is the sequence at j·(T − 1)/(L − 1), linearly interpolated per channel', () => {
  const x = [0, 10, 2, 20, 4, 40]; // T = 3 samples of 2 channels
  const out = new Float32Array(5 * 2);
  resampleSequence(out, 0, x, 0, 3, 2, 5);
  assert.deepEqual(Array.from(out), [0, 10, 1, 15, 2, 20, 3, 30, 4, 40]);
  const down = new Float32Array(2 * 2);
  resampleSequence(down, 0, x, 0, 3, 2, 2);
  assert.deepEqual(Array.from(down), [0, 10, 4, 40]); // the first and last samples stay
  const one = new Float32Array(3);
  resampleSequence(one, 0, [7], 0, 1, 1, 3);
  assert.deepEqual(Array.from(one), [7, 7, 7]); // a single sample is repeated
  const odd = new Float32Array(3);
  resampleSequence(odd, 0, [0, 1], 0, 2, 1, 3);
  assert.deepEqual(Array.from(odd), [0, 0.5, 1]);
});

test('resampling to a sequence’s own length keeps every bit; offsets and lengths follow L', () => {
  const rng = createRng(5);
  const values = Float32Array.from({ length: 7 * 3 }, () => rng.next() * 2 - 1);
  const data = { D: 3, values, offsets: Float64Array.from([0, 4]), lengths: Int32Array.from([4, 3]), labels: Int32Array.from([1, 0]) };
  const same = resampledSequences({ ...data, offsets: Float64Array.from([0]), lengths: Int32Array.from([7]), labels: Int32Array.from([0]) }, 7);
  assert.deepEqual(new Uint32Array(same.values.buffer, 0, 21), new Uint32Array(values.buffer));
  const r = resampledSequences(data, 5);
  assert.deepEqual(Array.from(r.lengths), [5, 5]);
  assert.deepEqual(Array.from(r.offsets), [0, 5]);
  assert.deepEqual(Array.from(r.labels), [1, 0]);
  assert.ok(r.values.buffer instanceof SharedArrayBuffer); // the engine's threads read it
  assert.deepEqual(Array.from(r.values.subarray(15, 18)), Array.from(values.subarray(12, 15))); // sequence 1 starts at its own first sample
});

test('auto: the median length when the training lengths differ, else none', () => {
  assert.equal(autoResample(Int32Array.from([50, 50, 50])), 0);
  assert.equal(autoResample(Int32Array.from([40, 100, 60])), 60);
  assert.equal(autoResample(Int32Array.from([2, 2_000_000, 2_000_001])), 0, 'none past the longest length a model resamples to');
  assert.equal(autoResample(Int32Array.from([40, 100, 60, 61])), 61); // 60.5 rounded
  assert.equal(autoResample(Int32Array.from([1, 2, 1])), 2); // at least 2
  assert.equal(autoResample(new Int32Array(0)), 0);
});

test('the model file carries "resample" only when the model resamples, and checks it', () => {
  const m = { ...randomModel(createRng(2), 2, 3, 2, 'mean', true), resample: 40 };
  const text = serializeModel(m);
  assert.equal(parseModel(text, 'm.json').resample, 40);
  const plain = serializeModel(randomModel(createRng(2), 2, 3, 2, 'mean', true));
  assert.equal(JSON.parse(plain).resample, undefined);
  assert.equal(parseModel(plain, 'm.json').resample, undefined);
  const doc = JSON.parse(text);
  for (const bad of [1, 2.5, -3, '40', 2_000_000]) {
    assert.throws(() => parseModel(JSON.stringify({ ...doc, resample: bad }), 'm.json'), /m\.json:1: "resample" must be a whole number from 2 to 1000000/);
  }
});

// Two classes of one shape played at speeds from 0.4 to 1.6: lengths 20 … 80.
function raggedCsv(path: string, n: number, seed: number): void {
  const rng = createRng(seed);
  const rows: string[] = []; // no header: the label is the first cell
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const T = 20 + Math.floor(rng.next() * 61);
    const x = Array.from({ length: T }, (_, t) => (Math.sin((2 * Math.PI * t) / T) * (c ? 1 : -1) + 0.1 * (rng.next() - 0.5)).toFixed(4));
    rows.push(`${c ? 'up' : 'down'},${x.join(',')}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

test('train resamples ragged data to the median length; its test evaluation, evaluate and predict agree bit for bit', async () => {
  const dir = tempDir('ts-resample-');
  const tr = join(dir, 'train.csv');
  const te = join(dir, 'test.csv');
  raggedCsv(tr, 24, 1);
  raggedCsv(te, 10, 2);
  const out = join(dir, 'm.json');
  const r = await train({ files: [tr], test: [te], out, hidden: 4, epochs: 3, select: 'off', members: 1, threads: 1, seed: 3 });
  assert.ok(r.model.resample! >= 20 && r.model.resample! <= 80, String(r.model.resample));
  assert.equal((r.model.training.hyperparameters as { resample: number }).resample, r.model.resample);
  const m = loadModel(out);
  assert.equal(m.resample, r.model.resample);
  const e = await evaluateFile(m, te);
  assert.deepEqual(new Uint32Array(e.scores.probabilities.buffer), new Uint32Array(r.test[0].scores.probabilities.buffer));
  const got: Prediction[] = [];
  for await (const p of predict(m, { files: [te] })) got.push(p);
  got.forEach((p, n) => assert.deepEqual(Array.from(p.probabilities), Array.from(e.scores.probabilities.subarray(n * 2, n * 2 + 2))));
  const off = await train({ files: [tr], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1, resample: 0 });
  assert.equal(off.model.resample, undefined);
  const fixed = await train({ files: [tr], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1, resample: 33 });
  assert.equal(fixed.model.resample, 33);
});

test('equal lengths are not resampled; --resample takes auto, off or 2 … 1000000', () => {
  const dir = tempDir('ts-resample-cli-');
  const bad = cliHere(['train', 'datasets/cbf/train.csv', '--resample', '1', '--out', join(dir, 'm.json')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--resample must be auto, off or a whole number from 2 to 1000000 \(got 1\)/);
  const ok = cliHere(['train', 'datasets/cbf/train.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet', '--out', join(dir, 'm.json')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(loadModel(join(dir, 'm.json')).resample, undefined);
});

test('selection compares the ragged data resampled and as they are, and the model keeps the choice', async () => {
  const r = await train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 2, members: 1, threads: 2, batchSize: 16, noise: 0.1, warp: 0 });
  const t = r.model.training as { selection: { chosen: string; candidates: { name: string }[] }; hyperparameters: { resample: number } };
  const names = t.selection.candidates.map((c) => c.name);
  assert.equal(names.length, 4, 'two resamplings × two readouts');
  assert.ok(names[0].startsWith('resampled to ') && names[3].startsWith('lengths as they are, '), names.join('; '));
  const chosenResampled = t.selection.chosen.startsWith('resampled to ');
  assert.equal(r.model.resample !== undefined, chosenResampled);
  assert.equal(t.hyperparameters.resample, r.model.resample ?? 0);
  const fixed = await train({ files: ['datasets/motion/train.csv'], hidden: 4, epochs: 2, members: 1, threads: 2, noise: 0.1, warp: 0, resample: 50 });
  const fixedNames = (fixed.model.training as { selection: { candidates: { name: string }[] } }).selection.candidates.map((c) => c.name);
  assert.deepEqual(fixedNames, ['noise 0.1, readout last', 'noise 0.1, readout mean'], '--resample given: not compared');
  assert.equal(fixed.model.resample, 50);
});
