// The one table of defaults that train(), fit(), tune, the CLI and its --help read, and the rules that turn
// 'auto' into a value for a given data set. docs/accuracy.md says why each choice (docs/model.md sums it up).
//
// Legend: N sequences, B batch size.

import type { NamesExactly } from '../data/arguments.js';
import { availableCores } from './cores.js';
import { type Model, resampleOf, strideOf } from '../model/model.js';
import { MAX_RESAMPLE } from '../model/resample.js';
import { type Cell, cellOf, directionsOf, layersOf } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import type { OptimizerName } from '../model/optimizer.js';
import type { DataSet } from '../data/dataset.js';
import { standardizedShare } from '../data/differences.js';
import { widelyScaled } from '../data/scale-spread.js';
import type { KernelName } from '../engine/kernel-name.js';
import type { ClassWeights } from './class-weights.js';
import type { LrSchedule } from './schedule.js';

/** o and the objects and arrays it holds, frozen: a program that imports the table cannot change every run's defaults. */
function frozen<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(o);
}

/** Every default of train and tune, and the constants of their auto rules (frozen). */
export const TRAIN_DEFAULTS = frozen({
  hidden: 64,
  readout: 'auto' as Readout | 'auto',
  bptt: 0,
  stride: 'auto' as number | 'auto',
  resample: 'auto' as number | 'auto', // 0: off
  bidirectional: true,
  cell: 'gru' as Cell,
  layers: 1 as 1 | 2, // stacked recurrent layers: 2 reads the first layer's states with a second (full BPTT only)
  epochs: 'auto' as number | 'auto',
  batchSize: 32,
  optimizer: 'adam' as OptimizerName,
  lr: { adam: 1e-3, sgd: 1e-2, momentum: 1e-2 } as Readonly<Record<OptimizerName, number>>, // the tanh RNN's …
  gruAdamLr: 6e-3, // … and Adam's for the GRU, measured on 13 UCR/UEA sets (docs/accuracy.md)
  clip: 1,
  seed: 1,
  valSplit: 'auto' as number | 'auto',
  patience: 0,
  normalize: 'zscore' as 'zscore' | 'none',
  differences: 'auto' as boolean | 'auto', // first differences as channels too; auto: unless the sequences are z-normalized one by one
  sequenceNorm: 'auto' as boolean | 'auto', // each sequence on its own scale; auto: where a channel's scales lie decades apart
  chunkSize: 4,
  kernel: 'wasm' as KernelName,
  classWeights: 'none' as ClassWeights,
  schedule: 'cosine' as LrSchedule,
  warmup: 0.05,
  weightDecay: 0,
  noise: 0.1,
  warp: 0, // window warping: the fraction of a sequence played at half or double speed (model/noise.ts); 0 = off
  guidedWarp: 0, // guided warping: the share of epochs a training sequence is read with the timing of another of its class (model/guided-warp.ts); 0 = off
  guidedWarpPartners: 2, // … drawn from this many partners per sequence, aligned once before the fit …
  guidedWarpBand: 0.1, // … by DTW within this share of the longer sequence's steps from the diagonal
  mixup: 0, // mixup's α: each training sequence blended with another, and their labels with it (model/mixup.ts); 0 = off
  minSteps: 1500, // epochs auto: at least this many optimizer steps …
  minEpochs: 60, // … and at least this many epochs
  shortSequence: 30, // readout auto without selection: last when the median length is at most this, else mean
  minValidation: 100, // val-split auto: hold out 10 % only when that is at least this many sequences
  checkpointEvery: 10, // seconds: an epoch end writes the checkpoint only this long after the last write (0: every one)
  members: 3, // the final fits, from different seeds, whose mean logits the model is (model/ensemble.ts)
  select: 'auto' as 'auto' | 'on' | 'off', // model selection by cross-validation (select.ts); on: also below selectFrom
  selectFrom: 60, // … from this many training sequences on (fewer: the augmented candidate, the readout by length) …
  selectFolds: 2, // … over this many stratified folds …
  selectHoldoutFrom: 1000, // … or, from this many training sequences on, one stratified split …
  selectHoldout: 0.25, // … holding out this share of each class …
  selectStepFraction: 0.2, // … each candidate fit with this share of a final fit's steps …
  selectWarp: 0.1, // … comparing no augmentation, input noise σ with window warping of this fraction …
  selectMixup: 0.2, // … and mixup of this α …
  selectWeightDecay: 0.5, // … and that with this weight decay λ …
  selectReadouts: ['last', 'mean'] as readonly Readout[], // … with each of these readouts (chosen on the augmented rung first) …
  selectTwoLayersReadout: 'mean' as Readout, // … then the augmented candidate with two layers, with this readout …
  selectTwoLayersBelow: 0.9, // … where an augmented candidate did best with a held-out accuracy below this …
  selectTwoLayersThreads: 64, // … and its fit on this many threads (or its batch's chunks, if fewer: an engine runs no more) would fit the kernel's memory (a constant: the choice may not depend on the run's threads)
  autoStrideSteps: 32, // stride auto: the median sequence becomes about this many steps …
  maxAutoStride: 16, // … with at most this many samples per step
  tuneSteps: 30, // tune: timed steps per thread count
  tuneWarmupSteps: 5, // tune: untimed steps first …
  tuneWarmupMs: 300, // … and untimed for at least this long: a fresh worker's code is still tiering up …
  tuneWarmupMaxMs: 2000, // … and then on while the step rate still rises, up to this long
  tuneMeasureMs: 300, // tune: timed for at least this long, whatever the steps say
  autoTuneSteps: 8, // --threads auto: the brief measurement's timed steps …
  autoTuneWarmupSteps: 2, // … and untimed ones
});

/** The largest --stride: a step then reads at most this many samples of every channel. */
export const MAX_STRIDE = 1024;

export { MAX_RESAMPLE } from '../model/resample.js';

/** The largest --epochs, --batch-size and tune --steps: bounds on the work a flag can ask for, documented. */
export const MAX_EPOCHS = 1_000_000;
export const MAX_BATCH = 1_000_000;
export const MAX_TUNE_STEPS = 100_000;

/** The most threads a run may ask for (--threads). */
export const MAX_THREADS = 256;

/** The largest --hidden: W_hh alone is then 64 MiB per direction and gate, near what the 4 GiB kernel memory holds per thread. */
export const MAX_HIDDEN = 4096;

/** --threads' default: every core. */
export function defaultThreads(): number {
  return availableCores();
}

/** Thread counts tune measures by default: 1 .. the cores; with `brief` (--threads auto) at most 6 of them. */
export function defaultThreadCounts(brief = false): number[] {
  const n = defaultThreads();
  if (!brief || n <= 8) return Array.from({ length: n }, (_, i) => i + 1);
  return [...new Set([1, 2, 4, Math.floor(n / 2), n - 1, n])].sort((a, b) => a - b);
}

/** The median of xs (the middle two averaged for an even count; 0 for none). */
export function median(xs: ArrayLike<number>): number {
  const s = Float64Array.from(xs).sort();
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The learning rate an optimizer starts from by default for a cell: Adam trains the GRU at 6e-3, the tanh RNN at 1e-3. */
export function defaultLr(optimizer: OptimizerName, cell: Cell): number {
  return optimizer === 'adam' && cell === 'gru' ? TRAIN_DEFAULTS.gruAdamLr : TRAIN_DEFAULTS.lr[optimizer];
}

/** Readout auto by length: the last step on short sequences (median length ≤ 30), the mean over time on longer ones. */
export function autoReadout(lengths: Int32Array): Readout {
  return median(lengths) <= TRAIN_DEFAULTS.shortSequence ? 'last' : 'mean';
}

/** Stride auto: frames of s samples such that the median sequence is about AUTO_STEPS steps long, s ≤ 16. */
export function autoStride(lengths: Int32Array): number {
  return Math.max(1, Math.min(TRAIN_DEFAULTS.maxAutoStride, Math.round(median(lengths) / TRAIN_DEFAULTS.autoStrideSteps)));
}

/** The stride a setting gives on sequences of these lengths. */
function strideFor(setting: number | 'auto', lengths: Int32Array): number {
  return setting === 'auto' ? autoStride(lengths) : setting;
}

/**
 * Resample auto: none (0) when the lengths are all equal, else the median length rounded (at least 2); none also
 * where that is past MAX_RESAMPLE (sequences that long are read as they are rather than cut to a length).
 */
export function autoResample(lengths: Int32Array): number {
  if (lengths.every((n) => n === lengths[0])) return 0;
  const L = Math.max(2, Math.round(median(lengths)));
  return L <= MAX_RESAMPLE ? L : 0;
}

/** The resampling length a setting gives on sequences of these lengths (0: none). */
function resampleFor(setting: number | 'auto', lengths: Int32Array): number {
  return setting === 'auto' ? autoResample(lengths) : setting;
}

/**
 * Differences auto: on raw recordings, off where most sequences' channels are z-normalized one by one already
 * (the UCR archive's univariate sets): there the differences only repeat the shape, noisier.
 */
export function autoDifferences(ds: DataSet): boolean {
  return standardizedShare(ds) < 0.5;
}

/**
 * Sequence normalization auto: where some channel's sequences' standard deviations span two decades or more
 * (data/scale-spread.ts), which the normalization over the whole training set would leave nearly flat.
 */
export function sequenceNormFor(setting: boolean | 'auto', ds: DataSet): boolean {
  return setting === 'auto' ? widelyScaled(ds).length > 0 : setting;
}

/** Whether a setting reads the differences of these data. */
export function differencesFor(setting: boolean | 'auto', ds: DataSet): boolean {
  return setting === 'auto' ? autoDifferences(ds) : setting;
}

/** Val-split auto: 0.1 when that holds out at least 100 sequences, else none (train on all, keep the last weights). */
export function autoValSplit(N: number): number {
  return N * 0.1 >= TRAIN_DEFAULTS.minValidation ? 0.1 : 0;
}

/** Optimizer steps in one epoch over n sequences. */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / Math.min(batchSize, n));
}

/** About how many of N sequences a validation split leaves to train on (the split is stratified). */
export function trainingCount(N: number, valSplit: number): number {
  return N - Math.round(N * valSplit);
}

/** Epochs auto: at least 60 epochs and at least minSteps optimizer steps. */
export function autoEpochs(nTrain: number, batchSize: number, minSteps: number): number {
  return Math.max(TRAIN_DEFAULTS.minEpochs, Math.ceil(minSteps / stepsPerEpoch(nTrain, batchSize)));
}

/** The hyperparameter options train() and fit() take; each left out is the table's (or its auto rule's). */
export interface HyperparameterOptions {
  readonly hidden?: number | undefined;
  /** auto: chosen by train()'s model selection, else by sequence length */
  readonly readout?: Readout | 'auto' | undefined;
  /** k; 0 = full BPTT */
  readonly bptt?: number | undefined;
  /** frame stacking s (model/frames.ts) */
  readonly stride?: number | 'auto' | undefined;
  /** every sequence resampled to this many samples (model/resample.ts); 0 = off */
  readonly resample?: number | 'auto' | undefined;
  /** a second recurrence over reversed time */
  readonly bidirectional?: boolean | undefined;
  /** the recurrent cell: the tanh RNN or a GRU */
  readonly cell?: Cell | undefined;
  /** 2: a second recurrent layer reading the first one's states (full BPTT only) */
  readonly layers?: 1 | 2 | undefined;
  readonly epochs?: number | 'auto' | undefined;
  readonly batchSize?: number | undefined;
  readonly optimizer?: OptimizerName | undefined;
  /** default: by optimizer */
  readonly lr?: number | undefined;
  /** global-norm clipping, 0 = off */
  readonly clip?: number | undefined;
  readonly seed?: number | undefined;
  readonly valSplit?: number | 'auto' | undefined;
  /** epochs without validation improvement before stopping; 0 = never stop early */
  readonly patience?: number | undefined;
  readonly classWeights?: ClassWeights | undefined;
  readonly schedule?: LrSchedule | undefined;
  /** cosine: warmup steps as a fraction of all steps */
  readonly warmup?: number | undefined;
  /** epochs auto: at least this many optimizer steps */
  readonly minSteps?: number | undefined;
  /** decoupled weight decay λ: θ ← θ (1 − lr λ) every step */
  readonly weightDecay?: number | undefined;
  /** σ of Gaussian noise on the training inputs, fresh every epoch (model/noise.ts) */
  readonly noise?: number | undefined;
  /** window warping of the training inputs, fresh every epoch (model/noise.ts) */
  readonly warp?: number | undefined;
  /** mixup's α: training sequences blended in pairs, fresh every epoch (model/mixup.ts) */
  readonly mixup?: number | undefined;
  /** the share of epochs a training sequence takes a class mate's timing (data/guided-warp.ts) */
  readonly guidedWarp?: number | undefined;
  /** sequences per gradient chunk (fixed, so results do not depend on threads) */
  readonly chunkSize?: number | undefined;
  /** train(): choose the regularization and readout by cross-validation (on: on any number of sequences) */
  readonly select?: 'auto' | 'on' | 'off' | undefined;
  /** train(): an ensemble of this many fits from different seeds (with init: the init model's members) */
  readonly members?: number | undefined;
  /** start from these parameters (shape and readout come from it) */
  readonly init?: Model | undefined;
}

/** Every key of HyperparameterOptions, checked whole at compile time. */
export const HYPERPARAMETER_KEYS = [
  'hidden', 'readout', 'bptt', 'stride', 'resample', 'bidirectional', 'cell', 'layers', 'epochs', 'batchSize', 'optimizer', 'lr', 'clip', 'seed',
  'valSplit', 'patience', 'classWeights', 'schedule', 'warmup', 'minSteps', 'weightDecay', 'noise', 'warp', 'mixup', 'guidedWarp', 'chunkSize', 'select', 'members', 'init',
] as const;
const hyperparameterKeysWhole: NamesExactly<keyof HyperparameterOptions, typeof HYPERPARAMETER_KEYS> = true;
void hyperparameterKeysWhole;

export type Hyperparameters = ReturnType<typeof resolveHyperparameters>;

/** The hyperparameters for `ds`, every one given or from the table, with every 'auto' resolved. */
export function resolveHyperparameters(ds: DataSet, o: HyperparameterOptions) {
  const d = TRAIN_DEFAULTS;
  const optimizer = o.optimizer ?? d.optimizer;
  const N = ds.lengths.length;
  const vs = o.valSplit ?? d.valSplit;
  const valSplit = vs === 'auto' ? autoValSplit(N) : vs;
  const batchSize = o.batchSize ?? d.batchSize;
  const readout = o.init?.readout ?? o.readout ?? d.readout;
  const epochs = o.epochs ?? d.epochs;
  const cell = o.init ? cellOf(o.init.shape) : o.cell ?? d.cell;
  const nTrain = trainingCount(N, valSplit);
  const resample = o.init ? resampleOf(o.init) : resampleFor(o.resample ?? d.resample, ds.lengths);
  return {
    hidden: o.init?.shape.H ?? o.hidden ?? d.hidden,
    readout: readout === 'auto' ? autoReadout(ds.lengths) : readout,
    bptt: o.bptt ?? d.bptt,
    resample,
    stride: o.init ? strideOf(o.init) : strideFor(o.stride ?? d.stride, resample > 0 ? Int32Array.of(resample) : ds.lengths),
    bidirectional: o.init ? directionsOf(o.init.shape) === 2 : o.bidirectional ?? d.bidirectional,
    cell,
    layers: o.init ? layersOf(o.init.shape) : o.layers ?? d.layers,
    epochs: epochs === 'auto' ? autoEpochs(nTrain, batchSize, o.minSteps ?? d.minSteps) : epochs,
    batchSize,
    optimizer,
    lr: o.lr ?? defaultLr(optimizer, cell),
    schedule: o.schedule ?? d.schedule,
    warmup: o.warmup ?? d.warmup,
    weightDecay: o.weightDecay ?? d.weightDecay,
    noise: o.noise ?? d.noise,
    warp: o.warp ?? d.warp,
    mixup: o.mixup ?? d.mixup,
    guidedWarp: o.guidedWarp ?? d.guidedWarp,
    clip: o.clip ?? d.clip,
    seed: o.seed ?? d.seed,
    valSplit,
    patience: o.patience ?? d.patience,
    classWeights: o.classWeights ?? d.classWeights,
    chunkSize: o.chunkSize ?? d.chunkSize,
    members: o.init ? o.members ?? 1 : o.members ?? d.members, // with init: an ensemble --init's members (train.ts)
  };
}
