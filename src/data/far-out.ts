// Values far outside the rest of their channel: a logger's "no reading" marker (9999, -999) or a glitch. One such
// value sets the z-score's standard deviation of its whole channel, which flattens every other sequence into a
// sliver of the range the model reads (a training run then learns nothing, silently). Pure.

import type { DataSet } from './dataset.js';

/** A value far out in its channel: the channel, the value and the id of the sequence that holds it. */
export interface FarOutValue {
  readonly channel: string;
  readonly value: number;
  readonly id: string;
  readonly ratio: number; // its distance from the channel's median over the 90th percentile of all distances
}

const SAMPLE = 100_000; // values a channel's typical spread is measured on
const FAR = 1000; // how many typical spreads out a value must lie to be named

/** The farthest value of each channel that lies more than FAR times its typical distance from the median. */
export function farOutValues(ds: Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths' | 'ids' | 'channels'>): FarOutValue[] {
  const { D, values } = ds;
  const L = values.length / D;
  if (L === 0) return [];
  const every = Math.max(1, Math.floor(L / SAMPLE));
  const out: FarOutValue[] = [];
  for (let d = 0; d < D; d++) {
    const sample = Float64Array.from({ length: Math.ceil(L / every) }, (_, i) => values[i * every * D + d]).sort();
    const median = sample[sample.length >> 1];
    const spread = sample.map((x) => Math.abs(x - median)).sort()[Math.floor(0.9 * (sample.length - 1))];
    if (!(spread > 0)) continue; // a channel mostly at one value: its rare events are its signal
    let far = -1;
    for (let t = 0; t < L; t++) if (far < 0 || Math.abs(values[t * D + d] - median) > Math.abs(values[far * D + d] - median)) far = t;
    const ratio = Math.abs(values[far * D + d] - median) / spread;
    if (ratio > FAR) out.push({ channel: ds.channels[d], value: values[far * D + d], id: ds.ids[sequenceAt(ds, far)], ratio });
  }
  return out;
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
