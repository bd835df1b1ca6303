// What a model reads from a data set as loaded: its first differences when the model has them
// (data/differences.ts), then its normalization. Resampling and frame stacking come after, in scoring.

import type { Model, Normalization } from '../model/model.js';
import { differencesOf } from '../model/model.js';
import type { DataSet } from './dataset.js';
import { withDifferences } from './differences.js';
import { applyNormalization, channelStatistics } from './normalize.js';

/** ds (as loaded) as the model reads it: ds itself normalized in place, or a new set with the differences. */
export function modelInputs(model: Pick<Model, 'differences' | 'normalization'>, ds: DataSet): DataSet {
  return inputsOf(ds, differencesOf(model), model.normalization).inputs;
}

/**
 * ds (as loaded) with its differences when asked, then normalized in place: by `normalization`, or ('zscore')
 * by the statistics of these inputs, which training records in the model.
 */
export function inputsOf(ds: DataSet, differences: boolean, normalization: Normalization | 'zscore' | null): { inputs: DataSet; normalization: Normalization | null } {
  const inputs = differences ? withDifferences(ds) : ds;
  const norm = normalization === 'zscore' ? channelStatistics(inputs) : normalization;
  if (norm) applyNormalization(inputs, norm);
  return { inputs, normalization: norm };
}
