// Small in-memory data sets for tests that need no CSV: C classes of noisy sine waves of mixed lengths, or
// sequences given value by value.

import type { DataSet } from '../../src/data/dataset.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../../src/data/shared.js';
import { createRng, normal } from '../../src/model/rng.js';

export function syntheticDataSet(N: number, D: number, C: number, seed = 7, minT = 5, maxT = 30): DataSet {
  const rng = createRng(seed);
  const lengths = sharedInt32(N);
  const offsets = sharedFloat64(N);
  const labels = sharedInt32(N);
  let L = 0;
  for (let n = 0; n < N; n++) {
    lengths[n] = minT + Math.floor(rng.next() * (maxT - minT + 1));
    offsets[n] = L;
    labels[n] = n % C;
    L += lengths[n];
  }
  const values = sharedFloat32(L * D);
  for (let n = 0; n < N; n++) {
    const f = 0.2 + 0.3 * labels[n];
    for (let t = 0; t < lengths[n]; t++) {
      for (let d = 0; d < D; d++) values[(offsets[n] + t) * D + d] = Math.sin(f * t + d) + 0.3 * normal(rng);
    }
  }
  return {
    D,
    channels: Array.from({ length: D }, (_, d) => `c${d}`),
    classes: Array.from({ length: C }, (_, c) => `class${c}`),
    values, offsets, lengths, labels,
    ids: Array.from({ length: N }, (_, n) => String(n + 1)),
    sources: Array.from({ length: N }, (_, n) => ({ file: 'synthetic', line: n + 2 })),
  };
}

/** A data set of the given sequences' values [n][t][channel], one class, channels c0, c1, …. */
export function dataSetOf(values: number[][][]): DataSet {
  const D = values[0][0].length;
  const lengths = Int32Array.from(values, (s) => s.length);
  const offsets = new Float64Array(values.length);
  for (let n = 1; n < values.length; n++) offsets[n] = offsets[n - 1] + lengths[n - 1];
  return {
    D, channels: Array.from({ length: D }, (_, d) => `c${d}`), classes: ['a'], values: Float32Array.from(values.flat(2)), offsets, lengths,
    labels: new Int32Array(values.length), ids: values.map((_, n) => String(n)), sources: [],
  };
}
