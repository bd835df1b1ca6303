// Mixup (model/mixup.ts): the blend a chunk's copy holds, the Beta draws behind it, and the gradient of the
// mixed loss against float64 finite differences, for both cells and directions.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { type Sequences, chunkGradient } from '../src/model/batch.js';
import { initParameters } from '../src/model/init.js';
import { type Shape, layoutOf, viewsOf } from '../src/model/layout.js';
import { mixShare } from '../src/model/mixup.js';
import { chunkScratch, noisyChunk } from '../src/model/noise.js';
import { beta, createRng, gamma, normal } from '../src/model/rng.js';
import { backward, createWorkspace, forward } from '../src/model/rnn.js';
import { fit, type FitOptions } from '../src/train/fit.js';
import { dataOf } from './helpers/kernel-case.js';
import { syntheticDataSet } from './helpers/synthetic.js';

test('Gamma and Beta draws have their distributions\' mean and variance', () => {
  const rng = createRng(3);
  const n = 40_000;
  for (const a of [0.2, 1, 2.5]) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = gamma(rng, a);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    assert.ok(Math.abs(mean - a) < 0.05 * Math.max(a, 1), `Gamma(${a}) mean ${mean}`);
    assert.ok(Math.abs(s2 / n - mean * mean - a) < 0.1 * Math.max(a, 1), `Gamma(${a}) variance`);
  }
  for (const a of [0.2, 0.4, 2]) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = beta(rng, a, a);
      assert.ok(x >= 0 && x <= 1);
      s += x;
      s2 += x * x;
    }
    const v = s2 / n - (s / n) ** 2;
    assert.ok(Math.abs(s / n - 0.5) < 0.01, `Beta(${a}, ${a}) mean`);
    assert.ok(Math.abs(v - 1 / (4 * (2 * a + 1))) < 0.01, `Beta(${a}, ${a}) variance ${v}`);
  }
  const tiny = Array.from({ length: 200 }, () => beta(rng, 1e-300, 1e-300));
  assert.ok(tiny.every((x) => x === 0 || x === 1) && tiny.includes(0) && tiny.includes(1), 'a vanishing α: all at 0 and 1, never NaN');
});

test('a mixed chunk holds λ of each sequence and 1 − λ of the next (the last with the first), λ ≥ ½ from (seed, epoch, sequence)', () => {
  const rng = createRng(5);
  const D = 2;
  const data = dataOf(rng, D, 4, [6, 6, 9, 6, 6]);
  const order = [4, 0, 1, 2, 3];
  const noise = { sigma: 0, seed: 8, mixup: 0.4 };
  const chunk = noisyChunk(chunkScratch(), data, order, 1, 5, noise, 3); // sequences 0, 1, 2, 3
  const ids = [0, 1, 2, 3];
  const mixed = chunk.data.mixed!;
  const x = (n: number, t: number, d: number) => data.values[(data.offsets[n] + t) * D + d];
  let blended = 0;
  for (let i = 0; i < 4; i++) {
    const partner = ids[(i + 1) % 4];
    assert.equal(mixed.labels[i], data.labels[partner], 'the partner\'s label');
    const T = data.lengths[ids[i]];
    if (T !== data.lengths[partner]) {
      assert.equal(mixed.shares[i], 1, 'a partner of another length: not mixed');
      for (let j = 0; j < T * D; j++) assert.equal(chunk.data.values[chunk.data.offsets[i] * D + j], data.values[data.offsets[ids[i]] * D + j]);
      continue;
    }
    const lambda = mixShare(0.4, 8, 3, ids[i]);
    assert.equal(mixed.shares[i], lambda);
    assert.ok(lambda >= 0.5 && lambda <= 1);
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        const want = Math.fround(lambda * x(ids[i], t, d) + (1 - lambda) * x(partner, t, d));
        assert.equal(chunk.data.values[(chunk.data.offsets[i] + t) * D + d], want);
      }
    }
    blended++;
  }
  assert.equal(blended, 2, 'sequences 0 and 3 have partners of their length; 1 and 2 do not');
  assert.notEqual(mixShare(0.4, 8, 3, 0), mixShare(0.4, 8, 4, 0), 'another epoch, another λ');
  assert.notEqual(mixShare(0.4, 8, 3, 0), mixShare(0.4, 9, 3, 0), 'another seed, another λ');
  const alone = noisyChunk(chunkScratch(), data, order, 1, 2, noise, 3);
  assert.equal(alone.data.mixed!.shares[0], 1, 'a chunk of one sequence: nothing to mix with');
  assert.equal(noisyChunk(chunkScratch(), data, order, 1, 5, { sigma: 0, seed: 8 }, 3).data.mixed, undefined, 'no mixup, no targets');
});

// loss = Σ_n w(a_n) λ_n (−log p[a_n]) + w(b_n) (1 − λ_n) (−log p[b_n]), every parameter's derivative by central
// differences with full BPTT; truncated, the sum of the two labels' backward passes.
for (const shape of [
  { D: 2, H: 4, C: 3 },
  { D: 2, H: 3, C: 3, cell: 'gru', directions: 2 },
] as Shape[]) {
  test(`the mixed loss's gradient matches float64 finite differences (${shape.cell ?? 'rnn'}, ${shape.directions ?? 1} direction(s), k < T and full)`, () => {
    const rng = createRng(12);
    const P = layoutOf(shape).size;
    const theta = new Float64Array(P);
    initParameters(theta, shape, rng);
    for (let i = 0; i < P; i++) theta[i] += 0.1 * normal(rng);
    const raw = dataOf(rng, shape.D, shape.C, [7, 5, 7]);
    const data: Sequences = {
      ...raw, values: Float64Array.from(raw.values),
      mixed: { labels: Int32Array.of(2, 0, 2), shares: Float64Array.of(0.7, 1, 0.55) },
    };
    const labels = Int32Array.of(0, 1, 1);
    data.labels.set(labels);
    const classWeight = Float64Array.of(1, 1.5, 0.5);
    const order = Int32Array.of(0, 1, 2);
    for (const k of [0, 3]) {
      for (const readout of ['last', 'mean'] as const) {
        const ws = createWorkspace((n) => new Float64Array(n), shape, 7);
        const G = new Float64Array(P);
        const stats = chunkGradient(G, theta, shape, readout, k, data, order, 0, 3, classWeight, ws);
        const loss = (th: Float64Array) => {
          const V = viewsOf(th, shape);
          let l = 0;
          for (let n = 0; n < 3; n++) {
            const xo = data.offsets[n] * shape.D;
            const a = data.labels[n];
            const b = data.mixed!.labels[n];
            const share = data.mixed!.shares[n];
            l -= classWeight[a] * share * forward(ws, V, shape, readout, k, data.values, xo, data.lengths[n], a);
            if (share < 1) l -= classWeight[b] * (1 - share) * forward(ws, V, shape, readout, k, data.values, xo, data.lengths[n], b);
          }
          return l;
        };
        assert.ok(Math.abs(stats.loss - loss(theta)) < 1e-12, `loss ${stats.loss} vs ${loss(theta)}`);
        assert.ok(Math.abs(stats.weight - (0.7 * 1 + 0.3 * 0.5 + 1.5 + 0.55 * 1.5 + 0.45 * 0.5)) < 1e-12, 'weights: λ·w(a) + (1 − λ)·w(b)');
        if (k > 0) {
          // Truncated: the same two backward passes as unmixed sequences, weighted λ·w(a) and (1 − λ)·w(b).
          const want = new Float64Array(P);
          const V = viewsOf(theta, shape);
          const Gv = viewsOf(want, shape);
          for (let n = 0; n < 3; n++) {
            const xo = data.offsets[n] * shape.D;
            const share = data.mixed!.shares[n];
            for (const [label, w] of [[data.labels[n], share], [data.mixed!.labels[n], 1 - share]]) {
              if (w === 0) continue;
              forward(ws, V, shape, readout, k, data.values, xo, data.lengths[n], label);
              backward(Gv, ws, V, shape, readout, k, data.values, xo, data.lengths[n], label, w * classWeight[label]);
            }
          }
          for (let i = 0; i < P; i++) assert.ok(Math.abs(G[i] - want[i]) < 1e-12, `k ${k}, ${readout}: element ${i}`);
          continue;
        }
        const eps = 1e-6;
        let worst = 0;
        for (let i = 0; i < P; i++) {
          const t = theta[i];
          theta[i] = t + eps;
          const up = loss(theta);
          theta[i] = t - eps;
          const down = loss(theta);
          theta[i] = t;
          worst = Math.max(worst, Math.abs((up - down) / (2 * eps) - G[i]));
        }
        assert.ok(worst < 1e-7, `k ${k}, ${readout}: largest gradient error ${worst}`);
      }
    }
  });
}

test('mixup changes training, and any thread count gives the same bits (equal lengths, so every pair mixes)', async () => {
  const o: FitOptions = {
    hidden: 6, readout: 'mean', epochs: 2, batchSize: 10, lr: 3e-3, seed: 4, valSplit: 0, chunkSize: 4, noise: 0.1, warp: 0.1, cell: 'gru', stride: 2, bidirectional: true,
  };
  const params = async (extra: Partial<FitOptions>) => {
    const r = await fit(syntheticDataSet(24, 2, 3, 7, 12, 12), null, { ...o, ...extra });
    return new Uint32Array(r.model.parameters.buffer.slice(0));
  };
  const runs = [await params({ mixup: 0.4, threads: 1 }), await params({ mixup: 0.4, threads: 2 }), await params({ mixup: 0.4, threads: 3 })];
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
  assert.notDeepEqual(await params({ threads: 1 }), runs[0], 'without mixup, other weights');
  assert.notDeepEqual(await params({ mixup: 1, threads: 1 }), runs[0], 'another α, other weights');
});
