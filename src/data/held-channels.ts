// Channels that hold one value through each sequence and another in the next: a column that names or groups the
// recordings (a subject, a device, a session) and became a channel because every column but id, time and label
// is one. The model would tell classes apart by who was recorded rather than by the signal. Pure.

import type { DataSet } from './dataset.js';

/**
 * The names of the channels of ds (of two or more) that are the same at every step of each sequence of 2 or more
 * steps (two such sequences at least) and not the same in all of them.
 */
export function heldChannels(ds: Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths' | 'channels'>): string[] {
  const { D, values, offsets, lengths } = ds;
  if (D < 2) return [];
  const out: string[] = [];
  for (let c = 0; c < D; c++) {
    let sequences = 0;
    let first = NaN; // the first such sequence's value
    let differs = false;
    let held = true;
    for (let n = 0; n < lengths.length && held; n++) {
      if (lengths[n] < 2) continue;
      const at = offsets[n] * D + c;
      const v = values[at];
      for (let t = 1; t < lengths[n]; t++) {
        if (values[at + t * D] !== v) {
          held = false;
          break;
        }
      }
      if (sequences++ === 0) first = v;
      else differs ||= v !== first;
    }
    if (held && sequences >= 2 && differs) out.push(ds.channels[c]);
  }
  return out;
}
