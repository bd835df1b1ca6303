// train(): the library entry point the CLI's `train` command is a shell over. Loads the training files,
// checks them, normalizes, fits, writes the model file atomically and evaluates the held-out files.

import { availableParallelism } from 'node:os';
import { loadDataSet, type LoadOptions } from '../data/csv.js';
import { type Normalization, applyNormalization, channelStatistics } from '../data/normalize.js';
import { UserError } from '../errors.js';
import { saveModel } from '../io/model-file.js';
import type { Model } from '../model/model.js';
import type { Readout } from '../model/rnn.js';
import { type FileEvaluation, evaluate } from '../eval/evaluate.js';
import { type EpochRecord, type FitResult, fit } from './fit.js';
import { DEFAULT_LR, type OptimizerName } from './optimizer.js';
import type { KernelName } from './shared-state.js';
import { type TuneResult, tuneThreads } from './tune.js';

export interface TrainOptions extends LoadOptions {
  readonly files: readonly string[];
  readonly test?: readonly string[];
  readonly out?: string;
  readonly hidden?: number;
  readonly readout?: Readout;
  readonly bptt?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly optimizer?: OptimizerName;
  readonly lr?: number;
  readonly clip?: number;
  readonly threads?: number | 'auto'; // 'auto': measure briefly (as `tune`) and use the recommended count
  readonly kernel?: KernelName; // 'wasm' (default) or 'ts', the reference kernel
  readonly seed?: number;
  readonly valSplit?: number;
  readonly patience?: number;
  readonly normalize?: 'zscore' | 'none';
  readonly init?: Model;
  readonly chunkSize?: number;
  readonly onEpoch?: (e: EpochRecord) => void;
}

/** The defaults `train` uses; README explains each choice. */
export const TRAIN_DEFAULTS = {
  hidden: 64,
  readout: 'mean' as Readout,
  bptt: 0,
  epochs: 60,
  batchSize: 32,
  optimizer: 'adam' as OptimizerName,
  clip: 1,
  seed: 1,
  valSplit: 0.1,
  patience: 0,
  normalize: 'zscore' as const,
  chunkSize: 4,
};

export interface TrainResult extends FitResult {
  readonly test: FileEvaluation[];
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const d = TRAIN_DEFAULTS;
  const ds = await loadDataSet(o.files, { ...o, requireLabels: true });
  if (ds.classes.length < 2) {
    throw new UserError(
      `only one class (${JSON.stringify(ds.classes[0])}) in the training data; a classifier needs at least two`,
      { file: o.files.join(', ') },
    );
  }
  let normalization: Normalization | null = null;
  if (o.init) {
    if (o.init.shape.D !== ds.D) throw new UserError(`has ${ds.D} channel(s) but the --init model has ${o.init.shape.D}`, { file: o.files[0] });
    if (o.init.classes.join('\u0000') !== ds.classes.join('\u0000')) {
      throw new UserError(`classes ${ds.classes.join(', ')} differ from the --init model's ${o.init.classes.join(', ')}`, { file: o.files[0] });
    }
    normalization = o.init.normalization;
  } else if ((o.normalize ?? d.normalize) === 'zscore') {
    normalization = channelStatistics(ds);
  }
  if (normalization) applyNormalization(ds, normalization);
  const optimizer = o.optimizer ?? d.optimizer;
  const hp = {
    hidden: o.init?.shape.H ?? o.hidden ?? d.hidden,
    readout: o.init?.readout ?? o.readout ?? d.readout,
    bptt: o.bptt ?? d.bptt,
    epochs: o.epochs ?? d.epochs,
    batchSize: o.batchSize ?? d.batchSize,
    optimizer,
    lr: o.lr ?? DEFAULT_LR[optimizer],
    clip: o.clip ?? d.clip,
    seed: o.seed ?? d.seed,
    valSplit: o.valSplit ?? d.valSplit,
    patience: o.patience ?? d.patience,
    chunkSize: o.chunkSize ?? d.chunkSize,
  };
  let threads = o.threads === 'auto' ? 0 : o.threads ?? availableParallelism();
  let tuned: TuneResult | undefined;
  if (threads === 0) {
    tuned = await tuneThreads(ds, { ...hp, steps: 8, warmupSteps: 2, kernel: o.kernel, threads: defaultCounts() });
    threads = tuned.recommended;
  }
  const r = await fit(ds, normalization, { ...hp, threads, init: o.init, onEpoch: o.onEpoch, kernel: o.kernel });
  const model: Model = {
    ...r.model,
    training: {
      files: o.files,
      sequences: ds.lengths.length,
      hyperparameters: { ...hp, normalize: normalization ? 'zscore' : 'none', init: o.init ? true : false },
      bestEpoch: r.bestEpoch,
      history: r.history.map(({ seconds: _s, sequencesPerSecond: _q, ...rest }) => rest),
      timing: { threads, seconds: r.seconds, sequencesPerSecond: r.sequencesPerSecond, kernel: o.kernel ?? 'wasm', ...(tuned ? { tuned: true } : {}) },
    },
  };
  if (o.out) saveModel(o.out, model);
  const test = o.test && o.test.length > 0 ? await evaluate(model, { ...o, files: o.test }) : [];
  return { ...r, model, test };
}

/** 1 .. cores, capped at 8 counts measured (auto must stay brief). */
function defaultCounts(): number[] {
  const n = Math.max(1, availableParallelism());
  if (n <= 8) return Array.from({ length: n }, (_, i) => i + 1);
  return [...new Set([1, 2, 4, Math.floor(n / 2), n - 1, n])].sort((a, b) => a - b);
}

export interface TuneFilesOptions extends LoadOptions {
  readonly files: readonly string[];
  readonly threads?: readonly number[];
  readonly steps?: number;
  readonly hidden?: number;
  readonly readout?: Readout;
  readonly bptt?: number;
  readonly batchSize?: number;
  readonly optimizer?: OptimizerName;
  readonly lr?: number;
  readonly clip?: number;
  readonly seed?: number;
  readonly normalize?: 'zscore' | 'none';
  readonly chunkSize?: number;
  readonly kernel?: KernelName;
}

/** `tune` on files: loads and normalizes them as train() does, then tuneThreads() with the same flags. */
export async function tune(o: TuneFilesOptions): Promise<TuneResult> {
  const d = TRAIN_DEFAULTS;
  const ds = await loadDataSet(o.files, { ...o, requireLabels: true });
  if ((o.normalize ?? d.normalize) === 'zscore') applyNormalization(ds, channelStatistics(ds));
  const optimizer = o.optimizer ?? d.optimizer;
  return tuneThreads(ds, {
    threads: o.threads, steps: o.steps, hidden: o.hidden ?? d.hidden, readout: o.readout ?? d.readout, bptt: o.bptt ?? d.bptt,
    batchSize: o.batchSize ?? d.batchSize, chunkSize: o.chunkSize ?? d.chunkSize, optimizer, lr: o.lr ?? DEFAULT_LR[optimizer],
    clip: o.clip ?? d.clip, seed: o.seed ?? d.seed, kernel: o.kernel,
  });
}
