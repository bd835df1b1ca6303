// Streamed sequences scored a batch at a time, each through the model's inputs (data/inputs.ts) and the engine's
// predictor: the same bits as evaluate's whole-file scoring, whatever the batch. predict streams through it.

import type { StreamedSequence } from '../data/builder.js';
import { UserError } from '../errors.js';
import { firstNonFinite } from '../data/finite.js';
import { type InputScratch, overflowMessage, sequenceInputs } from '../data/inputs.js';
import { type Model, differencesOf, inputWidth, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { differenceChannels } from '../model/differences.js';
import { sequenceNormChannels } from '../model/sequence-norm.js';
import { resampleSequence } from '../model/resample.js';
import { createPredictor } from '../engine/predict.js';
import { UNLABELLED, firstUnscored, overflowingModel } from './score.js';
import { type ScaleTally, countValues } from './input-scale.js';

/** A streamed sequence as the scorers take it. */
export type Streamed = Pick<StreamedSequence, 'values' | 'length' | 'id' | 'file' | 'line'>;

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
