// Per-channel z-scoring with training-set statistics. The statistics travel in the model file so that
// evaluation and prediction see inputs on the same scale as training.

import type { DataSet } from './dataset.js';
import { MIN_STD, type Normalization } from '../model/model.js';
import { UserError } from '../errors.js';
import { checkDataArgument } from './data-argument.js';
import { packed } from './packed.js';

export type { Normalization };

/** Mean and (population) standard deviation of every channel over all its sequences' time steps; a constant channel (or one whose deviation is below float32's normal range) gets std 1. */
export function channelStatistics(given: DataSet): Normalization {
  checkValues(given, 'channelStatistics()');
  const ds = packed(given); // over its sequences' steps alone, wherever they lie
  const { D, values } = ds;
  const L = values.length / D;
  const mean = new Float64Array(D);
  const m2 = new Float64Array(D);
  // Welford's update: stable for long recordings with a large offset.
  for (let t = 0; t < L; t++) {
    for (let d = 0; d < D; d++) {
      const x = values[t * D + d];
      // A statistic of NaN would normalize every value of its channel to NaN, without a word.
      if (!Number.isFinite(x)) throw new UserError(`channelStatistics(): values[${t * D + d}] (step ${t}, channel ${d}) is ${x}; statistics need finite values: fill or drop it first`);
      const delta = x - mean[d];
      mean[d] += delta / (t + 1);
      m2[d] += delta * (x - mean[d]);
    }
  }
  const std = Array.from(m2, (s) => {
    const v = L > 0 ? Math.sqrt(s / L) : 0;
    // Constant only when nothing varies (Welford's deltas are then exactly 0): a signal on the scale of 1e-13
    // (picoamperes, farads) is a signal, and float32 holds its deviation down to its smallest normal number.
    return Number.isFinite(v) && Math.fround(v) >= MIN_STD ? Math.fround(v) : 1;
  });
  return { mean: Array.from(mean, (m) => Math.fround(m)), std };
}

/**
 * A normalization whose mean and std came as typed arrays (a Float32Array of statistics a program computed) with
 * them as plain arrays, as a model keeps them; anything else as it was given, for the checks to judge.
 */
export function plainNormalization<T>(norm: T): T {
  const n = norm as { mean?: unknown; std?: unknown } | null;
  if (typeof n !== 'object' || n === null || !(ArrayBuffer.isView(n.mean) || ArrayBuffer.isView(n.std))) return norm;
  const plain = (xs: unknown) => (ArrayBuffer.isView(xs) && !(xs instanceof DataView) ? Array.from(xs as unknown as ArrayLike<number | bigint>) : xs);
  return { ...n, mean: plain(n.mean), std: plain(n.std) } as T;
}

/** x ← (x − mean) / std, in place, on the shared values. */
export function applyNormalization(ds: DataSet, given: Normalization): void {
  checkValues(ds, 'applyNormalization()');
  const { D, values } = ds;
  const norm = plainNormalization(given);
  const n = norm as Partial<Normalization> | null;
  const ok = (xs: unknown, std: boolean) => Array.isArray(xs) && xs.length === D && xs.every((x) => typeof x === 'number' && Number.isFinite(x) && (!std || x > 0));
  if (!(typeof n === 'object' && n !== null && ok(n.mean, false) && ok(n.std, true))) {
    throw new UserError(`applyNormalization(): the normalization must have a finite mean and a std > 0 for each of the data's ${D} channel(s), as channelStatistics() returns`);
  }
  normalizeValues(values, values.length, D, norm);
}

/** x ← (x − mean) / std for the first n values of `values`, whole steps of D channels (n a multiple of D), in place. */
export function normalizeValues(values: Float32Array, n: number, D: number, norm: Normalization): void {
  for (let i = 0; i < n; i++) {
    const d = i % D;
    values[i] = (values[i] - norm.mean[d]) / norm.std[d];
  }
}

/**
 * A data set as the statistics read it: its fields agree (D with the channels, the sequences within the values;
 * a wrong D would give every channel another's statistics without a word), and the values are whole steps.
 */
function checkValues(ds: DataSet, name: string): void {
  checkDataArgument(ds, `${name} data`, { dataSet: true, unlabelled: true });
  const s = ds as Partial<DataSet> | null;
  if (!(typeof s === 'object' && s !== null && Number.isInteger(s.D) && s.D! >= 1 && s.values instanceof Float32Array && s.values.length % s.D! === 0)) {
    throw new UserError(`${name}: the data set must have D ≥ 1 channels and values a Float32Array of whole steps of D values; build data sets with loadDataSet()`);
  }
}
