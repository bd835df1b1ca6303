import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addInputNoise, noiseSeed } from '../src/train/augment.js';
import { syntheticDataSet } from './helpers/synthetic.js';

test('input noise depends only on (seed, epoch, sequence): the same whatever the order of the sequences', () => {
  const ds = syntheticDataSet(12, 3, 2);
  const clean = Float32Array.from(ds.values);
  const a = new Float32Array(clean.length);
  const b = new Float32Array(clean.length);
  addInputNoise(a, clean, ds.D, ds.offsets, ds.lengths, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 0.2, 1, 3);
  addInputNoise(b, clean, ds.D, ds.offsets, ds.lengths, Int32Array.from([11, 4, 7, 0, 2, 9, 1, 3, 5, 8, 6, 10]), 0.2, 1, 3);
  assert.deepEqual(a, b);
  const c = new Float32Array(clean.length);
  addInputNoise(c, clean, ds.D, ds.offsets, ds.lengths, Int32Array.from(ds.labels.keys()), 0.2, 1, 4);
  assert.notDeepEqual(c, a); // another epoch, other noise
  assert.notEqual(noiseSeed(1, 3, 5), noiseSeed(2, 3, 5));
  assert.notEqual(noiseSeed(1, 3, 5), noiseSeed(1, 5, 3));
});

test('input noise touches only the given sequences and has standard deviation σ', () => {
  const ds = syntheticDataSet(200, 2, 2, 7, 40, 60);
  const clean = Float32Array.from(ds.values);
  const out = Float32Array.from(clean);
  const some = Int32Array.from({ length: 100 }, (_, i) => 2 * i); // the even sequences
  addInputNoise(out, clean, ds.D, ds.offsets, ds.lengths, some, 0.3, 9, 1);
  let s = 0, s2 = 0, k = 0;
  for (let n = 0; n < 200; n++) {
    for (let i = ds.offsets[n] * ds.D; i < (ds.offsets[n] + ds.lengths[n]) * ds.D; i++) {
      const e = out[i] - clean[i];
      if (n % 2 === 1) assert.equal(e, 0);
      else { s += e; s2 += e * e; k++; }
    }
  }
  const mean = s / k;
  const sd = Math.sqrt(s2 / k - mean * mean);
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.3) < 0.01, `sd ${sd}`);
});
