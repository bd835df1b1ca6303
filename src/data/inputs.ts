// What a model reads from a data set as loaded: its first differences when the model has them
// (data/differences.ts), then its normalization. Resampling and frame stacking come after, in scoring.

import type { Model } from '../model/model.js';
import { differencesOf } from '../model/model.js';
import type { DataSet } from './dataset.js';
import { withDifferences } from './differences.js';
import { applyNormalization } from './normalize.js';

/** ds (as loaded) as the model reads it: ds itself normalized in place, or a new set with the differences. */
export function modelInputs(model: Pick<Model, 'differences' | 'normalization'>, ds: DataSet): DataSet {
  const inputs = differencesOf(model) ? withDifferences(ds) : ds;
  if (model.normalization) applyNormalization(inputs, model.normalization);
  return inputs;
}
