// The parameter layout: one flat buffer for all parameters, carved into named views by a size table.
// Gradients, gradient slots and optimizer moments share this layout, so clipping, reduction, update and
// save are each one loop over a flat array. Owns the layout only; no numerics, no I/O.
//
// Dimensions: D channels (input size), H hidden units, C classes.

export interface Shape {
  readonly D: number;
  readonly H: number;
  readonly C: number;
}

export type FloatArray = Float32Array | Float64Array;

export const PARAM_NAMES = ['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

export interface Layout {
  readonly size: number;
  readonly offset: Readonly<Record<ParamName, number>>;
  readonly rows: Readonly<Record<ParamName, number>>;
  readonly cols: Readonly<Record<ParamName, number>>; // 1 for vectors
}

/** Offsets of W_xh [H][D], W_hh [H][H], b_h [H], W_hy [C][H], b_y [C], row-major, in this order. */
export function layoutOf(s: Shape): Layout {
  const rows: Record<ParamName, number> = { W_xh: s.H, W_hh: s.H, b_h: s.H, W_hy: s.C, b_y: s.C };
  const cols: Record<ParamName, number> = { W_xh: s.D, W_hh: s.H, b_h: 1, W_hy: s.H, b_y: 1 };
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
  readonly W_hy: A; // [C][H]
  readonly b_y: A; // [C]
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
