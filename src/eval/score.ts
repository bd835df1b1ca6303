// Forward-only scoring of a data set with a model: class probabilities, predictions, accuracy and mean
// cross-entropy. Pure: the caller loads and normalizes the data.
//
// Legend: N sequences, C classes.

import type { Sequences } from '../model/batch.js';
import { argmax } from '../model/rnn.js';
import { fastPredict } from '../kernel/fast.js';
import type { Model } from '../model/model.js';

export const UNLABELLED = -1;
export const UNKNOWN_LABEL = -2;

export interface Scores {
  readonly count: number;
  readonly probabilities: Float32Array; // [N][C]
  readonly predicted: Int32Array; // [N]
  readonly labels: Int32Array; // [N] model class index, UNLABELLED, or UNKNOWN_LABEL
  readonly accuracy: number; // over labelled sequences; an unknown label counts as an error
  readonly loss: number; // mean −log p[label] over sequences whose label the model knows
}

/** Maps a data set's class indices (into `classes`) onto the model's classes. */
export function labelsForModel(labels: Int32Array, classes: readonly string[], model: Model): Int32Array {
  const index = new Map(model.classes.map((c, i) => [c, i]));
  return labels.map((l) => (l < 0 ? UNLABELLED : index.get(classes[l]) ?? UNKNOWN_LABEL));
}

/** Scores sequences `indices` (default all) of `data`, whose labels are already in the model's class indices. */
export function score(model: Model, data: Sequences, indices?: Int32Array): Scores {
  const { C } = model.shape;
  const idx = indices ?? Int32Array.from({ length: data.lengths.length }, (_, i) => i);
  const N = idx.length;
  const probabilities = new Float32Array(N * C);
  const predicted = new Int32Array(N);
  const labels = new Int32Array(N);
  let lossSum = 0;
  let lossCount = 0;
  let correct = 0;
  let labelled = 0;
  const forModel = { ...data, labels: data.labels.map((l) => (l >= 0 ? l : -1)) };
  // Forward-only, batched: the fast kernel scores sequences in chunks (reference: predictSequence in batch.ts).
  const logps = new Float64Array(N);
  fastPredict(model.parameters, model.shape, model.readout, forModel, idx, probabilities, logps);
  for (let i = 0; i < N; i++) {
    const n = idx[i];
    const probs = probabilities.subarray(i * C, (i + 1) * C);
    const logp = logps[i];
    predicted[i] = argmax(probs);
    labels[i] = data.labels[n];
    if (labels[i] !== UNLABELLED) labelled++;
    if (labels[i] >= 0) {
      lossSum -= logp;
      lossCount++;
      if (predicted[i] === labels[i]) correct++;
    }
  }
  return {
    count: N,
    probabilities,
    predicted,
    labels,
    accuracy: labelled > 0 ? correct / labelled : NaN,
    loss: lossCount > 0 ? lossSum / lossCount : NaN,
  };
}
