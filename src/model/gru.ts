// The GRU cell of the reference kernel: one step forward and that step's backward, PyTorch's nn.GRU exactly.
// src/model/rnn.ts runs them over a sequence (directions, readouts, truncation) as it runs the tanh cell.
// Pure functions over flat typed arrays, generic over float32 and float64 like rnn.ts.
//
// Legend: D inputs per step, H hidden units; gate g of unit i is row g·H + i of W_xh [3H][D], W_hh [3H][H]
// and b_h [3H] (g = 0 r, 1 z, 2 n; b_h's r and z rows hold b_i + b_h of PyTorch, the n row b_in).
//   r  = σ(W_ir x + W_hr h + b_r)          z = σ(W_iz x + W_hz h + b_z)
//   hn = W_hn h + b_hn                     n = tanh(W_in x + b_in + r ⊙ hn)
//   h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n)
// with h = 0 at a sequence's first step.

import type { FloatArray, Recurrence } from './layout.js';

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** W[row] · v[vo .. vo+n). */
function dot(W: FloatArray, row: number, n: number, v: FloatArray, vo: number): number {
  let a = 0;
  const o = row * n;
  for (let j = 0; j < n; j++) a += W[o + j] * v[vo + j];
  return a;
}

/**
 * The gates of one step into gates [4H] = [r; z; n; hn]. x at x[xo..xo+D), h at hp[ho..ho+H) (ignored when
 * `first`: h = 0).
 */
function gruGates(
  gates: FloatArray, P: Recurrence<FloatArray>, D: number, H: number,
  x: FloatArray, xo: number, hp: FloatArray, ho: number, first: boolean,
): void {
  const { W_xh, W_hh, b_h, b_hn } = P;
  for (let i = 0; i < H; i++) {
    const r = sigmoid(b_h[i] + dot(W_xh, i, D, x, xo) + (first ? 0 : dot(W_hh, i, H, hp, ho)));
    const z = sigmoid(b_h[H + i] + dot(W_xh, H + i, D, x, xo) + (first ? 0 : dot(W_hh, H + i, H, hp, ho)));
    const hn = b_hn[i] + (first ? 0 : dot(W_hh, 2 * H + i, H, hp, ho));
    gates[i] = r;
    gates[H + i] = z;
    gates[2 * H + i] = Math.tanh(b_h[2 * H + i] + dot(W_xh, 2 * H + i, D, x, xo) + r * hn);
    gates[3 * H + i] = hn;
  }
}

/** One step: out[oo..oo+H) = h'. `gates` [4H] is scratch (left holding this step's gates). */
export function gruStep(
  out: FloatArray, oo: number, P: Recurrence<FloatArray>, D: number, H: number,
  x: FloatArray, xo: number, hp: FloatArray, ho: number, first: boolean, gates: FloatArray,
): void {
  gruGates(gates, P, D, H, x, xo, hp, ho, first);
  for (let i = 0; i < H; i++) {
    const n = gates[2 * H + i];
    out[oo + i] = n + gates[H + i] * ((first ? 0 : hp[ho + i]) - n);
  }
}

/**
 * The backward of gruStep: given g [H] = dL/dh' (everything that reaches this step's output), accumulates (+=)
 * the step's weight gradients into G (W_hh's only when !first: h = 0 contributes nothing), when dx is not null
 * dL/dx into dx[dxo..dxo+D) (+=), and when dhp is not null writes dL/dh into dhp [H]. Recomputes the gates into
 * `gates`; dg [4H] is scratch:
 *   dn = g ⊙ (1 − z), dz = g ⊙ (h − n); da_n = dn ⊙ (1 − n²), da_r = da_n ⊙ hn ⊙ r(1 − r), da_z = dz ⊙ z(1 − z),
 *   dhn = da_n ⊙ r;  dL/dh = g ⊙ z + W_hr^T da_r + W_hz^T da_z + W_hn^T dhn.
 */
export function gruStepBackward(
  G: Recurrence<FloatArray>, P: Recurrence<FloatArray>, D: number, H: number,
  x: FloatArray, xo: number, hp: FloatArray, ho: number, first: boolean,
  g: FloatArray, dhp: FloatArray | null, gates: FloatArray, dg: FloatArray,
  dx: FloatArray | null = null, dxo = 0,
): void {
  gruGates(gates, P, D, H, x, xo, hp, ho, first);
  for (let i = 0; i < H; i++) {
    const r = gates[i], z = gates[H + i], n = gates[2 * H + i], hn = gates[3 * H + i];
    const h = first ? 0 : hp[ho + i];
    const dan = g[i] * (1 - z) * (1 - n * n);
    dg[i] = dan * hn * r * (1 - r);
    dg[H + i] = g[i] * (h - n) * z * (1 - z);
    dg[2 * H + i] = dan;
    dg[3 * H + i] = dan * r;
  }
  for (let row = 0; row < 3 * H; row++) {
    const a = dg[row]; // d(pre-activation) of the input side of gate row
    G.b_h[row] += a;
    const wo = row * D;
    for (let e = 0; e < D; e++) G.W_xh[wo + e] += a * x[xo + e];
  }
  for (let i = 0; i < H; i++) G.b_hn[i] += dg[3 * H + i];
  if (dx !== null) {
    // dL/dx = W_xh^T [da_r; da_z; da_n]
    const { W_xh } = P;
    for (let row = 0; row < 3 * H; row++) {
      const a = dg[row];
      const wo = row * D;
      for (let e = 0; e < D; e++) dx[dxo + e] += W_xh[wo + e] * a;
    }
  }
  if (!first) {
    for (let row = 0; row < 3 * H; row++) {
      const a = row < 2 * H ? dg[row] : dg[H + row]; // the recurrent side: dhn for n
      const ro = row * H;
      for (let j = 0; j < H; j++) G.W_hh[ro + j] += a * hp[ho + j];
    }
  }
  if (dhp === null) return;
  const { W_hh } = P;
  for (let j = 0; j < H; j++) dhp[j] = g[j] * gates[H + j];
  for (let row = 0; row < 3 * H; row++) {
    const a = row < 2 * H ? dg[row] : dg[H + row];
    const ro = row * H;
    for (let j = 0; j < H; j++) dhp[j] += W_hh[ro + j] * a;
  }
}
