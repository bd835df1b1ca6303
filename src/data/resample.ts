// A data set with every sequence resampled to L samples (model/resample.ts), in fresh shared memory for the
// engine's threads; names, labels and sources are the original's.
//
// Legend: N sequences, L samples per sequence after resampling, D channels.

import type { Sequences } from '../model/batch.js';
import { resampleSequence } from '../model/resample.js';
import type { DataSet } from './dataset.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from './shared.js';

/** The sequences of `data` resampled to L samples each, over shared memory. */
export function resampledSequences<S extends Sequences>(data: S, L: number): S {
  const N = data.lengths.length;
  const { D } = data;
  const values = sharedFloat32(N * L * D);
  const offsets = sharedFloat64(N);
  const lengths = sharedInt32(N);
  for (let n = 0; n < N; n++) {
    resampleSequence(values, n * L * D, data.values, data.offsets[n] * D, data.lengths[n], D, L);
    offsets[n] = n * L;
    lengths[n] = L;
  }
  return { ...data, values, offsets, lengths };
}

/** ds with every sequence resampled to L samples (ds itself when L is 0: no resampling). */
export function resampledDataSet(ds: DataSet, L: number): DataSet {
  return L > 0 ? resampledSequences(ds, L) : ds;
}
