// Tests of the bundled data set generators (datasets/): determinism for a seed, class balance, the shapes the
// definitions promise, and that the committed CSVs are exactly what `npm run datasets` writes and load cleanly.

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CBF_CLASSES, CBF_LENGTH, cbf, cbfSequence, fmt } from '../datasets/cbf.js';
import { bundledFiles, datasetsDir, writeBundled } from '../datasets/generate.js';
import { MOTION_CLASSES, longCsv, motion } from '../datasets/long.js';
import { loadDataSet } from '../src/data/csv.js';
import { createRng } from '../src/model/rng.js';
import { tempDir } from './helpers/temp.js';

function countBy(labels: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

test('cbf: the same seed gives the same sequences, another seed others', () => {
  assert.deepEqual(cbf(createRng(7), 30), cbf(createRng(7), 30));
  assert.notDeepEqual(cbf(createRng(7), 30), cbf(createRng(8), 30));
});

test('cbf: balanced classes, length 128, shuffled', () => {
  const seqs = cbf(createRng(1), 300);
  assert.deepEqual(countBy(seqs.map((s) => s.label)), new Map(CBF_CLASSES.map((c) => [c, 100])));
  assert.ok(seqs.every((s) => s.values.length === CBF_LENGTH));
  const inTurn = seqs.every((s, i) => s.label === CBF_CLASSES[i % 3]);
  assert.ok(!inTurn, 'not shuffled');
});

test('cbf: shapes follow the definition on average', () => {
  const rng = createRng(3);
  const mean = (label: (typeof CBF_CLASSES)[number], from: number, to: number): number => {
    let sum = 0;
    let n = 0;
    for (let k = 0; k < 400; k++) {
      const v = cbfSequence(rng, label);
      for (let t = from; t < to; t++, n++) sum += v[t - 1]; // v[t − 1] is time t
    }
    return sum / n;
  };
  assert.ok(Math.abs(mean('cylinder', 1, 16)) < 0.1); // before a: noise only
  assert.ok(Math.abs(mean('cylinder', 32, 64) - 6) < 0.15); // a ≤ 32, b ≥ 64: always on the plateau
  assert.ok(mean('funnel', 32, 40) > mean('bell', 32, 40) + 2); // the funnel starts high, the bell low
});

test('fmt: at most 4 decimals, no trailing zeros, no negative zero', () => {
  assert.deepEqual([1.23, 10, -0.00001, 0.5, -2.123456, 100.00004].map(fmt), ['1.23', '10', '0', '0.5', '-2.1235', '100']);
});

test('motion: deterministic, balanced, lengths 40–80, three channels', () => {
  assert.deepEqual(motion(createRng(5), 12), motion(createRng(5), 12));
  assert.notDeepEqual(motion(createRng(5), 12), motion(createRng(6), 12));
  const seqs = motion(createRng(3), 60);
  assert.deepEqual(countBy(seqs.map((s) => s.label)), new Map(MOTION_CLASSES.map((c) => [c, 20])));
  for (const s of seqs) {
    assert.ok(s.values.length >= 40 && s.values.length <= 80, `length ${s.values.length}`);
    assert.ok(s.values.every((step) => step.length === 3));
  }
});

test('motion: the long CSV interleaves sequences and loads back exactly', async () => {
  const seqs = motion(createRng(9), 6);
  const text = longCsv(seqs);
  const ids = text.split('\n').slice(1, -1).map((row) => row.split(',')[0]);
  const firstRuns = ids.filter((id, i) => i === 0 || id !== ids[i - 1]).length;
  assert.ok(firstRuns > 6, 'rows of a sequence are not contiguous');

  const file = join(tempDir('datasets-test-'), 'six.csv');
  await writeFile(file, text);
  const ds = await loadDataSet([file]);
  assert.deepEqual(ds.channels, ['ax', 'ay', 'az']);
  assert.deepEqual(Array.from(ds.lengths), seqs.map((s) => s.values.length));
  for (let n = 0; n < seqs.length; n++) {
    assert.equal(ds.classes[ds.labels[n]], seqs[n].label);
    const want = seqs[n].values.flat().map((x) => Math.fround(Number(fmt(x))));
    const at = ds.offsets[n] * 3;
    assert.deepEqual(Array.from(ds.values.subarray(at, at + want.length)), want);
  }
});

test('writeBundled writes the four files under the directory given', async () => {
  const dir = tempDir('datasets-test-');
  const written = await writeBundled(dir);
  const rels = ['cbf/train.csv', 'cbf/test.csv', 'motion/train.csv', 'motion/test.csv'];
  assert.deepEqual(written, rels.map((rel) => join(dir, rel)));
  assert.equal(await readFile(written[2], 'utf8'), bundledFiles().get('motion/train.csv'));
});

test('the committed CSVs are what the generator writes', async () => {
  for (const [rel, text] of bundledFiles()) {
    const committed = await readFile(join(datasetsDir(), rel), 'utf8');
    assert.ok(committed === text, `datasets/${rel} is stale; run npm run datasets`);
  }
});

test('the bundled CSVs load: CBF 300 × 128 in 3 classes, motion 60 × 3 channels', async () => {
  const dir = datasetsDir();
  for (const part of ['train', 'test']) {
    const c = await loadDataSet([join(dir, 'cbf', `${part}.csv`)]);
    assert.equal(c.lengths.length, 300);
    assert.ok(c.lengths.every((T) => T === 128));
    assert.deepEqual(c.classes, ['bell', 'cylinder', 'funnel']);
    assert.deepEqual(countBy(Array.from(c.labels, (l) => c.classes[l])), new Map(c.classes.map((k) => [k, 100])));

    const m = await loadDataSet([join(dir, 'motion', `${part}.csv`)]);
    assert.equal(m.lengths.length, 60);
    assert.equal(m.D, 3);
    assert.deepEqual(m.classes, ['jump', 'run', 'walk']);
    assert.ok(m.lengths.every((T) => T >= 40 && T <= 80));
  }
});
