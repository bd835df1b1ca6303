// Channels that look like a time column: values that step by the same non-zero amount at every step of every
// sequence (0, 1, 2, … or 0.00, 0.01, …). In the long layout a time column under another name than the one
// the loader was told becomes a channel that way, and the model would learn from the clock.

import type { DataSet } from './dataset.js';

/** The names of the channels of ds whose every sequence of 3 or more steps steps evenly (there must be one). */
export function timeLikeChannels(ds: DataSet): string[] {
  const { D, values, offsets, lengths } = ds;
  const out: string[] = [];
  for (let c = 0; c < D; c++) {
    let seen = false;
    let even = true;
    for (let n = 0; n < lengths.length && even; n++) {
      const T = lengths[n];
      if (T < 3) continue;
      const at = (t: number) => values[(offsets[n] + t) * D + c];
      const step = at(1) - at(0);
      if (step === 0) even = false;
      for (let t = 2; t < T && even; t++) if (Math.abs(at(t) - at(t - 1) - step) > 1e-6 * Math.max(1, Math.abs(step))) even = false;
      seen = true;
    }
    if (seen && even) out.push(ds.channels[c]);
  }
  return out;
}
