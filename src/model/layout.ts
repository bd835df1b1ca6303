// The parameter layout: one flat buffer for all parameters, carved into named views by a size table.
// Gradients, gradient slots and optimizer moments share this layout, so clipping, reduction, update and
// save are each one loop over a flat array. Owns the layout only; no numerics, no I/O.
//
// Dimensions: D the recurrence's input size (channels × stride), H hidden units per direction, C classes,
// G gates per cell (1 for the tanh RNN, 3 for the GRU: r, z, n in PyTorch's order).
// A bidirectional model has a second recurrence over reversed time with its own W_xh_r, W_hh_r, b_h_r, and the
// classifier reads both directions' readouts, [2H]; a one-directional model's reverse parameters are empty.
// The GRU's b_h holds the input biases with the recurrent biases of r and z folded in (b_ir + b_hr, b_iz + b_hz,
// b_in: sums are all the gates see), and b_hn the recurrent bias of n, which r multiplies; a tanh RNN's b_hn is
// empty.
// A model of two layers (shape.layers 2) has a second recurrence of each direction, _l1, reading at step t the
// first layer's states at t, [h_fwd; h_rev] (directions·H inputs, PyTorch's num_layers=2); the classifier reads
// the second layer's readouts. A one-layer model's _l1 parameters are empty, so its layout is unchanged.

/** The recurrent cell: the Elman tanh RNN, or PyTorch's nn.GRU. */
export const CELLS = ['rnn', 'gru'] as const;
export type Cell = (typeof CELLS)[number];

export interface Shape {
  readonly D: number;
  readonly H: number;
  readonly C: number;
  readonly directions?: 1 | 2; // 2: bidirectional (default 1)
  readonly cell?: Cell; // default 'rnn'
  readonly layers?: 1 | 2; // stacked recurrences (default 1)
}

/** 1 or 2 recurrences. */
export function directionsOf(s: Shape): 1 | 2 {
  return s.directions ?? 1;
}

/** 1 or 2 stacked layers. */
export function layersOf(s: Shape): 1 | 2 {
  return s.layers ?? 1;
}

/** The inputs per step of layer `layer`: D for the first, the first layer's states (directions·H) for the second. */
export function layerInputs(s: Shape, layer: number): number {
  return layer === 0 ? s.D : directionsOf(s) * s.H;
}

export function cellOf(s: Shape): Cell {
  return s.cell ?? 'rnn';
}

/** G: the rows of W_xh, W_hh and b_h per hidden unit. */
export function gatesOf(s: Shape): 1 | 3 {
  return cellOf(s) === 'gru' ? 3 : 1;
}

export type FloatArray = Float32Array | Float64Array;

export const PARAM_NAMES = [
  'W_xh', 'W_hh', 'b_h', 'b_hn', 'W_xh_r', 'W_hh_r', 'b_h_r', 'b_hn_r',
  'W_xh_l1', 'W_hh_l1', 'b_h_l1', 'b_hn_l1', 'W_xh_l1_r', 'W_hh_l1_r', 'b_h_l1_r', 'b_hn_l1_r',
  'W_hy', 'b_y',
] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export interface Layout {
  readonly size: number;
  readonly offset: Readonly<Record<ParamName, number>>;
  readonly rows: Readonly<Record<ParamName, number>>;
  readonly cols: Readonly<Record<ParamName, number>>; // 1 for vectors
}

/**
 * Offsets of W_xh [G·H][D], W_hh [G·H][H], b_h [G·H], b_hn [H] (GRU only), then W_xh_r, W_hh_r, b_h_r, b_hn_r of
 * the same shapes (0 rows when one-directional), then the second layer's eight of the same shapes but
 * W_xh_l1 [G·H][directions·H] (0 rows with one layer), W_hy [C][directions·H], b_y [C], row-major, in this order.
 * A gate's rows are a block: gate g of hidden unit i is row g·H + i.
 */
export function layoutOf(s: Shape): Layout {
  const GH = gatesOf(s) * s.H;
  const N = cellOf(s) === 'gru' ? s.H : 0;
  const two = directionsOf(s) === 2;
  const R = two ? GH : 0;
  const deep = layersOf(s) === 2;
  const L = deep ? GH : 0;
  const LR = deep ? R : 0;
  const Z = directionsOf(s) * s.H;
  const rows: Record<ParamName, number> = {
    W_xh: GH, W_hh: GH, b_h: GH, b_hn: N, W_xh_r: R, W_hh_r: R, b_h_r: R, b_hn_r: two ? N : 0,
    W_xh_l1: L, W_hh_l1: L, b_h_l1: L, b_hn_l1: deep ? N : 0, W_xh_l1_r: LR, W_hh_l1_r: LR, b_h_l1_r: LR, b_hn_l1_r: deep && two ? N : 0,
    W_hy: s.C, b_y: s.C,
  };
  const cols: Record<ParamName, number> = {
    W_xh: s.D, W_hh: s.H, b_h: 1, b_hn: 1, W_xh_r: s.D, W_hh_r: s.H, b_h_r: 1, b_hn_r: 1,
    W_xh_l1: Z, W_hh_l1: s.H, b_h_l1: 1, b_hn_l1: 1, W_xh_l1_r: Z, W_hh_l1_r: s.H, b_h_l1_r: 1, b_hn_l1_r: 1,
    W_hy: Z, b_y: 1,
  };
  const offset = {} as Record<ParamName, number>;
  let at = 0;
  for (const name of PARAM_NAMES) {
    offset[name] = at;
    at += rows[name] * cols[name];
  }
  return { size: at, offset, rows, cols };
}

export interface Params<A extends FloatArray> {
  readonly W_xh: A; // [G·H][D]
  readonly W_hh: A; // [G·H][H]
  readonly b_h: A; // [G·H]
  readonly b_hn: A; // [H] (GRU; empty for the tanh RNN)
  readonly W_xh_r: A; // [G·H][D] the reverse direction's (empty when one-directional)
  readonly W_hh_r: A; // [G·H][H]
  readonly b_h_r: A; // [G·H]
  readonly b_hn_r: A; // [H]
  readonly W_xh_l1: A; // [G·H][directions·H] the second layer's (empty with one layer)
  readonly W_hh_l1: A; // [G·H][H]
  readonly b_h_l1: A; // [G·H]
  readonly b_hn_l1: A; // [H]
  readonly W_xh_l1_r: A; // [G·H][directions·H] the second layer's reverse direction
  readonly W_hh_l1_r: A; // [G·H][H]
  readonly b_h_l1_r: A; // [G·H]
  readonly b_hn_l1_r: A; // [H]
  readonly W_hy: A; // [C][directions·H]
  readonly b_y: A; // [C]
}

/** One direction's recurrence: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), or the GRU's (rnn.ts). */
export interface Recurrence<A extends FloatArray> {
  readonly W_xh: A; // [G·H][D]
  readonly W_hh: A; // [G·H][H]
  readonly b_h: A; // [G·H]
  readonly b_hn: A; // [H] (GRU)
}

/** The names of the recurrence parameters of layer `layer` (0 the first), direction d (0 forward in time, 1 reverse). */
export const RECURRENCE_NAMES = [
  [['W_xh', 'W_hh', 'b_h', 'b_hn'], ['W_xh_r', 'W_hh_r', 'b_h_r', 'b_hn_r']],
  [['W_xh_l1', 'W_hh_l1', 'b_h_l1', 'b_hn_l1'], ['W_xh_l1_r', 'W_hh_l1_r', 'b_h_l1_r', 'b_hn_l1_r']],
] as const;

/** Direction d's recurrence (0 forward in time, 1 reverse) of layer `layer` (0 the first). */
export function recurrenceOf<A extends FloatArray>(P: Params<A>, d: number, layer = 0): Recurrence<A> {
  if (layer === 0 && d === 0) return P;
  const [W_xh, W_hh, b_h, b_hn] = RECURRENCE_NAMES[layer][d];
  return { W_xh: P[W_xh], W_hh: P[W_hh], b_h: P[b_h], b_hn: P[b_hn] };
}

/** Named views into a flat buffer that holds one parameter set (or one gradient) in the layout. */
export function viewsOf<A extends FloatArray>(flat: A, s: Shape, base = 0): Params<A> {
  const l = layoutOf(s);
  const v = {} as Record<ParamName, A>;
  for (const name of PARAM_NAMES) {
    const start = base + l.offset[name];
    v[name] = flat.subarray(start, start + l.rows[name] * l.cols[name]) as A;
  }
  return v;
}
