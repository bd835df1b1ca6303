// First differences as channels of their own (`--differences`): sample t of D channels becomes the 2D values
// [x_t, x_t − x_{t−1}], the difference at t = 0 being 0. A raw recording's offset (gravity on an
// accelerometer, a sensor's baseline, a hand's starting position) is gone from the differences while the
// values keep the level, and the normalization that follows gives the differences a scale of their own. Train,
// evaluate and predict apply it before the normalization, to the values as read. Pure.
//
// Legend: T samples of one sequence, D channels as read.

import type { FloatArray } from './layout.js';

/** out [T][2D] from outAt ← [x_t, x_t − x_{t−1}] of x [T][D] from xAt (float32 subtraction; 0 at t = 0). */
export function appendDifferences(out: FloatArray, outAt: number, x: FloatArray, xAt: number, T: number, D: number): void {
  for (let t = 0; t < T; t++) {
    const row = xAt + t * D;
    const to = outAt + t * 2 * D;
    for (let d = 0; d < D; d++) {
      out[to + d] = x[row + d];
      out[to + D + d] = t > 0 ? Math.fround(x[row + d] - x[row - D + d]) : 0;
    }
  }
}

/** The names of the channels a model with differences reads: the channels, then Δ and each name. */
export function differenceChannels(channels: readonly string[]): string[] {
  return [...channels, ...channels.map((c) => `Δ${c}`)];
}
