// Gradient checks of the numeric core (src/model/rnn.ts): every parameter element against float64 central
// finite differences of the batch loss, for both readouts, full and truncated BPTT; truncation checked against
// an independent reference that holds the pre-window part constant (PyTorch's detach). Plus: k ≥ T is
// bit-identical to k = 0, float32 agrees with float64, a closed-form all-zero case, and one step's backward
// against the chain rule written out by hand. The PyTorch comparison lives in reference.test.ts.
//
// Legend: N sequences, T steps, D channels, H hidden, C classes, k BPTT horizon (0 = full).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { initParameters } from '../src/model/init.js';
import { type Shape, layoutOf, viewsOf } from '../src/model/layout.js';
import { type Readout, backward, createWorkspace, forward, readoutSoftmax } from '../src/model/rnn.js';
import { createRng, normal } from '../src/model/rng.js';
import { framedChunk } from '../src/model/frames.js';
import { chunkScratch } from '../src/model/noise.js';
import {
  type Batch, describeIndex, kernelLossAndGrad, makeBatch, maxRelError, numericGrad, refBatchLoss, refStep,
} from './helpers/gradcheck.js';

const shape: Shape = { D: 3, H: 5, C: 4 };
const lengths = [1, 3, 7, 12];
const READOUTS: Readout[] = ['last', 'mean', 'max'];
const f64 = (n: number) => new Float64Array(n);
const f32 = (n: number) => new Float32Array(n);

/** Realistic initial weights plus small random biases, so every parameter has a non-trivial gradient. */
function realisticParams(seed: number, s: Shape = shape): Float64Array {
  const rng = createRng(seed);
  const flat = new Float64Array(layoutOf(s).size);
  initParameters(flat, s, rng);
  const P = viewsOf(flat, s);
  for (const b of [P.b_h, P.b_hn, P.b_h_r, P.b_hn_r, P.b_y]) for (let i = 0; i < b.length; i++) b[i] = 0.3 * normal(rng);
  return flat;
}

const theta = realisticParams(1);
const batch: Batch = makeBatch(createRng(2), shape, lengths);

describe('rnn kernel: gradient check against float64 central differences', () => {
  // k = 0 and 12 (= max T) are full BPTT; k = 1 and 4 truncate the longer sequences and not the shorter ones.
  for (const readout of READOUTS) {
    for (const k of [0, 1, 4, 12]) {
      it(`readout ${readout}, k = ${k}`, () => {
        const { loss, grad } = kernelLossAndGrad(theta, batch.x, f64, shape, readout, k, batch);
        const ref = refBatchLoss(theta, theta, shape, readout, k, batch);
        assert.ok(Math.abs(loss - ref) <= 1e-13 * Math.abs(ref), `forward loss ${loss} vs reference ${ref}`);
        const num = numericGrad(theta, shape, readout, k, batch, 1e-5);
        const { err, at } = maxRelError(grad, num, 1e-4);
        assert.ok(
          err < 1e-6,
          `relative error ${err.toExponential(2)} at ${describeIndex(shape, at)}: kernel ${grad[at]}, numeric ${num[at]}`,
        );
      });
    }
  }

  // The reverse direction: its own parameters, the reversed sequence, truncated in its own time.
  const bi: Shape = { ...shape, directions: 2 };
  const thetaBi = realisticParams(3, bi);
  for (const readout of READOUTS) {
    for (const k of [0, 1, 4, 12]) {
      it(`bidirectional, readout ${readout}, k = ${k}`, () => {
        const { loss, grad } = kernelLossAndGrad(thetaBi, batch.x, f64, bi, readout, k, batch);
        const ref = refBatchLoss(thetaBi, thetaBi, bi, readout, k, batch);
        assert.ok(Math.abs(loss - ref) <= 1e-13 * Math.abs(ref), `forward loss ${loss} vs reference ${ref}`);
        const num = numericGrad(thetaBi, bi, readout, k, batch, 1e-5);
        const { err, at } = maxRelError(grad, num, 1e-4);
        assert.ok(err < 1e-6, `relative error ${err.toExponential(2)} at ${describeIndex(bi, at)}: kernel ${grad[at]}, numeric ${num[at]}`);
        const G = viewsOf(grad, bi);
        assert.ok(G.W_hh_r.some((g) => Math.abs(g) > 1e-6), 'the reverse direction gets a gradient');
      });
    }
  }

  // Frame stacking: 2 channels by 3 samples a step (D = 6), the sequences framed as the kernels read them.
  const framedBatch = (() => {
    const raw = makeBatch(createRng(4), { D: 2, H: 5, C: 4 }, [1, 5, 9, 14]);
    const values = new Float32Array(raw.x);
    const data = { D: 2, values, offsets: Float64Array.from(raw.offsets, (o) => o / 2), lengths: Int32Array.from(raw.lengths), labels: Int32Array.from(raw.labels) };
    const f = framedChunk(chunkScratch(), data, [0, 1, 2, 3], 0, 4, 3).data;
    const lengthsF = Array.from(f.lengths.subarray(0, 4));
    return { x: Float64Array.from(f.values.subarray(0, lengthsF.reduce((a, b) => a + b, 0) * 6)), offsets: Array.from(f.offsets.subarray(0, 4), (o) => o * 6), lengths: lengthsF, labels: raw.labels };
  })();
  for (const directions of [1, 2] as const) {
    for (const k of [0, 2]) {
      it(`frame stacking by 3 of 2 channels, ${directions === 2 ? 'bidirectional' : 'one direction'}, k = ${k}`, () => {
        const s: Shape = { D: 6, H: 5, C: 4, directions };
        const th = realisticParams(5, s);
        const { grad } = kernelLossAndGrad(th, framedBatch.x, f64, s, 'mean', k, framedBatch);
        const num = numericGrad(th, s, 'mean', k, framedBatch, 1e-5);
        const { err, at } = maxRelError(grad, num, 1e-4);
        assert.ok(err < 1e-6, `relative error ${err.toExponential(2)} at ${describeIndex(s, at)}`);
      });
    }
  }

  it('truncation matters: k = 1 differs from full BPTT in W_hh', () => {
    const full = kernelLossAndGrad(theta, batch.x, f64, shape, 'last', 0, batch).grad;
    const trunc = kernelLossAndGrad(theta, batch.x, f64, shape, 'last', 1, batch).grad;
    const { err } = maxRelError(full, trunc, 1e-4);
    assert.ok(err > 1e-2, 'the gradient check above would not tell truncated from full BPTT');
  });
});

describe('GRU cell: gradient check against float64 central differences', () => {
  // Every GRU parameter (b_hn included), both readouts, full and truncated, both directions, D = 3, lengths 1–12.
  for (const directions of [1, 2] as const) {
    const s: Shape = { ...shape, cell: 'gru', directions };
    const th = realisticParams(7 + directions, s);
    for (const readout of READOUTS) {
      for (const k of [0, 1, 4]) {
        it(`${directions === 2 ? 'bidirectional' : 'one direction'}, readout ${readout}, k = ${k}`, () => {
          const { loss, grad } = kernelLossAndGrad(th, batch.x, f64, s, readout, k, batch);
          const ref = refBatchLoss(th, th, s, readout, k, batch);
          assert.ok(Math.abs(loss - ref) <= 1e-13 * Math.abs(ref), `forward loss ${loss} vs reference ${ref}`);
          const num = numericGrad(th, s, readout, k, batch, 1e-5);
          const { err, at } = maxRelError(grad, num, 1e-4);
          assert.ok(err < 1e-6, `relative error ${err.toExponential(2)} at ${describeIndex(s, at)}: kernel ${grad[at]}, numeric ${num[at]}`);
          const G = viewsOf(grad, s);
          for (const name of directions === 2 ? (['b_hn', 'W_hh', 'b_hn_r', 'W_hh_r'] as const) : (['b_hn', 'W_hh'] as const)) {
            assert.ok(G[name].some((g) => Math.abs(g) > 1e-6), `${name} gets a gradient`);
          }
        });
      }
    }
  }

  it('k ≥ T gives bit-identical gradients to k = 0 (float32)', () => {
    const s: Shape = { ...shape, cell: 'gru', directions: 2 };
    const th32 = Float32Array.from(realisticParams(11, s));
    const x32 = Float32Array.from(batch.x);
    const full = kernelLossAndGrad(th32, x32, f32, s, 'mean', 0, batch);
    const capped = kernelLossAndGrad(th32, x32, f32, s, 'mean', 12, batch);
    assert.equal(capped.loss, full.loss);
    assert.deepEqual(capped.grad, full.grad);
  });
});

describe('two layers: gradient check against float64 central differences', () => {
  // Every parameter of both layers (the second layer's input gradient feeds the first), both cells, both
  // directions, every readout, full BPTT (the only horizon two layers train with), D = 3, lengths 1–12.
  for (const cell of ['rnn', 'gru'] as const) {
    for (const directions of [1, 2] as const) {
      const s: Shape = { ...shape, cell, directions, layers: 2 };
      const th = realisticParams(20 + directions + (cell === 'gru' ? 2 : 0), s);
      const P = viewsOf(th, s);
      const rng = createRng(31);
      for (const b of [P.b_h_l1, P.b_hn_l1, P.b_h_l1_r, P.b_hn_l1_r]) for (let i = 0; i < b.length; i++) b[i] = 0.3 * normal(rng);
      for (const readout of READOUTS) {
        it(`${cell}, ${directions === 2 ? 'bidirectional' : 'one direction'}, readout ${readout}`, () => {
          const { loss, grad } = kernelLossAndGrad(th, batch.x, f64, s, readout, 0, batch);
          const ref = refBatchLoss(th, th, s, readout, 0, batch);
          assert.ok(Math.abs(loss - ref) <= 1e-13 * Math.abs(ref), `forward loss ${loss} vs reference ${ref}`);
          const num = numericGrad(th, s, readout, 0, batch, 1e-5);
          const { err, at } = maxRelError(grad, num, 1e-4);
          assert.ok(err < 1e-6, `relative error ${err.toExponential(2)} at ${describeIndex(s, at)}: kernel ${grad[at]}, numeric ${num[at]}`);
          const G = viewsOf(grad, s);
          const first = directions === 2 ? (['W_xh', 'W_hh', 'W_xh_r', 'W_hh_r'] as const) : (['W_xh', 'W_hh'] as const);
          for (const name of first) assert.ok(G[name].some((g) => Math.abs(g) > 1e-6), `${name} (first layer) gets a gradient`);
          assert.equal(G.W_xh_l1.length, (cell === 'gru' ? 3 : 1) * shape.H * directions * shape.H, 'W_xh_l1 reads [h_fwd; h_rev]');
        });
      }
    }
  }

  it('refuses a truncated horizon shorter than a sequence (a bug: the options refuse it first)', () => {
    const s: Shape = { ...shape, cell: 'gru', directions: 2, layers: 2 };
    const th = realisticParams(40, s);
    assert.throws(() => kernelLossAndGrad(th, batch.x, f64, s, 'mean', 4, batch), /bug: a model of two layers trains with full BPTT/);
  });

  it('leaves a one-layer model\'s layout as it was: no second-layer parameter, W_hy right after the first layer', () => {
    for (const s of [shape, { ...shape, cell: 'gru' as const, directions: 2 as const }]) {
      const l = layoutOf(s);
      for (const name of ['W_xh_l1', 'W_hh_l1', 'b_h_l1', 'b_hn_l1', 'W_xh_l1_r', 'W_hh_l1_r', 'b_h_l1_r', 'b_hn_l1_r'] as const) {
        assert.equal(l.rows[name], 0, name);
      }
      assert.equal(l.offset.W_hy, l.offset.b_hn_r + l.rows.b_hn_r * l.cols.b_hn_r);
    }
  });
});

describe('rnn kernel: truncation edge cases', () => {
  for (const readout of READOUTS) {
    it(`k ≥ T gives bit-identical gradients to k = 0 (readout ${readout}, float64 and float32)`, () => {
      const theta32 = Float32Array.from(theta);
      const x32 = Float32Array.from(batch.x);
      const full64 = kernelLossAndGrad(theta, batch.x, f64, shape, readout, 0, batch);
      const full32 = kernelLossAndGrad(theta32, x32, f32, shape, readout, 0, batch);
      for (const k of [12, 13, 1000]) {
        const a = kernelLossAndGrad(theta, batch.x, f64, shape, readout, k, batch);
        assert.equal(a.loss, full64.loss);
        assert.deepEqual(a.grad, full64.grad);
        const b = kernelLossAndGrad(theta32, x32, f32, shape, readout, k, batch);
        assert.equal(b.loss, full32.loss);
        assert.deepEqual(b.grad, full32.grad);
      }
    });
  }
});

describe('rnn kernel: float32 against float64', () => {
  for (const readout of READOUTS) {
    for (const k of [0, 4]) {
      it(`agree to ~1e-5 relative (readout ${readout}, k = ${k})`, () => {
        // Round the inputs once, so both precisions differentiate the same function.
        const theta32 = Float32Array.from(theta);
        const x32 = Float32Array.from(batch.x);
        const a = kernelLossAndGrad(Float64Array.from(theta32), Float64Array.from(x32), f64, shape, readout, k, batch);
        const b = kernelLossAndGrad(theta32, x32, f32, shape, readout, k, batch);
        assert.ok(Math.abs(a.loss - b.loss) <= 1e-6 * Math.abs(a.loss), `loss ${b.loss} vs ${a.loss}`);
        const { err, at } = maxRelError(b.grad, a.grad, 1e-3);
        assert.ok(err < 1e-5, `relative error ${err.toExponential(2)} at ${describeIndex(shape, at)}`);
      });
    }
  }
});

describe('rnn kernel: closed forms', () => {
  it('all weights zero: p uniform, loss = log C, dB_y = mean(p − onehot), all else zero', () => {
    const flat = new Float64Array(layoutOf(shape).size);
    for (const readout of READOUTS) {
      for (const k of [0, 2]) {
        const { loss, grad } = kernelLossAndGrad(flat, batch.x, f64, shape, readout, k, batch);
        assert.ok(Math.abs(loss - Math.log(shape.C)) < 1e-15, `loss ${loss}`);
        const G = viewsOf(grad, shape);
        const N = lengths.length;
        for (let c = 0; c < shape.C; c++) {
          const want = 1 / shape.C - batch.labels.filter((l) => l === c).length / N;
          assert.ok(Math.abs(G.b_y[c] - want) < 1e-15, `b_y[${c}] = ${G.b_y[c]}, want ${want}`);
        }
        for (const name of ['W_xh', 'W_hh', 'b_h', 'W_hy'] as const) {
          assert.ok(G[name].every((v) => v === 0), `${name} gradient should be zero`);
        }
      }
    }
  });

  it('W_xh = W_hh = 0: every state is tanh(b_h), so both readouts give the same loss', () => {
    const flat = Float64Array.from(theta);
    const P = viewsOf(flat, shape);
    P.W_xh.fill(0);
    P.W_hh.fill(0);
    const last = kernelLossAndGrad(flat, batch.x, f64, shape, 'last', 0, batch);
    const mean = kernelLossAndGrad(flat, batch.x, f64, shape, 'mean', 0, batch);
    assert.ok(Math.abs(last.loss - mean.loss) < 1e-14);
    const G = viewsOf(last.grad, shape);
    const Gm = viewsOf(mean.grad, shape);
    for (let c = 0; c < shape.C; c++) assert.ok(Math.abs(G.b_y[c] - Gm.b_y[c]) < 1e-15);
  });

  it('max readout, a tie: the gradient goes to the earliest step attaining it (PyTorch\'s max(0) picks the first)', () => {
    // Steps 1 and 3 read the same input and W_hh is 0: their states tie. Step 1 follows h_0 = 0, so dW_hh is 0
    // exactly when it wins; where step 3 wins (its input a little larger), dW_hh is not.
    const one = { D: 1, H: 1, C: 2 };
    const flat = new Float64Array(layoutOf(one).size);
    const P = viewsOf(flat, one);
    P.W_xh[0] = 1;
    P.W_hy.set([1, -1]);
    const grad = (x: number[]) => viewsOf(kernelLossAndGrad(flat, Float64Array.from(x), f64, one, 'max', 0, { x: Float64Array.from(x), offsets: [0], lengths: [3], labels: [1] }).grad, one);
    assert.equal(grad([2, 0.5, 2]).W_hh[0], 0);
    assert.notEqual(grad([2, 0.5, 2.01]).W_hh[0], 0);
  });
});

describe('rnn kernel: one step alone', () => {
  it('k = 1 backward equals the chain rule through the last step with h_{T-1} given', () => {
    // With k = 1 only the last step is differentiated: dlogits = p − onehot, dz = W_hy^T dlogits (the upstream
    // gradient, random through the random W_hy), dhraw = (1 − h_T²) ⊙ dz, and dW_xh, dW_hh, db_h are outer
    // products of dhraw with x_T, h_{T−1}, 1.
    const { D, H, C } = shape;
    const P = viewsOf(theta, shape);
    const n = 3; // the T = 12 sequence
    const T = batch.lengths[n];
    const xo = batch.offsets[n];
    const label = batch.labels[n];
    let hPrev: Float64Array | null = null;
    for (let t = 0; t < T - 1; t++) hPrev = refStep(P, shape, batch.x, xo + t * D, hPrev);
    const hT = refStep(P, shape, batch.x, xo + (T - 1) * D, hPrev);
    const logits = Array.from({ length: C }, (_, c) => P.b_y[c] + hT.reduce((a, h, j) => a + P.W_hy[c * H + j] * h, 0));
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const p = e.map((v) => v / e.reduce((a, b) => a + b, 0));
    const dlogits = p.map((v, c) => v - (c === label ? 1 : 0));
    const dhraw = Array.from({ length: H }, (_, j) => {
      let dz = 0;
      for (let c = 0; c < C; c++) dz += P.W_hy[c * H + j] * dlogits[c];
      return (1 - hT[j] * hT[j]) * dz;
    });

    const grad = new Float64Array(layoutOf(shape).size).fill(0.5); // backward must accumulate onto this
    const ws = createWorkspace(f64, shape, 1);
    forward(ws, P, shape, 'last', 1, batch.x, xo, T, label);
    backward(viewsOf(grad, shape), ws, P, shape, 'last', 1, batch.x, xo, T, label, 2);
    const G = viewsOf(grad, shape);
    const close = (got: number, want: number, what: string) =>
      assert.ok(Math.abs(got - 0.5 - 2 * want) < 1e-14, `${what}: got ${(got - 0.5) / 2}, want ${want}`);
    for (let c = 0; c < C; c++) {
      close(G.b_y[c], dlogits[c], `b_y[${c}]`);
      for (let j = 0; j < H; j++) close(G.W_hy[c * H + j], dlogits[c] * hT[j], `W_hy[${c}][${j}]`);
    }
    for (let i = 0; i < H; i++) {
      close(G.b_h[i], dhraw[i], `b_h[${i}]`);
      for (let d = 0; d < D; d++) close(G.W_xh[i * D + d], dhraw[i] * batch.x[xo + (T - 1) * D + d], `W_xh[${i}][${d}]`);
      for (let j = 0; j < H; j++) close(G.W_hh[i * H + j], dhraw[i] * hPrev![j], `W_hh[${i}][${j}]`);
    }
  });
});

describe('readoutSoftmax', () => {
  const softmaxOf = (W_hy: number[], b_y: number[], z: number[], label: number) => {
    const p = new Float64Array(b_y.length);
    const logp = readoutSoftmax(p, { W_hy: Float32Array.from(W_hy), b_y: Float32Array.from(b_y) } as never, z.length, b_y.length, Float64Array.from(z), label);
    return { p: Array.from(p), logp };
  };

  it('gives probabilities that sum to 1 and log p of a third for three equal logits near float32\'s largest (they summed to 3 and log p was 0)', () => {
    const { p, logp } = softmaxOf([3e38, 3e38, 3e38, 3e38, 3e38, 3e38], [0, 0, 0], [0.4, 0.3], 1);
    for (const q of p) assert.ok(Math.abs(q - 1 / 3) < 1e-12, `${p}`);
    assert.ok(Math.abs(logp - Math.log(1 / 3)) < 1e-12, `${logp}`);
  });

  it('keeps the bits of p = exp(logit − lse) where logits are what training gives', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 200; trial++) {
      const C = 2 + (trial % 9);
      const W_hy = Array.from({ length: C * 4 }, () => Math.fround(normal(rng) * 10));
      const b_y = Array.from({ length: C }, () => Math.fround(normal(rng)));
      const z = Array.from({ length: 4 }, () => Math.tanh(normal(rng)));
      const { p, logp } = softmaxOf(W_hy, b_y, z, 0);
      const logits = b_y.map((b, c) => z.reduce((a, zj, j) => a + W_hy[c * 4 + j] * zj, b));
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((a, l) => a + Math.exp(l - max), 0));
      assert.deepEqual(p, logits.map((l) => Math.exp(l - lse)));
      assert.equal(logp, logits[0] - lse);
    }
  });
});
