// The training loop on a loaded, normalized data set: seeded init, a shuffled pass per epoch, one synchronous
// step per mini-batch (coordinator gradient → clip → optimizer), validation after each epoch, early stopping
// that keeps the best weights. No file I/O: train.ts loads and saves.
//
// Stopping safely: at every epoch end, and after the step in progress when `signal` aborts, the whole state
// goes to onCheckpoint (a FitState, state.ts); `resume` continues from one to the same bits as a run that
// never stopped. A non-finite loss, gradient norm or parameter throws a DivergedError at once, so those
// weights reach neither a checkpoint nor a model.
//
// Legend: N sequences, B batch size, P parameters, H hidden units, k BPTT horizon.

import { sharedFloat32 } from '../data/dataset.js';
import type { DataSet } from '../data/dataset.js';
import type { Normalization } from '../data/normalize.js';
import { initParameters } from '../model/init.js';
import { type Shape, layoutOf } from '../model/layout.js';
import type { Model } from '../model/model.js';
import { createRng, shuffle } from '../model/rng.js';
import { DivergedError, InterruptedError } from '../errors.js';
import type { FitState } from './state.js';
import { type Readout, windowLength } from '../model/rnn.js';
import { score } from '../eval/score.js';
import { createEngine } from './coordinator.js';
import { inputNoise } from './augment.js';
import type { KernelName } from './shared-state.js';
import { type OptimizerName, clipScale } from './optimizer.js';
import { stratifiedSplit } from './split.js';
import { type LrSchedule, scheduledLr } from './schedule.js';
import { type ClassWeights, classWeightsOf } from './class-weights.js';

export interface FitOptions {
  readonly hidden: number;
  readonly readout: Readout;
  readonly bptt: number; // k; 0 = full BPTT
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly clip: number; // global-norm clipping, 0 = off
  readonly threads: number;
  readonly seed: number;
  readonly valSplit: number;
  readonly patience: number; // epochs without validation improvement before stopping; 0 = never stop early
  readonly chunkSize: number; // sequences per gradient chunk (fixed, so results do not depend on threads)
  readonly kernel?: KernelName; // 'wasm' (default, fast) or 'ts' (the reference kernel)
  readonly init?: Model; // start from these parameters (shape and readout come from it)
  readonly onEpoch?: (e: EpochRecord) => void;
  /** Continue from this state (as onCheckpoint gave it) instead of a fresh start. */
  readonly resume?: FitState;
  /** Gets a copy of the whole state at every epoch end, and after the last step when interrupted. */
  readonly onCheckpoint?: (s: FitState) => void;
  /** Once aborted: the step in progress finishes, onCheckpoint gets the state, fit throws InterruptedError. */
  readonly signal?: AbortSignal;
  /** Test hook: a gradient worker fails ('throw' or 'exit') in optimizer step `step` (0-based). */
  readonly fault?: { readonly kind: 'throw' | 'exit'; readonly step: number };
  readonly onBatch?: (b: BatchProgress) => void; // after every optimizer step
  readonly classWeights?: ClassWeights; // 'none' (default) or 'balanced': n / (C · n_c) on the training split
  readonly schedule?: LrSchedule; // 'constant' (default here; train() defaults to cosine)
  readonly warmup?: number; // cosine: warmup steps as a fraction of all steps (default 0)
  readonly weightDecay?: number; // decoupled weight decay λ: θ ← θ (1 − lr λ) every step (default 0)
  readonly noise?: number; // σ of Gaussian noise added to the training inputs, fresh every epoch (default 0; augment.ts)
}

/** Progress within an epoch, reported after each step. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number; // steps done in this epoch
  batches: number; // steps per epoch
  seen: number; // training sequences done in this epoch
  loss: number; // running mean training loss over this epoch's steps so far
  accuracy: number; // running training accuracy over this epoch's sequences so far
  lr: number; // the rate of the step just taken
  seconds: number; // since the epoch began
}

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

export interface FitResult {
  readonly model: Model;
  readonly history: EpochRecord[];
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly sequencesPerSecond: number;
  readonly computeMs: number;
  readonly reduceMs: number;
  readonly updateMs: number;
}

function longestWindow(ds: DataSet, k: number): number {
  let w = 1;
  for (let n = 0; n < ds.lengths.length; n++) w = Math.max(w, windowLength(ds.lengths[n], k));
  return w;
}

export async function fit(ds: DataSet, normalization: Normalization | null, o: FitOptions): Promise<FitResult> {
  const C = ds.classes.length;
  const shape: Shape = o.init ? o.init.shape : { D: ds.D, H: o.hidden, C };
  const readout = o.init ? o.init.readout : o.readout;
  const rs = o.resume;
  const rng = createRng(rs ? rs.rng : o.seed);
  const params = sharedFloat32(layoutOf(shape).size);
  if (rs) {
    if (rs.params.length !== params.length) throw new Error(`bug: resuming ${rs.params.length} parameters into ${params.length}`);
    params.set(rs.params);
  } else if (o.init) params.set(o.init.parameters);
  else initParameters(params, shape, rng);

  const split = rs ? rs.split
    : o.valSplit > 0 ? stratifiedSplit(ds.labels, C, o.valSplit, rng) : { train: Int32Array.from(ds.labels.keys()), val: new Int32Array(0) };
  const nTrain = split.train.length;
  const batchSize = Math.min(o.batchSize, nTrain);
  const engine = createEngine({
    shape, readout, k: o.bptt, threads: o.threads, chunkSize: o.chunkSize, maxBatch: batchSize,
    params, capacity: longestWindow(ds, o.bptt), classWeight: classWeightsOf(o.classWeights ?? 'none', ds.labels, split.train, C), kernel: o.kernel,
    noise: inputNoise(o.noise, o.seed),
    data: { D: ds.D, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels: ds.labels },
  });
  const theta = engine.params; // the shared weights the threads read; updated in place between steps
  const grad = engine.grad;
  const opt = rs ? engine.optimizerState(rs.optimizer.name, rs.optimizer) : engine.optimizerState(o.optimizer);
  const best = new Float32Array(rs ? rs.best : params);
  const history: EpochRecord[] = rs ? [...rs.history] : [];
  let bestLoss = rs ? rs.bestLoss : Infinity;
  let bestEpoch = rs ? rs.bestEpoch : 0;
  let computeMs = 0;
  let reduceMs = 0;
  let updateMs = 0;
  const t0 = performance.now();
  const order = Int32Array.from(rs ? rs.order : split.train);
  const batchesPerEpoch = Math.ceil(nTrain / batchSize);
  const totalSteps = batchesPerEpoch * o.epochs;
  const warmupSteps = Math.round((o.warmup ?? 0) * totalSteps);
  let step = opt.step; // optimizer steps taken, this run and the runs it resumes
  let seen = 0; // sequences trained on in this call
  // Where the loop stands; a resumed run starts where its checkpoint stopped.
  let epoch = rs ? rs.epoch : 1;
  let b = rs ? rs.batchStart : 0;
  let lossSum = rs ? rs.lossSum : 0;
  let correct = rs ? rs.correct : 0;
  let batches = rs ? rs.batches : 0;
  let stopped = rs ? rs.stopped : false;
  const stateNow = (): FitState => ({
    epoch, batchStart: b, lossSum, correct, batches, stopped, rng: rng.state(),
    split: { train: Int32Array.from(split.train), val: Int32Array.from(split.val) }, order: Int32Array.from(order),
    params: Float32Array.from(theta), best: Float32Array.from(best), bestLoss, bestEpoch,
    optimizer: { name: opt.name, step: opt.step, m: Float32Array.from(opt.m), v: Float32Array.from(opt.v) },
    history: history.map((h) => ({ ...h })),
  });
  const diverged = (what: string) =>
    new DivergedError(
      `training diverged in epoch ${epoch}, step ${opt.step + 1}: ${what}; try a smaller --lr (now ${o.lr})` +
        (o.clip > 0 ? ` or a smaller --clip (now ${o.clip})` : ' or gradient clipping, e.g. --clip 1 (now off)'),
      epoch, opt.step,
    );
  const modelOf = (p: Float32Array): Model => ({
    shape, readout, classes: ds.classes, channels: ds.channels, normalization, parameters: p, training: {},
  });
  try {
    if (o.signal?.aborted) throw new InterruptedError(0, opt.step); // before the first step: nothing to save
    for (; epoch <= o.epochs && !stopped; epoch++) {
      const te = performance.now();
      if (b === 0) {
        shuffle(rng, order);
        lossSum = 0;
        correct = 0;
        batches = 0;
      }
      engine.state.order.set(order);
      // The rate of the last step taken (an epoch resumed after its last step takes none).
      let lr = step > 0 ? scheduledLr(o.lr, o.schedule ?? 'constant', step - 1, totalSteps, warmupSteps) : o.lr;
      while (b < nTrain) {
        if (o.fault !== undefined && o.fault.step === opt.step) engine.injectFault?.(o.fault.kind);
        const r = await engine.gradient(b, Math.min(b + batchSize, nTrain), grad, epoch);
        const tu = performance.now();
        if (!Number.isFinite(r.loss)) throw diverged(`the loss is ${r.loss}`);
        const norm = engine.norm(grad);
        if (!Number.isFinite(norm)) throw diverged(`the gradient norm is ${norm}`);
        lr = scheduledLr(o.lr, o.schedule ?? 'constant', step++, totalSteps, warmupSteps);
        if (!engine.update(grad, clipScale(norm, o.clip), opt, lr, o.weightDecay ?? 0)) throw diverged('a parameter overflowed to a non-finite value');
        updateMs += performance.now() - tu;
        computeMs += r.computeMs;
        reduceMs += r.reduceMs;
        lossSum += r.loss;
        correct += r.correct;
        batches++;
        o.onBatch?.({
          epoch, epochs: o.epochs, batch: batches, batches: batchesPerEpoch, seen: Math.min(b + batchSize, nTrain),
          loss: lossSum / batches, accuracy: correct / Math.min(b + batchSize, nTrain), lr, seconds: (performance.now() - te) / 1000,
        });
        seen += Math.min(b + batchSize, nTrain) - b;
        b = Math.min(b + batchSize, nTrain);
        if (o.signal?.aborted) {
          o.onCheckpoint?.(stateNow());
          throw new InterruptedError(epoch, opt.step);
        }
      }
      b = 0;
      let valLoss: number | null = null;
      let valAccuracy: number | null = null;
      if (split.val.length > 0) {
        const s = score(modelOf(theta), engine.state.data, split.val);
        valLoss = s.loss;
        valAccuracy = s.accuracy;
      }
      const seconds = (performance.now() - te) / 1000;
      const rec: EpochRecord = {
        epoch, loss: lossSum / batches, accuracy: correct / nTrain, valLoss, valAccuracy, lr,
        seconds, sequencesPerSecond: nTrain / seconds,
      };
      history.push(rec);
      o.onEpoch?.(rec);
      // Keep the weights with the best validation loss (the last ones when there is no validation set).
      const monitored = valLoss ?? -epoch;
      if (monitored < bestLoss) {
        bestLoss = monitored;
        bestEpoch = epoch;
        best.set(theta);
      } else if (o.patience > 0 && epoch - bestEpoch >= o.patience) {
        stopped = true;
      }
      epoch++; // the checkpoint names the next epoch
      o.onCheckpoint?.(stateNow());
      epoch--;
      if (o.signal?.aborted) throw new InterruptedError(epoch, opt.step);
    }
  } finally {
    await engine.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const model = modelOf(new Float32Array(best));
  return {
    model, history, bestEpoch, seconds, sequencesPerSecond: seen / seconds, computeMs, reduceMs, updateMs,
  };
}
