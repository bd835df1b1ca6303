// predict(): class probabilities for every sequence of unlabelled (or labelled) files, as CSV rows
// `file,id,label,predicted,p_<class>...`, streamed: each file is read sequence by sequence (csv.ts streamFile),
// normalized with the model's statistics and scored in batches of up to 64 (through the engine's predictor, as
// evaluate scores; a sequence's probabilities do not depend on its batch), and the rows written as each batch
// is scored, so memory holds one batch whatever the file's size. Long-layout
// files stream when each sequence's rows are contiguous; when an id comes back later, that file's rows are
// taken back and the file is loaded whole instead (loadDataSet).
//
// Legend: T steps of one sequence, D channels, C classes.

import { type NamesExactly, checkFileList, checkFilesOptions, checkKnownOptions, checkModelArgument, ownOptions } from '../data/arguments.js';
import { statSync } from 'node:fs';
import { type LoadOptions, type ReadOptions, STDIN, checkReadable, fileName, layoutOptions, readDataSet, streamFile } from '../data/csv.js';
import { InterruptedError, UserError, isUserError } from '../errors.js';
import type { StreamedSequence } from '../data/builder.js';
import type { GapTally } from '../data/gaps.js';
import { NotContiguousError } from '../data/long-stream.js';
import type { DataSet } from '../data/dataset.js';
import { firstNonFinite } from '../data/finite.js';
import { type InputScratch, inputsInPlace, overflowMessage, sequenceInputs } from '../data/inputs.js';
import { type Model, differencesOf, inputWidth, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { differenceChannels } from '../model/differences.js';
import { sequenceNormChannels } from '../model/sequence-norm.js';
import { resampleSequence } from '../model/resample.js';
import { argmax } from '../model/rnn.js';
import { createPredictor, releaseScoringMemory } from '../engine/predict.js';
import { FILES_OPTION_KEYS } from './evaluate.js';
import { checkSameChannels } from '../data/names.js';
import { UNLABELLED, firstUnscored, overflowingModel, scoreInSlices } from './score.js';
import type { RowOutput } from '../io/stream-out.js';
import { checkOnce } from '../io/paths.js';
import { buildForRun } from '../engine/wasm.js';
import { longestOf } from './single-steps.js';
import { type LengthTally, countLength, lengthTally, tallyLengths, trainedLengths } from './lengths.js';
import { type ScaleTally, countValues, scaleTally, tallyValues } from './input-scale.js';

export interface PredictOptions extends LoadOptions {
  readonly files: readonly string[];
}
const predictKeysWhole: NamesExactly<keyof PredictOptions, typeof FILES_OPTION_KEYS> = true;
void predictKeysWhole;

export interface PredictSummary {
  /**
   * each file's sequences, whether it streamed, the steps of its longest sequence, the layout it was read in, and
   * its lengths against the model's training lengths (lengths.ts; for lengthsWarning)
   */
  readonly files: {
    readonly file: string; readonly sequences: number; readonly streamed: boolean; readonly longest: number; readonly layout: 'wide' | 'long' | undefined;
    readonly lengths: LengthTally;
    /** its values as the model reads them, against the training data's (input-scale.ts; for scaleWarning) */
    readonly scale: ScaleTally;
    /** the values missing inside its sequences that were filled (gaps.ts; for gapsWarning), absent where none was */
    readonly gaps?: GapTally;
  }[];
  readonly sequences: number;
}

/**
 * A CSV field, quoted when it must be. Text that a spreadsheet would run as a formula (it starts with =, +, -,
 * @, a tab or a carriage return and is not a plain number such as -1) gets a leading ' and quotes, as OWASP
 * recommends against CSV injection; plain numbers stay as they are, so labels like -1 read back unchanged.
 * Text that starts with ' gets one more, so that the escape can be undone: a cell that starts with ' had one
 * added (the classes =x and 'x would both be 'x otherwise).
 */
export function csvField(s: string): string {
  if (typeof s !== 'string') throw new UserError(`csvField() takes text (got a ${typeof s}): String(value) it first`);
  const quoted = `"${s.replace(/"/g, '""')}"`;
  if ((/^[=+\-@\t\r]/.test(s) && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) || s.startsWith("'")) return `"'${quoted.slice(1)}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? quoted : s;
}

/** The header of `predict`'s CSV for `model`: file, id, label, predicted and each class's probability. */
export function predictionHeader(model: Model): string {
  checkModelArgument(model, 'predictionHeader() model');
  return ['file', 'id', 'label', 'predicted', ...model.classes.map((c) => `p_${c}`)].map(csvField).join(',') + '\n';
}

/** A prediction as a row of `predict`'s CSV (under predictionHeader): probabilities to six significant digits. */
export function predictionRow(p: Prediction): string {
  const q = p as Partial<Prediction> | null;
  const text = (v: unknown) => typeof v === 'string';
  const probabilities = q?.probabilities as ArrayLike<unknown> | undefined;
  if (!(typeof q === 'object' && q !== null && text(q.file) && text(q.id) && (q.label == null || text(q.label)) && text(q.predicted) &&
    (probabilities instanceof Float32Array || probabilities instanceof Float64Array || (Array.isArray(probabilities) && probabilities.every((x) => typeof x === 'number'))))) {
    throw new UserError('predictionRow() takes a prediction as predict() gives it: { file, id, label (or null), predicted: text; probabilities: numbers }');
  }
  const cells = [p.file, p.id, p.label ?? '', p.predicted].map(csvField);
  for (let c = 0; c < p.probabilities.length; c++) cells.push(String(Number(p.probabilities[c].toPrecision(6))));
  return cells.join(',') + '\n';
}

/** A streamed sequence as the scorers take it. */
type Streamed = Pick<StreamedSequence, 'values' | 'length' | 'id' | 'file' | 'line'>;

// Streamed sequences are scored a batch at a time: the predictor then reads each weight once for many rows,
// where one row at a time is a matrix-vector product, many times slower. A batch holds at most BATCH_SEQUENCES
// sequences or BATCH_VALUES values (16 MiB), so memory stays bounded whatever the file's size.
const BATCH_SEQUENCES = 64;
const BATCH_VALUES = 1 << 22;

/** Streamed sequences queued and scored together; each one's probabilities do not depend on its batch. */
export interface BatchScorer {
  /**
   * Queues s (its values are normalized in place, then copied); `done` gets its probabilities [C] once scored.
   * `scale`, if given, counts its normalized values.
   */
  add(s: Streamed, done: (probabilities: Float32Array) => void, scale?: ScaleTally): void;
  /** Scores what is queued, calling each `done` in the order the sequences were added. */
  flush(): void;
  /** Drops what is queued, unscored. */
  clear(): void;
}

/**
 * A batch scorer for the model, through the engine's predictor (the same bits as evaluate's whole-file
 * scoring): each sequence's values [T][D] become the model's inputs (data/inputs.ts: normalized in place, or a copy on its
 * own scale, with its differences), are checked, resampled if the model resamples, and queued.
 */
export function createBatchScorer(model: Model): BatchScorer {
  const predict = createPredictor(model.shape, model.readout, strideOf(model), true); // model.parameters never change here
  const { C } = model.shape;
  const D = inputWidth(model);
  const L = resampleOf(model);
  const D0 = model.channels.length;
  const scaledNames = sequenceNormOf(model) ? sequenceNormChannels(model.channels) : model.channels;
  const inputNames = differencesOf(model) ? differenceChannels(scaledNames) : scaledNames;
  let queued = new Float32Array(0); // [steps][D] of the queued sequences, one after the other
  let used = 0; // values of queued in use
  const offsets: number[] = [];
  const lengths: number[] = [];
  const dones: Array<(p: Float32Array) => void> = [];
  const queuedFrom: Array<{ id: string; file: string; line: number }> = []; // where each queued sequence is, to name one the model cannot score
  const scratch: InputScratch = { scaled: new Float32Array(0), widened: new Float32Array(0) };
  const room = (n: number) => {
    if (queued.length >= used + n) return;
    const grown = new Float32Array(Math.max(2 * queued.length, used + n));
    grown.set(queued.subarray(0, used));
    queued = grown;
  };
  const clear = () => {
    used = 0;
    offsets.length = 0;
    lengths.length = 0;
    dones.length = 0;
    queuedFrom.length = 0;
  };
  const flush = () => {
    const N = dones.length;
    if (N === 0) return;
    const probs = new Float32Array(N * C);
    const data = { D, values: queued, offsets: Float64Array.from(offsets), lengths: Int32Array.from(lengths), labels: new Int32Array(N).fill(UNLABELLED) };
    predict(model.parameters, data, Int32Array.from({ length: N }, (_, i) => i), probs, new Float64Array(N));
    const unscored = firstUnscored(probs, C);
    if (unscored >= 0) {
      const { id, file, line } = queuedFrom[unscored];
      throw overflowingModel(model, `sequence ${JSON.stringify(id)}`, { file, line });
    }
    const waiting = dones.slice();
    clear();
    waiting.forEach((done, i) => done(probs.slice(i * C, (i + 1) * C)));
  };
  return {
    add(s, done, scale) {
      const T = s.length;
      const values = sequenceInputs(model, s.values, T, D0, scratch);
      const bad = firstNonFinite(values, 0, T * D);
      if (bad >= 0) throw new UserError(overflowMessage(s.id, inputNames[bad % D]), { file: s.file, line: s.line });
      if (scale) countValues(scale, values, 0, T, s);
      const steps = L > 0 ? L : T;
      room(steps * D);
      if (L > 0) resampleSequence(queued, used, values, 0, T, D, L);
      else queued.set(values.subarray(0, T * D), used);
      offsets.push(used / D);
      lengths.push(steps);
      used += steps * D;
      dones.push(done);
      queuedFrom.push({ id: s.id, file: s.file, line: s.line });
      if (dones.length >= BATCH_SEQUENCES || used >= BATCH_VALUES) flush();
    },
    flush,
    clear,
  };
}

/** Scores one sequence on its own (a batch of one): its probabilities [C]. */
export function createSequenceScorer(model: Model): (s: Streamed) => Float32Array {
  const batch = createBatchScorer(model);
  return (s) => {
    let out: Float32Array | null = null;
    batch.add(s, (p) => (out = p));
    batch.flush();
    return out!;
  };
}

/**
 * Probabilities [N][C] of every sequence of `loaded` (not yet normalized: this normalizes it, data/inputs.ts), and
 * its normalized values counted.
 */
async function scoreDataSet(model: Model, loaded: DataSet, signal?: AbortSignal): Promise<{ probabilities: Float32Array; scale: ScaleTally }> {
  const ds = inputsInPlace(model, loaded);
  const scale = tallyValues(ds);
  const labels = new Int32Array(ds.lengths.length).fill(UNLABELLED); // only the probabilities are wanted
  const { probabilities } = await scoreInSlices(model, { D: ds.D, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels }, signal);
  const n = firstUnscored(probabilities, model.shape.C);
  if (n >= 0) throw overflowingModel(model, `sequence ${JSON.stringify(ds.ids[n])}`, ds.sources[n]);
  return { probabilities, scale };
}

/** One scored sequence: probabilities in the model's class order (model.classes). */
export interface Prediction {
  readonly file: string;
  readonly id: string;
  /** the file's label, when it has one */
  readonly label: string | null;
  readonly predicted: string;
  /** [C] */
  readonly probabilities: Float32Array;
}

/**
 * Where predictions go, in file order: row() one at a time; the rows between mark() and release() may be taken
 * back by rewind() (a long file found not streamable); pending() is a promise to await before more.
 */
interface PredictionSink {
  row(p: Prediction): void;
  mark(): void;
  rewind(): void;
  release(): void;
  pending(): Promise<void> | null;
}

/** Scores every sequence of every file into `sink`, streamed (see the header). */
async function scoreFiles(model: Model, given: PredictOptions, sink: PredictionSink): Promise<PredictSummary> {
  checkFilesOptions(given, 'predict()');
  const o = ownOptions(given, FILES_OPTION_KEYS);
  checkModelArgument(model, 'model');
  checkKnownOptions(o ?? {}, FILES_OPTION_KEYS, 'predict()');
  checkFileList(o?.files, 'files');
  checkOnce(o.files, 'the files to predict');
  buildForRun(); // a Node that cannot run the kernel is refused before any row is written
  checkReadable(o.files);
  const scorer = createBatchScorer(model);
  const opts: ReadOptions = { ...layoutOptions(model, o), requireLabels: false };
  const summary: PredictSummary['files'] = [];
  const trained = trainedLengths(model);
  let total = 0;
  const row = (file: string, id: string, label: string | null, p: Float32Array) => {
    sink.row({ file, id, label, predicted: model.classes[argmax(p)], probabilities: p });
  };
  try {
    for (const path of o.files) {
      const file = fileName(path);
      let n = 0;
      let longest = 0;
      const lengths = lengthTally();
      const scale = scaleTally(inputWidth(model));
      let layout: 'wide' | 'long' | undefined; // none for the archive's .ts or ARFF
      let checked = false;
      let gaps: GapTally | undefined;
      try {
        await streamFile(path, opts, (s: StreamedSequence) => {
          if (!checked) {
            checkSameChannels(s.channels, file, model.channels, 'the model');
            checked = true;
          }
          const { id, label } = s;
          if (s.filled > 0) gaps = { values: (gaps?.values ?? 0) + s.filled, sequences: (gaps?.sequences ?? 0) + 1, file, line: gaps?.line ?? s.line };
          scorer.add(s, (p) => row(file, id, label, p), scale);
          n++;
          longest = Math.max(longest, s.length);
          countLength(lengths, s.length, trained);
        }, {
          // A long file may turn out not to be streamable: its rows stay revocable until it ends.
          opened: (l) => {
            layout = l;
            if (l === 'long') sink.mark();
          },
          wait: () => sink.pending(),
        });
        scorer.flush();
        summary.push({ file, sequences: n, streamed: true, longest, layout, lengths, scale, ...(gaps !== undefined ? { gaps } : {}) });
      } catch (e) {
        // A bad line in a file whose rows are not held back: the sequences read before it are scored and their
        // rows written, as those of earlier batches were (errors.md), before the line is refused.
        if (isUserError(e) && layout !== 'long') {
          try {
            scorer.flush();
          } catch {
            // the model failing on them too (an overflow): the bad line is still the error to report
          }
        }
        scorer.clear(); // rows not yet written: a file loaded whole instead scores them again
        if (!(e instanceof NotContiguousError)) throw e;
        if (!readableTwice(path)) {
          const what = path === STDIN ? 'stdin' : 'this file (a pipe or device)';
          throw new UserError(`sequence ${JSON.stringify(e.id)} continues after another began, and ${what} cannot be read twice; sort the rows by id, or give a regular file`, { file, line: e.line });
        }
        sink.rewind();
        const ds = await readDataSet([path], opts);
        checkSameChannels(ds.channels, file, model.channels, 'the model');
        n = ds.lengths.length;
        const { probabilities: probs, scale: wholeScale } = await scoreDataSet(model, ds, opts.signal);
        const C = model.shape.C;
        for (let k = 0; k < n; k++) {
          row(file, ds.ids[k], ds.labels[k] < 0 ? null : ds.classes[ds.labels[k]], probs.slice(k * C, (k + 1) * C));
        }
        summary.push({ file, sequences: n, streamed: false, longest: longestOf(ds.lengths), layout: 'long', lengths: tallyLengths(ds.lengths, trained), scale: wholeScale, ...(ds.gaps !== undefined ? { gaps: ds.gaps } : {}) });
      }
      sink.release();
      total += n;
    }
  } finally {
    releaseScoringMemory(); // the run's peak is not the host's to keep
  }
  return { files: summary, sequences: total };
}

/** Whether the file at path can be read again from its start: a regular file (not stdin, a FIFO or a device). */
function readableTwice(path: string): boolean {
  try {
    return path !== STDIN && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Writes the header and one CSV row per sequence of every file to `out` (which the caller commits or aborts). */
export async function predict(model: Model, o: PredictOptions, out: RowOutput): Promise<PredictSummary> {
  // The header with the first row, so that a refusal before any row leaves stdout empty (a bad line after some
  // leaves the rows before it, under their header).
  let headed = false;
  let headedAtMark = false; // a header written after mark() is taken back with the rows by rewind()
  const head = () => {
    if (!headed) out.write(predictionHeader(model));
    headed = true;
  };
  const summary = await scoreFiles(model, o, {
    row: (p) => {
      head();
      out.write(predictionRow(p));
    },
    mark: () => {
      headedAtMark = headed;
      out.mark();
    },
    rewind: () => {
      headed = headedAtMark;
      out.rewind();
    },
    release: () => out.release(),
    pending: () => out.pending(),
  });
  head();
  return summary;
}

const QUEUE_HIGH = 1024; // predictions made ahead of the consumer before scoring pauses

/**
 * The library's predict: every sequence of the files as a Prediction, in file order, streamed as `predict` does
 * (the model's normalization and frame stacking applied; a long file whose sequences are not contiguous is read
 * whole, and its predictions come once it is). Scoring runs ahead of the consumer by at most 1024
 * predictions; leaving the loop early stops it.
 */
export async function* predictions(model: Model, o: PredictOptions): AsyncGenerator<Prediction, PredictSummary, undefined> {
  const queue: Prediction[] = [];
  let head = 0; // queue[head..] not yet yielded
  let held: Prediction[] | null = null; // rows between mark() and release()
  // Who waits: the consumer for a prediction (wake), the producer for room (resume).
  const waiting: { wake: (() => void) | null; resume: (() => void) | null } = { wake: null, resume: null };
  let stopped = false;
  const STOP = new Error('stopped by the consumer');
  const push = (p: Prediction) => {
    queue.push(p);
    waiting.wake?.();
  };
  let result: { summary: PredictSummary } | { error: unknown } | null = null;
  const producer = scoreFiles(model, o, {
    row(p) {
      if (stopped) throw STOP;
      if (held !== null) held.push(p);
      else push(p);
    },
    mark: () => { held = []; },
    rewind: () => { held = []; },
    release() {
      const h = held ?? [];
      held = null;
      for (const p of h) push(p);
    },
    pending: () => (queue.length - head >= QUEUE_HIGH && !stopped ? new Promise<void>((r) => { waiting.resume = r; }) : null),
  }).then((summary) => { result = { summary }; }, (error) => { result = { error }; }).finally(() => waiting.wake?.());
  // An abort stops the loop at the next prediction asked for, whatever scoring had queued by then.
  const signal = typeof o === 'object' && o !== null ? (o.signal as { aborted?: unknown } | undefined) : undefined; // checked as scoring starts
  try {
    for (;;) {
      if (signal?.aborted === true) throw new InterruptedError(0, 0);
      if (head < queue.length) {
        const p = queue[head++];
        if (head === queue.length) {
          queue.length = 0;
          head = 0;
        }
        if (queue.length - head < QUEUE_HIGH / 2) {
          waiting.resume?.();
          waiting.resume = null;
        }
        yield p;
        continue;
      }
      const r = result as { summary: PredictSummary } | { error: unknown } | null;
      if (r !== null) {
        if ('error' in r) throw r.error;
        return r.summary;
      }
      await new Promise<void>((w) => { waiting.wake = w; });
      waiting.wake = null;
    }
  } finally {
    stopped = true;
    waiting.resume?.();
    await producer;
  }
}
