// --class-weights balanced: the weights (n / (C · n_c)), and the weighted batch loss Σ w·loss / Σ w (PyTorch's
// CrossEntropyLoss(weight=w)) whose gradient the kernels compute, checked against float64 central differences of
// that loss for every parameter element, both readouts, full and truncated BPTT; then the coordinator's
// normalization by Σ w through a real engine.
//
// Legend: N sequences, T steps, D channels, H hidden, C classes, k BPTT horizon (0 = full).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { chunkGradient } from '../src/model/batch.js';
import { initParameters } from '../src/model/init.js';
import { type Shape, layoutOf, viewsOf } from '../src/model/layout.js';
import { type Readout, createWorkspace, windowLength } from '../src/model/rnn.js';
import { createRng, normal } from '../src/model/rng.js';
import { classWeightsOf } from '../src/train/class-weights.js';
import { createEngine } from '../src/engine/engine.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../src/data/shared.js';
import { describeIndex, makeBatch, maxRelError, refSequenceLoss } from './helpers/gradcheck.js';

const shape: Shape = { D: 2, H: 4, C: 3 };
const lengths = [2, 5, 9, 4, 7, 3];

function params(seed: number): Float64Array {
  const rng = createRng(seed);
  const flat = new Float64Array(layoutOf(shape).size);
  initParameters(flat, shape, rng);
  for (let i = 0; i < flat.length; i++) flat[i] += 0.1 * normal(rng);
  return flat;
}

describe('class weights', () => {
  it('balanced: n / (C · n_c) from the training indices only', () => {
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 2]);
    const w = classWeightsOf('balanced', labels, Int32Array.from([0, 1, 2, 3, 4, 5]), 3)!;
    // training labels: four of class 0, two of class 1, none of class 2 → C counts the present classes (2)
    assert.deepEqual([...w], [6 / (2 * 4), 6 / (2 * 2), 0]);
    const all = classWeightsOf('balanced', labels, Int32Array.from(labels.keys()), 3)!;
    assert.deepEqual([...all], [9 / (3 * 4), 9 / (3 * 2), 9 / (3 * 3)]);
    assert.equal(classWeightsOf('none', labels, Int32Array.from([0]), 3), null);
  });

  const theta = params(3);
  const b = makeBatch(createRng(4), shape, lengths);
  const data = {
    D: shape.D, values: b.x, offsets: Float64Array.from(b.offsets, (o) => o / shape.D),
    lengths: Int32Array.from(b.lengths), labels: Int32Array.from(b.labels),
  };
  const weight = Float64Array.from([0.5, 2, 1.25]);
  const order = Int32Array.from(lengths.keys());

  /** Σ w_n loss_n / Σ w_n with the reference forward (truncation constants from `base`). */
  function weightedLoss(flat: Float64Array, base: Float64Array, readout: Readout, k: number): number {
    const P = viewsOf(flat, shape);
    const Pc = viewsOf(base, shape);
    let s = 0;
    let ws = 0;
    for (let n = 0; n < lengths.length; n++) {
      const w = weight[b.labels[n]];
      s += w * refSequenceLoss(P, Pc, shape, readout, k, b.x, b.offsets[n], b.lengths[n], b.labels[n]);
      ws += w;
    }
    return s / ws;
  }

  for (const readout of ['last', 'mean'] as Readout[]) {
    for (const k of [0, 3]) {
      it(`gradient of the weighted batch loss, readout ${readout}, k = ${k}`, () => {
        const G = new Float64Array(theta.length);
        const cap = Math.max(...lengths.map((T) => windowLength(T, k)));
        const ws = createWorkspace((n) => new Float64Array(n), shape, cap);
        const st = chunkGradient(G, theta, shape, readout, k, data, order, 0, lengths.length, weight, ws);
        const W = b.labels.reduce((a, l) => a + weight[l], 0);
        assert.ok(Math.abs(st.weight - W) < 1e-12);
        for (let i = 0; i < G.length; i++) G[i] /= st.weight; // as the coordinator does
        const loss = st.loss / st.weight;
        const ref = weightedLoss(theta, theta, readout, k);
        assert.ok(Math.abs(loss - ref) < 1e-12 * Math.abs(ref), `loss ${loss} vs ${ref}`);
        const num = new Float64Array(theta.length);
        const t = Float64Array.from(theta);
        const delta = 1e-5;
        for (let i = 0; i < t.length; i++) {
          t[i] = theta[i] + delta;
          const up = weightedLoss(t, theta, readout, k);
          t[i] = theta[i] - delta;
          const down = weightedLoss(t, theta, readout, k);
          t[i] = theta[i];
          num[i] = (up - down) / (2 * delta);
        }
        const { err, at } = maxRelError(G, num, 1e-4);
        assert.ok(err < 1e-6, `relative error ${err.toExponential(2)} at ${describeIndex(shape, at)}: ${G[at]} vs ${num[at]}`);
      });
    }
  }

  it('the engine (fast kernel, 2 threads) divides the weighted sum by Σ w', async () => {
    const N = lengths.length;
    const values = sharedFloat32(b.x.length);
    values.set(b.x);
    const offsets = sharedFloat64(N);
    offsets.set(data.offsets);
    const lens = sharedInt32(N);
    lens.set(data.lengths);
    const labels = sharedInt32(N);
    labels.set(data.labels);
    const p32 = sharedFloat32(theta.length);
    p32.set(theta);
    const engine = createEngine({
      shape, readout: 'mean', k: 0, threads: 2, chunkSize: 2, maxBatch: N, params: p32,
      data: { D: shape.D, values, offsets, lengths: lens, labels }, capacity: Math.max(...lengths), classWeight: weight,
    });
    try {
      engine.setOrder(order);
      const r = await engine.gradient(0, N);
      const grad = engine.grad;
      const ref = weightedLoss(Float64Array.from(p32), Float64Array.from(p32), 'mean', 0);
      assert.ok(Math.abs(r.loss - ref) < 1e-5 * ref, `engine loss ${r.loss} vs ${ref}`);
      const G = new Float64Array(theta.length);
      const ws = createWorkspace((n) => new Float64Array(n), shape, Math.max(...lengths));
      const st = chunkGradient(G, Float64Array.from(p32), shape, 'mean', 0, { ...data, values: Float64Array.from(values) }, order, 0, N, weight, ws);
      for (let i = 0; i < G.length; i++) G[i] /= st.weight;
      const { err, at } = maxRelError(grad, G, 1e-3);
      assert.ok(err < 1e-4, `engine vs reference ${err.toExponential(2)} at ${describeIndex(shape, at)}`);
    } finally {
      await engine.close();
    }
  });
});
