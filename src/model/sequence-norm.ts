// Each sequence on its own scale (`--sequence-norm`): sample t of D channels becomes the 3D values
// [(x_t − μ) / s, μ, log s], where μ and σ are the sequence's own mean and (population) standard deviation of
// each channel and s = σ, or 1 for a constant channel. The shape then reaches the model at one scale whatever the
// sequence's size, and the size is still there to read (x = μ + s z). Train, evaluate and predict apply it first,
// to the values as read, before the differences and the normalization. Pure.
//
// Legend: T samples of one sequence, D channels as read.

import type { FloatArray } from './layout.js';

/** μ = (1/T) Σ_t x_t and σ = √((1/T) Σ_t (x_t − μ)²) of channel d of x [T][D] from xAt, in float64 (0 and 0 for T = 0). */
export function channelMoments(x: FloatArray, xAt: number, T: number, D: number, d: number): { mean: number; sd: number } {
  let sum = 0;
  for (let t = 0; t < T; t++) sum += x[xAt + t * D + d];
  const mean = T > 0 ? sum / T : 0;
  let ss = 0;
  for (let t = 0; t < T; t++) ss += (x[xAt + t * D + d] - mean) ** 2;
  return { mean, sd: T > 0 ? Math.sqrt(ss / T) : 0 };
}

/** out [T][3D] from outAt ← [z_t, μ, log s] of x [T][D] from xAt (statistics in float64, values rounded to float32). */
export function appendSequenceNorm(out: FloatArray, outAt: number, x: FloatArray, xAt: number, T: number, D: number): void {
  for (let d = 0; d < D; d++) {
    const { mean, sd } = channelMoments(x, xAt, T, D, d);
    const s = sd > 0 ? sd : 1;
    const level = Math.fround(mean);
    const logScale = Math.fround(Math.log(s));
    for (let t = 0; t < T; t++) {
      const to = outAt + t * 3 * D;
      out[to + d] = Math.fround((x[xAt + t * D + d] - mean) / s);
      out[to + D + d] = level;
      out[to + 2 * D + d] = logScale;
    }
  }
}

/** The names of the channels a model with sequence normalization reads: the channels, then μ and log σ of each. */
export function sequenceNormChannels(channels: readonly string[]): string[] {
  return [...channels, ...channels.map((c) => `μ${c}`), ...channels.map((c) => `logσ${c}`)];
}
