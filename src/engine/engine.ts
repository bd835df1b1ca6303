// The engine: the one owner of the threads, the shared memory and the kernels. A step's gradient spreads the
// mini-batch's fixed chunks across N computing threads (this thread and N − 1 piscina workers claim them one
// at a time through the doorbell, doorbell.ts), and sums the chunk gradients in chunk order. The sum order is
// the same for every N, and a chunk's gradient does not depend on which thread computed it, which is what
// makes training bit-identical across thread counts. Between steps the caller takes the gradient's norm and
// steps the optimizer through the engine, which runs that serial part in the kernel over the engine's memory.
//
// Timing of a step (BatchResult): computeMs is the parallel phase, from ringing the doorbell to the last chunk
// done; slowestMs is the largest compute time any thread measured for its own chunks; waitMs = computeMs −
// slowestMs is what the parallel phase cost beyond useful work (wake-up, and the coordinator's summing of
// finished chunks while others compute). reduceMs is what is left of the fixed-order sum after it.
//
// Legend: P parameters, B batch size, K chunks in the batch, N sequences.

import { turnsEvery } from './turns.js';
import { Piscina } from 'piscina';
import { type Shape, layoutOf } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import type { Sequences } from '../model/batch.js';
import type { InputNoise } from '../model/noise.js';
import { type OptimizerName, type OptimizerState, createOptimizerState } from '../model/optimizer.js';
import { sharedFloat64, sharedInt32 } from '../data/shared.js';
import { DONE, DOORBELL_SIZE, awaitDone, ring, spinUntil, stop } from './doorbell.js';
import { type KernelName, type KernelSizes, allocateKernel, checkKernelSizes, kernelSizesFit, stepKernel } from './kernels.js';
import { type SharedState, STATS_WIDTH, addChunkStats, runChunks } from './task.js';
import { createPredictor, referencePredictor, releaseScoringMemory } from './predict.js';
import { workerStartError } from './pool.js';

/**
 * The gradient worker's module: the thin piscina entry that runs task.ts's serve. Found through the module
 * resolver (so a `node --import` resolution hook, as the fault tests use, sees it like any import).
 */
const GRADIENT_WORKER = new URL(import.meta.resolve('../../workers/grad-worker.js'));

/** How long the coordinator spins for the workers' last chunks before it sleeps (ms). */
const SPIN_MS = 2;


export interface EngineSpec {
  readonly shape: Shape;
  readonly readout: Readout;
  readonly k: number; // BPTT horizon, 0 = full
  readonly stride?: number; // frame stacking s (default 1): shape.D = channels · s
  readonly threads: number;
  readonly chunkSize: number;
  readonly maxBatch: number;
  readonly params: Float32Array; // [P] the initial weights (copied into the engine's memory)
  readonly data: Sequences; // over SharedArrayBuffers
  readonly capacity: number; // the longest window any sequence needs, in steps (frames)
  readonly classWeight: Float64Array | null;
  readonly noise?: InputNoise | null; // input noise, added as each chunk is read (default none)
  readonly kernel?: KernelName; // default 'wasm'
  readonly worker?: URL; // the module the worker threads run (default GRADIENT_WORKER; tests give fixtures)
}

export interface BatchResult {
  loss: number; // weighted mean cross-entropy of the batch
  weight: number; // the sum of the batch's weights that mean divides by (its sequence count without class weights)
  correct: number;
  count: number;
  computeMs: number; // the parallel phase: wall time from ringing the doorbell until the last chunk finished
  slowestMs: number; // the largest own compute time of any thread in this step
  waitMs: number; // computeMs − slowestMs: wake-up and waiting
  reduceMs: number; // summing the slots, the part after the parallel phase
}

export interface Engine {
  readonly threads: number;
  /** The weights every thread reads ([P], shared); update() changes them between steps. */
  readonly params: Float32Array;
  /** The last gradient()'s averaged gradient ([P]); update() may scale it. */
  readonly grad: Float64Array;
  /** The order the batches index into (the epoch's permutation of the sequences). */
  setOrder(order: ArrayLike<number>): void;
  /** The averaged gradient of order[batchStart, batchEnd) at the current weights into grad; with input noise, that of `epoch`. */
  gradient(batchStart: number, batchEnd: number, epoch?: number): Promise<BatchResult>;
  /** ‖grad‖ (model/optimizer.ts globalNorm). */
  norm(): number;
  /** A fresh optimizer state (a copy of `from`) whose moments live in the engine's memory; one at a time is in use. */
  optimizer(name: OptimizerName, from?: OptimizerState): OptimizerState;
  /** The optimizer step on the weights from grad · gscale (the clipping factor); false when a weight is no longer finite. */
  update(gscale: number, state: OptimizerState, lr: number, weightDecay?: number): boolean;
  /** Forward only at the current weights: probabilities [n][C] and log p[label] [n] of sequences `indices` of the (clean) data. */
  predict(indices: ArrayLike<number>, probs: Float32Array, logp: Float64Array): void;
  close(): Promise<void>;
}

/**
 * The kernel's sizes for an engine: K chunks of the largest batch, one scratch region per thread. A step has at
 * most K chunks to hand out, so threads beyond K would only be woken to find none (and be waited for): the
 * engine runs min(threads, K).
 */
function kernelSizes(s: Pick<EngineSpec, 'shape' | 'chunkSize' | 'capacity' | 'maxBatch' | 'threads'>): KernelSizes {
  const chunks = Math.ceil(s.maxBatch / s.chunkSize);
  return { shape: s.shape, chunkSize: s.chunkSize, capacity: s.capacity, chunks, threads: Math.max(1, Math.min(s.threads, chunks)) };
}

/**
 * Refuses, before any work, an engine whose kernel memory WebAssembly could not address: what createEngine
 * would find only after the caller's initialization (minutes of it for a wide model).
 */
export function checkEngineSizes(s: EngineSizes): void {
  checkKernelSizes(s.kernel ?? 'wasm', kernelSizes(s), layoutOf(s.shape).size);
}

/** Whether checkEngineSizes passes s. */
export function engineSizesFit(s: EngineSizes): boolean {
  return kernelSizesFit(s.kernel ?? 'wasm', kernelSizes(s), layoutOf(s.shape).size);
}

export type EngineSizes = Pick<EngineSpec, 'shape' | 'chunkSize' | 'capacity' | 'maxBatch' | 'threads' | 'kernel'>;

function sharedStateOf(s: EngineSpec): SharedState {
  const kernel = s.kernel ?? 'wasm';
  const sizes = kernelSizes(s);
  const { chunks: maxChunks, threads } = sizes;
  return {
    shape: s.shape,
    readout: s.readout,
    k: s.k,
    stride: s.stride ?? 1,
    capacity: s.capacity,
    chunkSize: s.chunkSize,
    memory: allocateKernel(kernel, sizes, s.params),
    stats: sharedFloat64(maxChunks * STATS_WIDTH),
    order: sharedInt32(s.data.lengths.length),
    data: s.data,
    classWeight: s.classWeight,
    noise: s.noise ?? null,
    bell: sharedInt32(DOORBELL_SIZE),
    chunkGen: sharedInt32(maxChunks),
    workerMs: sharedFloat64(Math.max(0, threads - 1)),
  };
}

/** The worker threads of an engine: each serves every step until close(); a failure is kept for the step waiting. */
function startWorkers(st: SharedState, workers: number, worker: URL) {
  let pool: Piscina;
  try {
    pool = new Piscina({ filename: worker.href, minThreads: workers, maxThreads: workers, idleTimeout: 60_000, workerData: st });
  } catch (e) {
    throw workerStartError(e, workers + 1);
  }
  let failure: Error | null = null;
  // A worker that fails as it starts (EMFILE where the process is near its limit on open files) before it has
  // a task is an 'error' event on the pool, which unheard would end the process: kept for the step waiting.
  // Once no worker is left after a failure, a task still queued will never run, so close() waits for no more.
  let noWorkerLeft!: () => void;
  const noWorkers = new Promise<void>((resolve) => {
    noWorkerLeft = resolve;
  });
  const failed = (e: Error) => {
    failure ??= e;
    if (pool.threads.length === 0) noWorkerLeft();
  };
  pool.on('error', failed);
  const serving = Array.from({ length: workers }, (_, i) => pool.run({ w: i + 1, workers }).catch(failed));
  return {
    failed: () => failure,
    async close() {
      stop(st.bell);
      await Promise.race([Promise.allSettled(serving), noWorkers]);
      await pool.destroy();
    },
  };
}

export function createEngine(spec: EngineSpec): Engine {
  const { chunks: maxChunks, threads } = kernelSizes(spec);
  const workers = threads - 1;
  const st = sharedStateOf(spec);
  const kernel = stepKernel(st);
  const predictor = spec.kernel === 'ts' ? referencePredictor(spec.shape, spec.readout, spec.stride ?? 1) : createPredictor(spec.shape, spec.readout, spec.stride ?? 1);
  // Last: nothing after it may throw, or its workers would be left serving an engine no one can close.
  const pool = workers > 0 ? startWorkers(st, workers, spec.worker ?? GRADIENT_WORKER) : null;
  let closed = false;
  // A step's work is synchronous (and a step awaited on a resolved promise only lets microtasks run): without
  // turns of the event loop, a signal handler (Ctrl-C) would wait for the whole run.
  const turn = turnsEvery();

  /**
   * The parallel phase with workers: every thread claims from all K chunks (contiguous static shards would lose
   * a whole shard's difference when one thread runs slower, dynamic claiming at most one chunk), and this
   * thread sums each chunk as soon as it and all before it are done, so little of the sum is left for after.
   * Returns the chunks summed and the slowest thread's compute time.
   */
  async function parallelPhase(batchStart: number, batchEnd: number, K: number, epoch: number, add: (c: number) => void) {
    if (pool === null || closed) throw new Error('bug: gradient() on a closed engine');
    const before = pool.failed(); // a worker that failed between steps
    if (before !== null) throw await workerFailed(before);
    const gen = ring(st.bell, { batchStart, batchEnd, chunks: K, epoch });
    let summed = 0;
    let summingMs = 0;
    const ready = () => summed < K && Atomics.load(st.chunkGen, summed) === gen;
    const sumReady = () => {
      if (!ready()) return;
      const ts = performance.now();
      while (ready()) add(summed++);
      summingMs += performance.now() - ts;
    };
    const t0 = performance.now();
    runChunks(st, kernel, { batchStart, batchEnd, chunks: K, epoch }, gen, sumReady);
    let slowestMs = performance.now() - t0 - summingMs;
    // Spin (a worker's last chunk is a fraction of a millisecond) summing what finishes; then wait without
    // spinning, which also lets a failed worker's rejection be seen.
    spinUntil(() => {
      sumReady();
      return summed >= K;
    }, SPIN_MS, { bell: st.bell, field: DONE });
    try {
      await awaitDone(st.bell, workers, SPIN_MS, pool.failed);
    } catch (e) {
      throw await workerFailed(e);
    }
    // Every worker reported once, so every chunk is finished: anything else would sum a slot still being written.
    const reports = Atomics.load(st.bell, DONE);
    let unfinished = summed;
    while (unfinished < K && Atomics.load(st.chunkGen, unfinished) === gen) unfinished++;
    if (reports !== workers || unfinished < K) {
      throw new Error(`bug: ${reports} reports from ${workers} gradient worker(s)${unfinished < K ? `, chunk ${unfinished} of ${K} not finished` : ''}`);
    }
    for (let i = 0; i < workers; i++) slowestMs = Math.max(slowestMs, st.workerMs[i]);
    return { summed, slowestMs };
  }

  /** Closes the engine after a worker's failure; returns what to throw (a UserError where the host refused a thread). */
  async function workerFailed(e: unknown): Promise<unknown> {
    await close();
    const refused = workerStartError(e, workers + 1);
    return refused !== e ? refused : new Error(`a gradient worker failed: ${(e as Error).message}`, { cause: e });
  }

  async function gradient(batchStart: number, batchEnd: number, epoch = 0): Promise<BatchResult> {
    const due = turn();
    if (due !== null) await due;
    const B = batchEnd - batchStart;
    const K = Math.ceil(B / spec.chunkSize);
    if (K > maxChunks) throw new Error(`bug: batch of ${B} exceeds the engine's ${spec.maxBatch}`);
    const t0 = performance.now();
    // Fixed-order reduction: chunks 0, 1, ..., K−1 are summed in that order whatever thread computed them, so
    // the bits do not depend on the thread count.
    kernel.zeroSum();
    const total = { loss: 0, weight: 0, correct: 0 };
    const add = (c: number) => {
      kernel.addSlot(c);
      addChunkStats(total, st, c);
    };
    let summed = 0;
    let slowestMs: number;
    if (pool === null || K === 1) {
      runChunks(st, kernel, { batchStart, batchEnd, chunks: K, epoch });
      slowestMs = performance.now() - t0;
    } else {
      ({ summed, slowestMs } = await parallelPhase(batchStart, batchEnd, K, epoch, add));
    }
    const t1 = performance.now();
    while (summed < K) add(summed++);
    const inv = total.weight > 0 ? 1 / total.weight : 0;
    kernel.scaleSum(inv);
    const t2 = performance.now();
    const computeMs = t1 - t0;
    slowestMs = Math.min(slowestMs, computeMs);
    return { loss: total.loss * inv, weight: total.weight, correct: total.correct, count: B, computeMs, slowestMs, waitMs: computeMs - slowestMs, reduceMs: t2 - t1 };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    releaseScoringMemory(); // validation's
    await pool?.close();
  }

  function optimizer(name: OptimizerName, from?: OptimizerState): OptimizerState {
    const opt = createOptimizerState(name, kernel.params.length, kernel);
    if (from !== undefined) {
      if (from.name !== name || from.m.length !== opt.m.length || from.v.length !== opt.v.length) throw new Error('bug: optimizer state of another kind');
      opt.step = from.step;
      opt.m.set(from.m);
      opt.v.set(from.v);
    }
    return opt;
  }

  function update(gscale: number, opt: OptimizerState, lr: number, weightDecay = 0): boolean {
    if ((opt.m.length > 0 && opt.m !== kernel.m) || (opt.v.length > 0 && opt.v !== kernel.v)) {
      throw new Error('bug: update() with an optimizer state that is not this engine\'s');
    }
    return kernel.update(gscale, opt, lr, weightDecay);
  }

  return {
    threads,
    params: kernel.params,
    grad: kernel.grad,
    setOrder: (order) => st.order.set(order),
    gradient,
    norm: () => kernel.norm(),
    optimizer,
    update,
    predict: (indices, probs, logp) => predictor(kernel.params, spec.data, indices, probs, logp),
    close,
  };
}
