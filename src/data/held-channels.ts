// Channels that hold one value through each sequence and another in the next: a column that names or groups the
// recordings (a subject, a device, a session) and became a channel because every column but id, time and label
// is one. The model would tell classes apart by who was recorded rather than by the signal. A reading too coarse
// to change within a short sequence holds still too: hence a warning, and only over sequences of some length. Pure.

import type { DataSet } from './dataset.js';

/** The fewest steps a sequence has for its holding one value to tell: a slow reading holds still over a few. */
const FEWEST_STEPS = 8;

/**
 * The names of the channels of ds (of two or more) that are the same at every step of each sequence of
 * FEWEST_STEPS or more (two such at least, and half the sequences) and not the same in all of them.
 */
export function heldChannels(ds: Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths' | 'channels'>): string[] {
  const { D, values, offsets, lengths } = ds;
  if (D < 2) return [];
  const out: string[] = [];
  let long = 0;
  for (let n = 0; n < lengths.length; n++) if (lengths[n] >= FEWEST_STEPS) long++;
  if (long < 2 || 2 * long < lengths.length) return [];
  for (let c = 0; c < D; c++) {
    let sequences = 0;
    let first = NaN; // the first such sequence's value
    let differs = false;
    let held = true;
    for (let n = 0; n < lengths.length && held; n++) {
      if (lengths[n] < FEWEST_STEPS) continue;
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
