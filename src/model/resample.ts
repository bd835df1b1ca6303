// Resampling every sequence to one length L (`--resample`): sample j of the result is the sequence read at
// time j·(T − 1)/(L − 1) by linear interpolation (float64, rounded to float32 once), so its first and last
// samples stay and a gesture made at half speed reads like one made at full speed, which nearest-neighbour DTW
// forgives and a recurrence stepping at a fixed stride does not. Train, evaluate and predict all apply it after
// the normalization, so the model sees the same inputs at every stage. Pure.
//
// Legend: N sequences, T samples of one sequence, L samples after resampling, D channels.

import type { FloatArray } from './layout.js';

/** The largest resampling length a model may ask for: a bound on the memory a model file can make a run take. */
export const MAX_RESAMPLE = 1_000_000;

/** x is a length a model may resample to: a whole number from 2 to MAX_RESAMPLE (0, none, is not one). */
export function isResampleLength(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 2 && x <= MAX_RESAMPLE;
}

/** out [L][D] ← x [T][D] resampled to L samples (L ≥ 2; a sequence of one sample is repeated). */
export function resampleSequence(out: FloatArray, oo: number, x: ArrayLike<number>, xo: number, T: number, D: number, L: number): void {
  for (let j = 0; j < L; j++) {
    const src = T > 1 ? (j * (T - 1)) / (L - 1) : 0;
    const i0 = Math.min(Math.floor(src), T - 1);
    const i1 = Math.min(i0 + 1, T - 1);
    const t = src - i0;
    for (let e = 0; e < D; e++) {
      const a = x[xo + i0 * D + e];
      out[oo + j * D + e] = t === 0 ? a : a + (x[xo + i1 * D + e] - a) * t;
    }
  }
}
