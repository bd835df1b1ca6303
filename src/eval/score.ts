// Forward-only scoring of a data set with a model: class probabilities, predictions, accuracy and mean
// cross-entropy, through the engine's one inference path (engine/predict.ts), after the model's resampling
// (model/resample.ts). Pure: the caller loads and normalizes the data.
//
// Legend: N sequences, C classes.

import { checkModelArgument } from '../data/arguments.js';
import { checkDataArgument } from '../data/data-argument.js';
import { InterruptedError, UserError } from '../errors.js';
import type { Sequences } from '../model/batch.js';
import { argmax } from '../model/rnn.js';
import { type Model, differencesOf, inputWidth, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { classesOfLabels, nameList, sameNames } from '../data/names.js';
import { resampledSequences } from '../data/resample.js';
import { firstNonFinite } from '../data/finite.js';
import { createPredictor, referencePredictor, releaseScoringMemory } from '../engine/predict.js';
import { buildForRun } from '../engine/wasm.js';
import type { KernelName } from '../engine/kernel-name.js';

export const UNLABELLED = -1;
export const UNKNOWN_LABEL = -2;

/** A model's probabilities for every sequence scored, and the metrics they give against the labels. */
export interface Scores {
  readonly count: number;
  /** [N][C] */
  readonly probabilities: Float32Array;
  /** [N] */
  readonly predicted: Int32Array;
  /** [N] model class index, UNLABELLED, or UNKNOWN_LABEL */
  readonly labels: Int32Array;
  /** over labelled sequences; an unknown label counts as an error */
  readonly accuracy: number;
  /** mean −log p[label] over sequences whose label the model knows */
  readonly loss: number;
}

/**
 * Refuses data the model does not read as it is: another number of values a step (data as loaded, before
 * modelInputs adds the differences or other channels), or a data set whose labels index other classes.
 */
function checkModelReads(model: Model, data: Sequences): void {
  const width = inputWidth(model);
  if (data.D !== width) {
    throw new UserError(
      `score() data has ${data.D} value(s) a step, but the model reads ${width} (${nameList(model.channels)}` +
        `${sequenceNormOf(model) ? ', each on its sequence\'s scale' : ''}${differencesOf(model) ? ', and their differences' : ''}): ` +
        'give it modelInputs(model, dataSet), the data as the model reads it, or evaluate the files',
    );
  }
  const classes = (data as { classes?: unknown }).classes;
  if (Array.isArray(classes) && !sameNames(classes, model.classes)) {
    throw new UserError(
      `score() data's classes (${nameList(classes.map(String))}) are not the model's (${nameList(model.classes)}) in its order, ` +
        'so its labels would name other classes; evaluate the files, which maps them',
    );
  }
}

/** Maps a data set's class indices (into `classes`) onto the model's classes (a number written otherwise too: classesOfLabels). */
export function labelsForModel(labels: Int32Array, classes: readonly string[], model: Model): Int32Array {
  const index = new Map(model.classes.map((c, i) => [c, i]));
  const of = classesOfLabels(classes, model.classes).map((c) => (c === undefined ? UNKNOWN_LABEL : index.get(c)!));
  return labels.map((l) => (l < 0 ? UNLABELLED : of[l]));
}

/** The scores of N sequences from their probabilities [N][C], log p[label] [N] and labels [N]. */
export function scoresOf(probabilities: Float32Array, logp: Float64Array, labels: Int32Array, C: number): Scores {
  const N = labels.length;
  const predicted = new Int32Array(N);
  let lossSum = 0;
  let lossCount = 0;
  let correct = 0;
  let labelled = 0;
  for (let i = 0; i < N; i++) {
    predicted[i] = argmax(probabilities.subarray(i * C, (i + 1) * C));
    if (labels[i] !== UNLABELLED) labelled++;
    if (labels[i] >= 0) {
      lossSum -= logp[i];
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

/** The first of the sequences scored into probabilities [N][C] with a probability that is not a number, or −1. */
export function firstUnscored(probabilities: Float32Array, C: number): number {
  const i = firstNonFinite(probabilities, 0, probabilities.length);
  return i < 0 ? -1 : Math.floor(i / C);
}

/**
 * The refusal of a model whose forward pass overflows float32 on a sequence (`which`: how to name it; `where`: its
 * file and line): finite weights far beyond any training's (a hand-edited or damaged file) sum to ±∞ and NaN.
 */
export function overflowingModel(model: Model, which: string, where?: { file?: string; line?: number }): UserError {
  let largest = 0;
  for (const w of model.parameters) largest = Math.max(largest, Math.abs(w));
  return new UserError(
    `the model's forward pass overflows float32 on ${which}, so it gives no probabilities: its weights reach ` +
      `${largest.toExponential(1)}, far beyond what training writes; restore the model file, or train it again`,
    where,
  );
}

/**
 * Scores sequences `indices` (default all) of `data`, as the model reads them (modelInputs) and with labels
 * that are already the model's class indices. Refuses a model whose forward pass overflows (overflowingModel).
 */
export function score(model: Model, data: Sequences, indices?: ArrayLike<number>): Scores {
  buildForRun();
  try {
    const s = scoreByKernel(model, data, 'wasm', indices);
    const n = firstUnscored(s.probabilities, model.shape.C);
    if (n >= 0) throw overflowingModel(model, `sequence ${indices === undefined ? n : indices[n]} of score()'s data`);
    return s;
  } finally {
    releaseScoringMemory(); // a call is a run: its peak is not the host's to keep
  }
}

/** score() through the kernel a run trains with: the reference one (`ts`) scores model selection's folds of a run by it. */
export function scoreByKernel(model: Model, data: Sequences, kernel: KernelName, indices?: ArrayLike<number>): Scores {
  const s = scoring(model, data, indices, kernel);
  s.run(0, s.count);
  return s.scores();
}

/**
 * score() of all of `data` a slice at a time, each of about SLICE_MS, with a turn of the event loop between
 * slices (a program's timers, and Ctrl-C, wait for no more than a slice) and a stop once `signal` is aborted.
 * Gives score()'s bits: each sequence's forward pass is its own, whichever sequences share its slice.
 */
export async function scoreInSlices(model: Model, data: Sequences, signal?: AbortSignal): Promise<Scores> {
  const s = scoring(model, data);
  let size = 16;
  try {
    for (let from = 0; from < s.count;) {
      const to = Math.min(s.count, from + size);
      const t0 = performance.now();
      s.run(from, to);
      if (performance.now() - t0 < SLICE_MS / 2) size *= 2;
      from = to;
      if (from < s.count) {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new InterruptedError(0, 0);
      }
    }
  } finally {
    releaseScoringMemory();
  }
  return s.scores();
}

const SLICE_MS = 50;

/** score()'s checks, then a run over positions [from, to) of the indices at a time, and the scores of them all. */
function scoring(model: Model, data: Sequences, indices?: ArrayLike<number>, kernel: KernelName = 'wasm') {
  checkModelArgument(model, 'model');
  const { C } = model.shape;
  checkDataArgument(data, 'score() data', { dataSet: false, classes: C });
  checkModelReads(model, data);
  const given: ArrayLike<number> = indices ?? Int32Array.from({ length: data.lengths.length }, (_, i) => i);
  if (typeof given !== 'object' || given === null || typeof given.length !== 'number') throw new UserError('score() indices must be an Int32Array (or an array) of sequence numbers, or left out');
  const bad = Array.prototype.findIndex.call(given, (n: number) => !(Number.isInteger(n) && n >= 0 && n < data.lengths.length));
  if (bad >= 0) throw new UserError(`score() indices[${bad}] is ${given[bad]}, not a sequence of the ${data.lengths.length} in data`);
  const idx = given instanceof Int32Array ? given : Int32Array.from(given);
  const probabilities = new Float32Array(idx.length * C);
  const logp = new Float64Array(idx.length);
  // The kernel reads a label only to return log p[label]: an unknown one is unlabelled to it.
  const resampled = resampleOf(model) > 0 ? resampledSequences(data, resampleOf(model)) : data;
  const forKernel = { ...resampled, labels: data.labels.map((l) => (l >= 0 ? l : UNLABELLED)) };
  const predict = kernel === 'ts' ? referencePredictor(model.shape, model.readout, strideOf(model))
    : createPredictor(model.shape, model.readout, strideOf(model), true); // the weights stay: packed once
  return {
    count: idx.length,
    run: (from: number, to: number) => predict(model.parameters, forKernel, idx.subarray(from, to), probabilities.subarray(from * C, to * C), logp.subarray(from, to)),
    scores: () => scoresOf(probabilities, logp, Int32Array.from(idx, (n) => data.labels[n]), C),
  };
}
