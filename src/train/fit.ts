// One fit on a loaded, normalized data set: the options checked, the seeded initial weights, the validation
// split and the engine set up, then the epoch loop (fit-loop.ts: a shuffled pass per epoch, one synchronous step
// per mini-batch, validation after each epoch, early stopping that keeps the best weights). No file I/O:
// train.ts loads and saves. Every option left out is the defaults table's (defaults.ts), as for train(), but
// checkpointEvery: 0, every epoch end (a program that asks for the state wants each).
//
// Stopping safely: at epoch ends (checkpointEvery apart), and after the step in progress when `signal` aborts,
// the whole state goes to onCheckpoint (a FitState, model/state.ts); `resume` continues from one to the same
// bits as a run that never stopped. A non-finite loss, gradient norm or parameter throws a DivergedError at once, so those
// weights reach neither a checkpoint nor a model.
//
// Legend: N sequences, B batch size, P parameters, H hidden units, k BPTT horizon.

import { turnsEvery } from '../engine/turns.js';
import type { DataSet } from '../data/dataset.js';
import { resampledDataSet } from '../data/resample.js';
import { type Normalization, plainNormalization } from '../data/normalize.js';
import { initSteps } from '../model/init.js';
import { type Shape, layoutOf } from '../model/layout.js';
import { type Model, isNormalizationOf } from '../model/model.js';
import { type Rng, createRng } from '../model/rng.js';
import { longestWindow } from '../model/frames.js';
import { inputNoise } from '../model/noise.js';
import { type GuidedWarps, guidedWarpSteps } from '../data/guided-warp.js';
import type { EpochRecord, FitState } from '../model/state.js';
import { InterruptedError, UserError } from '../errors.js';
import { type EngineSizes, checkEngineSizes, createEngine, engineSizesFit } from '../engine/engine.js';
import { kernelRecord } from '../engine/kernels.js';
import { buildForRun } from '../engine/wasm.js';
import type { KernelName } from '../engine/kernel-name.js';
import type { StopFlag } from '../engine/pool.js';
import { HYPERPARAMETER_KEYS, type HyperparameterOptions, type Hyperparameters, TRAIN_DEFAULTS, defaultThreads, resolveHyperparameters, trainingCount } from './defaults.js';
import { stratifiedSplit } from './split.js';
import { classWeightsOf } from './class-weights.js';
import { asOption, checkOptions } from './option-checks.js';
import { type NamesExactly, checkCallbacks, checkKnownOptions, checkModelArgument, checkOptionsObject, checkStopFlag, ownOptions } from '../data/arguments.js';
import { checkDataArgument } from '../data/data-argument.js';
import { runLoop } from './fit-loop.js';

export type { EpochRecord };

/** fit()'s options: the hyperparameters, threads and kernel, a resume state, and the callbacks. */
export interface FitOptions extends Omit<HyperparameterOptions, 'select' | 'members'> {
  /** one fit; an ensemble is train()'s */
  readonly members?: 1 | undefined;
  /** the options as given; model selection is train()'s */
  readonly select?: 'off' | undefined;
  /** default: every core */
  readonly threads?: number | undefined;
  /** 'wasm' (default, fast) or 'ts' (the reference kernel) */
  readonly kernel?: KernelName | undefined;
  readonly onEpoch?: ((e: EpochRecord) => void) | undefined;
  /** after every optimizer step */
  readonly onBatch?: ((b: BatchProgress) => void) | undefined;
  /** Continue from this state (as onCheckpoint gave it) instead of a fresh start. */
  readonly resume?: FitState | undefined;
  /**
   * Gets a copy of the whole state at an epoch end once checkpointEvery seconds have passed since its last call
   * (or the fit began), at the last epoch's end (early stopping's too), and after the last step when interrupted.
   */
  readonly onCheckpoint?: ((s: FitState) => void) | undefined;
  /** Seconds between onCheckpoint's epoch-end calls (default 0: every epoch end). */
  readonly checkpointEvery?: number | undefined;
  /**
   * An AbortSignal, or a task pool's stop flag. Once aborted: the step in progress finishes, onCheckpoint gets
   * the state, fit throws InterruptedError.
   */
  readonly signal?: StopFlag | undefined;
  /** The module the engine's worker threads run (default: the gradient worker). */
  readonly worker?: URL | undefined;
}

/** Every key of FitOptions (checked whole at compile time): fit() refuses any other. */
const FIT_OPTION_KEYS = [
  ...HYPERPARAMETER_KEYS, 'threads', 'kernel', 'onEpoch', 'onBatch', 'resume', 'onCheckpoint', 'checkpointEvery', 'signal', 'worker',
] as const;
const fitKeysWhole: NamesExactly<keyof FitOptions, typeof FIT_OPTION_KEYS> = true;
void fitKeysWhole;

/** Progress within an epoch, reported after each step. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** steps done in this epoch */
  batch: number;
  /** steps per epoch */
  batches: number;
  /** training sequences done in this epoch */
  seen: number;
  /** running mean training loss over this epoch's sequences so far */
  loss: number;
  /** running training accuracy over this epoch's sequences so far */
  accuracy: number;
  /** the rate of the step just taken */
  lr: number;
  /** since the epoch began */
  seconds: number;
}

/** What fit() gives back: the model (its best weights), the history, and where the time went. */
export interface FitResult {
  readonly model: Model;
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly sequencesPerSecond: number;
  /** the computing threads the engine ran: those asked for, at most one per chunk of the largest batch */
  readonly threads: number;
  readonly computeMs: number;
  readonly reduceMs: number;
  readonly updateMs: number;
}

/** The model's shape for `ds` with these hyperparameters: the --init model's, or inputs channels × stride. */
export function shapeFor(ds: DataSet, hp: Hyperparameters, init?: Model): Shape {
  if (init) return init.shape;
  return {
    D: ds.D * hp.stride, H: hp.hidden, C: ds.classes.length,
    ...(hp.bidirectional ? { directions: 2 as const } : {}), ...(hp.cell === 'gru' ? { cell: hp.cell } : {}), ...(hp.layers === 2 ? { layers: 2 as const } : {}),
  };
}

/** The engine's sizes for a fit of ds (as resampled) with hp (the split, drawn later, fixes the batch: a stratified one keeps at least maxBatch sequences). */
function engineSizesOf(ds: Pick<DataSet, 'lengths' | 'classes'>, hp: Hyperparameters, shape: Shape, threads: number, kernel?: KernelName): EngineSizes {
  const C = ds.classes.length;
  const leastTrained = hp.valSplit > 0 ? Math.max(1, trainingCount(ds.lengths.length, hp.valSplit) - C) : ds.lengths.length;
  return { shape, chunkSize: hp.chunkSize, capacity: longestWindow(ds.lengths, hp.bptt, hp.stride), maxBatch: Math.min(hp.batchSize, leastTrained), threads, kernel };
}

/** Whether fit() of `given` with hp on `threads` threads fits in the kernel's memory (what fit refuses otherwise). */
export function fitsKernelMemory(given: DataSet, hp: Hyperparameters, threads: number, kernel?: KernelName): boolean {
  const lengths = hp.resample > 0 ? new Int32Array(given.lengths.length).fill(hp.resample) : given.lengths;
  return engineSizesFit(engineSizesOf({ lengths, classes: given.classes }, hp, shapeFor(given, hp), threads, kernel));
}

/** The starting weights [P]: the resumed state's, the init model's, or drawn from rng. */
async function initialWeights(shape: Shape, o: FitOptions, rng: Rng): Promise<Float32Array> {
  const params = new Float32Array(layoutOf(shape).size);
  if (o.resume) {
    params.set(o.resume.params); // of this model's size (checkResumeFits)
  } else if (o.init) params.set(o.init.parameters);
  else await drawInitialWeights(params, shape, rng, o.signal);
  return params;
}

/**
 * initParameters, letting the event loop run every 50 ms: at H 1024 the orthogonal W_hh take seconds, at 4096
 * minutes, and a Ctrl-C must not wait for them. Once `signal` aborts, throws InterruptedError (nothing to save).
 */
export async function drawInitialWeights(params: Float32Array, shape: Shape, rng: Rng, signal?: StopFlag): Promise<void> {
  await inTurns(initSteps(params, shape, rng), signal);
}

/**
 * Guided warping's copies of ds's sequences `train` (data/guided-warp.ts), letting the event loop run every
 * 50 ms: aligning thousands of long sequences takes seconds. Once `signal` aborts, throws InterruptedError.
 */
function guidedWarpsOf(ds: DataSet, train: Int32Array, hp: Hyperparameters, signal?: StopFlag): Promise<GuidedWarps> {
  const d = TRAIN_DEFAULTS;
  return inTurns(guidedWarpSteps(ds, train, { share: hp.guidedWarp, partners: d.guidedWarpPartners, band: d.guidedWarpBand, seed: hp.seed }), signal);
}

/** Runs `steps` to its end, with a turn of the event loop every 50 ms; InterruptedError (nothing to save) once `signal` aborts. */
async function inTurns<R>(steps: Generator<void, R, void>, signal?: StopFlag): Promise<R> {
  const turn = turnsEvery();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const t = turn();
    if (t === null) continue;
    await t;
    if (signal?.aborted) throw new InterruptedError(0, 0);
  }
}

/** Refuses a resume state that is not one onCheckpoint gave (its arrays and counters where fit() reads them). */
function checkFitState(s: unknown): void {
  const v = s as Partial<FitState> | null;
  const ok = typeof v === 'object' && v !== null && Number.isInteger(v.epoch) && Number.isInteger(v.batchStart) && v.params instanceof Float32Array &&
    v.best instanceof Float32Array && v.order instanceof Int32Array && v.split?.train instanceof Int32Array && v.split?.val instanceof Int32Array &&
    Array.isArray(v.rng) && v.rng.length === 4 && Array.isArray(v.history) && typeof v.optimizer === 'object' && v.optimizer !== null;
  if (!ok) throw new UserError('fit() resume must be a state as onCheckpoint gives it (or a loaded checkpoint\'s state)');
}

/**
 * Refuses a resume state that is not of this run: another model (its parameter count: another hidden, stride,
 * cell, direction or depth), other data (its split's sequences), another optimizer. train() checks its
 * checkpoint's options before this; a program's fit() may hand any state.
 */
function checkResumeFits(s: FitState, P: number, N: number, optimizer: string, epochs: number): void {
  const refuse = (what: string) => new UserError(`fit() resume: ${what}; resume with the options and the data of the run that made the state`);
  if (s.params.length !== P) throw refuse(`the state holds ${s.params.length} parameters and this run's model has ${P} (another hidden, stride, cell, direction or layers)`);
  const n = s.split.train.length + s.split.val.length;
  let outside = false;
  for (const part of [s.split.train, s.split.val]) for (let i = 0; i < part.length; i++) if (!(part[i] >= 0 && part[i] < N)) outside = true;
  if (n !== N || outside) throw refuse(`the state's split is of ${n} sequences and the data has ${N}`);
  if (s.optimizer.name !== optimizer) throw refuse(`the state was trained with the optimizer ${s.optimizer.name} and this run's is ${optimizer}`);
  // What a hand-built or edited state gets wrong, each named (a checkpoint file's reader checks the same).
  const damaged = (what: string) => new UserError(`fit() resume: ${what}; give a state as onCheckpoint gave it`);
  const { m, v, step } = s.optimizer;
  const moments = (x: unknown, keeps: boolean) => x instanceof Float32Array && x.length === (keeps ? P : 0) && x.every(Number.isFinite);
  if (!moments(m, optimizer !== 'sgd') || !moments(v, optimizer === 'adam')) throw damaged(`optimizer.m and optimizer.v must hold ${optimizer}'s finite moments (${P} numbers where it keeps them, none where it does not)`);
  if (!(Number.isInteger(step) && step >= 0)) throw damaged(`optimizer.step must be a whole number of steps taken (got ${String(step)})`);
  if (!s.params.every(Number.isFinite) || s.best.length !== P || !s.best.every(Number.isFinite)) throw damaged(`params and best must hold ${P} finite numbers each`);
  const sorted = Int32Array.from(s.order).sort();
  const train = Int32Array.from(s.split.train).sort();
  if (sorted.length !== train.length || sorted.some((x, i) => x !== train[i])) throw damaged('order must be a permutation of split.train');
  if (!(s.epoch >= 1 && s.epoch <= epochs + 1)) throw damaged(`epoch is ${s.epoch}, outside this run's 1 to ${epochs + 1}`);
  if (!(s.batchStart >= 0 && s.batchStart <= s.order.length)) throw damaged(`batchStart is ${s.batchStart}, outside the ${s.order.length} training sequences`);
  if (!s.rng.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) || s.rng.every((w) => w === 0)) {
    throw damaged('rng must hold four 32-bit whole numbers, not all zero, as rng.state() gives them');
  }
  if (![s.lossSum, s.weightSum, s.correct, s.batches].every(Number.isFinite)) throw damaged('lossSum, weightSum, correct and batches must be finite numbers');
  if (!(Number.isInteger(s.bestEpoch) && s.bestEpoch >= 0 && s.bestEpoch < s.epoch)) throw damaged(`bestEpoch is ${s.bestEpoch}, not an epoch before ${s.epoch}`);
}

/** Refuses a resume state another kernel computed (a state that names none, of an earlier version, resumes under any). */
function checkResumeKernel(s: FitState, kernel: KernelName): void {
  const now = kernelRecord(kernel);
  if (s.kernel !== undefined && s.kernel !== now) {
    throw new UserError(`fit() resume: the state was computed by the kernel ${JSON.stringify(s.kernel)} and this run's is ${JSON.stringify(now)}, which rounds otherwise, so the model would be neither run's; resume it under the kernel that computed it`);
  }
}

/** hp for one fit: without train()'s ensemble size (fit() refuses it). */
export function oneFit<T extends { readonly members?: number }>(hp: T): Omit<T, 'members'> {
  const { members: _, ...one } = hp;
  return one;
}

/** Refuses train()'s ensemble and model selection asked of fit(), which trains one model with what it is given. */
function checkOneFit(o: object): void {
  const { members, select } = o as { members?: unknown; select?: unknown };
  if (members !== undefined && members !== 1) throw new UserError(`fit() trains one model: members ${String(members)} (an ensemble) is train()'s; leave members out, or train() the files`);
  if (select !== undefined && select !== 'off') throw new UserError(`fit() trains one model with the options given: select ${JSON.stringify(select)} (model selection) is train()'s; leave select out, or train() the files`);
}

/** Refuses a normalization that is not null or D finite means and D usable standard deviations (the model would be unusable). */
function checkNormalization(n: Normalization | null, D: number): void {
  // fit(data, { epochs: 5 }): the options where the normalization goes.
  if (n !== null && typeof n === 'object' && !('mean' in n) && !('std' in n) && Object.keys(n).length > 0) {
    const keys = Object.keys(n);
    throw new UserError(`fit(data, normalization, options) takes the normalization second (null for none, or the { mean, std } of channelStatistics()) and the options third; ` +
      `it was given ${keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 3 ? ', …' : ''} second`);
  }
  if (n !== null && !isNormalizationOf(n, D)) throw new UserError(`fit() normalization must be null or { mean, std } of ${D} finite float32 means and ${D} standard deviations of at least 1.2e-38 (the data's channels), as channelStatistics() gives`);
}

/**
 * Trains one model on a data set in memory (normalized already, as channelStatistics() and applyNormalization()
 * make it): the training loop train() runs for each fit, without files, selection or ensembles.
 */
export async function fit(given: DataSet, normalization: Normalization | null, options: FitOptions = {}): Promise<FitResult> {
  buildForRun(); // TRAIN_SIGNALS_KERNEL as the fit starts (train() checks it once for all its fits)
  return fitOnce(given, plainNormalization(normalization), options);
}

/** fit() as train() and model selection run it, within a run whose kernel build is checked already. */
export async function fitOnce(given: DataSet, normalization: Normalization | null, options: FitOptions = {}): Promise<FitResult> {
  checkOptionsObject(options, 'fit()');
  const o = ownOptions(options, FIT_OPTION_KEYS);
  checkFitCall(given, normalization, o);
  const hp = resolveHyperparameters(given, o);
  const ds = resampledDataSet(given, hp.resample); // the model resamples what it scores alike (eval/score.ts)
  const shape = shapeFor(ds, hp, o.init);
  const rs = o.resume;
  if (rs) checkResumeFits(rs, layoutOf(shape).size, ds.lengths.length, hp.optimizer, hp.epochs);
  const threads = o.threads ?? defaultThreads();
  const sizes = engineSizesOf(ds, hp, shape, threads, o.kernel);
  // A model too large for the kernel's memory is refused before its initialization, which takes minutes at the
  // largest H.
  checkEngineSizes(sizes);
  const rng = createRng(rs ? rs.rng : hp.seed);
  const initial = await initialWeights(shape, o, rng);
  const split = rs ? rs.split
    : hp.valSplit > 0 ? stratifiedSplit(ds.labels, ds.classes.length, hp.valSplit, rng) : { train: Int32Array.from(ds.labels.keys()), val: new Int32Array(0) };
  // Guided warping's copies, of the training part only: a held-out sequence lends no timing to the fit.
  const warps = hp.guidedWarp > 0 ? await guidedWarpsOf(ds, split.train, hp, o.signal) : null;
  const data = warps ? warps.ds : ds;
  const engine = createEngine({
    shape, readout: hp.readout, k: hp.bptt, stride: hp.stride, threads, chunkSize: hp.chunkSize, maxBatch: Math.min(hp.batchSize, split.train.length),
    params: initial, capacity: sizes.capacity, classWeight: classWeightsOf(hp.classWeights, ds.labels, split.train, ds.classes.length),
    kernel: o.kernel, noise: inputNoise(hp.noise, hp.seed, hp.warp, hp.mixup), worker: o.worker,
    data: { D: data.D, values: data.values, offsets: data.offsets, lengths: data.lengths, labels: data.labels },
  });
  try {
    return await runLoop({ o, hp, ds, normalization, shape, split, warps, engine, rng, initial });
  } finally {
    await engine.close();
  }
}

/** Refuses what fit() cannot take: unknown or ill-typed options, a resume state of another kernel, bad data or normalization. */
function checkFitCall(given: DataSet, normalization: Normalization | null, o: FitOptions): void {
  checkOptionsObject(o, 'fit()');
  checkOneFit(o);
  checkKnownOptions(o, FIT_OPTION_KEYS, 'fit()');
  if (o.resume !== undefined) checkFitState(o.resume);
  if (o.init !== undefined) checkModelArgument(o.init, 'init'); // before the checks that read its shape
  checkStopFlag(o.signal, 'fit()');
  checkOptions(o, asOption, 'fit');
  if (o.resume !== undefined) checkResumeKernel(o.resume, o.kernel ?? 'wasm');
  checkCallbacks(o, ['onEpoch', 'onBatch', 'onCheckpoint']);
  checkDataArgument(given, 'fit() data', { dataSet: true });
  // A model of one class is no classifier, and every function that reads models refuses it. (Labels of one class
  // among several are left alone: model selection fits folds that may hold out a class's only sequence.)
  if (given.classes.length < 2) throw new UserError(`fit() data: classes must name at least two classes (got ${given.classes.length}); a classifier needs two`);
  checkNormalization(normalization, given.D);
}
