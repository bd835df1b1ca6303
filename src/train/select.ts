// Model selection (`--select auto`, the default): which of a few configurations generalizes best on this data,
// judged on sequences held out from the training set, never on the test files. Stratified K-fold
// cross-validation: every candidate trains on each fold's training part with a shortened step budget and is
// scored on the fold's held-out part; the candidate with the best mean held-out accuracy (then the lower mean
// log-loss, then the earlier in the list) is the configuration the final run trains with on all the data.
// The candidate fits are independent jobs: they run on the engine's threads at once (engine/pool.ts), one
// thread each, and their scores do not depend on the thread count or on which finished first.
//
// What varies between candidates (the regularization: noise, warping, mixup, weight decay; and the readout) and the
// budget were measured on the visible UCR/UEA sets (docs/accuracy.md); everything else is the run's own
// hyperparameters.
//
// Legend: N training sequences, K folds, M candidates.

import type { DataSet } from '../data/dataset.js';
import { subsetOf } from '../data/subset.js';
import type { Readout } from '../model/rnn.js';
import type { Candidate, FoldScore } from '../model/state.js';
import { createRng } from '../model/rng.js';
import { type StopFlag, createTaskPool } from '../engine/pool.js';
import type { KernelName } from '../engine/kernels.js';
import { score } from '../eval/score.js';
import { DivergedError } from '../errors.js';
import { TRAIN_DEFAULTS, type Hyperparameters, stepsPerEpoch, trainingCount } from './defaults.js';
import { fit } from './fit.js';
import { stratifiedFolds, stratifiedSplit } from './split.js';


/** A candidate's held-out scores: per fold, and their means. */
export interface CandidateScore extends Candidate {
  readonly accuracy: number;
  readonly logLoss: number; // Number.MAX_VALUE when a fold diverged
  readonly diverged: boolean; // on some fold
  readonly folds: readonly FoldScore[];
}

export type { Candidate, FoldScore };

export interface Selection {
  readonly chosen: Candidate;
  readonly folds: number;
  readonly scores: readonly CandidateScore[];
}

/** One candidate on one fold: what a selection worker runs. */
export interface SelectionTask {
  readonly candidate: Candidate;
  readonly fold: number;
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly hp: Hyperparameters;
  readonly budget: Budget;
  readonly kernel?: KernelName;
}

/** How long a candidate trains: the run's fixed epochs, or (epochs auto) about this many optimizer steps. */
export type Budget = { readonly epochs: number } | { readonly steps: number };


/** What every selection worker gets once: the (normalized) training data, without the per-sequence names. */
export type SelectionData = Omit<DataSet, 'ids' | 'sources'>;

/**
 * What the user left to selection: the augmentation (input noise, warping, mixup), the weight decay, the readout.
 * The weight decay varies only with the augmentation (it is one of the regularizers the candidates step through).
 */
export interface Varied {
  readonly augmentation: boolean;
  readonly weightDecay: boolean;
  readonly readout: boolean;
  readonly resample?: boolean; // resample auto on training lengths that differ: resampled (hp.resample) or not
}

type Regularization = Pick<Candidate, 'noise' | 'warp' | 'mixup' | 'guidedWarp' | 'weightDecay'>;

/**
 * The candidates for hp: when the augmentation is varied (σ > 0), a ladder of regularization: none, input noise
 * σ with window warping and mixup (and the run's guided warping, when it has one), and (unless the weight decay
 * is fixed) that with weight decay; × each readout when it is varied; × resampled to hp.resample or not when
 * that is varied (the resampled ones first).
 */
export function candidatesFor(hp: Hyperparameters, vary: Varied): Candidate[] {
  const d = TRAIN_DEFAULTS;
  const guided = hp.guidedWarp > 0 ? { guidedWarp: hp.guidedWarp } : {}; // the run's own, in every augmented candidate
  const regularizations: Regularization[] = variesRegularization(hp, vary)
    ? [{ noise: 0, warp: 0, mixup: 0 }, { noise: hp.noise, warp: d.selectWarp, mixup: d.selectMixup, ...guided },
      ...(vary.weightDecay ? [{ noise: hp.noise, warp: d.selectWarp, mixup: d.selectMixup, ...guided, weightDecay: d.selectWeightDecay }] : [])]
    : [{ noise: hp.noise, warp: hp.warp, mixup: hp.mixup, ...guided }];
  const readouts: readonly Readout[] = vary.readout ? d.selectReadouts : [hp.readout];
  const lengths = vary.resample && hp.resample > 0 ? [hp.resample, 0] : [undefined];
  const out: Candidate[] = [];
  for (const L of lengths) {
    const as = L === undefined ? '' : L > 0 ? `resampled to ${L}, ` : 'lengths as they are, ';
    for (const r of regularizations) {
      const name = `${as}noise ${r.noise}${r.warp > 0 ? `, warp ${r.warp}` : ''}${r.mixup > 0 ? `, mixup ${r.mixup}` : ''}${(r.guidedWarp ?? 0) > 0 ? `, guided warp ${r.guidedWarp}` : ''}${r.weightDecay !== undefined ? `, weight decay ${r.weightDecay}` : ''}`;
      for (const readout of readouts) out.push({ name: `${name}, readout ${readout}`, ...r, ...(L === undefined ? {} : { resample: L }), readout });
    }
  }
  return out;
}

/**
 * The held-out parts: K stratified folds on small sets; on large ones (N ≥ selectHoldoutFrom) a single
 * stratified split holding out selectHoldout of each class, which judges as reliably at a fraction of the cost.
 * Neither holds out a class of one (split.ts); with a single sequence in every class nothing is held out at all
 * (see canSelect).
 */
export function heldOutParts(labels: Int32Array, C: number, seed: number): { train: Int32Array; val: Int32Array }[] {
  const d = TRAIN_DEFAULTS;
  const rng = createRng(seed);
  if (labels.length >= d.selectHoldoutFrom) return [stratifiedSplit(labels, C, d.selectHoldout, rng)];
  return stratifiedFolds(labels, C, Math.max(2, Math.min(d.selectFolds, labels.length)), rng);
}

/** Why selection is skipped when canSelect is false: for stderr and the model's training record. */
export const NOTHING_HELD_OUT = 'every class has a single training sequence, so none could be held out and classified';

/** Why selection is skipped on fewer than selectFrom training sequences: for stderr and the model's training record. */
export const tooFewToSelect = (N: number) =>
  `${N} training sequences, fewer than ${TRAIN_DEFAULTS.selectFrom}: held-out parts this small cannot rank candidates that differ by a sequence or two`;

/**
 * Why selection cannot run on these labels (undefined: it can). On fewer than selectFrom sequences two folds hold
 * out under 30 each, where one sequence is 3 points of held-out accuracy or more, more than separates the candidates
 * (docs/accuracy.md); the pick is then closer to a draw than the candidate that does best on most data, so
 * selection runs there only when asked for (`anyCount`, --select on).
 */
export function whySelectionSkips(labels: Int32Array, C: number, seed: number, anyCount = false): string | undefined {
  if (labels.length < TRAIN_DEFAULTS.selectFrom && !anyCount) return tooFewToSelect(labels.length);
  return canSelect(labels, C, seed) ? undefined : NOTHING_HELD_OUT;
}

/**
 * hp for a run whose selection is skipped: the augmented candidate (input noise σ, window warping and mixup) when the
 * augmentation is left to selection, with the readout hp has by length; hp as it is otherwise.
 */
export function withoutSelection(hp: Hyperparameters, vary: Varied): Hyperparameters {
  const d = TRAIN_DEFAULTS;
  return variesRegularization(hp, vary) ? { ...hp, warp: d.selectWarp, mixup: d.selectMixup } : hp;
}

/** Whether cross-validation can score every part: each holds out a sequence (not so with one sequence per class). */
export function canSelect(labels: Int32Array, C: number, seed: number): boolean {
  return heldOutParts(labels, C, seed).every((p) => p.val.length > 0);
}

/** Whether the candidates step through the regularization ladder: the augmentation left to selection, σ > 0. */
function variesRegularization(hp: Hyperparameters, vary: Varied): boolean {
  return vary.augmentation && hp.noise > 0;
}

/** hp with what the candidate sets: its noise, warping, mixup, guided warping and readout, and its weight decay and resampling when it has them. */
export function withCandidate(hp: Hyperparameters, c: Candidate): Hyperparameters {
  return { ...hp, noise: c.noise, warp: c.warp, mixup: c.mixup, guidedWarp: c.guidedWarp ?? 0, weightDecay: c.weightDecay ?? hp.weightDecay, resample: c.resample ?? hp.resample, readout: c.readout };
}

/**
 * hp with candidate c's values for only what `vary` leaves to selection (what the user fixes stays as given):
 * withCandidate for a candidate chosen under other options, such as a checkpoint's.
 */
export function withVaried(hp: Hyperparameters, c: Candidate, vary: Varied): Hyperparameters {
  const augmentation = variesRegularization(hp, vary);
  return withCandidate(hp, {
    ...c,
    noise: augmentation ? c.noise : hp.noise, warp: augmentation ? c.warp : hp.warp, mixup: augmentation ? c.mixup : hp.mixup,
    guidedWarp: augmentation ? c.guidedWarp : hp.guidedWarp,
    weightDecay: augmentation && vary.weightDecay ? c.weightDecay : undefined,
    resample: vary.resample ? c.resample : undefined, readout: vary.readout ? c.readout : hp.readout,
  });
}

/** A fold whose fit diverged: it scores below every fit that did not. */
const DIVERGED: FoldScore = { accuracy: 0, logLoss: Number.MAX_VALUE, diverged: true };

/** Trains the task's candidate on its fold and scores it on the held-out part. */
export async function runSelectionTask(data: SelectionData, t: SelectionTask, stop?: StopFlag): Promise<FoldScore> {
  const ds: DataSet = { ...data, ids: [], sources: [] };
  const epochs = 'epochs' in t.budget ? t.budget.epochs : Math.max(1, Math.round(t.budget.steps / stepsPerEpoch(t.train.length, t.hp.batchSize)));
  try {
    const r = await fit(subsetOf(ds, t.train), null, {
      ...withCandidate(t.hp, t.candidate), valSplit: 0, patience: 0, epochs, threads: 1, kernel: t.kernel, signal: stop,
    });
    const s = score(r.model, subsetOf(ds, t.val));
    return { accuracy: s.accuracy, logLoss: s.loss };
  } catch (e) {
    if (e instanceof DivergedError) return DIVERGED; // a diverging candidate loses
    throw e;
  }
}

/**
 * The candidates' budget: the run's epochs when it fixes them (`setting`), else (epochs auto) a share of the
 * steps one final fit takes (hp.epochs over the N sequences less the validation split), as epochs of each
 * fold's training part; half that share when the resampling is varied too, which doubles the candidates, so
 * that selection costs the same.
 */
export function budgetOf(setting: number | 'auto', hp: Pick<Hyperparameters, 'epochs' | 'batchSize' | 'valSplit'>, N: number, vary?: Pick<Varied, 'resample'>): Budget {
  if (setting !== 'auto') return { epochs: setting };
  const finalSteps = hp.epochs * stepsPerEpoch(trainingCount(N, hp.valSplit), hp.batchSize);
  const share = TRAIN_DEFAULTS.selectStepFraction / (vary?.resample ? 2 : 1);
  return { steps: Math.max(1, Math.round(finalSteps * share)) };
}

/** The best candidate by mean held-out accuracy, then lower log-loss, then list order. */
function best(scores: readonly CandidateScore[]): CandidateScore {
  return scores.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.logLoss < a.logLoss) ? b : a));
}

export interface SelectOptions {
  readonly vary: Varied;
  readonly budget: Budget;
  readonly threads: number;
  readonly kernel?: KernelName;
  readonly signal?: AbortSignal;
  /** Scores already known (a resumed run's), by task key `${candidate}/${fold}`. */
  readonly done?: Readonly<Record<string, FoldScore>>;
  /** After each task, with its key and scores: what a checkpoint records. */
  readonly onTask?: (key: string, s: FoldScore, finished: number, total: number) => void;
}

/** The task key a checkpoint records a score under. */
export const taskKey = (t: Pick<SelectionTask, 'candidate' | 'fold'>) => `${t.candidate.name}/${t.fold}`;

const WORKER = new URL(import.meta.resolve('../../workers/select-worker.js'));

/** Every candidate of candidatesFor(hp) on every held-out part of ds: what selectModel trains and scores. */
export function selectionTasks(ds: Pick<DataSet, 'labels' | 'classes'>, hp: Hyperparameters, o: Pick<SelectOptions, 'vary' | 'budget' | 'kernel'>) {
  const candidates = candidatesFor(hp, o.vary);
  const folds = heldOutParts(ds.labels, ds.classes.length, hp.seed);
  const tasks: SelectionTask[] = [];
  for (const candidate of candidates) {
    folds.forEach((f, fold) => tasks.push({ candidate, fold, train: f.train, val: f.val, hp, budget: o.budget, kernel: o.kernel }));
  }
  return { candidates, folds, tasks };
}

/** Cross-validates candidatesFor(hp) on ds (normalized) and returns every score and the chosen candidate. */
export async function selectModel(ds: DataSet, hp: Hyperparameters, o: SelectOptions): Promise<Selection> {
  const { candidates, folds, tasks } = selectionTasks(ds, hp, o);
  const K = folds.length;
  const done: Record<string, FoldScore> = { ...o.done };
  const todo = tasks.filter((t) => done[taskKey(t)] === undefined);
  let finished = tasks.length - todo.length;
  const record = (t: SelectionTask, s: FoldScore) => {
    done[taskKey(t)] = s;
    o.onTask?.(taskKey(t), s, ++finished, tasks.length);
  };
  const data: SelectionData = {
    D: ds.D, channels: ds.channels, classes: ds.classes, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels: ds.labels,
  };
  if (todo.length === 0) {
    // a resumed run whose checkpoint holds every score
  } else if (o.threads <= 1) {
    for (const t of todo) {
      if (o.signal?.aborted) throw o.signal.reason;
      record(t, await runSelectionTask(data, t, o.signal));
    }
  } else {
    const pool = createTaskPool<SelectionTask, FoldScore>(WORKER, o.threads, data, o.signal);
    try {
      await pool.run(todo, (i, s) => record(todo[i], s));
    } finally {
      await pool.close();
    }
  }
  const scores = candidates.map((c): CandidateScore => {
    const per = folds.map((_, fold) => done[taskKey({ candidate: c, fold })]);
    const mean = (f: (s: FoldScore) => number) => per.reduce((a, s) => a + f(s), 0) / per.length;
    const diverged = per.some((s) => s.diverged === true);
    return { ...c, accuracy: mean((s) => s.accuracy), logLoss: diverged ? Number.MAX_VALUE : mean((s) => s.logLoss), diverged, folds: per };
  });
  const { accuracy: _a, logLoss: _l, diverged: _d, folds: _f, ...chosen } = best(scores);
  return { chosen, folds: K, scores };
}
