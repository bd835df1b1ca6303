// Class probabilities for every sequence of unlabelled (or labelled) files, streamed: the library's predict
// (predictions, a generator of them) and the command's CSV rows `file,id,label,predicted,p_<class>...`
// (writePredictions). Each file is read sequence by sequence (csv.ts streamFile), made the model's inputs and
// scored in batches of up to 64 (batch-scorer.ts, through the engine's predictor, as evaluate scores; a
// sequence's probabilities do not depend on its batch), and each batch's predictions given as it is scored, so
// memory holds one batch whatever the file's size. Long-layout files stream when each sequence's rows are
// contiguous; when an id comes back later, that file's rows are taken back and the file is loaded whole
// instead (readDataSet).
//
// Legend: T steps of one sequence, D channels, C classes.

import { type NamesExactly, checkFileList, checkFilesOptions, checkKnownOptions, checkModelArgument, ownOptions } from '../data/arguments.js';
import { statSync } from 'node:fs';
import { type LoadOptions, type ReadOptions, STDIN, checkReadable, layoutOptions, readDataSet, streamFile } from '../data/csv.js';
import { fileName } from '../data/stdin.js';
import { InterruptedError, UserError, isUserError } from '../errors.js';
import type { GapTally } from '../data/gaps.js';
import type { StreamedSequence } from '../data/builder.js';
import { NotContiguousError } from '../data/long-stream.js';
import type { DataSet } from '../data/dataset.js';
import { inputsInPlace } from '../data/inputs.js';
import { checkSameChannels } from '../data/names.js';
import { type Model, inputWidth } from '../model/model.js';
import { argmax } from '../model/rnn.js';
import { releaseScoringMemory } from '../engine/predict.js';
import { buildForRun } from '../engine/wasm.js';
import type { RowOutput } from '../io/stream-out.js';
import { checkOnce } from '../io/paths.js';
import { FILES_OPTION_KEYS } from './evaluate.js';
import { UNLABELLED, firstUnscored, overflowingModel, scoreInSlices } from './score.js';
import { longestOf } from './single-steps.js';
import { type LengthTally, countLength, lengthTally, tallyLengths, trainedLengths } from './lengths.js';
import { type ScaleTally, scaleTally, tallyValues } from './input-scale.js';
import { type Prediction, predictionHeader, predictionRow } from './prediction-csv.js';
import { createBatchScorer } from './batch-scorer.js';

export { type Prediction, csvField, predictionHeader, predictionRow } from './prediction-csv.js';

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
export async function writePredictions(model: Model, o: PredictOptions, out: RowOutput): Promise<PredictSummary> {
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
