// Seeded initial parameters: Glorot-uniform W_xh and W_hy, orthogonal W_hh, zero biases (the Keras/tfjs
// defaults for a SimpleRNN, which keep the recurrence norm-preserving at the start of training). A GRU's gates
// are initialized each as such a block, r, z, n in turn; a second layer's likewise, after the first's.

import { type FloatArray, type Shape, directionsOf, gatesOf, layerInputs, layersOf, recurrenceOf, viewsOf } from './layout.js';
import { type Rng, normal } from './rng.js';

/** U(-a, a) with a = sqrt(6 / (fanIn + fanOut)), for a [rows][cols] matrix. */
function glorotUniform(out: FloatArray, rows: number, cols: number, rng: Rng): void {
  const a = Math.sqrt(6 / (rows + cols));
  for (let i = 0; i < rows * cols; i++) out[i] = (2 * rng.next() - 1) * a;
}

/**
 * Q of the QR decomposition of an n×n standard-normal matrix, signs fixed so diag(R) > 0 (Haar-distributed).
 * O(n³): a generator that yields after each column, so that a caller can stay responsive (minutes at n 4096).
 */
function* orthogonal(out: FloatArray, n: number, rng: Rng): Generator<void, void, void> {
  // The Gaussian matrix's columns, each contiguous (qt[j·n + i] is entry [i][j]), drawn in row-major order.
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qt[j * n + i] = normal(rng);
  // Modified Gram-Schmidt over the columns, twice for numerical orthogonality.
  for (let j = 0; j < n; j++) {
    const cj = qt.subarray(j * n, (j + 1) * n);
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const cp = qt.subarray(p * n, (p + 1) * n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += cp[i] * cj[i];
        for (let i = 0; i < n; i++) cj[i] -= dot * cp[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += cj[i] * cj[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) cj[i] /= norm;
    yield;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = qt[j * n + i];
}

/** Fills `flat` (one parameter set in the layout of `shape`) with fresh initial values. */
export function initParameters(flat: FloatArray, shape: Shape, rng: Rng): void {
  for (const _ of initSteps(flat, shape, rng));
}

/** initParameters as a generator that yields after each column of every W_hh: the same values, in pieces. */
export function* initSteps(flat: FloatArray, shape: Shape, rng: Rng): Generator<void, void, void> {
  const P = viewsOf(flat, shape);
  for (let layer = 0; layer < layersOf(shape); layer++) {
    for (let d = 0; d < directionsOf(shape); d++) {
      const R = recurrenceOf(P, d, layer);
      const D = layerInputs(shape, layer);
      const { H } = shape;
      for (let g = 0; g < gatesOf(shape); g++) {
        glorotUniform(R.W_xh.subarray(g * H * D, (g + 1) * H * D), H, D, rng);
        yield* orthogonal(R.W_hh.subarray(g * H * H, (g + 1) * H * H), H, rng);
      }
      R.b_h.fill(0);
      R.b_hn.fill(0);
    }
  }
  glorotUniform(P.W_hy, shape.C, directionsOf(shape) * shape.H, rng);
  P.b_y.fill(0);
}
