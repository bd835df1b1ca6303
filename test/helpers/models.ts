// Random models for the export tests (ONNX, PyTorch), and how far two probability arrays are apart.

import assert from 'node:assert/strict';
import type { Normalization } from '../../src/data/normalize.js';
import { initParameters } from '../../src/model/init.js';
import { type Shape, layoutOf } from '../../src/model/layout.js';
import type { Model } from '../../src/model/model.js';
import type { Readout } from '../../src/model/rnn.js';
import { normal, type Rng } from '../../src/model/rng.js';

/** A random model over D channels; with frames of `stride` samples and two directions when asked. */
export function randomModel(rng: Rng, D: number, H: number, C: number, readout: Readout, normalize: boolean, stride = 1, bidirectional = false): Model {
  const shape: Shape = { D: D * stride, H, C, ...(bidirectional ? { directions: 2 as const } : {}) };
  const parameters = new Float32Array(layoutOf(shape).size);
  initParameters(parameters, shape, rng);
  for (let i = 0; i < parameters.length; i++) parameters[i] += 0.2 * normal(rng); // non-zero biases too
  const normalization: Normalization | null = normalize
    ? { mean: Array.from({ length: D }, () => Math.fround(normal(rng))), std: Array.from({ length: D }, () => Math.fround(0.5 + rng.next())) }
    : null;
  return {
    shape, readout, ...(stride > 1 ? { stride } : {}), normalization, parameters, training: {},
    classes: Array.from({ length: C }, (_, c) => `k${c}`), channels: Array.from({ length: D }, (_, d) => `c${d}`),
  };
}

/** max |a − b| over the elements (Infinity when one is NaN and the other not). */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
  }
  return d;
}
