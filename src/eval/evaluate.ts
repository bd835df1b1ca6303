// Evaluation of a model on held-out files: each file is loaded on its own, checked against the model's
// channels, put on the model's inputs (its differences, its normalization: data/inputs.ts), and scored.

import { LOAD_OPTION_KEYS, checkReadable, layoutOptions, readDataSet, type LoadOptions, type ReadOptions } from '../data/csv.js';
import { fileName } from '../data/stdin.js';
import type { DataSet } from '../data/dataset.js';
import { inputsInPlace } from '../data/inputs.js';
import { checkSameChannels, checkSomeLabelKnown } from '../data/names.js';
import { show } from '../data/cells.js';
import { UserError } from '../errors.js';
import type { Model } from '../model/model.js';
import { type Scores, UNKNOWN_LABEL, firstUnscored, labelsForModel, overflowingModel, scoreInSlices } from './score.js';
import { type Metrics, type Tally, addPrediction, createTally, mergeTallies, metricsOf } from './metrics.js';
import { checkOnce } from '../io/paths.js';
import { type NamesExactly, checkCallbacks, checkFileList, checkFilesOptions, checkKnownOptions, checkModelArgument, checkOneFile, checkOptionsObject, ownOptions } from '../data/arguments.js';
import { matchesAny, recordedFingerprints } from '../io/fingerprint.js';
import { cutShortSequences, cutShortWarnings, wholeLengths } from '../data/cut-short.js';
import { visible } from '../data/visible.js';
import { classesNaming, classesOfLabels, nameList, spelledOtherwise } from '../data/names.js';
import { buildForRun } from '../engine/wasm.js';
import { longestOf, singleStepsWarning } from './single-steps.js';
import { lengthsWarning, tallyLengths, trainedLengths } from './lengths.js';
import { scaleWarning, tallyValues } from './input-scale.js';
import { countKnown, decodeDigests } from '../data/digests.js';
import { gapsWarning } from '../data/gaps.js';
import { isRestartTally, restartsWarning } from '../data/restarts.js';

/** One file's evaluation: its metrics, scores (probabilities per sequence) and the sequences' ids. */
export interface FileEvaluation {
  readonly file: string;
  readonly sequences: number;
  readonly accuracy: number;
  readonly loss: number;
  readonly unknownLabels: { readonly count: number; readonly labels: readonly string[] }; // labels in the order first met
  readonly scores: Scores;
  readonly data: DataSet;
  /** the confusion counts and log-loss sum, for totals over files */
  readonly tally: Tally;
  readonly metrics: Metrics;
}

/** evaluateFile()'s options: how to read the file, and where its warnings go (evaluate()'s, but for its files). */
export interface EvaluateFileOptions extends LoadOptions {
  /** a file cut short, of lengths or values the training data lack (as evaluate()'s) */
  readonly onWarning?: ((line: string) => void) | undefined;
}

const EVALUATE_FILE_OPTION_KEYS = [...LOAD_OPTION_KEYS, 'onWarning'] as const;
const evaluateFileKeysWhole: NamesExactly<keyof EvaluateFileOptions, typeof EVALUATE_FILE_OPTION_KEYS> = true;
void evaluateFileKeysWhole;

/** Loads `file` (read as the model's layout says, as evaluate() reads it, where options do not), puts it on the model's scale, and scores it. */
export async function evaluateFile(model: Model, file: string, options: EvaluateFileOptions = {}): Promise<FileEvaluation> {
  checkOptionsObject(options, 'evaluateFile()');
  const o = ownOptions(options, EVALUATE_FILE_OPTION_KEYS);
  checkModelArgument(model, 'model');
  checkKnownOptions(o ?? {}, EVALUATE_FILE_OPTION_KEYS, 'evaluateFile()');
  checkOneFile(file, 'file', 'evaluate()');
  checkCallbacks(o, ['onWarning']);
  buildForRun();
  const { onWarning: _w, ...load } = o;
  return evaluateOne(model, file, layoutOptions(model, load), o);
}

/** evaluateFile() with its arguments checked, and options that may hold more than ReadOptions (evaluate's). */
async function evaluateOne(model: Model, file: string, load: ReadOptions, o: Pick<EvaluateOptions, 'onWarning' | 'format' | 'idColumn'> & { sameBytes?: boolean } = {}): Promise<FileEvaluation> {
  let layout: 'wide' | 'long' | undefined; // none for the archive's .ts or ARFF
  const loaded = await readDataSet([file], { ...load, requireLabels: load.requireLabels ?? true, onLayout: (_f, l) => { layout = l; } });
  if (o.onWarning) for (const w of readingWarnings(model, fileName(file), loaded, layout, o, !o.sameBytes)) o.onWarning(w);
  const r = await evaluateDataSet(model, fileName(file), loaded, load.signal);
  if (o.onWarning) for (const w of valuesWarnings(model, r)) o.onWarning(w);
  return r;
}

/**
 * What a file `loaded` (as read, not yet on the model's inputs) says before `model` scores it: a last line cut
 * short, sequences of a single step, lengths the model did not train on. `layout`: the rows' layout it was read
 * in (none for the archive's .ts or ARFF); `o`: the layout flags given.
 */
export function readingWarnings(model: Model, file: string, loaded: DataSet, layout: 'wide' | 'long' | undefined, o: Pick<LoadOptions, 'format' | 'idColumn'>, sequences = true): string[] {
  const single = singleStepsWarning(file, loaded.lengths.length, longestOf(loaded.lengths), layout, model, o);
  // A sequence cut short has its own warning: the lengths' leaves it out (but counts it among the file's).
  const cut = cutShortSequences(loaded);
  const lengths = { ...tallyLengths(wholeLengths(loaded, cut), trainedLengths(model)), sequences: loaded.lengths.length };
  // Single steps are the more telling warning of the two, and the more specific advice.
  const unseen = single === null ? lengthsWarning(file, lengths, model) : null;
  const trained = sequences ? trainingSequencesWarning(file, loaded, model) : null;
  const gaps = loaded.gaps === undefined ? [] : [gapsWarning(loaded.gaps)];
  if (isRestartTally(loaded.restarts)) gaps.push(restartsWarning(loaded.restarts));
  return [...gaps, ...cutShortWarnings(loaded, cut), ...[single, unseen, trained].filter((x) => x !== null)];
}

/** A line where `loaded` holds sequences the model was trained on (its recorded digests): no held-out figure. */
function trainingSequencesWarning(file: string, loaded: DataSet, model: Model): string | null {
  const known = decodeDigests(model.training['sequenceDigests']);
  if (known === null) return null;
  // labels as they are read (a number written otherwise as the model's class): relabelled training data is still training data
  const read = classesOfLabels(loaded.classes, model.classes).map((c, i) => c ?? loaded.classes[i]);
  const count = countKnown({ ...loaded, classes: read }, known);
  const N = loaded.lengths.length;
  if (count === 0) return null;
  return count === N
    ? `${N === 1 ? 'the one sequence' : `every one of the ${N} sequences`} of ${visible(file)} is a training sequence of the model (the same values and label); its accuracy is not a held-out figure`
    : `${count} of the ${N} sequences of ${visible(file)} ${count === 1 ? 'is a training sequence' : 'are training sequences'} of the model (the same values and label); its accuracy overstates how the model does on new recordings`;
}

/** What a scored file's values say against the model's training data (input-scale.ts). */
export function valuesWarnings(model: Model, r: FileEvaluation): string[] {
  const far = scaleWarning(r.file, tallyValues(r.data), model);
  return far === null ? [] : [far];
}

/**
 * Scores `loaded`, from `file` and not yet normalized (this normalizes it in place, with the model's statistics,
 * or a copy with its differences when the model reads them), a slice at a time (scoreInSlices: stopped once
 * `signal` is aborted).
 */
export async function evaluateDataSet(model: Model, file: string, loaded: DataSet, signal?: AbortSignal): Promise<FileEvaluation> {
  checkSameChannels(loaded.channels, file, model.channels, 'the model');
  const ds = inputsInPlace(model, loaded);
  const labels = labelsForModel(ds.labels, ds.classes, model);
  checkSomeLabelKnown(ds.classes, file, model.classes, 'the model');
  const scores = await scoreInSlices(model, { D: ds.D, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels }, signal);
  const unscored = firstUnscored(scores.probabilities, model.shape.C);
  if (unscored >= 0) throw overflowingModel(model, `sequence ${JSON.stringify(ds.ids[unscored])}`, ds.sources[unscored]);
  const unknown = new Set<string>();
  let count = 0;
  labels.forEach((l, n) => {
    if (l === UNKNOWN_LABEL) {
      count++;
      unknown.add(ds.classes[ds.labels[n]]);
    }
  });
  const C = model.shape.C;
  const tally = createTally(model.classes);
  for (let n = 0; n < scores.count; n++) {
    const l = ds.labels[n];
    const m = labels[n];
    // a number written otherwise counts as the model's class it names
    addPrediction(tally, l < 0 ? null : m >= 0 ? model.classes[m] : ds.classes[l], scores.predicted[n], m >= 0 ? scores.probabilities[n * C + m] : 0);
  }
  return {
    file, sequences: scores.count, accuracy: scores.accuracy, loss: scores.loss,
    unknownLabels: { count, labels: [...unknown] }, scores, data: ds, tally, metrics: metricsOf(tally),
  };
}

/**
 * The lines for labels of `r` that the model has spelled otherwise: numbers (`1.0` for `1`), read as its classes,
 * said once; a word in other letter case (`walk` for `Walk`), counted as an error, a line each.
 */
export function respelledLabels(r: FileEvaluation, classes: readonly string[]): string[] {
  const out: string[] = [];
  const fileClasses = r.data.classes;
  const read = classesOfLabels(fileClasses, classes).flatMap((c, i) => (c !== undefined && c !== fileClasses[i] ? [[fileClasses[i], c] as const] : []));
  if (read.length > 0) {
    const shown = read.slice(0, 5).map(([l, c]) => `${show(l)} as ${show(c)}`).join(', ') + (read.length > 5 ? `, … ${read.length - 5} more` : '');
    out.push(`${visible(r.file)}: labels that are the model's classes written otherwise, the same numbers, are read as them: ${shown}`);
  }
  for (const label of r.unknownLabels.labels) {
    const numbered = classesNaming(label, classes);
    if (numbered.length > 1) {
      out.push(`${visible(r.file)}: label ${show(label)} names the same number as the model's classes ${nameList(numbered.map(show))}, so it is read as none of them; its sequences count as errors`);
      continue;
    }
    const c = spelledOtherwise(label, classes);
    if (c !== undefined) {
      out.push(`${visible(r.file)}: label ${show(label)} is not a class of the model, which has ${show(c)}; its sequences count as errors (write the labels as the training files did)`);
    }
  }
  return out;
}

/** The metrics of several files' sequences pooled together. */
export function totalMetrics(results: readonly FileEvaluation[]): Metrics | null {
  if (!(Array.isArray(results) && results.every((r) => typeof r === 'object' && r !== null && typeof (r as Partial<FileEvaluation>).tally === 'object'))) {
    throw new UserError('totalMetrics() takes the array evaluate() returns');
  }
  if (results.length === 0) return null;
  return metricsOf(results.map((r) => r.tally).reduce((a, b) => mergeTallies(a, b)));
}

export interface EvaluateOptions extends LoadOptions {
  readonly files: readonly string[];
  /** a file that holds the bytes of one the model was trained on, one cut short, labels written otherwise */
  readonly onWarning?: ((line: string) => void) | undefined;
}

/** The options of a call that reads files for a model (PredictOptions' every key, checked whole there). */
export const FILES_OPTION_KEYS = [...LOAD_OPTION_KEYS, 'files'] as const;
/** Every key of EvaluateOptions, checked whole at compile time: any other is refused. */
const EVALUATE_OPTION_KEYS = [...FILES_OPTION_KEYS, 'onWarning'] as const;
const evaluateKeysWhole: NamesExactly<keyof EvaluateOptions, typeof EVALUATE_OPTION_KEYS> = true;
void evaluateKeysWhole;

/** Scores a model on labelled files (read as the model's layout says): each file's metrics, as `evaluate` prints them. */
export async function evaluate(model: Model, given: EvaluateOptions): Promise<FileEvaluation[]> {
  checkFilesOptions(given, 'evaluate()');
  const o = ownOptions(given, EVALUATE_OPTION_KEYS);
  checkModelArgument(model, 'model');
  checkKnownOptions(o ?? {}, EVALUATE_OPTION_KEYS, 'evaluate()');
  checkFileList(o?.files, 'files');
  checkCallbacks(o, ['onWarning']);
  checkOnce(o.files, 'the files to evaluate'); // a file twice would count its sequences twice in the total
  buildForRun(); // a Node that cannot run the kernel is refused before any line is said
  checkReadable(o.files);
  // A file of a training file's bytes is said to be so here, not also of its sequences (evaluateOne).
  const sameBytes = new Set<string>();
  if (o.onWarning) {
    const recorded = recordedFingerprints(model.training);
    for (const f of o.files) {
      if (!matchesAny(f, recorded)) continue;
      sameBytes.add(f);
      o.onWarning(`${visible(f)} holds the same bytes as a file the model was trained on; its accuracy is not a held-out figure`);
    }
  }
  const out: FileEvaluation[] = [];
  const load = layoutOptions(model, o);
  for (const file of o.files) {
    const r = await evaluateOne(model, file, load, { ...o, sameBytes: sameBytes.has(file) });
    if (o.onWarning) for (const w of respelledLabels(r, model.classes)) o.onWarning(w);
    out.push(r);
  }
  return out;
}

