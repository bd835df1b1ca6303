// The numeric core: forward pass and truncated backpropagation through time for one sequence of the Elman
// RNN with a many-to-one softmax readout. Pure functions over flat typed arrays, generic over
// Float32Array | Float64Array so the gradient checks can run the same code in float64. No I/O, no
// allocation per time step: callers hand in a Workspace sized once per worker.
//
// Legend: T steps of this sequence, D inputs per step, H hidden units, C classes, k BPTT horizon (0 = full).
//   h_t    = tanh(W_xh x_t + W_hh h_{t-1} + b_h),  h_0 = 0
//   z      = h_T                      (readout "last")
//          = (1/T) Σ_{t=1..T} h_t     (readout "mean")
//          = max_{t=1..T} h_t         (readout "max": per unit; its gradient goes to the earliest step attaining it)
//   logits = W_hy z + b_y,  p = softmax(logits),  loss = −log p[label]
// Bidirectional: a second recurrence (W_xh_r, W_hh_r, b_h_r) runs over the reversed sequence x_T … x_1, and
// z = [z_fwd; z_rev] (2H) with each direction's readout as above (last: the forward h_T and the reverse
// direction's state after x_1; PyTorch nn.RNN(bidirectional=True)'s h_n).
//
// Truncation: with 0 < k < T the first T−k steps run forward without keeping their states, and h_{T−k} is
// a constant for the gradient (PyTorch: run x[:T−k] under no_grad, detach h, run x[T−k:] from it). For the
// mean readout the sum of the discarded states is kept as a constant too, for the max readout their maximum: a
// unit whose maximum lies before the window gets no gradient from it. k = 0 or k ≥ T is full BPTT. The
// reverse direction truncates the same way in its own time: it is the forward rule applied to x.flip(0), so
// its gradient crosses its last k steps, those that read x_k … x_1.
//
// GRU (shape.cell 'gru'): the same, with h_t = GRU(x_t, h_{t−1}) of src/model/gru.ts in place of the tanh step;
// its backward recomputes each step's gates from the kept h_{t−1} and x_t.
//
// Two layers (shape.layers 2, PyTorch's num_layers=2): the first layer's directions run over the whole sequence
// and their states u_t = [h_fwd,t; h_rev,t] are the second layer's inputs; the readout reads the second layer.
// Backward runs the second layer's BPTT, which also gives dL/du_t, then the first layer's with dL/du_t added to
// each step's state gradient. Two layers train with full BPTT only (k = 0 or k ≥ T): a bidirectional first layer
// needs every state before the second can run, so there is no bounded window to truncate to.

import { type Cell, type FloatArray, type Params, type Recurrence, type Shape, cellOf, directionsOf, layerInputs, layersOf, recurrenceOf } from './layout.js';
import { gruStep, gruStepBackward } from './gru.js';

export type Readout = 'last' | 'mean' | 'max';

export const READOUTS: readonly Readout[] = ['last', 'mean', 'max'];

export const isReadout = (v: unknown): v is Readout => READOUTS.includes(v as Readout);

/** '"last", "mean" or "max"': the readouts as a file reader's message names them. */
export const READOUT_NAMES = READOUTS.map((r) => `"${r}"`).join(', ').replace(/, ([^,]*)$/, ' or $1');

export interface Workspace<A extends FloatArray> {
  readonly capacity: number; // the most time steps hs can hold (window length)
  readonly hs: A; // [(capacity+1)][H] states h_{s}, h_{s+1}, ..., h_T of the kept window
  readonly hs_r: A; // [(capacity+1)][H] the same for the reverse direction (empty when one-directional)
  readonly hs0: A; // [(capacity+1)][H] two layers: the first layer's states, forward direction (else empty)
  readonly hs0_r: A; // [(capacity+1)][H] … and reverse direction, in its own time
  readonly u: A; // [capacity][directions·H] two layers: the second layer's inputs u_t (else empty)
  readonly du: A; // [capacity][directions·H] their gradients
  readonly hsum: A; // [H] running sum (mean readout) or maximum (max readout) of the states before the window
  readonly zt: Int32Array; // [directions·H] max readout: the window step (1..w) each z came from, 0 before the window
  readonly z: A; // [directions·H] readout input
  readonly p: A; // [C] probabilities
  readonly dz: A; // [directions·H]
  readonly dh: A; // [H] gradient flowing into h_t from later steps
  readonly dhraw: A; // [H] gradient before tanh (tanh RNN); all of dL/dh_t (GRU)
  readonly gates: A; // [4H] one step's r, z, n, hn (GRU; empty for the tanh RNN)
  readonly dg: A; // [4H] their gradients (GRU)
}

export function createWorkspace<A extends FloatArray>(
  make: (n: number) => A,
  shape: Shape,
  capacity: number,
): Workspace<A> {
  const { H, C } = shape;
  const Z = directionsOf(shape) * H;
  const gru = cellOf(shape) === 'gru' ? 4 * H : 0;
  const deep = layersOf(shape) === 2;
  return {
    capacity,
    hs: make((capacity + 1) * H),
    hs_r: make(directionsOf(shape) === 2 ? (capacity + 1) * H : 0),
    hs0: make(deep ? (capacity + 1) * H : 0),
    hs0_r: make(deep && directionsOf(shape) === 2 ? (capacity + 1) * H : 0),
    u: make(deep ? capacity * Z : 0),
    du: make(deep ? capacity * Z : 0),
    hsum: make(H),
    zt: new Int32Array(Z),
    z: make(Z),
    p: make(C),
    dz: make(Z),
    dh: make(H),
    dhraw: make(H),
    gates: make(gru),
    dg: make(gru),
  };
}

/** Where direction d reads its step t (1-based) of a sequence of T steps at x[xo…]: x_t forward, x_{T+1−t} in reverse. */
function inputAt(d: number, xo: number, t: number, T: number, D: number): number {
  return xo + (d === 0 ? t - 1 : T - t) * D;
}

/** The window length the workspace must hold for a sequence of T steps with horizon k. */
export function windowLength(T: number, k: number): number {
  return k > 0 && k < T ? k : T;
}

/** What one direction of one layer runs: its cell, D inputs per step, H hidden units. */
interface Cells {
  readonly cell: Cell;
  readonly D: number;
  readonly H: number;
}

/** Layer `layer`'s cells in `shape`. */
function cellsOf(shape: Shape, layer: number): Cells {
  return { cell: cellOf(shape), D: layerInputs(shape, layer), H: shape.H };
}

/**
 * One recurrent step of the cell into out[oo..oo+H): x at x[xo..xo+D), hPrev at hp[ho..ho+H) (h_0 = 0 when
 * `first`). `gates` is the GRU's scratch.
 */
function step<A extends FloatArray>(
  out: FloatArray, oo: number, P: Recurrence<A>, c: Cells,
  x: FloatArray, xo: number, hp: FloatArray, ho: number, first: boolean, gates: A,
): void {
  if (c.cell === 'gru') gruStep(out, oo, P, c.D, c.H, x, xo, hp, ho, first, gates);
  else tanhStep(out, oo, P, c.D, c.H, x, xo, hp, ho, first);
}

/** out = tanh(W_xh x + W_hh hPrev + b_h). */
function tanhStep<A extends FloatArray>(
  out: FloatArray, oo: number,
  P: Recurrence<A>, D: number, H: number,
  x: FloatArray, xo: number,
  hp: FloatArray, ho: number, first: boolean,
): void {
  const { W_xh, W_hh, b_h } = P;
  for (let i = 0; i < H; i++) {
    let a = b_h[i];
    const wi = i * D;
    for (let d = 0; d < D; d++) a += W_xh[wi + d] * x[xo + d];
    if (!first) {
      const ri = i * H;
      for (let j = 0; j < H; j++) a += W_hh[ri + j] * hp[ho + j];
    }
    out[oo + i] = Math.tanh(a);
  }
}

/**
 * Log-sum-exp softmax of logits = W_hy z + b_y into p, z of Z values (H, or 2H for two directions); returns
 * log p[label] (or 0 when label < 0).
 */
export function readoutSoftmax<A extends FloatArray>(p: FloatArray, P: Params<A>, Z: number, C: number, z: FloatArray, label: number): number {
  const { W_hy, b_y } = P;
  let max = -Infinity;
  for (let c = 0; c < C; c++) {
    let a = b_y[c];
    const r = c * Z;
    for (let j = 0; j < Z; j++) a += W_hy[r + j] * z[j];
    p[c] = a;
    if (a > max) max = a;
  }
  let sum = 0;
  for (let c = 0; c < C; c++) sum += Math.exp(p[c] - max);
  const lse = max + Math.log(sum);
  if (Math.abs(lse - max - Math.log(sum)) > 1e-9) return softmaxOfHuge(p, C, max, Math.log(sum), label);
  const logpLabel = label >= 0 ? p[label] - lse : 0;
  for (let c = 0; c < C; c++) p[c] = Math.exp(p[c] - lse);
  return logpLabel;
}

/**
 * The softmax where the logits are so large (|max| past about 1e7: weights no training gives, a damaged or edited
 * file) that max + log Σ exp loses log Σ exp to rounding, and exp(logit − lse) would give probabilities that sum
 * to more than 1: p = exp(logit − max) / Σ. Elsewhere the path above, whose bits every model was trained with.
 */
function softmaxOfHuge(p: FloatArray, C: number, max: number, logSum: number, label: number): number {
  const logpLabel = label >= 0 ? p[label] - max - logSum : 0;
  for (let c = 0; c < C; c++) p[c] = Math.exp(p[c] - max - logSum);
  return logpLabel;
}

/**
 * Forward pass over one sequence (values x[xo + t*D + d], t < T), keeping each direction's last
 * windowLength(T, k) states in ws.hs / ws.hs_r (row 0 = the constant the truncated gradient starts from), z in
 * ws.z and the class probabilities in ws.p. Returns log p[label] (0 when label < 0).
 */
export function forward<A extends FloatArray>(
  ws: Workspace<A>, P: Params<A>, shape: Shape, readout: Readout, k: number,
  x: FloatArray, xo: number, T: number, label: number,
): number {
  const { H, C } = shape;
  const w = windowLength(T, k);
  if (w > ws.capacity) throw new Error(`bug: workspace holds ${ws.capacity} steps, window needs ${w}`);
  const top = layersOf(shape) - 1;
  if (top === 1) {
    if (w !== T) throw new Error(`bug: a model of two layers trains with full BPTT, got horizon ${k} for ${T} steps`);
    firstLayerForward(ws, P, shape, x, xo, T);
  }
  const input = top === 0 ? x : ws.u;
  const io = top === 0 ? xo : 0;
  for (let d = 0; d < directionsOf(shape); d++) {
    recurrenceForward(d === 0 ? ws.hs : ws.hs_r, ws, d * H, recurrenceOf(P, d, top), cellsOf(shape, top), readout, k, d, input, io, T);
  }
  return readoutSoftmax(ws.p, P, directionsOf(shape) * H, C, ws.z, label);
}

/** Two layers: the first layer's states over the whole sequence into ws.hs0 / ws.hs0_r, and as u_t into ws.u. */
function firstLayerForward<A extends FloatArray>(ws: Workspace<A>, P: Params<A>, shape: Shape, x: FloatArray, xo: number, T: number): void {
  const { H } = shape;
  const Z = directionsOf(shape) * H;
  for (let d = 0; d < directionsOf(shape); d++) {
    const hs = d === 0 ? ws.hs0 : ws.hs0_r;
    recurrenceStates(hs, ws, recurrenceOf(P, d, 0), cellsOf(shape, 0), 'last', 0, d, x, xo, T);
    // Own step t of direction d is u's row inputAt(d, 0, t, T, 1): t − 1 forward, T − t in reverse.
    for (let t = 1; t <= T; t++) {
      const uo = inputAt(d, 0, t, T, Z) + d * H;
      for (let i = 0; i < H; i++) ws.u[uo + i] = hs[t * H + i];
    }
  }
}

/**
 * Direction d's recurrence over the sequence: its kept states into hs, its readout into ws.z[zo .. zo+H).
 * ws.hsum is scratch.
 */
function recurrenceForward<A extends FloatArray>(
  hs: A, ws: Workspace<A>, zo: number, P: Recurrence<A>, c: Cells, readout: Readout, k: number, d: number,
  x: FloatArray, xo: number, T: number,
): void {
  recurrenceStates(hs, ws, P, c, readout, k, d, x, xo, T);
  readoutInto(ws, zo, hs, c.H, readout, windowLength(T, k), T);
}

/**
 * Direction d's states: the window's into hs rows 1..w (row 0 the constant before it), and the readout's sum or
 * maximum of the states before the window into ws.hsum.
 */
function recurrenceStates<A extends FloatArray>(
  hs: A, ws: Workspace<A>, P: Recurrence<A>, c: Cells, readout: Readout, k: number, d: number,
  x: FloatArray, xo: number, T: number,
): void {
  const { D, H } = c;
  const { hsum, gates } = ws;
  const w = windowLength(T, k);
  const s = T - w; // steps run without keeping their states
  hsum.fill(readout === 'max' ? -Infinity : 0);
  // Steps 1..s, ping-ponging between hs rows 0 and 1; the last one must land in row 0.
  for (let t = 1; t <= s; t++) {
    const row = (s - t) & 1; // so that t = s writes row 0
    step(hs, row * H, P, c, x, inputAt(d, xo, t, T, D), hs, (1 - row) * H, t === 1, gates);
    if (readout === 'mean') for (let i = 0; i < H; i++) hsum[i] += hs[row * H + i];
    else if (readout === 'max') for (let i = 0; i < H; i++) if (hs[row * H + i] > hsum[i]) hsum[i] = hs[row * H + i];
  }
  if (s === 0) hs.fill(0, 0, H);
  for (let t = 1; t <= w; t++) {
    step(hs, t * H, P, c, x, inputAt(d, xo, s + t, T, D), hs, (t - 1) * H, s + t === 1, gates);
  }
}

/** z[zo .. zo+H) ← the readout of the window's states hs rows 1..w and ws.hsum (the states before it). */
function readoutInto<A extends FloatArray>(ws: Workspace<A>, zo: number, hs: A, H: number, readout: Readout, w: number, T: number): void {
  const { hsum, z } = ws;
  if (readout === 'last') {
    for (let i = 0; i < H; i++) z[zo + i] = hs[w * H + i];
  } else if (readout === 'max') {
    // Strictly greater: on ties the earliest step keeps it.
    for (let i = 0; i < H; i++) {
      let a = hsum[i];
      let at = 0;
      for (let t = 1; t <= w; t++) {
        if (hs[t * H + i] > a) {
          a = hs[t * H + i];
          at = t;
        }
      }
      z[zo + i] = a;
      ws.zt[zo + i] = at;
    }
  } else {
    for (let i = 0; i < H; i++) {
      let a = hsum[i];
      for (let t = 1; t <= w; t++) a += hs[t * H + i];
      z[zo + i] = a / T;
    }
  }
}

/**
 * Backward pass after forward() on the same workspace: accumulates (+=) weight · d(−log p[label])/dθ into G (and
 * the second target's term, mixup's, when given).
 * The states before the window are constants; the recurrence gradient stops at h_{T−w}.
 */
export function backward<A extends FloatArray>(
  G: Params<FloatArray>, ws: Workspace<A>, P: Params<A>, shape: Shape, readout: Readout, k: number,
  x: FloatArray, xo: number, T: number, label: number, weight: number, second: SecondTarget | null = null,
): void {
  const { H, C } = shape;
  const Z = directionsOf(shape) * H;
  const { z, p, dz } = ws;
  const { W_hy } = P;
  // Readout gradients: dW_hy += dlogits z^T; db_y += dlogits; dz = W_hy^T dlogits.
  dz.fill(0);
  for (let c = 0; c < C; c++) {
    const g = dlogit(p, c, label, weight, second);
    G.b_y[c] += g;
    const r = c * Z;
    for (let j = 0; j < Z; j++) {
      G.W_hy[r + j] += g * z[j];
      dz[j] += g * W_hy[r + j];
    }
  }
  const top = layersOf(shape) - 1;
  const input = top === 0 ? x : ws.u;
  const io = top === 0 ? xo : 0;
  const du = top === 0 ? null : ws.du;
  if (du !== null) du.fill(0, 0, T * Z);
  for (let d = 0; d < directionsOf(shape); d++) {
    const from: StateGradient = { kind: 'readout', zo: d * H };
    recurrenceBackward(recurrenceOf(G, d, top), d === 0 ? ws.hs : ws.hs_r, ws, from, recurrenceOf(P, d, top), cellsOf(shape, top), readout, k, d, input, io, T, du);
  }
  if (du === null) return;
  for (let d = 0; d < directionsOf(shape); d++) {
    const from: StateGradient = { kind: 'inputs', du, at: d * H, stride: Z };
    recurrenceBackward(recurrenceOf(G, d, 0), d === 0 ? ws.hs0 : ws.hs0_r, ws, from, recurrenceOf(P, d, 0), cellsOf(shape, 0), readout, 0, d, x, xo, T, null);
  }
}

/**
 * Where a direction's states get their gradient from outside the recurrence: the readout (dz from zo on), or, for
 * the first of two layers, the second layer's input gradient (du [T][stride], this direction's units from `at`).
 */
type StateGradient =
  | { readonly kind: 'readout'; readonly zo: number }
  | { readonly kind: 'inputs'; readonly du: FloatArray; readonly at: number; readonly stride: number };

/**
 * Direction d's truncated BPTT through its kept states hs from the gradient `from` gives them, accumulated into
 * G; with dx not null, also accumulates (+=) dL/dx_t into dx [T][D] (x's layout, from offset 0).
 */
function recurrenceBackward<A extends FloatArray>(
  G: Recurrence<FloatArray>, hs: A, ws: Workspace<A>, from: StateGradient, P: Recurrence<A>, c: Cells, readout: Readout,
  k: number, d: number, x: FloatArray, xo: number, T: number, dx: FloatArray | null,
): void {
  const { D, H } = c;
  const w = windowLength(T, k);
  const s = T - w;
  const { dz, dh, dhraw } = ws;
  const gru = c.cell === 'gru';
  const inv = 1 / T;
  dh.fill(0);
  for (let t = w; t >= 1; t--) {
    const uo = from.kind === 'inputs' ? inputAt(d, 0, s + t, T, from.stride) + from.at : 0;
    // g = dL/dh_t: from the later steps, and from the readout or the layer above; into dhraw as it is (GRU) or through tanh.
    for (let i = 0; i < H; i++) {
      let g = dh[i];
      if (from.kind === 'inputs') g += from.du[uo + i];
      else if (readout === 'mean') g += dz[from.zo + i] * inv;
      else if (readout === 'max' ? ws.zt[from.zo + i] === t : t === w) g += dz[from.zo + i];
      if (gru) {
        dhraw[i] = g;
      } else {
        const h = hs[t * H + i];
        dhraw[i] = g * (1 - h * h); // backprop through tanh
      }
    }
    const xoT = inputAt(d, xo, s + t, T, D);
    const first = s + t === 1; // h_0 = 0 contributes nothing to dW_hh
    const dxo = inputAt(d, 0, s + t, T, D);
    // At t = 1, dh_{t−1} would flow into the constant h_{T−w}.
    if (gru) gruStepBackward(G, P, D, H, x, xoT, hs, (t - 1) * H, first, dhraw, t > 1 ? dh : null, ws.gates, ws.dg, dx, dxo);
    else tanhStepBackward(G, P, D, H, x, xoT, hs, t * H, first, dhraw, t > 1 ? dh : null, dx, dxo);
  }
}

/**
 * The backward of tanhStep from g [H] = dL/da_t (the gradient before tanh): accumulates the step's weight
 * gradients into G (h_{t−1} is the row before h_t in hs), when dx is not null dx[dxo..dxo+D) += W_xh^T dL/da_t,
 * and when dhp is not null, dhp = W_hh^T dL/da_t.
 */
function tanhStepBackward<A extends FloatArray>(
  G: Recurrence<FloatArray>, P: Recurrence<A>, D: number, H: number,
  x: FloatArray, xo: number, hs: A, ho: number, first: boolean, g: FloatArray, dhp: FloatArray | null,
  dx: FloatArray | null, dxo: number,
): void {
  const po = ho - H;
  for (let i = 0; i < H; i++) {
    const a = g[i];
    G.b_h[i] += a;
    const wi = i * D;
    for (let e = 0; e < D; e++) G.W_xh[wi + e] += a * x[xo + e];
    if (!first) {
      const ri = i * H;
      for (let j = 0; j < H; j++) G.W_hh[ri + j] += a * hs[po + j];
    }
  }
  if (dx !== null) {
    for (let i = 0; i < H; i++) {
      const a = g[i];
      const wi = i * D;
      for (let e = 0; e < D; e++) dx[dxo + e] += P.W_xh[wi + e] * a;
    }
  }
  if (dhp === null) return;
  const { W_hh } = P;
  dhp.fill(0);
  for (let i = 0; i < H; i++) {
    const a = g[i];
    const ri = i * H;
    for (let j = 0; j < H; j++) dhp[j] += W_hh[ri + j] * a;
  }
}

/** A second term of a sequence's loss, weight · (−log p[label]): its mixup partner's label (model/mixup.ts). */
export interface SecondTarget {
  readonly label: number;
  readonly weight: number;
}

/**
 * dlogits_c = ∂(−weight · log p[label] − m.weight · log p[m.label]) / ∂logits_c
 *           = weight (p_c − [c = label]) + m.weight (p_c − [c = m.label]); without m, the first term alone.
 */
export function dlogit(p: FloatArray, c: number, label: number, weight: number, m: SecondTarget | null = null): number {
  const g = weight * (p[c] - (c === label ? 1 : 0));
  return m === null ? g : g + m.weight * (p[c] - (c === m.label ? 1 : 0));
}

/** The smallest positive float32: the floor of a probability whose log a loss reports. */
const MIN_PROBABILITY = 1.401298464324817e-45;

/** −m.weight · log p[m.label] (0 without m): the second term's loss, for the statistics (p may have underflowed). */
export function secondLoss(p: FloatArray, m: SecondTarget | null): number {
  return m === null ? 0 : -m.weight * Math.log(Math.max(p[m.label], MIN_PROBABILITY));
}

/** Index of the largest probability (first on ties). */
export function argmax(p: FloatArray): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
  return best;
}
