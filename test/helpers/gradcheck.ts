// Test helpers for the numeric core: a small batch of sequences, the kernel's batch loss and gradient, and an
// independent float64 reference forward written straight from the math (no workspace, no ping-pong rows), used
// for central finite differences. Deliberately not shared with src/: the reference must not reuse the code it
// checks.
//
// Legend: N sequences, T steps, D channels, H hidden, C classes, k BPTT horizon (0 = full).

import { type FloatArray, type Params, type Shape, layoutOf, viewsOf } from '../../src/model/layout.js';
import { type Readout, backward, createWorkspace, forward, windowLength } from '../../src/model/rnn.js';
import { type Rng, normal } from '../../src/model/rng.js';

export interface Batch {
  readonly x: Float64Array; // all sequences back to back, [Σ T][D]
  readonly offsets: number[]; // [N] start of sequence n in x (in values, not steps)
  readonly lengths: number[]; // [N] T of each sequence
  readonly labels: number[]; // [N]
}

/** Standard-normal sequences of the given lengths with uniform random labels in [0, C). */
export function makeBatch(rng: Rng, shape: Shape, lengths: number[]): Batch {
  const total = lengths.reduce((a, b) => a + b, 0);
  const x = new Float64Array(total * shape.D); // [Σ T][D]
  for (let i = 0; i < x.length; i++) x[i] = normal(rng);
  const offsets: number[] = [];
  let at = 0;
  for (const T of lengths) {
    offsets.push(at);
    at += T * shape.D;
  }
  const labels = lengths.map(() => Math.floor(rng.next() * shape.C));
  return { x, offsets, lengths, labels };
}

/**
 * Batch loss (mean −log p[label]) and its gradient from the kernel, in the precision of `flat`
 * (Float32Array or Float64Array); `xs` must be the batch values in the same precision.
 */
export function kernelLossAndGrad<A extends FloatArray>(
  flat: A, xs: A, make: (n: number) => A, shape: Shape, readout: Readout, k: number, b: Batch,
): { loss: number; grad: A } {
  const P = viewsOf(flat, shape);
  const grad = make(layoutOf(shape).size);
  const G = viewsOf(grad, shape);
  const cap = Math.max(...b.lengths.map((T) => windowLength(T, k)));
  const ws = createWorkspace(make, shape, cap);
  const N = b.lengths.length;
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const T = b.lengths[n];
    loss -= forward(ws, P, shape, readout, k, xs, b.offsets[n], T, b.labels[n]);
    backward(G, ws, P, shape, readout, k, xs, b.offsets[n], T, b.labels[n], 1 / N);
  }
  return { loss: loss / N, grad };
}

type Rec = Pick<Params<Float64Array>, 'W_xh' | 'W_hh' | 'b_h' | 'b_hn'>;

/** Direction d's recurrence parameters of layer `layer` under the forward names (_r: reverse, _l1: second layer). */
function recurrence(P: Params<Float64Array>, d: number, layer: number): Rec {
  const sfx = (layer === 1 ? '_l1' : '') + (d === 1 ? '_r' : '');
  const at = (name: string) => P[(name + sfx) as keyof Params<Float64Array>];
  return { W_xh: at('W_xh'), W_hh: at('W_hh'), b_h: at('b_h'), b_hn: at('b_hn') };
}

/** Row `row` of the [rows][n] matrix W times v (0 when v is null). */
function rowDot(W: Float64Array, row: number, n: number, v: Float64Array | null, vo = 0): number {
  let a = 0;
  if (v !== null) for (let j = 0; j < n; j++) a += W[row * n + j] * v[vo + j];
  return a;
}

/**
 * One GRU step as PyTorch's nn.GRU documents it: r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 − z) n + z h; b_h's r and z rows hold b_i + b_h.
 */
function refGruStep(P: Rec, s: Shape, x: Float64Array, xo: number, hPrev: Float64Array | null): Float64Array {
  const { D, H } = s;
  const sig = (a: number) => 1 / (1 + Math.exp(-a));
  const h = new Float64Array(H);
  for (let i = 0; i < H; i++) {
    const r = sig(P.b_h[i] + rowDot(P.W_xh, i, D, x, xo) + rowDot(P.W_hh, i, H, hPrev));
    const z = sig(P.b_h[H + i] + rowDot(P.W_xh, H + i, D, x, xo) + rowDot(P.W_hh, H + i, H, hPrev));
    const n = Math.tanh(P.b_h[2 * H + i] + rowDot(P.W_xh, 2 * H + i, D, x, xo) + r * (P.b_hn[i] + rowDot(P.W_hh, 2 * H + i, H, hPrev)));
    h[i] = (1 - z) * n + z * (hPrev === null ? 0 : hPrev[i]);
  }
  return h;
}

/** h = tanh(W_xh x + W_hh hPrev + b_h) (or the GRU step), hPrev = null meaning h_0 = 0. Allocates; tests only. */
export function refStep(P: Rec, s: Shape, x: Float64Array, xo: number, hPrev: Float64Array | null): Float64Array {
  if (s.cell === 'gru') return refGruStep(P, s, x, xo, hPrev);
  const h = new Float64Array(s.H);
  for (let i = 0; i < s.H; i++) {
    let a = P.b_h[i];
    for (let d = 0; d < s.D; d++) a += P.W_xh[i * s.D + d] * x[xo + d];
    if (hPrev) for (let j = 0; j < s.H; j++) a += P.W_hh[i * s.H + j] * hPrev[j];
    h[i] = Math.tanh(a);
  }
  return h;
}

/**
 * −log p[label] of one sequence with PyTorch's detach semantics: the first T−k steps (when 0 < k < T) run
 * with the constant parameters `Pconst`, giving h_{T−k} and the prefix sum Σ_{t≤T−k} h_t (and maximum) as constants; the
 * window and the readout run with `P`. Differentiating this in `P` alone is exactly the truncated gradient.
 * Bidirectional (s.directions 2): the reverse recurrence runs the same way over x.flip(0) (its first T−k steps,
 * those that read x_T … x_{k+1}, with the constants), and z = [z_fwd; z_rev].
 * Two layers (s.layers 2, full BPTT only): the first layer's directions run over x, and the second layer runs as
 * above over u_t = [h_fwd,t; h_rev,t] (PyTorch's num_layers=2).
 */
export function refSequenceLoss(
  P: Params<Float64Array>, Pconst: Params<Float64Array>, s: Shape, readout: Readout, k: number,
  x: Float64Array, xo: number, T: number, label: number,
): number {
  const cut = k > 0 && k < T ? T - k : 0;
  const dirs = s.directions ?? 1;
  const Z = dirs * s.H;
  const z = new Float64Array(Z);
  const top = (s.layers ?? 1) - 1;
  if (top === 1 && cut > 0) throw new Error('two layers: full BPTT only');
  let input = x;
  let io = xo;
  if (top === 1) {
    input = new Float64Array(T * Z); // u [T][Z]
    io = 0;
    for (let d = 0; d < dirs; d++) {
      let h: Float64Array | null = null;
      for (let t = 0; t < T; t++) {
        const step = d === 0 ? t : T - 1 - t;
        h = refStep(recurrence(P, d, 0), s, x, xo + step * s.D, h);
        for (let i = 0; i < s.H; i++) input[step * Z + d * s.H + i] = h[i];
      }
    }
  }
  const sTop: Shape = { ...s, D: top === 1 ? Z : s.D };
  for (let d = 0; d < dirs; d++) {
    const [R, Rc] = [recurrence(P, d, top), recurrence(Pconst, d, top)];
    let h: Float64Array | null = null;
    const sum = new Float64Array(s.H); // Σ h_t over all steps, for the mean readout
    const max = new Float64Array(s.H).fill(-Infinity); // max_t h_t, for the max readout
    for (let t = 0; t < T; t++) {
      const step = d === 0 ? t : T - 1 - t; // the sample direction d reads at its step t
      h = refStep(t < cut ? Rc : R, sTop, input, io + step * sTop.D, h);
      for (let i = 0; i < s.H; i++) {
        sum[i] += h[i];
        max[i] = Math.max(max[i], h[i]);
      }
    }
    for (let i = 0; i < s.H; i++) z[d * s.H + i] = readout === 'last' ? h![i] : readout === 'max' ? max[i] : sum[i] / T;
  }
  const logits = new Float64Array(s.C);
  for (let c = 0; c < s.C; c++) {
    let a = P.b_y[c];
    for (let j = 0; j < Z; j++) a += P.W_hy[c * Z + j] * z[j];
    logits[c] = a;
  }
  const max = Math.max(...logits);
  let se = 0;
  for (const l of logits) se += Math.exp(l - max);
  return -(logits[label] - max - Math.log(se));
}

/** Mean of refSequenceLoss over the batch; `flat` is perturbed, `flatConst` holds the pre-window parameters. */
export function refBatchLoss(
  flat: Float64Array, flatConst: Float64Array, s: Shape, readout: Readout, k: number, b: Batch,
): number {
  const P = viewsOf(flat, s);
  const Pc = viewsOf(flatConst, s);
  let loss = 0;
  for (let n = 0; n < b.lengths.length; n++) {
    loss += refSequenceLoss(P, Pc, s, readout, k, b.x, b.offsets[n], b.lengths[n], b.labels[n]);
  }
  return loss / b.lengths.length;
}

/** Central differences (f(θ+δ) − f(θ−δ)) / 2δ of the reference batch loss in every parameter element. */
export function numericGrad(flat: Float64Array, s: Shape, readout: Readout, k: number, b: Batch, delta = 1e-5): Float64Array {
  const base = Float64Array.from(flat); // the constant pre-window parameters
  const theta = Float64Array.from(flat);
  const g = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    theta[i] = base[i] + delta;
    const up = refBatchLoss(theta, base, s, readout, k, b);
    theta[i] = base[i] - delta;
    const down = refBatchLoss(theta, base, s, readout, k, b);
    theta[i] = base[i];
    g[i] = (up - down) / (2 * delta);
  }
  return g;
}

/** Parameter name and [row][col] of flat index i, for failure messages. */
export function describeIndex(s: Shape, i: number): string {
  const l = layoutOf(s);
  for (const name of Object.keys(l.offset) as (keyof typeof l.offset)[]) {
    const o = l.offset[name];
    const n = l.rows[name] * l.cols[name];
    if (i >= o && i < o + n) {
      const r = Math.floor((i - o) / l.cols[name]);
      const c = (i - o) % l.cols[name];
      return l.cols[name] === 1 ? `${name}[${r}]` : `${name}[${r}][${c}]`;
    }
  }
  return `index ${i}`;
}

/**
 * Largest |a − b| / max(|a|, |b|, floor) over all elements, and where it is. The floor keeps elements whose
 * true gradient is ~0 from turning round-off into a large relative error.
 */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): { err: number; at: number } {
  let err = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(a[i]), Math.abs(b[i]), floor);
    if (e > err || Number.isNaN(e)) {
      err = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
  }
  return { err, at };
}
