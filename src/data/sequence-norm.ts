// A data set with each sequence on its own scale (model/sequence-norm.ts), in fresh shared memory for the
// engine's threads; sequences, labels, names and sources are the original's.
//
// Legend: N sequences, D channels as read.

import { appendSequenceNorm, sequenceNormChannels } from '../model/sequence-norm.js';
import type { DataSet } from './dataset.js';
import { sharedFloat32 } from './shared.js';

/** ds with 3D channels: every sample's values on its sequence's scale, then the sequence's levels and log scales. */
export function withSequenceNorm(ds: DataSet): DataSet {
  const { D } = ds;
  const values = sharedFloat32(ds.values.length * 3);
  for (let n = 0; n < ds.lengths.length; n++) appendSequenceNorm(values, ds.offsets[n] * 3 * D, ds.values, ds.offsets[n] * D, ds.lengths[n], D);
  return { ...ds, D: 3 * D, channels: sequenceNormChannels(ds.channels), values };
}
