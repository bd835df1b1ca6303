// What storing the values as float32 loses. The readers parse each number in float64 and the data set keeps it
// in float32 (about 7 significant digits), which is nothing for most signals but everything for one that varies
// little about a large level: a pressure of 101325 ± 0.01 Pa, a clock-like count near 1.7e9. Measured per
// channel as the values pass on their way into storage, so that training can say so instead of learning from
// rounding steps (or calling a channel constant that the file has varying).

import type { StepStore } from './builder.js';

/** A channel's values as read (float64) and what rounding them to float32 moved them by. */
export interface ChannelPrecision {
  /** their mean */
  readonly level: number;
  /** their standard deviation */
  readonly spread: number;
  /** the root-mean-square of (value − its float32 rounding) */
  readonly lost: number;
}

/**
 * A step store that passes every value on to `inner` and keeps, per channel (values come step by step, channels
 * inner), the sums for the values' mean, deviation and float32 rounding error. The sums are of differences from
 * each channel's first value, so a large level cancels out of the deviation.
 */
export class PrecisionWatch implements StepStore {
  readonly width: number;
  private col = 0;
  private readonly count: Float64Array;
  private readonly first: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private readonly errSq: Float64Array;

  constructor(private readonly inner: StepStore) {
    const D = (this.width = inner.width);
    this.count = new Float64Array(D);
    this.first = new Float64Array(D);
    this.sum = new Float64Array(D);
    this.sumSq = new Float64Array(D);
    this.errSq = new Float64Array(D);
  }

  get rows(): number {
    return this.inner.rows;
  }

  push(x: number): void {
    const c = this.col;
    this.col = c + 1 === this.width ? 0 : c + 1;
    if (this.count[c]++ === 0) this.first[c] = x;
    const d = x - this.first[c];
    this.sum[c] += d;
    this.sumSq[c] += d * d;
    const r = x - Math.fround(x);
    this.errSq[c] += r * r;
    this.inner.push(x);
  }

  copyOut(...a: Parameters<StepStore['copyOut']>): void {
    this.inner.copyOut(...a);
  }

  scatterIn(...a: Parameters<StepStore['scatterIn']>): void {
    this.inner.scatterIn(...a);
  }

  /** Each channel's precision over the values pushed so far. */
  precision(): ChannelPrecision[] {
    return Array.from({ length: this.width }, (_, c) => {
      const n = Math.max(1, this.count[c]);
      const mean = this.sum[c] / n;
      return { level: this.first[c] + mean, spread: Math.sqrt(Math.max(0, this.sumSq[c] / n - mean * mean)), lost: Math.sqrt(this.errSq[c] / n) };
    });
  }
}

/** The share of a channel's spread that float32 rounding moves its values by, past which training is warned. */
export const LOST_SHARE = 0.05;

/** Whether rounding to float32 moved a channel's values by LOST_SHARE of their spread or more. */
export function roundedAway(p: ChannelPrecision): boolean {
  return p.spread > 0 && p.lost >= LOST_SHARE * p.spread;
}

/** The channel's level to as many digits as its spread needs: what to subtract from it. */
export function levelToSubtract(p: ChannelPrecision): number {
  const digits = Math.min(15, Math.max(1, Math.ceil(Math.log10(Math.abs(p.level) / p.spread))));
  return Number(p.level.toPrecision(digits));
}
