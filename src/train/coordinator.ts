// The coordinator: spreads each mini-batch's fixed chunks across N computing threads — this thread and N − 1
// piscina workers claim them one at a time from a shared counter (see shared-state.ts) — waits for all of
// them, and sums the chunk gradients in chunk order. The sum order is the same for every N, and a chunk's
// gradient does not depend on which thread computed it, which is what makes training bit-identical across
// thread counts.
//
// Between steps the caller takes the gradient's norm and steps the optimizer through the engine (norm(),
// update()), which with the wasm kernel does that serial part in the kernel over the engine's own memory.
//
// Timing of a step (BatchResult): computeMs is the parallel phase, from handing out the shards to the last
// shard done; slowestMs is the largest compute time any thread measured for its own shard; waitMs =
// computeMs − slowestMs is what the parallel phase cost beyond useful work (dispatch, wake-up, messages, and
// the coordinator's summing of finished chunks while others compute). reduceMs is what is left of the
// fixed-order sum after the parallel phase.
//
// Legend: P parameters, B batch size, K chunks in the batch.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Shape } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import type { Sequences } from '../model/batch.js';
import type { InputNoise } from './augment.js';
import { type OptimizerName, type OptimizerState, createOptimizerState, globalNorm, optimizerStep } from './optimizer.js';
import { fastNorm, fastOptimizerStep } from '../kernel/update.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../data/dataset.js';
import { kernelModule, memoryPlan, scratchPlan, sharedMemory } from '../kernel/wasm.js';
import {
  CTRL_DONE, CTRL_GEN, CTRL_NEXT, CTRL_ROW, CTRL_ROW_WIDTH, CTRL_STOP, type KernelName, type SharedState, type WasmShared, STATS_WIDTH,
  createTaskContext, runGradTask, slotView, spinUntil,
} from './shared-state.js';

/** How long the coordinator spins on DONE before it sleeps in Atomics.waitAsync (ms). */
const SPIN_MS = 2;

// Atomics.waitAsync (Node ≥ 16) is in TypeScript's es2024 lib; this project targets es2022.
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

const WORKER_URL = new URL('../../workers/grad-worker.js', import.meta.url);

export interface EngineOptions {
  readonly shape: Shape;
  readonly readout: Readout;
  readonly k: number;
  readonly threads: number;
  readonly chunkSize: number;
  readonly maxBatch: number;
  readonly params: Float32Array; // over a SharedArrayBuffer
  readonly data: Sequences; // over SharedArrayBuffers
  readonly capacity: number;
  readonly classWeight: Float64Array | null;
  readonly noise?: InputNoise | null; // input noise, added as each task reads its chunk (default none)
  readonly kernel?: KernelName; // default 'wasm'
}

export interface BatchResult {
  loss: number; // weighted mean cross-entropy of the batch
  correct: number;
  count: number;
  computeMs: number; // the parallel phase: wall time from handing out shards until the last one finished
  slowestMs: number; // the largest own compute time of any thread in this step
  waitMs: number; // computeMs − slowestMs: dispatch, wake-up and messages
  reduceMs: number; // summing the slots, the part after the parallel phase
}

export interface GradientEngine {
  readonly state: SharedState;
  readonly threads: number;
  /** The weights every thread reads ([P], shared); the caller updates them in place between steps. */
  readonly params: Float32Array;
  /**
   * A gradient buffer [P] in the engine's memory: gradient() into it and update() from it are the fast path
   * (the kernel's, with the wasm kernel). Overwritten by the next gradient().
   */
  readonly grad: Float64Array;
  /**
   * The averaged gradient of order[batchStart, batchEnd) at the current params into grad ([P], float64); with
   * input noise, the inputs carry the noise of `epoch`.
   */
  gradient(batchStart: number, batchEnd: number, grad: Float64Array, epoch?: number): Promise<BatchResult>;
  /** A fresh optimizer state (a copy of `from`) whose moments live in the engine's memory, for update(). */
  optimizerState(name: OptimizerName, from?: OptimizerState): OptimizerState;
  /** ‖grad‖, as globalNorm. */
  norm(grad: Float64Array): number;
  /**
   * The optimizer step on params from grad · gscale (gscale: the clipping factor, clipScale), as
   * optimizerStep; false when a weight is no longer finite. With the engine's grad and a state from
   * optimizerState(), the kernel does it in one pass (same bits); otherwise the reference, which scales grad in place.
   */
  update(grad: Float64Array, gscale: number, state: OptimizerState, lr: number, weightDecay?: number): boolean;
  close(): Promise<void>;
  /** Test hook: make the next task of worker `index` fail. */
  injectFault?(kind: 'throw' | 'exit'): void;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The wasm kernel's shared memory: params (initialised from `initial`), maxChunks slots and one scratch
 * region per computing thread.
 */
function createWasmShared(o: EngineOptions, maxChunks: number, threads: number): { wasm: WasmShared; params: Float32Array; slots: Float32Array } {
  const P = o.params.length;
  const sp = scratchPlan(o.shape, o.chunkSize, o.capacity);
  const plan = memoryPlan(P, maxChunks, threads, sp);
  const memory = sharedMemory(plan.bytes);
  const params = new Float32Array(memory.buffer, plan.params, P);
  params.set(o.params);
  const slots = new Float32Array(memory.buffer, plan.slots, (maxChunks * plan.slotStride) >> 2);
  const claim = sharedInt32(1);
  claim[0] = 1; // region 0 is the coordinator's
  return { wasm: { module: kernelModule(), memory, plan, claim }, params, slots };
}

export function createEngine(o: EngineOptions): GradientEngine {
  const P = o.params.length;
  const maxChunks = Math.ceil(o.maxBatch / o.chunkSize);
  const threads = Math.max(1, o.threads);
  const kernel = o.kernel ?? 'wasm';
  const w = kernel === 'wasm' ? createWasmShared(o, maxChunks, threads) : null;
  const state: SharedState = {
    shape: o.shape,
    readout: o.readout,
    k: o.k,
    chunkSize: o.chunkSize,
    capacity: o.capacity,
    params: w ? w.params : o.params,
    slots: w ? w.slots : sharedFloat32(maxChunks * P),
    stats: sharedFloat64(maxChunks * STATS_WIDTH),
    order: sharedInt32(o.data.lengths.length),
    data: o.data,
    classWeight: o.classWeight,
    noise: o.noise ?? null,
    kernel,
    wasm: w ? w.wasm : null,
    ctrl: sharedInt32(CTRL_ROW + CTRL_ROW_WIDTH * Math.max(0, threads - 1)),
    chunkGen: sharedInt32(maxChunks),
    workerMs: sharedFloat64(Math.max(0, threads - 1)),
  };
  const workers = threads - 1;
  const ctrl = state.ctrl;
  // This thread computes shard 0; the pool's threads − 1 workers compute the rest.
  const pool = threads > 1
    ? new Piscina({
      filename: WORKER_URL.href, minThreads: threads - 1, maxThreads: threads - 1, idleTimeout: 60_000, workerData: state,
    })
    : null;
  const tc = createTaskContext(state, 0);
  // With the wasm kernel the coordinator's serial part runs in the kernel over the engine's memory: the slots
  // are summed by its SIMD accumulate into a float64 region (the same bits as the JavaScript loop, a few times
  // faster), which, scaled in place, is the step's gradient; the kernel then takes its norm and applies the
  // optimizer with the moments that live there too (kernel/update.ts). Every other thread waits for this part.
  // One optimizer state at a time uses the moments.
  const own = w !== null && tc.kernel === 'wasm' ? {
    ex: tc.cx.ex,
    at: { params: w.wasm.plan.params, grad: w.wasm.plan.sum, m: w.wasm.plan.m, v: w.wasm.plan.v },
    slots: w.wasm.plan.slots,
    stride: w.wasm.plan.slotStride,
    grad: new Float64Array(w.wasm.memory.buffer, w.wasm.plan.sum, P),
    m: new Float32Array(w.wasm.memory.buffer, w.wasm.plan.m, P),
    v: new Float32Array(w.wasm.memory.buffer, w.wasm.plan.v, P),
  } : null;
  const engineGrad = own !== null ? own.grad : new Float64Array(P);
  const isOwn = (grad: Float64Array, st?: OptimizerState) => own !== null && grad === own.grad &&
    (st === undefined || ((st.m.length === 0 || st.m === own.m) && (st.v.length === 0 || st.v === own.v)));
  let fault: 'throw' | 'exit' | undefined;
  let closed = false;
  // One serve task per worker for the engine's life; a rejection (a throw, or the worker exiting) is kept
  // and reported by the step that is waiting.
  let failure: Error | null = null;
  const serving = pool === null ? [] : Array.from({ length: workers }, (_, i) =>
    pool.run({ w: i + 1, gen: 0, workers }).catch((e: Error) => {
      failure ??= e;
    }));

  /** Waits until every worker has reported this step, or one has failed. */
  async function allDone(): Promise<void> {
    spinUntil(() => Atomics.load(ctrl, CTRL_DONE) >= workers, SPIN_MS);
    for (;;) {
      const done = Atomics.load(ctrl, CTRL_DONE);
      if (done >= workers) return;
      if (failure !== null) throw failure;
      const r = waitAsync(ctrl, CTRL_DONE, done, 100);
      if (!r.async) continue;
      // A waitAsync promise does not keep Node's event loop alive; this timer does (and bounds the sleep, so
      // a failed worker's rejection is seen).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([r.value, new Promise((resolve) => { timer = setTimeout(resolve, 50); })]);
      clearTimeout(timer);
    }
  }

  async function gradient(batchStart: number, batchEnd: number, grad: Float64Array, epoch = 0): Promise<BatchResult> {
    const B = batchEnd - batchStart;
    const K = Math.ceil(B / o.chunkSize);
    if (K > maxChunks) throw new Error(`bug: batch of ${B} exceeds the engine's ${o.maxBatch}`);
    const t0 = performance.now();
    // Fixed-order reduction: chunk 0, 1, ..., K−1 are summed in that order whatever thread computed them, so
    // the bits do not depend on the thread count. With workers the coordinator sums each chunk as soon as it
    // and all before it are done, between its own chunks and while the last ones finish, so little of the sum
    // is left for after the parallel phase.
    const acc = own !== null ? own.grad : grad;
    if (own !== null) own.ex.zero(own.at.grad, 8 * P);
    else grad.fill(0);
    let loss = 0;
    let weight = 0;
    let correct = 0;
    let rc = 0; // chunks summed so far
    const add = (c: number) => {
      if (own !== null) {
        own.ex.accumulate(own.at.grad, own.slots + c * own.stride, P);
      } else {
        const slot = slotView(state, c);
        for (let i = 0; i < P; i++) grad[i] += slot[i];
      }
      loss += state.stats[c * STATS_WIDTH];
      weight += state.stats[c * STATS_WIDTH + 1];
      correct += state.stats[c * STATS_WIDTH + 2];
    };
    let slowestMs: number;
    if (pool === null || K === 1) {
      runGradTask(state, { batchStart, batchEnd, from: 0, to: K, epoch }, tc);
      slowestMs = performance.now() - t0;
    } else {
      if (failure !== null || closed) throw new Error('bug: gradient() on a closed engine');
      // Every thread claims from all K chunks: contiguous static shards would lose a whole shard's difference
      // when one thread runs slower, dynamic claiming at most one chunk.
      for (let i = 0; i < workers; i++) {
        const row = CTRL_ROW + i * CTRL_ROW_WIDTH;
        ctrl[row] = batchStart;
        ctrl[row + 1] = batchEnd;
        ctrl[row + 2] = 0;
        ctrl[row + 3] = K;
        ctrl[row + 4] = i === 0 && fault !== undefined ? (fault === 'throw' ? 1 : 2) : 0;
        ctrl[row + 5] = epoch;
      }
      fault = undefined;
      Atomics.store(ctrl, CTRL_NEXT, 0);
      Atomics.store(ctrl, CTRL_DONE, 0);
      const gen = Atomics.add(ctrl, CTRL_GEN, 1) + 1;
      Atomics.notify(ctrl, CTRL_GEN);
      let summingMs = 0;
      const ready = () => rc < K && Atomics.load(state.chunkGen, rc) === gen;
      const sumReady = () => {
        if (!ready()) return;
        const ts = performance.now();
        while (ready()) add(rc++);
        summingMs += performance.now() - ts;
      };
      const tm = performance.now();
      runGradTask(state, { batchStart, batchEnd, from: 0, to: K, claim: true, epoch, gen }, tc, sumReady);
      slowestMs = performance.now() - tm - summingMs;
      // Spin (a worker's last chunk is a fraction of a millisecond) summing what finishes; then wait without
      // spinning, which also lets a failed worker's rejection be seen.
      spinUntil(() => {
        sumReady();
        return rc >= K;
      }, SPIN_MS);
      try {
        await allDone();
      } catch (e) {
        await close();
        throw new Error(`a gradient worker failed: ${(e as Error).message}`, { cause: e });
      }
      for (let i = 0; i < workers; i++) slowestMs = Math.max(slowestMs, state.workerMs[i]);
    }
    const t1 = performance.now();
    while (rc < K) add(rc++);
    const inv = weight > 0 ? 1 / weight : 0;
    if (own !== null && isOwn(grad)) own.ex.scaleInPlace(own.at.grad, P, inv);
    else for (let i = 0; i < P; i++) grad[i] = acc[i] * inv;
    const t2 = performance.now();
    const computeMs = t1 - t0;
    slowestMs = Math.min(slowestMs, computeMs);
    return { loss: loss * inv, correct, count: B, computeMs, slowestMs, waitMs: computeMs - slowestMs, reduceMs: t2 - t1 };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (pool !== null) {
      Atomics.store(ctrl, CTRL_STOP, 1);
      Atomics.add(ctrl, CTRL_GEN, 1);
      Atomics.notify(ctrl, CTRL_GEN);
      await Promise.allSettled(serving);
      await pool.destroy();
    }
  }

  function optimizerState(name: OptimizerName, from?: OptimizerState): OptimizerState {
    const st = createOptimizerState(name, P, own ?? undefined);
    if (from !== undefined) {
      if (from.name !== name || from.m.length !== st.m.length || from.v.length !== st.v.length) throw new Error('bug: optimizer state of another kind');
      st.step = from.step;
      st.m.set(from.m);
      st.v.set(from.v);
    }
    return st;
  }

  function update(grad: Float64Array, gscale: number, st: OptimizerState, lr: number, weightDecay = 0): boolean {
    if (own !== null && isOwn(grad, st)) return fastOptimizerStep(own.ex, own.at, P, gscale, st, lr, weightDecay);
    if (gscale !== 1) for (let i = 0; i < P; i++) grad[i] *= gscale;
    optimizerStep(state.params, grad, st, lr, weightDecay);
    for (let i = 0; i < P; i++) if (!Number.isFinite(state.params[i])) return false;
    return true;
  }

  return {
    state,
    threads,
    params: state.params,
    grad: engineGrad,
    gradient,
    optimizerState,
    norm: (grad) => (own !== null && isOwn(grad) ? fastNorm(own.ex, own.at, P) : globalNorm(grad)),
    update,
    close,
    injectFault(kind) {
      fault = kind;
    },
  };
}
