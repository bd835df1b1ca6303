// The ensemble's final fits: hp.members fits from the member seeds, one after the other on all the threads (a
// resumed run's finished members skipped), and an ensemble given as --init taken apart into its members.

import type { DataSet } from '../data/dataset.js';
import type { Normalization } from '../data/normalize.js';
import { isInterrupted } from '../errors.js';
import type { Model } from '../model/model.js';
import { memberSeed, membersOf, splitMembers } from '../model/ensemble.js';
import type { EpochRecord, FitState, Member } from '../model/state.js';
import type { Hyperparameters } from './defaults.js';
import { type FitResult, fitOnce, oneFit } from './fit.js';
import type { TrainOptions } from './train-options.js';

export interface MembersOptions extends Pick<TrainOptions, 'init' | 'kernel' | 'onEpoch' | 'onBatch' | 'onMember' | 'signal' | 'checkpointEvery'> {
  readonly initWeights?: readonly Float32Array[] | undefined; // an ensemble --init's: each member's starting weights
  readonly threads: number;
  readonly finished: readonly Member[]; // a resumed run's finished members …
  readonly state?: FitState; // … and the state of the one in progress
  readonly onCheckpoint?: (state: FitState, finished: readonly Member[]) => void;
  readonly failed: (e: unknown) => unknown; // what to throw when a fit fails
}

/** The hp.members fits from the member seeds, one after the other on all the threads (those finished skipped). */
export async function fitMembers(ds: DataSet, normalization: Normalization | null, hp: Hyperparameters, o: MembersOptions) {
  const members = [...o.finished];
  let seconds = 0;
  let seen = 0;
  let ran = 0; // the computing threads a fit's engine ran (0: none ran, every member was resumed finished)
  for (let m = members.length; m < hp.members; m++) {
    if (hp.members > 1) o.onMember?.(m, hp.members);
    const done = members.slice();
    let r: FitResult;
    try {
      r = await fitOnce(ds, normalization, {
        ...oneFit(hp), seed: memberSeed(hp.seed, m), threads: o.threads, onEpoch: o.onEpoch, onBatch: o.onBatch, kernel: o.kernel,
        init: o.init && o.initWeights ? { ...o.init, parameters: o.initWeights[m] } : o.init,
        resume: m === o.finished.length ? o.state : undefined, onCheckpoint: o.onCheckpoint && ((state) => o.onCheckpoint!(state, done)),
        checkpointEvery: o.checkpointEvery, signal: o.signal,
      });
    } catch (e) {
      // Which member the stop came in: the epoch and step alone are the member's own.
      if (isInterrupted(e) && e.epoch > 0 && hp.members > 1) e.message = `interrupted in epoch ${e.epoch} of member ${m + 1} of ${hp.members} after step ${e.step}`;
      throw o.failed(e);
    }
    members.push({ weights: r.model.parameters, bestEpoch: r.bestEpoch, history: r.history });
    seconds += r.seconds;
    seen += r.sequencesPerSecond * r.seconds;
    ran = Math.max(ran, r.threads);
  }
  return { members, seconds, seen, ran };
}

/** A member's last epoch: its training (and validation) loss and accuracy. */
export function finalRecord(history: readonly EpochRecord[]) {
  const e = history[history.length - 1];
  return e === undefined ? {} : { loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy };
}

/**
 * An ensemble model given as --init, as its members: the model one member is (its shape, its first weights)
 * and each member's weights; undefined for a model of one member, or one trained on as one model (its units
 * no longer apart by member).
 */
export function initEnsemble(init: Model): { member: Model; weights: Float32Array[] } | undefined {
  const M = membersOf(init);
  if (M === 1) return undefined;
  const shape = { ...init.shape, H: init.shape.H / M };
  const weights = splitMembers(shape, init.parameters, M);
  if (weights === null) return undefined;
  const hyperparameters = { ...(init.training['hyperparameters'] as object | undefined), members: 1 };
  return { member: { ...init, shape, parameters: weights[0], training: { ...init.training, hyperparameters } }, weights };
}
