// How far apart the sequences' scales lie, channel by channel. The normalization (normalize.ts) divides a
// channel by one standard deviation over the whole training set, so where the sequences' own deviations span
// orders of magnitude (counts from places of every size, sensors at different gains) the small ones reach the
// model nearly flat; docs/accuracy.md measured what that costs.
//
// Legend: N sequences, D channels.

import { channelMoments } from '../model/sequence-norm.js';
import type { DataSet } from './dataset.js';
import { checkDataArgument } from './data-argument.js';

/** From this many decades between the 10th and 90th percentile of the sequences' deviations on, a channel's scales are wide apart. */
export const WIDE_SCALES = 2;

export interface ScaleSpread {
  readonly channel: string;
  readonly decades: number; // log10 of the 90th over the 10th percentile of the sequences' standard deviations
}

/**
 * The channels of ds whose sequences' standard deviations (constant sequences left out: they have no scale)
 * span WIDE_SCALES decades or more from the 10th to the 90th percentile, widest first.
 */
export function widelyScaledChannels(ds: DataSet): ScaleSpread[] {
  checkDataArgument(ds, 'widelyScaledChannels() data', { dataSet: true });
  return widelyScaled(ds);
}

/** widelyScaledChannels of a data set checked already. */
export function widelyScaled(ds: DataSet): ScaleSpread[] {
  const { D, values, offsets, lengths } = ds;
  const out: ScaleSpread[] = [];
  for (let c = 0; c < D; c++) {
    const sds: number[] = [];
    for (let n = 0; n < lengths.length; n++) {
      const T = lengths[n];
      const at = offsets[n] * D + c;
      let constant = true;
      for (let t = 1; t < T && constant; t++) constant = values[at + t * D] === values[at];
      if (!constant) sds.push(channelMoments(values, offsets[n] * D, T, D, c).sd);
    }
    if (sds.length < 2) continue;
    sds.sort((a, b) => a - b);
    const percentile = (p: number) => sds[Math.min(sds.length - 1, Math.floor(p * sds.length))];
    const decades = Math.log10(percentile(0.9) / percentile(0.1));
    if (decades >= WIDE_SCALES) out.push({ channel: ds.channels[c], decades });
  }
  return out.sort((a, b) => b.decades - a.decades);
}

/** Which channels' sequences' scales lie orders of magnitude apart, widest first, as a phrase for a message. */
export function scalesApart(wide: readonly ScaleSpread[]): string {
  const names = wide.slice(0, 3).map((w) => JSON.stringify(w.channel));
  const more = wide.length > 3 ? ` and ${wide.length - 3} more` : '';
  const which = wide.length === 1 ? `channel ${names[0]}` : `channels ${names.join(', ')}${more}`;
  return `the sequences' scales lie ${wide.length > 1 ? 'up to ' : ''}${wide[0].decades.toFixed(1)} decades apart in ${which} (10th to 90th percentile of their standard deviations)`;
}
