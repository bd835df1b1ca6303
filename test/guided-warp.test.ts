import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_ALIGNMENT_CELLS, alignmentOf, bandOf, coarseningOf, dtwAlignment, guidedWarp,
} from '../src/model/guided-warp.js';
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
    assertPath(first, last, Ta, Tb);
    let cost = 0;
    for (let j = 0; j < Tb; j++) for (let i = first[j]; i <= last[j]; i++) cost += sq(a, i, b, j, D);
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

/** Checks first/last are a path from the first steps to the last that aligns every step of a and of b. */
function assertPath(first: Int32Array, last: Int32Array, Ta: number, Tb: number): void {
  assert.equal(first[0], 0);
  assert.equal(last[Tb - 1], Ta - 1);
  for (let j = 0; j < Tb; j++) {
    assert.ok(first[j] <= last[j], 'every step of b is aligned');
    if (j > 0) assert.ok(first[j] === last[j - 1] || first[j] === last[j - 1] + 1, 'the path is continuous and monotone');
  }
}

test('alignments within the cell budget are exact DTW; a long pair is aligned coarsened, near the warp that made it', () => {
  const rng = createRng(8);
  const short = Float32Array.from({ length: 900 * 2 }, () => rng.next());
  const other = Float32Array.from({ length: 700 * 2 }, () => rng.next());
  assert.equal(coarseningOf(900, 700, 0.1), 1, 'the visible sets\' lengths align exactly');
  assert.deepEqual(alignmentOf(short, 0, 900, other, 0, 700, 2, 0.1), dtwAlignment(short, 0, 900, other, 0, 700, 2, bandOf(900, 700, 0.1)));
  // b is a read at a smoothly varying speed: step j of b is a at ψ(j).
  const Ta = 24_000, Tb = 30_000, D = 2;
  const at = (t: number, e: number) => e === 0 ? Math.sin(t * 0.004) + 0.5 * Math.sin(t * 0.0131 + 1) : Math.cos(t * 0.0023) * Math.sin(t * 0.007);
  const psi = (j: number) => (Ta - 1) * (j / (Tb - 1) + 0.08 * Math.sin((2 * Math.PI * j) / (Tb - 1)));
  const a = Float32Array.from({ length: Ta * D }, (_, k) => at(Math.floor(k / D), k % D));
  const b = Float32Array.from({ length: Tb * D }, (_, k) => at(psi(Math.floor(k / D)), k % D));
  const f = coarseningOf(Ta, Tb, 0.1);
  assert.ok(f >= 2, `coarsened by ${f}`);
  const ta = Math.ceil(Ta / f), tb = Math.ceil(Tb / f);
  assert.ok(ta * (2 * bandOf(ta, tb, 0.1) + 2) <= MAX_ALIGNMENT_CELLS, 'the coarse band fits the budget');
  const { first, last } = alignmentOf(a, 0, Ta, b, 0, Tb, D, 0.1);
  assertPath(first, last, Ta, Tb);
  let worst = 0;
  for (let j = 0; j < Tb; j++) worst = Math.max(worst, Math.abs(last[j] - psi(j)));
  assert.ok(worst <= f, `the path strays ${worst} steps from the true warp (coarsening ${f})`);
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
