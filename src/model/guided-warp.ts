// Guided warping (Iwana and Uchida 2020): a training sequence a replayed with the timing of another sequence b
// of its class. Dynamic time warping aligns a to b (squared Euclidean distance over the channels, steps
// (1, 0), (0, 1) and (1, 1), within a band around the diagonal); step j of the warped copy is the mean of the
// steps of a that the path aligns with step j of b, and the copy is resampled back to a's length. The copy keeps
// a's shape and takes b's speed at every moment: the variation of timing nearest-neighbour DTW forgives, drawn
// from the data rather than from a fixed distribution. Pure.
//
// Legend: T_a, T_b steps of a and b, D channels, w the band's half width in steps of b, f the coarsening.

import type { FloatArray } from './layout.js';
import { resampleSequence } from './resample.js';

/**
 * The most cells one alignment's band may hold (a byte each for the path, and a distance each to compute): past
 * it, sequences are aligned coarsened (coarseAlignment), so that long signals take bounded memory and time.
 */
export const MAX_ALIGNMENT_CELLS = 1 << 22;

/** The band's half width for sequences of T_a and T_b steps: a share r of the longer (r 1: no band). */
export function bandOf(Ta: number, Tb: number, r: number): number {
  // At least one step of a's diagonal slope, so that consecutive rows' bands touch and the path exists.
  const slope = Ta > 1 ? Math.ceil((Tb - 1) / (Ta - 1)) : Tb;
  return Math.max(1, slope, Math.ceil(r * Math.max(Ta, Tb)));
}

/**
 * The DTW path from (0, 0) to (T_a − 1, T_b − 1) as, for every step j of b, the first and last step of a aligned
 * with it: first[j] ≤ last[j], both non-decreasing in j. Cells farther than w from the diagonal are not entered.
 * Ties prefer the diagonal, then a's step. O(T_a·w) time and memory.
 */
export function dtwAlignment(
  a: ArrayLike<number>, ao: number, Ta: number, b: ArrayLike<number>, bo: number, Tb: number, D: number, w: number,
): { first: Int32Array; last: Int32Array } {
  const width = 2 * w + 2;
  const from = new Uint8Array(Ta * width); // 0: diagonal, 1: from a's previous step, 2: from b's previous step
  const lo = new Int32Array(Ta);
  let prev = new Float64Array(Tb);
  let cur = new Float64Array(Tb);
  let plo = 0, phi = -1; // the previous row's band: prev[j] holds a cost only for plo ≤ j ≤ phi
  for (let i = 0; i < Ta; i++) {
    const c = Ta > 1 ? (i * (Tb - 1)) / (Ta - 1) : 0;
    const jlo = Math.max(0, Math.ceil(c - w));
    const jhi = Math.min(Tb - 1, Math.floor(c + w));
    lo[i] = jlo;
    // The three predecessors' costs ride in registers along the row (Infinity outside the bands).
    let diag = i === 0 ? 0 : jlo - 1 >= plo && jlo - 1 <= phi ? prev[jlo - 1] : Infinity;
    let left = Infinity;
    for (let j = jlo; j <= jhi; j++) {
      let d = 0;
      for (let e = 0; e < D; e++) {
        const x = a[ao + i * D + e] - b[bo + j * D + e];
        d += x * x;
      }
      const up = j >= plo && j <= phi ? prev[j] : Infinity;
      let best = diag, dir = 0;
      if (up < best) { best = up; dir = 1; }
      if (left < best) { best = left; dir = 2; }
      left = d + best;
      cur[j] = left;
      from[i * width + (j - jlo)] = dir;
      diag = up;
    }
    const t = prev; prev = cur; cur = t;
    plo = jlo;
    phi = jhi;
  }
  const first = new Int32Array(Tb).fill(Ta);
  const last = new Int32Array(Tb).fill(-1);
  let i = Ta - 1, j = Tb - 1;
  for (;;) {
    if (i < first[j]) first[j] = i;
    if (i > last[j]) last[j] = i;
    if (i === 0 && j === 0) break;
    const dir = from[i * width + (j - lo[i])];
    if (dir === 0) { i--; j--; } else if (dir === 1) i--; else j--;
  }
  return { first, last };
}

/** The cells of the band that aligns T_a steps to T_b within a share r: the path's bytes. */
function bandCells(Ta: number, Tb: number, r: number): number {
  return Ta * (2 * bandOf(Ta, Tb, r) + 2);
}

/** The least f from 1 whose coarsened sequences (ceil(T / f) steps) align within MAX_ALIGNMENT_CELLS. */
export function coarseningOf(Ta: number, Tb: number, r: number): number {
  const cells = bandCells(Ta, Tb, r);
  if (cells <= MAX_ALIGNMENT_CELLS) return 1;
  let f = Math.max(2, Math.floor(Math.sqrt(cells / MAX_ALIGNMENT_CELLS)));
  while (bandCells(Math.ceil(Ta / f), Math.ceil(Tb / f), r) > MAX_ALIGNMENT_CELLS) f++;
  return f;
}

/** a's alignment to b within a share r of the longer: exact DTW, or coarsened where its band is too large. */
export function alignmentOf(
  a: ArrayLike<number>, ao: number, Ta: number, b: ArrayLike<number>, bo: number, Tb: number, D: number, r: number,
): { first: Int32Array; last: Int32Array } {
  const f = coarseningOf(Ta, Tb, r);
  return f === 1 ? dtwAlignment(a, ao, Ta, b, bo, Tb, D, bandOf(Ta, Tb, r)) : coarseAlignment(a, ao, Ta, b, bo, Tb, D, r, f);
}

/** x [T][D] as ceil(T / f) steps, each the mean of f consecutive steps (the last of what is left). */
function pooled(x: ArrayLike<number>, xo: number, T: number, D: number, f: number): Float64Array {
  const n = Math.ceil(T / f);
  const out = new Float64Array(n * D);
  for (let k = 0; k < n; k++) {
    const end = Math.min(T, (k + 1) * f);
    for (let e = 0; e < D; e++) {
      let s = 0;
      for (let i = k * f; i < end; i++) s += x[xo + i * D + e];
      out[k * D + e] = s / (end - k * f);
    }
  }
  return out;
}

/**
 * DTW of a and b pooled by f, brought back to their steps: the warp φ through (0, 0), the centres of the
 * coarse path's blocks and (T_b − 1, T_a − 1), linear between them, aligns step j of b with a's steps after
 * round(φ(j − 1)) up to round(φ(j)) (that one step when both round alike), so that every step of a is aligned
 * and the path is the shape dtwAlignment returns. O(T_a·T_b/f²) time and memory.
 */
function coarseAlignment(
  a: ArrayLike<number>, ao: number, Ta: number, b: ArrayLike<number>, bo: number, Tb: number, D: number, r: number, f: number,
): { first: Int32Array; last: Int32Array } {
  const ta = Math.ceil(Ta / f), tb = Math.ceil(Tb / f);
  const coarse = dtwAlignment(pooled(a, ao, Ta, D, f), 0, ta, pooled(b, bo, Tb, D, f), 0, tb, D, bandOf(ta, tb, r));
  const xs = [0], ys = [0];
  for (let J = 0; J < tb; J++) {
    const x = (J * f + Math.min(Tb, (J + 1) * f) - 1) / 2;
    const y = (coarse.first[J] * f + Math.min(Ta, (coarse.last[J] + 1) * f) - 1) / 2;
    if (x > xs[xs.length - 1] && x < Tb - 1) { xs.push(x); ys.push(y); }
  }
  xs.push(Tb - 1);
  ys.push(Ta - 1);
  const first = new Int32Array(Tb), last = new Int32Array(Tb);
  let k = 0, before = -1;
  for (let j = 0; j < Tb; j++) {
    while (xs[k + 1] < j) k++;
    const s = Math.round(ys[k] + ((ys[k + 1] - ys[k]) * (j - xs[k])) / (xs[k + 1] - xs[k]));
    first[j] = j === 0 ? 0 : Math.min(s, before + 1);
    last[j] = s;
    before = s;
  }
  return { first, last };
}

/**
 * out [T_a][D] ← a replayed with b's timing: mean of a's steps aligned with each step of b (float64), resampled
 * from T_b back to T_a steps, rounded to float32 once on store. A sequence of one step is copied as it is.
 */
export function guidedWarp(
  out: FloatArray, oo: number, a: ArrayLike<number>, ao: number, Ta: number, b: ArrayLike<number>, bo: number, Tb: number, D: number, r: number,
): void {
  if (Ta < 2 || Tb < 2) { // no timing to take: a as it is
    for (let i = 0; i < Ta * D; i++) out[oo + i] = a[ao + i];
    return;
  }
  const { first, last } = alignmentOf(a, ao, Ta, b, bo, Tb, D, r);
  const onB = new Float64Array(Tb * D);
  for (let j = 0; j < Tb; j++) {
    const n = last[j] - first[j] + 1;
    for (let e = 0; e < D; e++) {
      let s = 0;
      for (let i = first[j]; i <= last[j]; i++) s += a[ao + i * D + e];
      onB[j * D + e] = s / n;
    }
  }
  resampleSequence(out, oo, onB, 0, Tb, D, Ta);
}
