// fit()'s epoch loop, once its engine is running: a shuffled pass per epoch, one step per mini-batch (the
// engine's gradient → clip → optimizer at the scheduled rate), validation after each epoch, early stopping that
// keeps the best weights, and the whole state handed out where a run may stop. fit.ts checks, sets up and
// closes the engine; this module owns the loop's position and running sums.
//
// Legend: N sequences, B batch size, P parameters.

import type { DataSet } from '../data/dataset.js';
import type { Normalization } from '../data/normalize.js';
import type { GuidedWarps } from '../data/guided-warp.js';
import type { Shape } from '../model/layout.js';
import type { Model } from '../model/model.js';
import { type Rng, shuffle } from '../model/rng.js';
import { type OptimizerState, clipScale } from '../model/optimizer.js';
import type { EpochRecord, FitState } from '../model/state.js';
import { DivergedError, InterruptedError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { kernelRecord } from '../engine/kernels.js';
import { scoresOf } from '../eval/score.js';
import type { Hyperparameters } from './defaults.js';
import { scheduledLr } from './schedule.js';
import type { BatchProgress, FitOptions, FitResult } from './fit.js';

/** What the loop runs on: fit()'s options and hyperparameters, the data, the split and the engine set up. */
export interface LoopSetup {
  readonly o: FitOptions;
  readonly hp: Hyperparameters;
  /** the data as resampled (what validation scores) */
  readonly ds: DataSet;
  readonly normalization: Normalization | null;
  readonly shape: Shape;
  readonly split: FitState['split'];
  /** guided warping's copies of the training sequences, or null */
  readonly warps: GuidedWarps | null;
  readonly engine: Engine;
  /** the run's generator, after the initial weights and the split */
  readonly rng: Rng;
  /** [P] the starting weights (the best so far until an epoch ends) */
  readonly initial: Float32Array;
}

/** The loop's position and running sums, as a fresh run or the resumed state has them. */
function loopStart(o: FitOptions, split: FitState['split']) {
  const rs = o.resume;
  return {
    epoch: rs ? rs.epoch : 1,
    batchStart: rs ? rs.batchStart : 0,
    lossSum: rs ? rs.lossSum : 0,
    weightSum: rs ? rs.weightSum : 0,
    correct: rs ? rs.correct : 0,
    batches: rs ? rs.batches : 0,
    stopped: rs ? rs.stopped : false,
    order: Int32Array.from(rs ? rs.order : split.train),
    bestLoss: rs ? rs.bestLoss : Infinity,
    bestEpoch: rs ? rs.bestEpoch : 0,
    history: rs ? [...rs.history] : [] as EpochRecord[],
  };
}

/** What may bring a diverging run back: a smaller step, clipping, and the weight decay or noise it was given. */
function remedies(hp: Hyperparameters): string {
  const all = [
    `a smaller --lr (now ${hp.lr})`,
    hp.clip > 0 ? `a smaller --clip (now ${hp.clip})` : 'gradient clipping, e.g. --clip 1 (now off)',
    ...(hp.weightDecay > 0 ? [`a smaller --weight-decay (now ${hp.weightDecay})`] : []),
    ...(hp.noise > 1 ? [`less --noise (now ${hp.noise})`] : []),
  ];
  return `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
}

function divergedError(what: string, epoch: number, step: number, hp: Hyperparameters): DivergedError {
  return new DivergedError(
    `training diverged in epoch ${epoch}, step ${step + 1}: ${what}; try ${remedies(hp)}`,
    epoch, step,
  );
}

/** Validation loss and accuracy of the engine's current weights on sequences `val`. */
function validate(engine: Engine, ds: DataSet, val: Int32Array, C: number): { loss: number; accuracy: number } {
  const probs = new Float32Array(val.length * C);
  const logp = new Float64Array(val.length);
  engine.predict(val, probs, logp);
  return scoresOf(probs, logp, Int32Array.from(val, (n) => ds.labels[n]), C);
}

/** Runs the epochs from where the setup's state stands to the last (or early stopping); the engine stays open. */
export async function runLoop(s: LoopSetup): Promise<FitResult> {
  return new FitLoop(s).run();
}

class FitLoop {
  private readonly at: ReturnType<typeof loopStart>;
  private readonly opt: OptimizerState;
  private readonly best: Float32Array;
  private readonly timing = { computeMs: 0, reduceMs: 0, updateMs: 0 };
  private readonly nTrain: number;
  private readonly batchSize: number;
  private readonly batchesPerEpoch: number;
  private readonly totalSteps: number;
  private readonly warmupSteps: number;
  /** optimizer steps taken, this run and the runs it resumes */
  private step: number;
  /** sequences trained on in this call */
  private seen = 0;
  private checkpointed = performance.now();

  constructor(private readonly s: LoopSetup) {
    const { o, hp, split, engine } = s;
    this.at = loopStart(o, split);
    this.opt = o.resume ? engine.optimizer(o.resume.optimizer.name, o.resume.optimizer) : engine.optimizer(hp.optimizer);
    this.best = new Float32Array(o.resume ? o.resume.best : s.initial);
    this.nTrain = split.train.length;
    this.batchSize = Math.min(hp.batchSize, this.nTrain);
    this.batchesPerEpoch = Math.ceil(this.nTrain / this.batchSize);
    this.totalSteps = this.batchesPerEpoch * hp.epochs;
    this.warmupSteps = Math.round(hp.warmup * this.totalSteps);
    this.step = this.opt.step;
  }

  async run(): Promise<FitResult> {
    const { o, hp, engine, warps, rng } = this.s;
    const at = this.at;
    const t0 = performance.now();
    if (o.signal?.aborted) throw new InterruptedError(0, this.opt.step); // before the first step: nothing to save
    while (at.epoch <= hp.epochs && !at.stopped) {
      const te = performance.now();
      if (at.batchStart === 0) {
        shuffle(rng, at.order);
        at.lossSum = 0;
        at.weightSum = 0;
        at.correct = 0;
        at.batches = 0;
      }
      engine.setOrder(warps ? at.order.map((n) => warps.pick(n, at.epoch)) : at.order);
      const lr = await this.epochSteps(te);
      at.batchStart = 0;
      this.endEpoch(te, lr);
      at.epoch++; // the next epoch: where the loop goes on, and what a checkpoint names
      if (this.checkpointDue()) o.onCheckpoint?.(this.state());
      if (o.signal?.aborted) throw new InterruptedError(at.epoch - 1, this.opt.step); // stopped after the epoch just ended
    }
    const seconds = (performance.now() - t0) / 1000;
    return {
      model: this.modelOf(new Float32Array(this.best)), history: at.history, bestEpoch: at.bestEpoch, seconds,
      sequencesPerSecond: this.seen / seconds, threads: engine.threads, ...this.timing,
    };
  }

  private lrAt(step: number): number {
    const { hp } = this.s;
    return scheduledLr(hp.lr, hp.schedule, step, this.totalSteps, this.warmupSteps);
  }

  /** The steps of the epoch in progress, from at.batchStart; returns the rate of the last step taken. */
  private async epochSteps(te: number): Promise<number> {
    const { o } = this.s;
    const at = this.at;
    // An epoch resumed after its last step takes none: its rate is that of the step before.
    let lr = this.step > 0 ? this.lrAt(this.step - 1) : this.s.hp.lr;
    while (at.batchStart < this.nTrain) {
      const end = Math.min(at.batchStart + this.batchSize, this.nTrain);
      lr = await this.takeStep(end);
      o.onBatch?.({
        epoch: at.epoch, epochs: this.s.hp.epochs, batch: at.batches, batches: this.batchesPerEpoch, seen: end,
        loss: at.lossSum / at.weightSum, accuracy: at.correct / end, lr, seconds: (performance.now() - te) / 1000,
      } satisfies BatchProgress);
      this.seen += end - at.batchStart;
      at.batchStart = end;
      if (o.signal?.aborted) {
        o.onCheckpoint?.(this.state());
        throw new InterruptedError(at.epoch, this.opt.step);
      }
    }
    return lr;
  }

  /** One optimizer step on the batch order[at.batchStart, end); adds its loss and hits to the epoch's sums. */
  private async takeStep(end: number): Promise<number> {
    const { hp, engine } = this.s;
    const at = this.at;
    const r = await engine.gradient(at.batchStart, end, at.epoch);
    const tu = performance.now();
    if (!Number.isFinite(r.loss)) throw this.diverged(`the loss is ${r.loss}`);
    const norm = engine.norm();
    if (!Number.isFinite(norm)) throw this.diverged(`the gradient norm is ${norm}`);
    const lr = this.lrAt(this.step++);
    if (!engine.update(clipScale(norm, hp.clip), this.opt, lr, hp.weightDecay)) throw this.diverged('a parameter overflowed to a non-finite value');
    this.timing.updateMs += performance.now() - tu;
    this.timing.computeMs += r.computeMs;
    this.timing.reduceMs += r.reduceMs;
    // Each batch's mean weighted by its weights, so that a short last batch counts as its sequences do.
    at.lossSum += r.loss * r.weight;
    at.weightSum += r.weight;
    at.correct += r.correct;
    at.batches++;
    return lr;
  }

  /** The epoch's record; keeps the weights with the best validation loss (the last ones without a validation set). */
  private endEpoch(te: number, lr: number): void {
    const { o, hp, ds, split, engine } = this.s;
    const at = this.at;
    const v = split.val.length > 0 ? validate(engine, ds, split.val, ds.classes.length) : null;
    const seconds = (performance.now() - te) / 1000;
    const rec: EpochRecord = {
      epoch: at.epoch, loss: at.lossSum / at.weightSum, accuracy: at.correct / this.nTrain, valLoss: v?.loss ?? null,
      valAccuracy: v?.accuracy ?? null, lr, seconds, sequencesPerSecond: this.nTrain / seconds,
    };
    at.history.push(rec);
    o.onEpoch?.({ ...rec }); // a copy: the history keeps the record, and what the host does to its copy changes nothing
    const monitored = rec.valLoss ?? -at.epoch;
    if (monitored < at.bestLoss) {
      at.bestLoss = monitored;
      at.bestEpoch = at.epoch;
      this.best.set(engine.params);
    } else if (hp.patience > 0 && at.epoch - at.bestEpoch >= hp.patience) {
      at.stopped = true;
    }
  }

  /** Whether onCheckpoint is due at this epoch end; a copy of the whole state is worth making only when it is written. */
  private checkpointDue(): boolean {
    const { o, hp } = this.s;
    const at = this.at;
    const due = at.stopped || at.epoch > hp.epochs || o.signal?.aborted === true || performance.now() - this.checkpointed >= 1000 * (o.checkpointEvery ?? 0);
    if (due) this.checkpointed = performance.now();
    return due;
  }

  /** A copy of the whole state, as `resume` takes it back. */
  private state(): FitState {
    const { o, split, engine, rng } = this.s;
    const at = this.at;
    const opt = this.opt;
    return {
      epoch: at.epoch, batchStart: at.batchStart, lossSum: at.lossSum, weightSum: at.weightSum, correct: at.correct, batches: at.batches, stopped: at.stopped,
      rng: rng.state(), split: { train: Int32Array.from(split.train), val: Int32Array.from(split.val) }, order: Int32Array.from(at.order),
      params: Float32Array.from(engine.params), best: Float32Array.from(this.best), bestLoss: at.bestLoss, bestEpoch: at.bestEpoch,
      optimizer: { name: opt.name, step: opt.step, m: Float32Array.from(opt.m), v: Float32Array.from(opt.v) },
      history: at.history.map((h) => ({ ...h })),
      kernel: kernelRecord(o.kernel ?? 'wasm'),
    };
  }

  private modelOf(p: Float32Array): Model {
    const { hp, ds, shape, normalization } = this.s;
    const { readout, stride, resample } = hp;
    return {
      shape, readout, ...(stride > 1 ? { stride } : {}), ...(resample > 0 ? { resample } : {}), classes: ds.classes, channels: ds.channels, normalization, parameters: p, training: {},
    };
  }

  private diverged(what: string): DivergedError {
    return divergedError(what, this.at.epoch, this.opt.step, this.s.hp);
  }
}
