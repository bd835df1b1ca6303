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
  // One pass: each channel's farthest value, how often it occurs, and how many values and sequences lie far out.
  const far = new Float64Array(D);
  const farAt = new Int32Array(D);
  const farthest = new Float64Array(D); // the farthest value itself
  const farthestCount = new Float64Array(D);
  const farCount = new Float64Array(D);
  const holding = new Int32Array(D); // sequences with a far value
  const lastHolding = new Int32Array(D).fill(-1);
  for (let n = 0; n < ds.lengths.length; n++) {
    for (let t = ds.offsets[n]; t < ds.offsets[n] + ds.lengths[n]; t++) {
      for (let d = 0; d < D; d++) {
        const x = values[t * D + d];
        const away = Math.abs(x - median[d]);
        if (away > far[d]) {
          far[d] = away;
          farAt[d] = t;
          farthest[d] = x;
          farthestCount[d] = 0;
        }
        if (x === farthest[d]) farthestCount[d]++;
        if (spread[d] > 0 && away > FAR * spread[d]) {
          farCount[d]++;
          if (lastHolding[d] !== n) holding[d]++;
          lastHolding[d] = n;
        }
      }
    }
  }
  const out: FarOutValue[] = [];
  for (let d = 0; d < D; d++) {
    const value = farthest[d];
    // A channel mostly at one value (spread 0): its rare events are its signal. So are far values in many sequences
    // (an appliance's bursts of power beside its standby), unless the farthest is a marker's or most of them.
    const signal = holding[d] >= Math.max(3, ds.lengths.length / 10) && !isMarkerLike(value) && farthestCount[d] < farCount[d] / 2;
    if (spread[d] > 0 && far[d] / spread[d] > FAR && !signal) {
      out.push({ channel: ds.channels[d], value, id: ds.ids[sequenceAt(ds, farAt[d])], ratio: far[d] / spread[d] });
    }
  }
  return out;
}

/**
 * Whether a value is written as loggers and formats mark "no reading": nines (9999, -999.9), a full unsigned or
 * signed integer of 8 bits or more (255, 4095, 65535, 32767, -32768, 6553.5 scaled), a power of ten of a million
 * or more (1e9, -1e30), or float32's largest.
 */
function isMarkerLike(value: number): boolean {
  const a = Math.abs(value);
  const text = float32Text(a);
  if (a >= 3.4e38 || (a >= 1e6 && /^1e\+\d+$/.test(Number(text).toExponential()))) return true;
  const digits = text.replace('.', '').replace(/^0+/, '');
  if (!/^\d+$/.test(digits)) return false; // e-notation
  const n = Number(digits);
  const powerOfTwo = (k: number) => k > 0 && (k & (k - 1)) === 0;
  return (/^9{3,}$/.test(digits) && a >= 99) || (n >= 255 && n < 2 ** 31 && (powerOfTwo(n + 1) || (n >= 32768 && powerOfTwo(n))));
}

/** The shortest decimal that float32 reads as `a` (-999.9 is stored as 999.9000244…): the number as written. */
function float32Text(a: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(a.toPrecision(digits)));
    if (Math.fround(Number(text)) === a) return text;
  }
  return String(a);
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
