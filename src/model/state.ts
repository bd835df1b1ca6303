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
  loss: number; // mean training loss over the epoch's batches
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
  sequencesPerSecond: number;
}

export interface FitState {
  readonly epoch: number; // the epoch in progress, or the next one when batchStart is 0 (1-based)
  readonly batchStart: number; // where in `order` the epoch continues; 0: not begun (its shuffle is pending)
  readonly lossSum: number; // partial sums of the epoch in progress (0 when batchStart is 0)
  readonly correct: number;
  readonly batches: number;
  readonly stopped: boolean; // early stopping ended the run: resuming returns at once
  readonly rng: readonly [number, number, number, number]; // the seeded generator's state (rng.state())
  readonly split: { readonly train: Int32Array; readonly val: Int32Array }; // [nTrain], [N − nTrain] sequence indices
  readonly order: Int32Array; // [nTrain] the current epoch's permutation; the next shuffle starts from it
  readonly params: Float32Array; // [P]
  readonly best: Float32Array; // [P] the weights with the best validation loss so far
  readonly bestLoss: number; // Infinity before the first epoch end
  readonly bestEpoch: number; // 0 before the first epoch end
  readonly optimizer: OptimizerState; // step count and moments [P]
  readonly history: readonly EpochRecord[];
  readonly kernel?: string; // the kernel that computed it, as a run records it (`ts`, `wasm-fma`, `wasm-plain`): another rounds otherwise
}

/** A finished member of an ensemble (model/ensemble.ts): its weights and how its fit went. */
export interface Member {
  readonly weights: Float32Array; // [P] in the member's layout
  readonly bestEpoch: number;
  readonly history: readonly EpochRecord[];
}

/** Held-out scores of one candidate on one fold of model selection. */
export interface FoldScore {
  readonly accuracy: number; // 0 when the fit diverged
  readonly logLoss: number; // mean cross-entropy −log p[label] on the held-out part; Number.MAX_VALUE when it diverged
  readonly diverged?: true; // the candidate's fit on this fold diverged: it loses, and no score was measured
}

/** A configuration model selection compares: what it sets in the run's hyperparameters. */
export interface Candidate {
  readonly name: string;
  readonly noise: number;
  readonly warp: number;
  readonly mixup: number; // mixup's α, 0: none
  readonly guidedWarp?: number; // guided warping's share (data/guided-warp.ts); absent: 0
  readonly readout: Readout;
  readonly weightDecay?: number; // absent: the run's own
  readonly resample?: number; // the resampling length, 0 for none (model/resample.ts); absent: the run's own
  readonly layers?: 2; // a second recurrent layer; absent: the run's own
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
