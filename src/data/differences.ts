// A data set with every sample's first differences as channels of their own (model/differences.ts), in fresh
// shared memory for the engine's threads; sequences, labels, names and sources are the original's.
//
// Legend: N sequences, D channels as read.

import { appendDifferences, differenceChannels } from '../model/differences.js';
import { channelMoments } from '../model/sequence-norm.js';
import type { DataSet } from './dataset.js';
import { sharedFloat32 } from './shared.js';

/** ds with 2D channels: every sample's values, then its first differences. */
export function withDifferences(ds: DataSet): DataSet {
  const { D } = ds;
  const values = sharedFloat32(ds.values.length * 2);
  for (let n = 0; n < ds.lengths.length; n++) appendDifferences(values, ds.offsets[n] * 2 * D, ds.values, ds.offsets[n] * D, ds.lengths[n], D);
  return { ...ds, D: 2 * D, channels: differenceChannels(ds.channels), values };
}

/**
 * The share of the sequences' channels that are each z-normalized already (mean within ±0.05 of 0, standard
 * deviation within ±0.1 of 1, so also one divided by T − 1): the UCR archive's univariate sets are, raw
 * recordings are not.
 */
export function standardizedShare(ds: DataSet): number {
  const { D, values } = ds;
  const N = ds.lengths.length;
  let standardized = 0;
  for (let n = 0; n < N; n++) {
    const T = ds.lengths[n];
    for (let d = 0; d < D; d++) {
      const { mean, sd: std } = channelMoments(values, ds.offsets[n] * D, T, D, d);
      if (Math.abs(mean) <= 0.05 && Math.abs(std - 1) <= 0.1) standardized++;
    }
  }
  return N * D > 0 ? standardized / (N * D) : 1;
}
