// A data set is its sequences, wherever its values lie: a program's subset by index (offsets and lengths of
// some sequences over all the values), sequences stored apart or overlapping (windows over one recording) are
// the data set of those sequences alone, one after another, as a file of them would load. What reads all the
// values at once (statistics, the far-out scan, added channels) reads such a copy.
//
// Legend: N sequences, D channels.

import type { DataSet } from './dataset.js';
import { sharedFloat32, sharedFloat64 } from './shared.js';

/** Whether the sequences lie one after another from the first value, in their order, and cover every value. */
export function isPacked(ds: Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths'>): boolean {
  let at = 0;
  for (let n = 0; n < ds.lengths.length; n++) {
    if (ds.offsets[n] !== at) return false;
    at += ds.lengths[n];
  }
  return at * ds.D === ds.values.length;
}

/** ds itself where it is packed (isPacked); else a copy whose values [Σ T][D] hold its sequences in their order. */
export function packed<T extends Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths'>>(ds: T): T {
  if (isPacked(ds)) return ds;
  const { D, lengths } = ds;
  const offsets = sharedFloat64(lengths.length);
  let steps = 0;
  for (let n = 0; n < lengths.length; n++) {
    offsets[n] = steps;
    steps += lengths[n];
  }
  const values = sharedFloat32(steps * D);
  for (let n = 0; n < lengths.length; n++) {
    const from = ds.offsets[n] * D;
    values.set(ds.values.subarray(from, from + lengths[n] * D), offsets[n] * D);
  }
  return { ...ds, values, offsets };
}
