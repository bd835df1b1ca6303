// What a model reads from a data set as loaded: each sequence on its own scale when the model puts it so
// (data/sequence-norm.ts), its first differences when the model has them (data/differences.ts), then its
// normalization. Resampling and frame stacking come after, in scoring.

import type { Model, Normalization } from '../model/model.js';
import { differencesOf, isUsableStd, sequenceNormOf } from '../model/model.js';
import { UserError } from '../errors.js';
import type { DataSet } from './dataset.js';
import { withDifferences } from './differences.js';
import { withSequenceNorm } from './sequence-norm.js';
import { appendDifferences } from '../model/differences.js';
import { appendSequenceNorm } from '../model/sequence-norm.js';
import { applyNormalization, channelStatistics, normalizeValues } from './normalize.js';
import { sharedFloat32 } from './shared.js';
import { checkDataArgument } from './data-argument.js';
import { firstNonFinite } from './finite.js';
import { nameList, sameChannels } from './names.js';
import { packed } from './packed.js';

/** How the values as read become channels: each sequence on its own scale first, then the first differences. */
export interface Reading {
  readonly sequenceNorm: boolean;
  readonly differences: boolean;
}

/** The reading of a model. */
function readingOf(model: Pick<Model, 'sequenceNorm' | 'differences'>): Reading {
  return { sequenceNorm: sequenceNormOf(model), differences: differencesOf(model) };
}

/** ds (as loaded) as the model reads it, a new data set; ds stays as it is. The model may be a checkpoint's (no weights). */
export function modelInputs(model: Pick<Model, 'channels' | 'sequenceNorm' | 'differences' | 'normalization'>, ds: DataSet): DataSet {
  const m = model as { channels?: unknown; normalization?: unknown } | null;
  if (typeof m !== 'object' || m === null || !Array.isArray(m.channels) || m.normalization === undefined) {
    throw new UserError(`modelInputs() model must be a model as loadModel() returns it, or a checkpoint's model (got ${m === null ? 'null' : typeof m})`);
  }
  checkDataArgument(ds, 'modelInputs() data', { dataSet: true, unlabelled: true });
  // The width the normalization checks would name is the model's inputs', not the channels the program knows.
  if (!sameChannels(ds.channels, model.channels)) {
    throw new UserError(`modelInputs() data's channels (${nameList(ds.channels)}) are not the model's (${nameList(model.channels)}) in its order; give data of the model's channels, as loadDataSet() reads its files`);
  }
  const reading = readingOf(model);
  const own = packed(ds); // a copy where its sequences lie otherwise than one after another
  if (reading.sequenceNorm || reading.differences || model.normalization === null || own !== ds) return inputsInPlace(model, own); // a new set, or ds untouched
  const values = sharedFloat32(ds.values.length);
  values.set(ds.values);
  return inputsInPlace(model, { ...ds, values });
}

/** modelInputs for a data set loaded for this alone: ds itself normalized in place, or a new set with the added channels. */
export function inputsInPlace(model: Pick<Model, 'sequenceNorm' | 'differences' | 'normalization'>, ds: DataSet): DataSet {
  return inputsOf(ds, readingOf(model), model.normalization).inputs;
}

/**
 * ds (as loaded) on each sequence's scale and with its differences when asked, then normalized in place: by
 * `normalization`, or ('zscore') by the statistics of these inputs, which training records in the model.
 */
export function inputsOf(ds: DataSet, reading: Reading, normalization: Normalization | 'zscore' | null): { inputs: DataSet; normalization: Normalization | null } {
  const scaled = reading.sequenceNorm ? withSequenceNorm(ds) : ds;
  const inputs = reading.differences ? withDifferences(scaled) : scaled;
  if (inputs !== ds) checkFinite(inputs); // before the statistics, which one ∞ would make NaN for every sequence
  const norm = normalization === 'zscore' ? withoutRoundingSpread(channelStatistics(inputs), reading.sequenceNorm ? ds.D : 0) : normalization;
  if (norm) applyNormalization(inputs, norm);
  checkFinite(inputs);
  return { inputs, normalization: norm };
}

/** Room sequenceInputs widens sequences into, kept from one sequence to the next. */
export interface InputScratch {
  scaled: Float32Array;
  widened: Float32Array;
}

/**
 * One sequence's values x [T][D0] as the model reads them: inputsOf for a single sequence, to the bit (on its own
 * scale, with its differences, normalized by the model's statistics). Where nothing widens x, x itself is
 * normalized in place and returned; else a view of `scratch`, which grows as needed.
 */
export function sequenceInputs(model: Pick<Model, 'sequenceNorm' | 'differences' | 'normalization'>, x: Float32Array, T: number, D0: number, scratch: InputScratch): Float32Array {
  const reading = readingOf(model);
  let values = x.subarray(0, T * D0);
  let D = D0;
  if (reading.sequenceNorm) {
    if (scratch.scaled.length < T * 3 * D) scratch.scaled = new Float32Array(T * 3 * D);
    appendSequenceNorm(scratch.scaled, 0, values, 0, T, D);
    values = scratch.scaled.subarray(0, T * (D *= 3));
  }
  if (reading.differences) {
    if (scratch.widened.length < T * 2 * D) scratch.widened = new Float32Array(T * 2 * D);
    appendDifferences(scratch.widened, 0, values, 0, T, D);
    values = scratch.widened.subarray(0, T * (D *= 2));
  }
  if (model.normalization) normalizeValues(values, T * D, D, model.normalization);
  return values;
}

/** The spread, relative to a sequence's scale, under which a level or log scale varies by float32 rounding alone. */
const ROUNDING_SPREAD = 1e-5;

/**
 * `norm` of inputs whose first 3·D0 are each sequence's values, levels and log scales (D0 > 0), with a level or log
 * scale that varies over the training sequences by rounding alone taken as flat: data normalized one sequence at a
 * time already have every level 0 and log scale 0 to float32's last bits, and divided by that spread the rounding
 * of any other copy of such data (a file saved again, other decimals) reads as values millions of spreads out. A
 * level is measured against the sequences' typical scale s̄ (e to the mean log scale), and its standard deviation
 * taken as s̄ (its rounding then reads as the 1e-7 it is, whatever the unit); a log scale's is taken as 1.
 */
function withoutRoundingSpread(norm: Normalization, D0: number): Normalization {
  if (D0 === 0) return norm;
  const std = [...norm.std];
  for (let d = 0; d < D0; d++) {
    const scale = Math.fround(Math.exp(norm.mean[2 * D0 + d]));
    if (std[D0 + d] < ROUNDING_SPREAD * scale && isUsableStd(scale)) std[D0 + d] = scale;
    if (std[2 * D0 + d] < ROUNDING_SPREAD) std[2 * D0 + d] = 1;
  }
  return { mean: norm.mean, std };
}

/**
 * Throws what inputsOf would for ds read this way and normalized so, leaving ds as it is (a copy is
 * normalized, and returned): held-out files checked before training, rather than after the model is written.
 */
export function checkInputs(ds: DataSet, reading: Reading, normalization: Normalization | null): DataSet {
  return inputsOf({ ...ds, values: Float32Array.from(ds.values) }, reading, normalization).inputs;
}

/** Refuses the first sequence with a value that is not finite, naming its file, line and channel. */
function checkFinite(ds: DataSet): void {
  for (let n = 0; n < ds.lengths.length; n++) {
    const at = ds.offsets[n] * ds.D;
    const i = firstNonFinite(ds.values, at, at + ds.lengths[n] * ds.D);
    if (i >= 0) throw new UserError(overflowMessage(ds.ids[n], ds.channels[(i - at) % ds.D]), ds.sources[n]);
  }
}

/**
 * Why a sequence cannot be read: a value of it, finite as read, overflows float32 in its differences or its
 * normalization (3e38 divided by a small standard deviation); a model would score it NaN.
 */
export function overflowMessage(id: string, channel: string): string {
  return `sequence ${JSON.stringify(id)}: a value of channel ${JSON.stringify(channel)} overflows float32 once normalized or ` +
    "differenced (it lies near float32's limit of 3.4e38, or far beyond the training data's scale); remove or replace it " +
    '(a logger\'s "no reading" marker such as 9.9e37?)';
}
