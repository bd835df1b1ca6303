// Values far outside the rest of their channel: a logger's "no reading" marker (9999, -999) or a glitch. One such
// value sets the z-score's standard deviation of its whole channel, which flattens every other sequence into a
// sliver of the range the model reads (a training run then learns nothing, silently). Pure.

import type { DataSet } from './dataset.js';
import { checkDataArgument } from './data-argument.js';
import { packed } from './packed.js';

/** A value far out in its channel: the channel, the value and the id of the sequence that holds it. */
export interface FarOutValue {
  readonly channel: string;
  readonly value: number;
  readonly id: string;
  readonly ratio: number; // its distance from the channel's median over the 90th percentile of all distances
}

const SAMPLE = 1_000_000; // values all channels' typical spreads are measured on together (1000 a channel at least)
const FAR = 1000; // how many typical spreads out a value must lie to be named

/** The farthest value of each channel that lies more than 1000 times its typical distance from the median. */
export function farOutValues(ds: DataSet): FarOutValue[] {
  checkDataArgument(ds, 'farOutValues() data', { dataSet: true });
  return farOut(packed(ds));
}

/** farOutValues of a data set checked already. */
export function farOut(ds: Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths' | 'ids' | 'channels'>): FarOutValue[] {
  const { D, values } = ds;
  const L = values.length / D;
  if (L === 0) return [];
  // Steps at the golden ratio's multiples mod L: spread over the whole data, and never in step with a sequence
  // length (a fixed stride that is a multiple of it would sample one time step of every sequence).
  const n = Math.min(L, Math.max(1000, Math.floor(SAMPLE / D)));
  const steps = Int32Array.from({ length: n }, (_, i) => (n === L ? i : Math.floor(((i * 0.6180339887498949) % 1) * L)));
  const median = new Float64Array(D);
  const spread = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    const sample = Float64Array.from(steps, (t) => values[t * D + d]).sort();
    median[d] = sample[sample.length >> 1];
    spread[d] = sample.map((x) => Math.abs(x - median[d])).sort()[Math.floor(0.9 * (sample.length - 1))];
  }
  // One pass: each channel's farthest value, and a tally of its far values.
  const far = new Float64Array(D);
  const farAt = new Int32Array(D);
  const tallies = Array.from({ length: D }, () => new FarTally());
  for (let n = 0; n < ds.lengths.length; n++) {
    for (let t = ds.offsets[n]; t < ds.offsets[n] + ds.lengths[n]; t++) {
      for (let d = 0; d < D; d++) {
        const away = Math.abs(values[t * D + d] - median[d]);
        if (away > far[d]) {
          far[d] = away;
          farAt[d] = t;
        }
        if (spread[d] > 0 && away > FAR * spread[d]) tallies[d].add(values[t * D + d], away, n);
      }
    }
  }
  const out: FarOutValue[] = [];
  for (let d = 0; d < D; d++) {
    // A channel mostly at one value (spread 0): its rare events are its signal.
    if (spread[d] > 0 && far[d] / spread[d] > FAR && !tallies[d].isSignal(ds.lengths.length, far[d])) {
      out.push({ channel: ds.channels[d], value: values[farAt[d] * D + d], id: ds.ids[sequenceAt(ds, farAt[d])], ratio: far[d] / spread[d] });
    }
  }
  return out;
}

/** How many far values of a channel a tally keeps (their kinds and distances), and past that only counts. */
const TALLY = 4096;

/**
 * A channel's far values, told apart as its signal (an appliance's bursts of power beside its standby: values of
 * many kinds in many sequences) from a marker (9999 for "no reading": one value, however often) or a glitch (in
 * a few sequences), the farthest of which sets the normalization's scale.
 */
class FarTally {
  private holding = 0; // sequences with a far value
  private last = -1; // the latest of them
  private count = 0;
  private readonly kinds = new Map<number, number>(); // each far value's count, of the first TALLY kinds
  private readonly distances: number[] = []; // the first TALLY far values' distances from the median

  add(value: number, away: number, n: number): void {
    if (this.last !== n) this.holding++;
    this.last = n;
    this.count++;
    if (this.kinds.size < TALLY || this.kinds.has(value)) this.kinds.set(value, (this.kinds.get(value) ?? 0) + 1);
    if (this.distances.length < TALLY) this.distances.push(away);
  }

  /**
   * Whether the far values are the signal, the farthest (`farthest` from the median) among them: held by a quarter
   * of the N sequences or more (three at least), of about as many kinds as sequences or more, none of them half of
   * all, and the farthest within four times their median distance (a marker far beyond bursts is no burst).
   */
  isSignal(N: number, farthest: number): boolean {
    if (this.holding < Math.max(3, N / 4) || this.kinds.size < Math.min(this.holding, TALLY)) return false;
    let most = 0;
    for (const c of this.kinds.values()) most = Math.max(most, c);
    const sorted = Float64Array.from(this.distances).sort();
    return most < this.count / 2 && farthest <= 4 * sorted[sorted.length >> 1];
  }
}

/** The sequence that holds time step t of the data set (offsets are increasing). */
function sequenceAt(ds: Pick<DataSet, 'offsets' | 'lengths'>, t: number): number {
  let lo = 0;
  let hi = ds.lengths.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ds.offsets[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
