// Gradient of a chunk of sequences: the unit of work that a worker (or the main thread, with one thread)
// computes into its own gradient slot. Chunks are fixed slices of the mini-batch, independent of the thread
// count, and the coordinator sums their slots in chunk order, so the result is bit-identical for any number of
// threads. Pure: no I/O, no allocation beyond what the caller hands in.
//
// Legend: N sequences in the data set, B sequences in a batch, P parameters, D channels, C classes.

import { type FloatArray, type Shape, layersOf, viewsOf } from './layout.js';
import { type Readout, type SecondTarget, type Workspace, argmax, backward, forward, secondLoss } from './rnn.js';

/** The sequences a kernel reads: the DataSet fields without names. */
export interface Sequences {
  readonly D: number;
  /** [L][D] */
  readonly values: FloatArray;
  /** [N] first step of each sequence */
  readonly offsets: Float64Array;
  /** [N] */
  readonly lengths: Int32Array;
  /** [N] */
  readonly labels: Int32Array;
  /** mixup (model/mixup.ts): each sequence's second label and its own label's share */
  readonly mixed?: MixedTargets | null;
}

/** Sequence n's inputs are shares[n] of its own and 1 − shares[n] of a sequence labelled labels[n] (1: not mixed). */
export interface MixedTargets {
  /** [N] */
  readonly labels: Int32Array;
  /** [N] */
  readonly shares: Float64Array;
}

export interface ChunkStats {
  /** Σ weight · (−log p[label]) (+ the second targets' terms) */
  loss: number;
  /** Σ weight (the batch loss and gradient are divided by the batch total) */
  weight: number;
  /** sequences whose argmax is the label */
  correct: number;
}

/**
 * Accumulates into the gradient G (flat, in the layout of `shape`, zeroed by the caller) the sum over the
 * sequences order[from..to) of weight(label) · d(−log p[label])/dθ. classWeight[c] weights class c
 * (null: all 1). Returns the chunk's loss and weight sums and its correct count.
 */
export function chunkGradient<A extends FloatArray>(
  G: FloatArray, params: A, shape: Shape, readout: Readout, k: number,
  data: Sequences, order: Int32Array, from: number, to: number,
  classWeight: Float64Array | null, ws: Workspace<A>,
): ChunkStats {
  const P = viewsOf(params, shape);
  const Gv = viewsOf(G, shape);
  const stats: ChunkStats = { loss: 0, weight: 0, correct: 0 };
  for (let i = from; i < to; i++) {
    const n = order[i];
    const T = data.lengths[n];
    const xo = data.offsets[n] * data.D;
    const label = data.labels[n];
    const { weight, second } = lossWeights(data, n, classWeight);
    const logp = forward(ws, P, shape, readout, k, data.values, xo, T, label);
    backward(Gv, ws, P, shape, readout, k, data.values, xo, T, label, weight, second);
    stats.loss += -weight * logp + secondLoss(ws.p, second);
    stats.weight += weight + (second === null ? 0 : second.weight);
    if (argmax(ws.p) === label) stats.correct++;
  }
  return stats;
}

/**
 * Sequence n's weight on its own label, w(label), and no second target; mixed (mixup), λ·w(label) and the
 * partner's label at (1 − λ)·w(partner's label). w: classWeight, or 1.
 */
export function lossWeights(data: Sequences, n: number, classWeight: Float64Array | null): { weight: number; second: SecondTarget | null } {
  const w = (c: number) => (classWeight === null ? 1 : classWeight[c]);
  const label = data.labels[n];
  const share = data.mixed ? data.mixed.shares[n] : 1;
  if (share === 1) return { weight: w(label), second: null };
  const other = data.mixed!.labels[n];
  return { weight: share * w(label), second: { label: other, weight: (1 - share) * w(other) } };
}

/** Class probabilities of sequence n into probs[0..C). Returns log p[label] (0 when unlabelled). */
export function predictSequence<A extends FloatArray>(
  probs: FloatArray, params: A, shape: Shape, readout: Readout, data: Sequences, n: number, ws: Workspace<A>,
): number {
  const P = viewsOf(params, shape);
  const T = data.lengths[n];
  // A horizon of 1 keeps only the last state: inference needs O(H) memory whatever the length (two layers keep
  // every state of the first: the workspace must hold T steps).
  const k = layersOf(shape) === 2 ? 0 : 1;
  const logp = forward(ws, P, shape, readout, k, data.values, data.offsets[n] * data.D, T, data.labels[n]);
  probs.set(ws.p);
  return logp;
}
