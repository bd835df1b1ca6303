// A data set is its sequences, wherever a program keeps their values: a subset by index over all the values,
// sequences stored apart with padding between them, or windows that overlap train, give statistics and warnings,
// and are read by a model, as a file of those sequences alone loads. (The normalization averaged over every
// value, the left-out sequences' included, and added channels computed zeros for the padding.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelStatistics, dataWarnings, farOutValues, loadDataSet, modelInputs, train } from '../src/index.js';
import type { DataSet } from '../src/data/dataset.js';
import { isPacked, packed } from '../src/data/packed.js';
import { tempDir } from './helpers/temp.js';
import { ROOT } from './helpers/cli.js';

const dir = tempDir('ts-packed-');
const TINY = { hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1, seed: 3 } as const;
const keep = (n: number) => n % 3 !== 1; // two sequences of every three

/** The data set of sequences n where keep(n), as a program takes a subset: index arrays over all of ds's values. */
function subset(ds: DataSet): DataSet {
  const kept = [...ds.labels.keys()].filter(keep);
  const pick = <A extends Float64Array | Int32Array>(a: A) => (a.constructor as unknown as { from(xs: number[]): A }).from(kept.map((n) => a[n]));
  return { ...ds, offsets: pick(ds.offsets), lengths: pick(ds.lengths), labels: pick(ds.labels), ids: kept.map((n) => ds.ids[n]), sources: kept.map((n) => ds.sources[n]) };
}

/** ds's sequences stored in reverse order, `gap` steps of `fill` between them and after the last. */
function apart(ds: DataSet, gap: number, fill: number): DataSet {
  const { D } = ds;
  const N = ds.lengths.length;
  const total = [...ds.lengths].reduce((a, b) => a + b + gap, 0);
  const values = new Float32Array(total * D).fill(fill);
  const offsets = new Float64Array(N);
  let at = 0;
  for (let n = N - 1; n >= 0; n--) {
    offsets[n] = at;
    values.set(ds.values.subarray(ds.offsets[n] * D, (ds.offsets[n] + ds.lengths[n]) * D), at * D);
    at += ds.lengths[n] + gap;
  }
  return { ...ds, values, offsets };
}

test('a subset by index, sequences stored apart with padding, and overlapping windows train and read as the file of those sequences', async () => {
  const lines = readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').trim().split('\n').slice(0, 61);
  const allFile = join(dir, 'all.csv');
  const keptFile = join(dir, 'kept.csv');
  writeFileSync(allFile, lines.join('\n') + '\n');
  writeFileSync(keptFile, [lines[0], ...lines.slice(1).filter((_, n) => keep(n))].join('\n') + '\n');
  const all = await loadDataSet([allFile]);
  const file = await loadDataSet([keptFile]);
  assert.ok(isPacked(file) && isPacked(all));
  const fromFile = await train({ data: file, ...TINY });
  for (const [name, ds] of [['a subset by index', subset(all)], ['stored apart, NaN between', apart(file, 3, NaN)], ['stored apart, zeros between', apart(file, 1, 0)]] as const) {
    assert.equal(isPacked(ds), false, name);
    assert.deepEqual(channelStatistics(ds), channelStatistics(file), name);
    assert.deepEqual(farOutValues(ds), farOutValues(file), name);
    assert.deepEqual(dataWarnings(ds), dataWarnings(file), name);
    const r = await train({ data: ds, ...TINY });
    assert.deepEqual(r.model.normalization, fromFile.model.normalization, name);
    assert.deepEqual(Buffer.from(r.model.parameters.buffer, r.model.parameters.byteOffset, r.model.parameters.byteLength),
      Buffer.from(fromFile.model.parameters.buffer, fromFile.model.parameters.byteOffset, fromFile.model.parameters.byteLength), name);
    // as the model reads it: each sequence's inputs as the file's
    const a = modelInputs(fromFile.model, ds);
    const b = modelInputs(fromFile.model, file);
    for (let n = 0; n < b.lengths.length; n++) {
      const seq = (x: DataSet) => Array.from(x.values.subarray(x.offsets[n] * x.D, (x.offsets[n] + x.lengths[n]) * x.D));
      assert.deepEqual(seq(a), seq(b), `${name}: sequence ${n}`);
    }
  }
  // Windows over one recording that overlap: each window is a sequence of its own, as its rows written out are.
  const T = 16;
  const rec = all.values.subarray(0, 128); // the first sequence, one channel
  const windows: DataSet = { ...all, values: Float32Array.from(rec), offsets: Float64Array.from([0, 8, 16, 24]), lengths: Int32Array.from([T, T, T, T]), labels: Int32Array.from([0, 1, 0, 1]), ids: ['w0', 'w1', 'w2', 'w3'], sources: [] };
  const written = packed(windows);
  assert.equal(written.values.length, 4 * T);
  assert.deepEqual(Array.from(written.values.subarray(T, 2 * T)), Array.from(rec.subarray(8, 8 + T)));
  assert.deepEqual(channelStatistics(windows), channelStatistics(written));
  assert.equal(packed(file), file, 'a packed set is not copied');
});
