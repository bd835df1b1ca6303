// Random models for the export tests (ONNX, PyTorch), and how far two probability arrays are apart.

import assert from 'node:assert/strict';
import type { Normalization } from '../../src/data/normalize.js';
import { initParameters } from '../../src/model/init.js';
import type { Sequences } from '../../src/model/batch.js';
import { type Cell, type Shape, layoutOf } from '../../src/model/layout.js';
import { type Model, inputWidth, strideOf } from '../../src/model/model.js';
import { appendDifferences } from '../../src/model/differences.js';
import { appendSequenceNorm } from '../../src/model/sequence-norm.js';
import type { Readout } from '../../src/model/rnn.js';
import { normal, type Rng } from '../../src/model/rng.js';
import { score } from '../../src/eval/score.js';
import { referencePredictor } from '../../src/engine/predict.js';
import { type FileEvaluation, type Prediction, evaluateFile, predict } from '../../src/index.js';

/** A random model over D channels; with frames of `stride` samples, two directions, a GRU cell, first differences, sequence normalization and two layers when asked. */
export function randomModel(
  rng: Rng, D: number, H: number, C: number, readout: Readout, normalize: boolean, stride = 1, bidirectional = false,
  cell: Cell = 'rnn', differences = false, sequenceNorm = false, layers: 1 | 2 = 1,
): Model {
  const W = D * (sequenceNorm ? 3 : 1) * (differences ? 2 : 1); // values per sample the recurrence reads
  const shape: Shape = {
    D: W * stride, H, C, ...(bidirectional ? { directions: 2 as const } : {}), ...(cell === 'gru' ? { cell } : {}), ...(layers === 2 ? { layers } : {}),
  };
  const parameters = new Float32Array(layoutOf(shape).size);
  initParameters(parameters, shape, rng);
  for (let i = 0; i < parameters.length; i++) parameters[i] += 0.2 * normal(rng); // non-zero biases too
  const normalization: Normalization | null = normalize
    ? { mean: Array.from({ length: W }, () => Math.fround(normal(rng))), std: Array.from({ length: W }, () => Math.fround(0.5 + rng.next())) }
    : null;
  return {
    shape, readout, ...(stride > 1 ? { stride } : {}), ...(sequenceNorm ? { sequenceNorm: true as const } : {}), ...(differences ? { differences: true as const } : {}), normalization, parameters, training: {},
    classes: Array.from({ length: C }, (_, c) => `k${c}`), channels: Array.from({ length: D }, (_, d) => `c${d}`),
  };
}

/** max |a − b| over the elements (Infinity when one is NaN and the other not). */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    if (!(e <= d)) d = Number.isNaN(e) ? Infinity : e;
  }
  return d;
}

/**
 * Our probabilities [N][C] of normalized sequences [Σ T][channels] through the float32 reference kernel
 * (predictSequence, model/batch.ts), one sequence at a time after the same framing (model/frames.ts) that the
 * engine applies: what score() is held to in test/kernel.test.ts.
 */
export function referenceProbabilities(m: Model, data: Sequences): Float32Array {
  const N = data.lengths.length;
  const probs = new Float32Array(N * m.shape.C);
  referencePredictor(m.shape, m.readout, strideOf(m))(m.parameters, data, Int32Array.from({ length: N }, (_, n) => n), probs, new Float64Array(N));
  return probs;
}

/** Our probabilities [N][C] for model m on normalized sequences: score(), the path evaluate and predict take. */
export function ourProbabilities(m: Model, data: Sequences): Float32Array {
  return score(m, data).probabilities;
}

/**
 * Random raw sequences of these lengths for model m ([Σ T][D], offsets in steps), and our probabilities for
 * them: normalized as evaluate() does, then scored by ourProbabilities (score()).
 */
export function randomBatch(rng: Rng, m: Model, lengths: Int32Array): { raw: Float32Array; offsets: Float64Array; ours: Float32Array } {
  let L = 0;
  lengths.forEach((T) => { L += T; });
  const raw = Float32Array.from({ length: L * m.channels.length }, () => 1.5 * normal(rng) + 0.7);
  return batchOf(m, raw, lengths);
}

/** The sequences raw [L][D] of these lengths, one after another, with their offsets and score()'s probabilities. */
export function batchOf(m: Model, raw: Float32Array, lengths: Int32Array): { raw: Float32Array; offsets: Float64Array; ours: Float32Array } {
  const W = inputWidth(m);
  const D = m.channels.length;
  const offsets = new Float64Array(lengths.length);
  let L = 0;
  lengths.forEach((T, n) => { offsets[n] = L; L += T; });
  const S = m.sequenceNorm ? 3 * D : D; // values per sample on the sequences' scales
  const scaled = new Float32Array(L * S);
  if (m.sequenceNorm) lengths.forEach((T, n) => appendSequenceNorm(scaled, offsets[n] * S, raw, offsets[n] * D, T, D));
  else scaled.set(raw);
  const wide = new Float32Array(L * W);
  if (W > S) lengths.forEach((T, n) => appendDifferences(wide, offsets[n] * W, scaled, offsets[n] * S, T, S));
  else wide.set(scaled);
  const values = Float32Array.from(wide, (x, i) => (m.normalization ? (x - m.normalization.mean[i % W]) / m.normalization.std[i % W] : x));
  const ours = ourProbabilities(m, { D: W, values, offsets, lengths, labels: new Int32Array(lengths.length).fill(-1) });
  return { raw, offsets, ours };
}

/**
 * Asserts that evaluate on the test file gives train's test probabilities bit for bit and predict gives
 * evaluate's, sequence by sequence; returns evaluate's.
 */
export async function assertEvaluatePredictAgree(m: Model, te: string, trained: Float32Array): Promise<FileEvaluation> {
  const e = await evaluateFile(m, te);
  assert.deepEqual(new Uint32Array(e.scores.probabilities.buffer), new Uint32Array(trained.buffer));
  const got: Prediction[] = [];
  for await (const p of predict(m, { files: [te] })) got.push(p);
  const C = m.classes.length;
  got.forEach((p, n) => assert.deepEqual(Array.from(p.probabilities), Array.from(e.scores.probabilities.subarray(n * C, (n + 1) * C))));
  return e;
}
