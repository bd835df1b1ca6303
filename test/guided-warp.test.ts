import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandOf, dtwAlignment, guidedWarp } from '../src/model/guided-warp.js';
import { partnersOf, withGuidedWarps } from '../src/data/guided-warp.js';
import { createRng } from '../src/model/rng.js';
import { fit } from '../src/train/fit.js';
import { InterruptedError } from '../src/errors.js';
import { syntheticDataSet } from './helpers/synthetic.js';

const sq = (a: number[], i: number, b: number[], j: number, D: number) => {
  let d = 0;
  for (let e = 0; e < D; e++) d += (a[i * D + e] - b[j * D + e]) ** 2;
  return d;
};

/** DTW's cost by the textbook recursion in float64, cells farther than w from the diagonal left out. */
function dtwCost(a: number[], Ta: number, b: number[], Tb: number, D: number, w: number): number {
  const C = Array.from({ length: Ta }, () => new Float64Array(Tb).fill(Infinity));
  for (let i = 0; i < Ta; i++) {
    const c = Ta > 1 ? (i * (Tb - 1)) / (Ta - 1) : 0;
    for (let j = 0; j < Tb; j++) {
      if (Math.abs(j - c) > w) continue;
      const before = i === 0 && j === 0 ? 0 : Math.min(i > 0 && j > 0 ? C[i - 1][j - 1] : Infinity, i > 0 ? C[i - 1][j] : Infinity, j > 0 ? C[i][j - 1] : Infinity);
      C[i][j] = sq(a, i, b, j, D) + before;
    }
  }
  return C[Ta - 1][Tb - 1];
}

test('the DTW alignment is a path of least cost, from the first steps to the last, with and without a band', () => {
  const rng = createRng(3);
  for (let t = 0; t < 150; t++) {
    const Ta = 1 + Math.floor(rng.next() * 25), Tb = 1 + Math.floor(rng.next() * 25), D = 1 + Math.floor(rng.next() * 3);
    const a = Array.from({ length: Ta * D }, () => rng.next() * 2 - 1);
    const b = Array.from({ length: Tb * D }, () => rng.next() * 2 - 1);
    const r = t % 2 === 0 ? 1 : 0.1;
    const w = bandOf(Ta, Tb, r);
    const { first, last } = dtwAlignment(a, 0, Ta, b, 0, Tb, D, w);
    assert.equal(first[0], 0);
    assert.equal(last[Tb - 1], Ta - 1);
    let cost = 0;
    for (let j = 0; j < Tb; j++) {
      assert.ok(first[j] <= last[j], 'every step of b is aligned');
      if (j > 0) assert.ok(first[j] === last[j - 1] || first[j] === last[j - 1] + 1, 'the path is continuous and monotone');
      for (let i = first[j]; i <= last[j]; i++) cost += sq(a, i, b, j, D);
    }
    const best = dtwCost(a, Ta, b, Tb, D, w);
    assert.ok(Number.isFinite(best), 'the band leaves a path');
    assert.ok(Math.abs(cost - best) <= 1e-12 * Math.max(1, best), `${Ta}×${Tb}×${D}, band ${w}: ${cost} against ${best}`);
  }
});

test('guided warping replays a with b\'s timing, keeps a\'s length, and leaves a sequence warped to itself as it was', () => {
  // b dwells three steps on a's first value: the copy starts slowly, then catches up (resampled from 8 steps to 6).
  const a = [0, 1, 2, 3, 4, 5];
  const b = [0, 0, 0, 1, 2, 3, 4, 5];
  const out = new Float32Array(6);
  guidedWarp(out, 0, a, 0, 6, b, 0, 8, 1, 1);
  assert.deepEqual(Array.from(out), [0, 0, 0.800000011920929, 2.200000047683716, 3.5999999046325684, 5]);
  const x = Float32Array.from({ length: 40 * 3 }, (_, i) => Math.sin(i * 0.37));
  const self = new Float32Array(x.length);
  guidedWarp(self, 0, x, 0, 40, x, 0, 40, 3, 0.1);
  assert.deepEqual(self, x);
  const one = new Float32Array(2);
  guidedWarp(one, 0, [7, 8], 0, 1, b, 0, 8, 2, 1);
  assert.deepEqual(Array.from(one), [7, 8], 'a single step is copied');
});

test('partners are class mates among the training sequences, never the sequence itself or a held-out one', () => {
  const labels = Int32Array.from([0, 0, 1, 1, 0, 2, 1, 0]);
  const train = Int32Array.from([0, 1, 2, 4, 5, 6]); // 3 and 7 held out; 5 is alone in class 2
  const pairs = partnersOf(labels, train, 3, 9);
  assert.deepEqual(pairs.map((p) => p.n), [0, 0, 0, 1, 1, 1, 2, 2, 2, 4, 4, 4, 6, 6, 6]);
  for (const { n, partner } of pairs) {
    assert.notEqual(partner, n);
    assert.equal(labels[partner], labels[n]);
    assert.ok(train.includes(partner), `partner ${partner} is a training sequence`);
  }
  assert.deepEqual(partnersOf(labels, train, 3, 9), pairs, 'the same seed draws the same');
});

test('the warped data set keeps the sequences where they were and picks a copy with the share asked, the same on every call', () => {
  const ds = syntheticDataSet(30, 2, 3);
  const train = Int32Array.from({ length: 24 }, (_, i) => i);
  const w = withGuidedWarps(ds, train, { share: 0.6, partners: 2, band: 1, seed: 4 });
  for (let n = 0; n < 30; n++) {
    const [o, L] = [ds.offsets[n] * ds.D, ds.lengths[n] * ds.D];
    assert.deepEqual(w.ds.values.subarray(w.ds.offsets[n] * ds.D, w.ds.offsets[n] * ds.D + L), ds.values.subarray(o, o + L));
    assert.equal(w.ds.labels[n], ds.labels[n]);
  }
  assert.equal(w.ds.lengths.length, 30 + 2 * 24);
  let copies = 0;
  for (let epoch = 1; epoch <= 200; epoch++) {
    for (const n of train) {
      const m = w.pick(n, epoch);
      assert.equal(m, w.pick(n, epoch));
      if (m === n) continue;
      copies++;
      assert.ok(m >= 30, 'a copy is read');
      assert.equal(w.ds.labels[m], ds.labels[n]);
      assert.equal(w.ds.lengths[m], ds.lengths[n]);
      assert.match(w.ds.ids[m], new RegExp(`^${ds.ids[n]} \\(guided warp [12]\\)$`));
    }
    for (let n = 24; n < 30; n++) assert.equal(w.pick(n, epoch), n, 'a held-out sequence has no copies');
  }
  const share = copies / (200 * 24);
  assert.ok(Math.abs(share - 0.6) < 0.03, `share ${share}`);
  const never = withGuidedWarps(ds, train, { share: 0, partners: 2, band: 1, seed: 4 });
  assert.ok(train.every((n) => never.pick(n, 3) === n));
});

test('an abort while the copies are aligned (seconds on long signals) stops the fit at once, before any step', async () => {
  const ds = syntheticDataSet(300, 1, 2, 7, 3000, 3000); // 600 alignments of 3000 × 601 cells: seconds
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const t0 = performance.now();
  await assert.rejects(fit(ds, null, { hidden: 4, epochs: 1, threads: 1, guidedWarp: 0.5, signal: ac.signal }), (e) => e instanceof InterruptedError && e.step === 0);
  const ms = performance.now() - t0;
  assert.ok(ms < 1000, `stopped after ${ms.toFixed(0)} ms`);
});
