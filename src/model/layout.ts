// The parameter layout: one flat buffer for all parameters, carved into named views by a size table.
// Gradients, gradient slots and optimizer moments share this layout, so clipping, reduction, update and
// save are each one loop over a flat array. Owns the layout only; no numerics, no I/O.
//
// Dimensions: D the recurrence's input size (channels × stride), H hidden units per direction, C classes.
// A bidirectional model has a second recurrence over reversed time with its own W_xh_r, W_hh_r, b_h_r, and the
// classifier reads both directions' readouts, [2H]; a one-directional model's reverse parameters are empty.

export interface Shape {
  readonly D: number;
  readonly H: number;
  readonly C: number;
  readonly directions?: 1 | 2; // 2: bidirectional (default 1)
}

/** 1 or 2 recurrences. */
export function directionsOf(s: Shape): 1 | 2 {
  return s.directions ?? 1;
}

export type FloatArray = Float32Array | Float64Array;

export const PARAM_NAMES = ['W_xh', 'W_hh', 'b_h', 'W_xh_r', 'W_hh_r', 'b_h_r', 'W_hy', 'b_y'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export interface Layout {
  readonly size: number;
  readonly offset: Readonly<Record<ParamName, number>>;
  readonly rows: Readonly<Record<ParamName, number>>;
  readonly cols: Readonly<Record<ParamName, number>>; // 1 for vectors
}

/**
 * Offsets of W_xh [H][D], W_hh [H][H], b_h [H], then W_xh_r, W_hh_r, b_h_r of the same shapes (0 rows when
 * one-directional), W_hy [C][directions·H], b_y [C], row-major, in this order.
 */
export function layoutOf(s: Shape): Layout {
  const R = directionsOf(s) === 2 ? s.H : 0;
  const rows: Record<ParamName, number> = { W_xh: s.H, W_hh: s.H, b_h: s.H, W_xh_r: R, W_hh_r: R, b_h_r: R, W_hy: s.C, b_y: s.C };
  const cols: Record<ParamName, number> = { W_xh: s.D, W_hh: s.H, b_h: 1, W_xh_r: s.D, W_hh_r: s.H, b_h_r: 1, W_hy: directionsOf(s) * s.H, b_y: 1 };
  const offset = {} as Record<ParamName, number>;
  let at = 0;
  for (const name of PARAM_NAMES) {
    offset[name] = at;
    at += rows[name] * cols[name];
  }
  return { size: at, offset, rows, cols };
}

export interface Params<A extends FloatArray> {
  readonly W_xh: A; // [H][D]
  readonly W_hh: A; // [H][H]
  readonly b_h: A; // [H]
  readonly W_xh_r: A; // [H][D] the reverse direction's (empty when one-directional)
  readonly W_hh_r: A; // [H][H]
  readonly b_h_r: A; // [H]
  readonly W_hy: A; // [C][directions·H]
  readonly b_y: A; // [C]
}

/** One direction's recurrence: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h). */
export interface Recurrence<A extends FloatArray> {
  readonly W_xh: A; // [H][D]
  readonly W_hh: A; // [H][H]
  readonly b_h: A; // [H]
}

/** Direction d's recurrence (0 forward in time, 1 reverse). */
export function recurrenceOf<A extends FloatArray>(P: Params<A>, d: number): Recurrence<A> {
  return d === 0 ? P : { W_xh: P.W_xh_r, W_hh: P.W_hh_r, b_h: P.b_h_r };
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
