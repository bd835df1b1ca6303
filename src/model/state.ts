// The training loop's whole state between two steps: what a checkpoint holds and what `fit(..., { resume })`
// continues from. A run that stops at any step and resumes from this state ends with the same bits as a run
// that never stopped, because the state holds everything the loop reads. Types only; train/fit.ts produces
// and consumes it, io/checkpoint.ts writes and reads it.
//
// Legend: P parameters, N sequences, nTrain training sequences after the validation split.

import type { OptimizerState } from './optimizer.js';
import type { Readout } from './rnn.js';

/** One epoch of a run's history. */
export interface EpochRecord {
  epoch: number;
  /** mean training loss over the epoch's sequences (weighted as the loss is with class weights) */
  loss: number;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
  sequencesPerSecond: number;
}

/** Everything a fit needs to go on to the same bits: weights, optimizer, random state, split, order, history. */
export interface FitState {
  /** the epoch in progress, or the next one when batchStart is 0 (1-based) */
  readonly epoch: number;
  /** where in `order` the epoch continues; 0: not begun (its shuffle is pending) */
  readonly batchStart: number;
  /** partial sums of the epoch in progress (0 when batchStart is 0) */
  readonly lossSum: number;
  /** the weights lossSum sums over: a loss-weighted sum divided by it is the epoch's mean loss so far */
  readonly weightSum: number;
  readonly correct: number;
  readonly batches: number;
  /** early stopping ended the run: resuming returns at once */
  readonly stopped: boolean;
  /** the seeded generator's state (rng.state()) */
  readonly rng: readonly [number, number, number, number];
  /** [nTrain], [N − nTrain] sequence indices */
  readonly split: { readonly train: Int32Array; readonly val: Int32Array };
  /** [nTrain] the current epoch's permutation; the next shuffle starts from it */
  readonly order: Int32Array;
  /** [P] */
  readonly params: Float32Array;
  /** [P] the weights with the best validation loss so far */
  readonly best: Float32Array;
  /** Infinity before the first epoch end */
  readonly bestLoss: number;
  /** 0 before the first epoch end */
  readonly bestEpoch: number;
  /** step count and moments [P] */
  readonly optimizer: OptimizerState;
  readonly history: readonly EpochRecord[];
  /** the kernel that computed it, as a run records it (`ts`, `wasm-fma`, `wasm-plain`): another rounds otherwise */
  readonly kernel?: string;
}

/** A finished member of an ensemble (model/ensemble.ts): its weights and how its fit went. */
export interface Member {
  /** [P] in the member's layout */
  readonly weights: Float32Array;
  readonly bestEpoch: number;
  readonly history: readonly EpochRecord[];
}

/** Held-out scores of one candidate on one fold of model selection. */
export interface FoldScore {
  /** 0 when the fit diverged */
  readonly accuracy: number;
  /** mean cross-entropy −log p[label] on the held-out part; Number.MAX_VALUE when it diverged */
  readonly logLoss: number;
  /** the candidate's fit on this fold diverged: it loses, and no score was measured */
  readonly diverged?: true;
}

/** A configuration model selection compares: what it sets in the run's hyperparameters. */
export interface Candidate {
  readonly name: string;
  readonly noise: number;
  readonly warp: number;
  /** mixup's α, 0: none */
  readonly mixup: number;
  /** guided warping's share (data/guided-warp.ts); absent: 0 */
  readonly guidedWarp?: number;
  readonly readout: Readout;
  /** absent: the run's own */
  readonly weightDecay?: number;
  /** the resampling length, 0 for none (model/resample.ts); absent: the run's own */
  readonly resample?: number;
  /** a second recurrent layer; absent: the run's own */
  readonly layers?: 2;
}

/**
 * Model selection's progress: every finished (candidate, fold)'s held-out scores by key (`<name>/<fold>`), and
 * the chosen candidate once selection is over (null before). A checkpoint written during selection holds this
 * and no FitState yet; a resumed run reruns only the tasks missing here.
 */
export interface SelectionState {
  readonly scores: Readonly<Record<string, FoldScore>>;
  readonly chosen: Candidate | null;
}
