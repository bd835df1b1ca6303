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
  /** their standard deviation within a sequence (the root-mean-square over the sequences of 2 steps or more, of the values as stored; NaN without such a sequence) */
  readonly within: number;
  /** their standard deviation within a run of one sequence's successive rows (a whole sequence but in a long file whose sequences' rows are interleaved) as read, pooled over the runs: what float32 cannot have flattened (NaN without a run of two values) */
  readonly withinRead: number;
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
  // The run in progress (Welford's mean and sum of squared deviations), and the runs' pooled sums before it.
  private readonly runN: Float64Array;
  private readonly runMean: Float64Array;
  private readonly runM2: Float64Array;
  private readonly pooledM2: Float64Array;
  private readonly pooledN: Float64Array;

  constructor(private readonly inner: StepStore) {
    const D = (this.width = inner.width);
    this.count = new Float64Array(D);
    this.first = new Float64Array(D);
    this.sum = new Float64Array(D);
    this.sumSq = new Float64Array(D);
    this.errSq = new Float64Array(D);
    this.runN = new Float64Array(D);
    this.runMean = new Float64Array(D);
    this.runM2 = new Float64Array(D);
    this.pooledM2 = new Float64Array(D);
    this.pooledN = new Float64Array(D);
  }

  startSequence(): void {
    for (let c = 0; c < this.width; c++) {
      if (this.runN[c] >= 2) {
        this.pooledM2[c] += this.runM2[c];
        this.pooledN[c] += this.runN[c];
      }
      this.runN[c] = 0;
      this.runMean[c] = 0;
      this.runM2[c] = 0;
    }
  }

  get rows(): number {
    return this.inner.rows;
  }

  push(x: number): void {
    const c = this.col;
    this.col = c + 1 === this.width ? 0 : c + 1;
    if (x !== x) { // a gap, filled later (gaps.ts): no value read
      this.inner.push(x);
      return;
    }
    if (this.count[c]++ === 0) this.first[c] = x;
    const d = x - this.first[c]; // a large level cancels out of the sums
    // Welford's update of the run's mean and squared deviations.
    const n = ++this.runN[c];
    const delta = d - this.runMean[c];
    this.runMean[c] += delta / n;
    this.runM2[c] += delta * (d - this.runMean[c]);
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

  /** Each channel's precision over the values pushed so far, with the spread within the sequences of the values stored. */
  precision(within: Float64Array): ChannelPrecision[] {
    this.startSequence(); // the last run's sums into the pooled ones
    return Array.from({ length: this.width }, (_, c) => {
      const n = Math.max(1, this.count[c]);
      const mean = this.sum[c] / n;
      const withinRead = this.pooledN[c] > 0 ? Math.sqrt(this.pooledM2[c] / this.pooledN[c]) : NaN;
      return { level: this.first[c] + mean, spread: Math.sqrt(Math.max(0, this.sumSq[c] / n - mean * mean)), within: within[c], withinRead, lost: Math.sqrt(this.errSq[c] / n) };
    });
  }
}

/**
 * Each channel's standard deviation within a sequence: the root-mean-square over the sequences of 2 steps or more
 * of their own deviation (values [L][D], sequence n at steps offsets[n] .. + lengths[n]); NaN without such a sequence.
 */
export function withinSpreads(values: Float32Array, offsets: Float64Array, lengths: Int32Array, D: number): Float64Array {
  const sumVar = new Float64Array(D);
  let counted = 0;
  const mean = new Float64Array(D);
  for (let n = 0; n < lengths.length; n++) {
    const T = lengths[n];
    if (T < 2) continue;
    counted++;
    const at = offsets[n] * D;
    mean.fill(0);
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) mean[d] += values[at + t * D + d];
    for (let d = 0; d < D; d++) mean[d] /= T;
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        const e = values[at + t * D + d] - mean[d];
        sumVar[d] += (e * e) / T;
      }
    }
  }
  return sumVar.map((v) => (counted > 0 ? Math.sqrt(v / counted) : NaN));
}

/** The share of a channel's spread that float32 rounding moves its values by, past which training is warned. */
const LOST_SHARE = 0.05;

/** The smallest normal float32: a spread below it cannot be scaled by the normalization (model.ts MIN_STD). */
const MIN_NORMAL = 2 ** -126;

/**
 * The spread a channel's detail lives in: within its sequences, where they vary less there than across (each on
 * its own level, say): as read where the readers' runs tell the sequences apart, else as stored.
 */
export function detailSpread(p: ChannelPrecision): number {
  const within = p.withinRead > 0 ? p.withinRead : p.within > 0 ? p.within : Infinity;
  return Math.min(p.spread, within);
}

/**
 * What float32 does to a channel: `level`, its variation rounded away about a large level (LOST_SHARE of its
 * detail's spread or more); `levels`, the same where the sequences' own levels lie so far apart that one level
 * subtracted would not mend it; `small`, a spread below float32's normal numbers, which the normalization cannot
 * scale; null, nothing worth a word.
 */
export function roundingTrouble(p: ChannelPrecision): 'level' | 'levels' | 'small' | null {
  if (!(p.spread > 0)) return null;
  if (p.spread < MIN_NORMAL) return 'small';
  const detail = detailSpread(p);
  if (p.lost < LOST_SHARE * detail) return null;
  return p.spread > ONE_LEVEL_MENDS * detail ? 'levels' : 'level';
}

/**
 * How many times its detail a channel's spread may be for one level subtracted to mend it: the values then lie
 * within about three spreads of 0, where float32 rounds them by at most 2⁻²⁴ of that, under LOST_SHARE of the detail.
 */
const ONE_LEVEL_MENDS = LOST_SHARE / (3 * 2 ** -24);

/** The channel's level to as many digits as its detail needs: what to subtract from it. */
export function levelToSubtract(p: ChannelPrecision): number {
  const digits = Math.min(15, Math.max(1, Math.ceil(Math.log10(Math.abs(p.level) / detailSpread(p)))));
  return Number(p.level.toPrecision(digits));
}

/** Whether `p` is a channel's precision as the loader gives it (a program's data set may hold anything there). */
export function isChannelPrecision(p: unknown): p is ChannelPrecision {
  const q = p as Partial<ChannelPrecision> | null;
  return typeof q === 'object' && q !== null && [q.level, q.spread, q.within, q.withinRead, q.lost].every((x) => typeof x === 'number');
}
