// Model selection (`--select auto`, the default): which of a few configurations generalizes best on this data,
// judged on sequences held out from the training set, never on the test files. Stratified K-fold
// cross-validation: every candidate trains on each fold's training part with a shortened step budget and is
// scored on the fold's held-out part; the candidate with the most held-out sequences right over all the folds
// (then the lower log-loss over them, then the earlier in the list) is the configuration the final run trains
// with on all the data.
// It runs in stages, each training only the candidates the stages before leave open (selectionStage): the
// readout on the augmented rung of the regularization ladder, then the other rungs with that readout, then,
// where it can pay for itself, the augmented candidate with a second layer. The readout that does best on the
// augmented rung is nearly always the one that does on the others too (docs/accuracy.md), so the stages choose
// as the whole grid of rungs × readouts would, training four of its six candidates.
// The candidate fits of a stage are independent jobs: they run on the engine's threads at once (engine/pool.ts),
// one thread each (or the threads shared out among them, when a stage has fewer fits than threads), and their
// scores do not depend on the thread count or on which finished first.
//
// What varies between candidates (the regularization: noise, warping, mixup, weight decay; the readout; a second
// layer) and the budget were measured on the visible UCR/UEA sets (docs/accuracy.md); everything else is the run's own
// hyperparameters.
//
// Legend: N training sequences, K folds, M candidates.

import { type DataSet, classSizes } from '../data/dataset.js';
import { subsetOf } from '../data/subset.js';
import type { Readout } from '../model/rnn.js';
import type { Candidate, FoldScore } from '../model/state.js';
import { createRng } from '../model/rng.js';
import { type StopFlag, type TaskPool, createTaskPool } from '../engine/pool.js';
import { onAbort } from '../data/on-abort.js';
import type { KernelName } from '../engine/kernel-name.js';
import { type Scores, scoreByKernel } from '../eval/score.js';
import { classWeightsOf } from './class-weights.js';
import { DivergedError } from '../errors.js';
import { TRAIN_DEFAULTS, type Hyperparameters, stepsPerEpoch, trainingCount } from './defaults.js';
import { fitOnce, fitsKernelMemory, oneFit, shapeFor } from './fit.js';
import { fileSizeProblem } from './preflight.js';
import { layoutOf } from '../model/layout.js';
import { ensembleShape } from '../model/ensemble.js';
import { stratifiedFolds, stratifiedSplit } from './split.js';


/** A candidate's held-out scores: per fold, and their means. */
export interface CandidateScore extends Candidate {
  readonly accuracy: number;
  /** Number.MAX_VALUE when a fold diverged */
  readonly logLoss: number;
  /** on some fold */
  readonly diverged: boolean;
  readonly folds: readonly FoldScore[];
}

export type { Candidate, FoldScore };

export interface Selection {
  readonly chosen: Candidate;
  readonly folds: number;
  readonly scores: readonly CandidateScore[];
  /** the held-out scores weigh each sequence as its class is weighted in the loss (--class-weights balanced) */
  readonly classWeighted: boolean;
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
  /** the fit's own threads (default 1): more when a stage has fewer tasks than the run has threads */
  readonly threads?: number;
}

/** How long a candidate trains: the run's fixed epochs, or (epochs auto) about this many optimizer steps. */
export type Budget = { readonly epochs: number } | { readonly steps: number };


/**
 * What every selection worker gets once: the (normalized) training data, without the per-sequence names, and a
 * shared count of the optimizer steps the candidate fits have taken (for progress; it never changes a fit).
 */
export type SelectionData = Omit<DataSet, 'ids' | 'sources'> & { readonly steps?: Int32Array };

/** Training progress of a selection stage: its fits' optimizer steps taken and in all, and its seconds so far. */
export interface StageProgress {
  /** from 1 */
  readonly stage: number;
  readonly done: number;
  readonly total: number;
  readonly seconds: number;
}

/**
 * What the user left to selection: the augmentation (input noise, warping, mixup), the weight decay, the readout.
 * The weight decay varies only with the augmentation (it is one of the regularizers the candidates step through).
 */
export interface Varied {
  readonly augmentation: boolean;
  readonly weightDecay: boolean;
  readonly readout: boolean;
  /** resample auto on training lengths that differ: resampled (hp.resample) or not */
  readonly resample?: boolean;
  /** --layers left unset (with full BPTT): one layer, or the augmented candidate also with two */
  readonly layers?: boolean;
}

/**
 * Every candidate selection may train for hp, in the order that breaks ties: when the augmentation is varied
 * (σ > 0), a ladder of regularization: none, input noise σ with window warping and mixup (and the run's guided
 * warping, when it has one), and (unless the weight decay is fixed) that with weight decay; × each readout when it
 * is varied; × resampled to hp.resample or not when that is varied (the resampled ones first); and, when the
 * layers are varied too, the augmented rung with two layers (readout selectTwoLayersReadout). Which of them train
 * is selectionStage's to say.
 */
export function candidatesFor(hp: Hyperparameters, vary: Varied): Candidate[] {
  const { rungs, readouts, lengths, twoLayers } = ladderOf(hp, vary);
  return lengths.flatMap((L) => [
    ...rungs.flatMap((r) => readouts.map((readout) => candidateOf(r, readout, L))),
    ...(twoLayers ? [candidateOf(rungs[augmentedRung(rungs)], twoLayers, L, 2)] : []),
  ]);
}

/**
 * The candidates of selection's stage `stage` (0, 1, 2), given the scores of the stages before it; none when the
 * stage has nothing to compare. 0: the augmented rung with each readout (and resampling length). 1: the other
 * rungs with stage 0's best readout and length. 2: the augmented rung with two layers at that length, only when
 * an augmented candidate did best with a held-out accuracy below selectTwoLayersBelow (where the augmentation
 * loses, so would it; above, what a second layer adds is a sequence or two, less than the folds tell apart), and
 * only when its fit would fit the kernel's memory (`fits`). A two-layer fit costs about three one-layer fits, hence the gate.
 */
export function selectionStage(hp: Hyperparameters, vary: Varied, stage: number, before: readonly CandidateScore[], fits: (hp: Hyperparameters) => boolean): Candidate[] {
  const { rungs, readouts, lengths, twoLayers } = ladderOf(hp, vary);
  const a = augmentedRung(rungs);
  if (stage === 0) return lengths.flatMap((L) => readouts.map((readout) => candidateOf(rungs[a], readout, L)));
  const top = best(before);
  if (stage === 1) return rungs.filter((_, i) => i !== a).map((r) => candidateOf(r, top.readout, top.resample));
  if (stage !== 2 || !twoLayers || !(top.noise > 0 && top.accuracy < TRAIN_DEFAULTS.selectTwoLayersBelow)) return [];
  const two = candidateOf(rungs[a], twoLayers, top.resample, 2);
  return fits(withCandidate(hp, two)) ? [two] : [];
}

/** Selection's stages: selectionStage(…, s) for s below this. */
const SELECTION_STAGES = 3;

type Regularization = Pick<Candidate, 'noise' | 'warp' | 'mixup' | 'guidedWarp' | 'weightDecay'>;

/** What candidatesFor crosses: the regularization's rungs, the readouts, the resampling lengths, and the readout of a two-layer candidate (none: not varied). */
function ladderOf(hp: Hyperparameters, vary: Varied) {
  const d = TRAIN_DEFAULTS;
  const guided = hp.guidedWarp > 0 ? { guidedWarp: hp.guidedWarp } : {}; // the run's own, in every augmented candidate
  const ladder = variesRegularization(hp, vary);
  const rungs: Regularization[] = ladder
    ? [{ noise: 0, warp: 0, mixup: 0 }, { noise: hp.noise, warp: d.selectWarp, mixup: d.selectMixup, ...guided },
      ...(vary.weightDecay ? [{ noise: hp.noise, warp: d.selectWarp, mixup: d.selectMixup, ...guided, weightDecay: d.selectWeightDecay }] : [])]
    : [{ noise: hp.noise, warp: hp.warp, mixup: hp.mixup, ...guided }];
  const readouts: readonly Readout[] = vary.readout ? d.selectReadouts : [hp.readout];
  const lengths: (number | undefined)[] = vary.resample && hp.resample > 0 ? [hp.resample, 0] : [undefined];
  const twoLayers: Readout | undefined = ladder && vary.layers ? (vary.readout ? d.selectTwoLayersReadout : hp.readout) : undefined;
  return { rungs, readouts, lengths, twoLayers };
}

/** The rung with the augmentation: the ladder's second (the only one when the regularization is fixed). */
const augmentedRung = (rungs: readonly Regularization[]) => Math.min(1, rungs.length - 1);

/** The candidate of rung r with this readout, resampling length (undefined: the run's) and layers. */
function candidateOf(r: Regularization, readout: Readout, L: number | undefined, layers?: 2): Candidate {
  const as = L === undefined ? '' : L > 0 ? `resampled to ${L}, ` : 'lengths as they are, ';
  const name = `${as}${layers ? 'two layers, ' : ''}${regularizationName(r)}, readout ${readout}`;
  return { name, ...r, ...(L === undefined ? {} : { resample: L }), ...(layers ? { layers } : {}), readout };
}

/** "noise σ, warp w, mixup α, guided warp p, weight decay λ": what a candidate's name says of its regularization. */
function regularizationName(r: Regularization): string {
  return `noise ${r.noise}${r.warp > 0 ? `, warp ${r.warp}` : ''}${r.mixup > 0 ? `, mixup ${r.mixup}` : ''}` +
    `${(r.guidedWarp ?? 0) > 0 ? `, guided warp ${r.guidedWarp}` : ''}${r.weightDecay !== undefined ? `, weight decay ${r.weightDecay}` : ''}`;
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
export const tooFewToSelect = (N: number, inPairs = N) =>
  `${N} training sequences${inPairs < N && N >= TRAIN_DEFAULTS.selectFrom ? `, ${inPairs} of them in classes of two or more (the only ones a fold can hold out),` : ','} fewer than ${TRAIN_DEFAULTS.selectFrom}: held-out parts this small cannot rank candidates that differ by a sequence or two`;

/**
 * Why selection cannot run on these labels (undefined: it can). On fewer than selectFrom sequences two folds hold
 * out under 30 each, where one sequence is 3 points of held-out accuracy or more, more than separates the candidates
 * (docs/accuracy.md); the pick is then closer to a draw than the candidate that does best on most data, so
 * selection runs there only when asked for (`anyCount`, --select on).
 */
export function whySelectionSkips(labels: Int32Array, C: number, seed: number, anyCount = false): string | undefined {
  // A class of one sequence is never held out (heldOutParts): only the others count toward the parts' size.
  const sizes = classSizes(labels, C);
  const inPairs = sizes.reduce((a, n) => (n >= 2 ? a + n : a), 0);
  if (inPairs < TRAIN_DEFAULTS.selectFrom && !anyCount) return tooFewToSelect(labels.length, inPairs);
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

/** hp with what the candidate sets: its noise, warping, mixup, guided warping and readout, and its weight decay, resampling and layers when it has them. */
export function withCandidate(hp: Hyperparameters, c: Candidate): Hyperparameters {
  return {
    ...hp, noise: c.noise, warp: c.warp, mixup: c.mixup, guidedWarp: c.guidedWarp ?? 0, weightDecay: c.weightDecay ?? hp.weightDecay, resample: c.resample ?? hp.resample,
    layers: c.layers ?? hp.layers, readout: c.readout,
  };
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
    resample: vary.resample ? c.resample : undefined, readout: vary.readout ? c.readout : hp.readout, layers: vary.layers ? c.layers : undefined,
  });
}

/** A fold whose fit diverged: it scores below every fit that did not. */
const DIVERGED: FoldScore = { accuracy: 0, logLoss: Number.MAX_VALUE, diverged: true };

/** The epochs the task's fit trains: its budget's, or as many as come nearest its steps. */
function taskEpochs(t: SelectionTask): number {
  return 'epochs' in t.budget ? t.budget.epochs : Math.max(1, Math.round(t.budget.steps / stepsPerEpoch(t.train.length, t.hp.batchSize)));
}

/** The optimizer steps the task's fit takes. */
function taskSteps(t: SelectionTask): number {
  return taskEpochs(t) * stepsPerEpoch(t.train.length, t.hp.batchSize);
}

/** Trains the task's candidate on its fold and scores it on the held-out part. */
export async function runSelectionTask(data: SelectionData, t: SelectionTask, stop?: StopFlag): Promise<FoldScore> {
  const { steps, ...rest } = data;
  const ds: DataSet = { ...rest, ids: [], sources: [] };
  try {
    const r = await fitOnce(subsetOf(ds, t.train), null, {
      ...oneFit(withCandidate(t.hp, t.candidate)), valSplit: 0, patience: 0, epochs: taskEpochs(t), threads: t.threads ?? 1, kernel: t.kernel, signal: stop,
      onBatch: steps && (() => void Atomics.add(steps, 0, 1)),
    });
    const s = scoreByKernel(r.model, subsetOf(ds, t.val), t.kernel ?? 'wasm');
    const w = classWeightsOf(t.hp.classWeights, ds.labels, Int32Array.from(ds.labels.keys()), ds.classes.length);
    return w === null ? { accuracy: s.accuracy, logLoss: s.loss } : weightedScore(s, w, ds.classes.length);
  } catch (e) {
    if (e instanceof DivergedError) return DIVERGED; // a diverging candidate loses
    throw e;
  }
}

/**
 * Held-out scores with each sequence weighed as its class is in the loss (`w`, over all the training data):
 * under --class-weights balanced every class counts alike, as in training, so a candidate is not ranked first
 * for answering the large class. The log-loss from the probabilities, −log max(p[label], 1e-15), as evaluate's.
 */
export function weightedScore(s: Pick<Scores, 'count' | 'labels' | 'predicted' | 'probabilities'>, w: Float64Array, C: number): FoldScore {
  let right = 0;
  let loss = 0;
  let total = 0;
  for (let i = 0; i < s.count; i++) {
    const y = s.labels[i];
    total += w[y];
    if (s.predicted[i] === y) right += w[y];
    loss -= w[y] * Math.log(Math.max(s.probabilities[i * C + y], 1e-15));
  }
  return { accuracy: right / total, logLoss: loss / total };
}

/**
 * The candidates' budget: the run's epochs when it fixes them (`setting`), else (epochs auto) a share of the
 * steps one final fit takes (hp.epochs over the N sequences less the validation split), as epochs of each
 * fold's training part.
 */
export function budgetOf(setting: number | 'auto', hp: Pick<Hyperparameters, 'epochs' | 'batchSize' | 'valSplit'>, N: number): Budget {
  if (setting !== 'auto') return { epochs: setting };
  const finalSteps = hp.epochs * stepsPerEpoch(trainingCount(N, hp.valSplit), hp.batchSize);
  return { steps: Math.max(1, Math.round(finalSteps * TRAIN_DEFAULTS.selectStepFraction)) };
}

/**
 * The best candidate by held-out accuracy, then lower log-loss, then list order; one that diverged on a fold
 * below every one that did not, whatever its other folds scored (the final fit would train what diverged).
 * Accuracies within 1e-9 are equal: one sequence more or less moves them by 1/N, while the same count split
 * otherwise between the folds differs only in rounding.
 */
function best(scores: readonly CandidateScore[]): CandidateScore {
  const tied = (a: number, b: number) => Math.abs(a - b) <= 1e-9;
  const better = (b: CandidateScore, a: CandidateScore) =>
    a.diverged !== b.diverged ? a.diverged : tied(b.accuracy, a.accuracy) ? b.logLoss < a.logLoss : b.accuracy > a.accuracy;
  return scores.reduce((a, b) => (better(b, a) ? b : a));
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
  readonly onTask?: (key: string, s: FoldScore, counts: TaskCounts) => void;
  /** Every `progressMs` (default 1000) while a stage trains, and at its end: its steps done and in all. */
  readonly onProgress?: (p: StageProgress) => void;
  readonly progressMs?: number;
}

/** How far selection is after a task: of all the stages' so far, and of its own stage's. */
export interface TaskCounts {
  readonly finished: number;
  /** the tasks of the stages so far (a later stage may add more) */
  readonly total: number;
  /** from 1 */
  readonly stage: number;
  readonly stageFinished: number;
  readonly stageTotal: number;
}

/** The task key a checkpoint records a score under. */
export const taskKey = (t: Pick<SelectionTask, 'candidate' | 'fold'>) => `${t.candidate.name}/${t.fold}`;

const WORKER = new URL(import.meta.resolve('../../workers/select-worker.js'));

/**
 * The stages' tasks (every candidate of each on every held-out part) as far as the scores in `done` decide them:
 * each stage's, up to and including the first with a score missing (`stage`, from 0; `complete` when none is),
 * and the scores of the candidates whose tasks are all done, in candidatesFor's order.
 */
export function plannedTasks(ds: DataSet, hp: Hyperparameters, o: Pick<SelectOptions, 'vary' | 'budget' | 'kernel'>, done: Readonly<Record<string, FoldScore>>) {
  const folds = heldOutParts(ds.labels, ds.classes.length, hp.seed);
  const order = candidatesFor(hp, o.vary).map((c) => c.name);
  const fits = (h: Hyperparameters) => fitsKernelMemory(ds, h, TRAIN_DEFAULTS.selectTwoLayersThreads, o.kernel) &&
    fileSizeProblem(layoutOf(shapeFor(ds, h)).size, h.members, h.hidden, { saving: true, checkpointing: true, merged: layoutOf(ensembleShape(shapeFor(ds, h), h.members)).size }) === null;
  const tasks: SelectionTask[] = [];
  const scores: CandidateScore[] = [];
  for (let stage = 0; stage < SELECTION_STAGES; stage++) {
    const candidates = selectionStage(hp, o.vary, stage, scores, fits);
    const stageTasks = candidates.flatMap((candidate) => folds.map((f, fold): SelectionTask => ({ candidate, fold, train: f.train, val: f.val, hp, budget: o.budget, kernel: o.kernel })));
    tasks.push(...stageTasks);
    if (stageTasks.some((t) => done[taskKey(t)] === undefined)) return { folds, tasks, stageTasks: stageTasks.length, scores, stage, complete: false };
    scores.push(...candidates.map((c) => scoreOf(c, folds.map((f) => f.val.length), done)));
    scores.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }
  return { folds, tasks, stageTasks: 0, scores, stage: SELECTION_STAGES, complete: true };
}

/**
 * Candidate c's held-out scores over all the folds in done, each fold weighed by its held-out sequences (`sizes`):
 * the share of those sequences it got right and their mean log-loss. A mean of the folds' own accuracies would
 * rank two candidates with as many right by how the folds' sizes split them (54 of 91 and 53 of 90 against
 * 53 of 91 and 54 of 90), where the log-loss should decide.
 */
function scoreOf(c: Candidate, sizes: readonly number[], done: Readonly<Record<string, FoldScore>>): CandidateScore {
  const per = sizes.map((_, fold) => done[taskKey({ candidate: c, fold })]);
  const held = sizes.reduce((a, n) => a + n, 0);
  // Each fold's share of the held-out sequences as its weight: folds of one size weigh 1/K each, exactly, so that
  // their scores are their plain mean to the bit.
  const pooled = (f: (s: FoldScore) => number) => per.reduce((a, s, i) => a + (sizes[i] / held) * f(s), 0);
  const diverged = per.some((s) => s.diverged === true);
  return { ...c, accuracy: pooled((s) => s.accuracy), logLoss: diverged ? Number.MAX_VALUE : pooled((s) => s.logLoss), diverged, folds: per };
}

/** Cross-validates the candidates of selection's stages on ds (normalized) and returns their scores and the chosen one. */
export async function selectModel(ds: DataSet, hp: Hyperparameters, o: SelectOptions): Promise<Selection> {
  const done: Record<string, FoldScore> = { ...o.done };
  let finished = Object.keys(done).length;
  const steps = new Int32Array(new SharedArrayBuffer(4));
  const data: SelectionData = {
    D: ds.D, channels: ds.channels, classes: ds.classes, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels: ds.labels, steps,
  };
  // One pool for every stage (its threads start once); none on one thread, where the tasks run here.
  let pool: TaskPool<SelectionTask, FoldScore> | undefined;
  // The progress callback runs on a timer, where what it throws would be no one's: it stops the stage instead,
  // through a signal of selection's own that the caller's (an AbortSignal, or any object that acts as one) aborts too.
  const own = new AbortController();
  const signal = own.signal;
  const stopForwarding = onAbort(o.signal, () => own.abort(o.signal!.reason));
  if (o.signal?.aborted) own.abort(o.signal.reason);
  // An object that acts as a signal may only turn `aborted` (fit() reads it at every step): looked at every 50 ms.
  const watch = o.signal !== undefined && !(o.signal instanceof AbortSignal)
    ? setInterval(() => { if (o.signal!.aborted && !own.signal.aborted) own.abort(o.signal!.reason); }, 50) : undefined;
  watch?.unref();
  try {
    for (;;) {
      const plan = plannedTasks(ds, hp, o, done);
      if (plan.complete) {
        const { accuracy: _a, logLoss: _l, diverged: _d, folds: _f, ...chosen } = best(plan.scores);
        return { chosen, folds: plan.folds.length, scores: plan.scores, classWeighted: hp.classWeights === 'balanced' };
      }
      const todo = plan.tasks.filter((t) => done[taskKey(t)] === undefined);
      let stageFinished = plan.stageTasks - todo.length; // the stage's tasks a resumed run had done
      const record = (t: SelectionTask, s: FoldScore) => {
        done[taskKey(t)] = s;
        o.onTask?.(taskKey(t), s, { finished: ++finished, total: plan.tasks.length, stage: plan.stage + 1, stageFinished: ++stageFinished, stageTotal: plan.stageTasks });
      };
      const progress = stageProgress(steps, plan.stage + 1, todo, o, () => own.abort());
      try {
        if (o.threads <= 1) {
          for (const t of todo) {
            if (signal.aborted) throw signal.reason;
            record(t, await runSelectionTask(data, t, signal));
          }
        } else {
          // A stage of fewer tasks than threads (the first stages have four on two folds, the last two) shares the
          // threads out among its fits, whose bits do not depend on how many they get.
          const each = Math.max(1, Math.floor(o.threads / todo.length));
          pool ??= createTaskPool<SelectionTask, FoldScore>(WORKER, o.threads, data, signal);
          await pool.run(todo.map((t) => (each > 1 ? { ...t, threads: each } : t)), (i, s) => record(todo[i], s));
        }
        if (progress.failure !== undefined) throw progress.failure.thrown; // thrown after the stage's last task
        progress.report();
      } catch (e) {
        throw progress.failure !== undefined ? progress.failure.thrown : e;
      } finally {
        progress.stop();
      }
    }
  } finally {
    stopForwarding();
    clearInterval(watch);
    await pool?.close();
  }
}

/**
 * Calls o.onProgress every o.progressMs while the stage's `tasks` train (and once more on report()), with the
 * steps counted in `steps` since the stage began, out of what the tasks take. What the callback throws on the
 * timer is kept as `failure` (as thrown), and `stopStage` is called to stop the stage's tasks.
 */
function stageProgress(steps: Int32Array, stage: number, tasks: readonly SelectionTask[], o: Pick<SelectOptions, 'onProgress' | 'progressMs'>, stopStage: () => void) {
  const base = Atomics.load(steps, 0);
  const total = tasks.reduce((n, t) => n + taskSteps(t), 0);
  const t0 = performance.now();
  const report = () => o.onProgress?.({ stage, done: Atomics.load(steps, 0) - base, total, seconds: (performance.now() - t0) / 1000 });
  const state: { failure?: { thrown: unknown } } = {};
  const timer = o.onProgress === undefined ? undefined : setInterval(() => {
    try {
      report();
    } catch (e) {
      clearInterval(timer);
      state.failure = { thrown: e };
      stopStage();
    }
  }, o.progressMs ?? 1000);
  timer?.unref();
  return { report, stop: () => clearInterval(timer), get failure() { return state.failure; } };
}
