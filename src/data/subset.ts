// A data set made of some of another's sequences (a training fold, the held-out part of a split), over the
// same values: only the per-sequence arrays are new (in shared memory, for the engine's threads), so a subset
// costs O(its sequences), never a copy of the signals. Also a data set relabelled onto a wider list of classes.
//
// Legend: N sequences in the subset.

import type { DataSet } from './dataset.js';
import { sharedFloat64, sharedInt32 } from './shared.js';

/** Sequences `indices` of ds, in that order, as a data set of their own. */
export function subsetOf(ds: DataSet, indices: ArrayLike<number>): DataSet {
  const N = indices.length;
  const offsets = sharedFloat64(N);
  const lengths = sharedInt32(N);
  const labels = sharedInt32(N);
  const ids: string[] = new Array(N);
  const sources: DataSet['sources'][number][] = new Array(N);
  for (let i = 0; i < N; i++) {
    const n = indices[i];
    offsets[i] = ds.offsets[n];
    lengths[i] = ds.lengths[n];
    labels[i] = ds.labels[n];
    ids[i] = ds.ids[n];
    sources[i] = ds.sources[n];
  }
  return { D: ds.D, channels: ds.channels, classes: ds.classes, values: ds.values, offsets, lengths, labels, ids, sources };
}

/** ds with `classes` (its own among them, in any order) as its classes: each label the index of its class there. */
export function withClasses(ds: DataSet, classes: readonly string[]): DataSet {
  const at = ds.classes.map((c) => classes.indexOf(c));
  const labels = sharedInt32(ds.labels.length);
  ds.labels.forEach((c, n) => { labels[n] = c < 0 ? c : at[c]; });
  return { ...ds, classes: [...classes], labels };
}
