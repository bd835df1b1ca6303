// train(): the library entry point the CLI's `train` command is a shell over. Loads the training files,
// checks them, normalizes, fits, writes the model file atomically and evaluates the held-out files.
// Everything that can be checked is checked before the first step (preflight.ts): outputs writable, test
// files parsed, --init and --resume compatible. A checkpoint is written at every epoch end (and on
// interrupt); the default one (`<out>.ckpt`) is removed once the model is written.

import { rmSync } from 'node:fs';
import { loadDataSet, type LoadOptions } from '../data/csv.js';
import type { DataSet } from '../data/dataset.js';
import { type Normalization, applyNormalization, channelStatistics } from '../data/normalize.js';
import { DivergedError, InterruptedError, UserError, isInterrupted } from '../errors.js';
import { type Checkpoint, dataFingerprint, loadCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import { saveModel } from '../io/model-file.js';
import type { Model } from '../model/model.js';
import type { Readout } from '../model/rnn.js';
import type { EpochRecord, FitState } from '../model/state.js';
import type { KernelName } from '../engine/kernels.js';
import { type FileEvaluation, evaluateDataSet, totalMetrics } from '../eval/evaluate.js';
import { writeReport } from '../eval/report.js';
import {
  type HyperparameterOptions, type Hyperparameters, TRAIN_DEFAULTS, defaultThreadCounts, defaultThreads,
  resolveHyperparameters,
} from './defaults.js';
import { type BatchProgress, type FitOptions, type FitResult, fit, shapeFor } from './fit.js';
import { type TuneOptions, type TuneResult, tuneThreads } from './tune.js';
import { checkInit, checkOutputs, checkResume, checkTestFiles } from './preflight.js';

export interface TrainOptions extends LoadOptions, HyperparameterOptions {
  readonly files: readonly string[];
  readonly test?: readonly string[];
  readonly out?: string;
  readonly threads?: number | 'auto'; // 'auto': measure briefly (as `tune`) and use the recommended count
  readonly kernel?: KernelName; // 'wasm' (default) or 'ts', the reference kernel
  readonly report?: string; // write the HTML report here
  readonly normalize?: 'zscore' | 'none';
  readonly onEpoch?: (e: EpochRecord) => void;
  readonly onBatch?: (b: BatchProgress) => void;
  readonly onStart?: (hp: Hyperparameters) => void; // before the first epoch
  readonly checkpoint?: string; // where to write the checkpoint at every epoch end (default: `${out}.ckpt`)
  readonly resume?: string; // a checkpoint to continue from
  readonly signal?: AbortSignal; // when aborted: finish the step, write the checkpoint, throw InterruptedError
  readonly onTrained?: () => void; // training is over (the model is written); evaluation follows
}

export { TRAIN_DEFAULTS };

export interface TrainResult extends FitResult {
  readonly test: FileEvaluation[];
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const d = TRAIN_DEFAULTS;
  const outputs = checkOutputs(o);
  const resume = o.resume !== undefined ? loadCheckpoint(o.resume) : undefined;
  const ds = await loadDataSet(o.files, { ...o, requireLabels: true });
  const fingerprint = resume !== undefined || outputs.checkpoint !== undefined ? dataFingerprint(ds) : '';
  if (ds.classes.length < 2) {
    throw new UserError(
      `only one class (${JSON.stringify(ds.classes[0])}) in the training data; a classifier needs at least two`,
      { file: o.files.join(', ') },
    );
  }
  let normalization: Normalization | null = null;
  if (o.init) checkInit(o.init, ds, o.files[0]);
  const testSets = await checkTestFiles(o.test, o, ds);
  if (resume) {
    normalization = resume.model.normalization;
  } else if (o.init) {
    normalization = o.init.normalization;
  } else if ((o.normalize ?? d.normalize) === 'zscore') {
    normalization = channelStatistics(ds);
  }
  if (normalization) applyNormalization(ds, normalization);
  let hp = resolveHyperparameters(ds, o);
  let threads = o.threads === 'auto' ? 0 : o.threads ?? defaultThreads();
  let tuned: TuneResult | undefined;
  if (threads === 0) {
    tuned = await tuneThreads(ds, {
      ...hp, steps: d.autoTuneSteps, warmupSteps: d.autoTuneWarmupSteps, kernel: o.kernel, threads: defaultThreadCounts(true),
    });
    threads = tuned.recommended;
  }
  let probe: Record<'mean' | 'last', ProbeResult> | undefined;
  if (resume) hp = { ...hp, readout: resume.model.readout };
  else if ((o.readout ?? d.readout) === 'auto' && !o.init && hp.readout === 'mean') {
    probe = await probeReadouts(ds, normalization, hp, { threads, kernel: o.kernel, signal: o.signal });
    hp = { ...hp, readout: probeWinner(probe) };
  }
  const recorded = { ...hp, normalize: normalization ? 'zscore' : 'none', init: o.init ? true : false };
  if (resume) checkResume(resume, o.resume!, ds, fingerprint, recorded);
  if (o.signal?.aborted) throw new InterruptedError(0, 0, o.resume);
  const ckModel: Checkpoint['model'] = {
    shape: shapeFor(ds, hp, o.init), readout: hp.readout, ...(hp.stride > 1 ? { stride: hp.stride } : {}),
    classes: ds.classes, channels: ds.channels, normalization,
  };
  let last: { path: string; epoch: number } | undefined = resume ? { path: o.resume!, epoch: resume.state.history.length } : undefined;
  const path = outputs.checkpoint;
  const onCheckpoint = path === undefined ? undefined : (state: FitState) => {
    saveCheckpoint(path, { model: ckModel, hyperparameters: recorded, data: { sequences: ds.lengths.length, steps: ds.values.length / ds.D, fingerprint }, state });
    last = { path, epoch: state.history.length };
  };
  o.onStart?.(hp);
  let r: FitResult;
  try {
    r = await fit(ds, normalization, {
      ...hp, threads, init: o.init, onEpoch: o.onEpoch, onBatch: o.onBatch, kernel: o.kernel,
      resume: resume?.state, onCheckpoint, signal: o.signal,
    });
  } catch (e) {
    throw withCheckpoint(e, last);
  }
  const model: Model = {
    ...r.model,
    training: {
      files: o.files,
      sequences: ds.lengths.length,
      hyperparameters: { ...hp, normalize: normalization ? 'zscore' : 'none', init: o.init ? true : false },
      bestEpoch: r.bestEpoch,
      history: r.history.map(({ seconds: _s, sequencesPerSecond: _q, ...rest }) => rest),
      timing: { threads, seconds: r.seconds, sequencesPerSecond: r.sequencesPerSecond, kernel: o.kernel ?? d.kernel, ...(tuned ? { tuned: true } : {}) },
    },
  };
  if (o.out) saveModel(o.out, model);
  if (o.out && path !== undefined && outputs.checkpointIsDefault) rmSync(path, { force: true }); // the model is the result now
  o.onTrained?.();
  const test = testSets.map((t, i) => evaluateDataSet(model, o.test![i], t));
  if (o.report) writeReport(o.report, { model, history: r.history, train: ds, evaluations: test, total: totalMetrics(test), seconds: r.seconds, sequencesPerSecond: r.sequencesPerSecond });
  return { ...r, model, test };
}

/**
 * Readout auto on sequences longer than 30 steps: a short run with each readout (a quarter of the epochs, the
 * same seed, no validation split), and the one that ends with the lower training loss wins (probeWinner). Underfitting is
 * how a vanilla RNN fails (README, "Defaults, measured"), so the training loss is the right judge, and it
 * needs no held-out data. Returns the last epoch's mean training loss and accuracy per readout.
 */
async function probeReadouts(
  ds: DataSet, normalization: Normalization | null, hp: Hyperparameters, run: Pick<FitOptions, 'threads' | 'kernel' | 'signal'>,
): Promise<Record<'mean' | 'last', ProbeResult>> {
  const out = { mean: { loss: Infinity, accuracy: 0 }, last: { loss: Infinity, accuracy: 0 } };
  // A quarter of the epochs, but never more than a quarter of the default step budget: the probe judges early
  // training, and a long --epochs should not make it long too.
  const nTrain = ds.lengths.length; // the probe has no validation split
  const perEpoch = Math.ceil(nTrain / Math.min(hp.batchSize, nTrain));
  const cap = Math.ceil((TRAIN_DEFAULTS.minSteps * TRAIN_DEFAULTS.probeFraction) / perEpoch);
  const epochs = Math.max(1, Math.min(Math.round(hp.epochs * TRAIN_DEFAULTS.probeFraction), cap));
  for (const readout of ['mean', 'last'] as const) {
    try {
      const r = await fit(ds, normalization, { ...hp, ...run, readout, valSplit: 0, patience: 0, epochs });
      const { loss, accuracy } = r.history[r.history.length - 1];
      out[readout] = Number.isFinite(loss) ? { loss, accuracy } : { loss: Infinity, accuracy: 0 };
    } catch (e) {
      if (!(e instanceof DivergedError)) throw e; // a diverging probe loses; the real run reports divergence itself
    }
  }
  return out;
}

/**
 * The probe's verdict: the lower training loss wins, except when both readouts already classify every training
 * sequence: then the loss has nothing left to judge (both are near 0, and which is lower is chance: BasicMotions
 * chose `last` on one seed of three and lost 20 points) and `mean` wins, the readout that averages over time.
 */
export function probeWinner(p: Record<'mean' | 'last', ProbeResult>): Readout {
  if (p.mean.accuracy === 1 && p.last.accuracy === 1) return 'mean';
  return p.last.loss < p.mean.loss ? 'last' : 'mean';
}

/** The last epoch of a readout's probe run: mean training loss and training accuracy. */
export interface ProbeResult {
  readonly loss: number;
  readonly accuracy: number;
}

/** A failure of fit() with where the last good checkpoint is, so that no one loses the epochs behind it. */
function withCheckpoint(e: unknown, last: { path: string; epoch: number } | undefined): unknown {
  if (isInterrupted(e)) {
    e.checkpoint = last?.path;
    return e;
  }
  const where = last === undefined
    ? 'no checkpoint was written (it stopped in the first epoch)'
    : `the last good checkpoint (after epoch ${last.epoch}) is ${last.path}`;
  if (e instanceof DivergedError) {
    const how = last === undefined ? '' : `; continue from it with --resume ${last.path} and a smaller --lr`;
    return new DivergedError(`${e.detail}; no model was written; ${where}${how}`, e.epoch, e.step);
  }
  if (e instanceof UserError || !(e instanceof Error)) return e;
  const how = last === undefined ? '' : ` (continue from it with --resume ${last.path})`;
  return new Error(`${e.message}; training stopped; ${where}${how}`, { cause: e });
}

export interface TuneFilesOptions extends LoadOptions, TuneOptions {
  readonly files: readonly string[];
  readonly normalize?: 'zscore' | 'none';
}

/** `tune` on files: loads and normalizes them as train() does, then tuneThreads() with the same flags. */
export async function tune(o: TuneFilesOptions): Promise<TuneResult> {
  const d = TRAIN_DEFAULTS;
  const ds = await loadDataSet(o.files, { ...o, requireLabels: true });
  if ((o.normalize ?? d.normalize) === 'zscore') applyNormalization(ds, channelStatistics(ds));
  return tuneThreads(ds, o);
}
