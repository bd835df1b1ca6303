// What the coordinator and its workers share: typed arrays over SharedArrayBuffers, handed to each worker
// once (in workerData) and never copied per step, plus the one function both sides run on a task. Only the
// coordinator writes params and order, and only between steps; a worker writes only the gradient slots and
// stats rows of the chunks it was given.
//
// Two kernels compute a chunk: 'wasm' (src/kernel/fast.ts, the default: params and slots then live in one
// shared WebAssembly.Memory, see src/kernel/wasm.ts) and 'ts' (src/model/batch.ts, the reference).
//
// Legend: P parameters, B batch size, K = ceil(B / chunkSize) chunks per batch.

import type { Shape } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import { type ChunkStats, type Sequences, chunkGradient } from '../model/batch.js';
import { createWorkspace, type Workspace } from '../model/rnn.js';
import { type FastContext, createFastContext, fastChunkGradient, packWeights } from '../kernel/fast.js';
import { type InputNoise, type NoisyScratch, noisyChunk } from './augment.js';
import type { MemoryPlan } from '../kernel/wasm.js';

export type KernelName = 'ts' | 'wasm';
export const KERNELS: readonly KernelName[] = ['wasm', 'ts'];

/** The shared WebAssembly memory of the 'wasm' kernel: params and slots are views into it. */
export interface WasmShared {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly plan: MemoryPlan;
  readonly claim: Int32Array; // [1] next free scratch region; the coordinator holds region 0
}

export interface SharedState {
  readonly shape: Shape;
  readonly readout: Readout;
  readonly k: number; // BPTT horizon, 0 = full
  readonly chunkSize: number; // sequences per chunk: fixed, independent of the thread count
  readonly capacity: number; // longest window any sequence needs
  readonly params: Float32Array; // [P]
  readonly slots: Float32Array; // [K][stride] one gradient per chunk (stride ≥ P, see slotView)
  readonly stats: Float64Array; // [K][3] loss sum, weight sum, correct count per chunk
  readonly order: Int32Array; // [N] the epoch's permutation of the training sequences
  readonly data: Sequences;
  readonly classWeight: Float64Array | null; // [C]
  readonly noise: InputNoise | null; // input noise added as each task reads its chunk (augment.ts)
  readonly kernel: KernelName;
  readonly wasm: WasmShared | null; // when kernel is 'wasm'
  readonly ctrl: Int32Array; // the step doorbell (CTRL_*)
  readonly chunkGen: Int32Array; // [K] the generation (CTRL_GEN) of the step whose chunk c was last finished
  readonly workerMs: Float64Array; // [workers] each worker's compute time in the current step
}

/**
 * A task: chunks [from, to) of the batch order[batchStart, batchEnd). With `claim`, the threads of a step
 * share the range: each takes the next chunk from the doorbell's NEXT counter until none is left.
 */
export interface GradTask {
  readonly batchStart: number;
  readonly batchEnd: number;
  readonly from: number;
  readonly to: number;
  readonly claim?: boolean;
  readonly epoch: number; // which noise the inputs get (when st.noise is set)
  readonly gen?: number; // with claim: the step's generation, stored in chunkGen[c] once chunk c is done
}

export const STATS_WIDTH = 3;

// The step doorbell: an Int32Array over a SharedArrayBuffer through which the coordinator hands the workers
// every step without a message. Each worker runs one long piscina task (serve) that sleeps in Atomics.wait
// on GEN; the coordinator writes the workers' task rows and resets NEXT to 0, then bumps GEN and notifies;
// every thread (the coordinator too) then claims chunks one at a time with Atomics.add on NEXT until the
// batch's are all taken, so a thread that is slower (descheduled by the OS, or given longer sequences) simply
// takes fewer: which thread computes a chunk never changes its slot or its bits. Each worker then stores its
// compute time and increments DONE (the last one notifies). All of these are sequentially consistent Atomics
// operations, so a worker's slot writes are visible to the coordinator once it has seen DONE reach the worker
// count, and the coordinator's weight update (and the reset of NEXT) is visible to the workers once they have
// seen GEN move; a worker claims nothing after its DONE. STOP ends the serve loops.
export const CTRL_GEN = 0;
export const CTRL_DONE = 1;
export const CTRL_STOP = 2;
export const CTRL_NEXT = 3; // the next chunk of the step to claim
export const CTRL_ROW = 4; // worker w's task row starts at CTRL_ROW + w · CTRL_ROW_WIDTH
export const CTRL_ROW_WIDTH = 6; // batchStart, batchEnd, from, to, fault (0 none, 1 throw, 2 exit), epoch

/** What one computing thread keeps between tasks: a reference workspace, or its kernel instance and scratch. */
export type TaskContext =
  | { readonly kernel: 'ts'; readonly ws: Workspace<Float32Array>; readonly noisy: NoisyScratch }
  | { readonly kernel: 'wasm'; readonly cx: FastContext };

/**
 * The context of one computing thread. With the wasm kernel each thread instantiates the module over the
 * shared memory and claims its own scratch region (the coordinator passes region 0, workers claim the next).
 */
export function createTaskContext(st: SharedState, region?: number): TaskContext {
  if (st.kernel === 'ts' || st.wasm === null) {
    return { kernel: 'ts', ws: createWorkspace((n) => new Float32Array(n), st.shape, st.capacity), noisy: { values: new Float32Array(0) } };
  }
  const { module, memory, plan, claim } = st.wasm;
  const r = region ?? Atomics.add(claim, 0, 1);
  if (r >= plan.regions) throw new Error(`bug: scratch region ${r} requested, the memory holds ${plan.regions}`);
  return { kernel: 'wasm', cx: createFastContext(module, memory, plan.scratch + r * plan.scratchPlan.size, plan.scratchPlan, st.shape, plan.params) };
}

/**
 * Computes chunks [from, to) of a batch into their slots (with task.claim, those it claims of them), calling
 * afterChunk after each. Synchronous: nothing is left pending.
 */
export function runGradTask(st: SharedState, task: GradTask, tc: TaskContext, afterChunk?: () => void): void {
  if (tc.kernel === 'wasm') packWeights(tc.cx);
  for (let next = task.from; ; next++) {
    const c = task.claim ? task.from + Atomics.add(st.ctrl, CTRL_NEXT, 1) : next;
    if (c >= task.to) break;
    const lo = task.batchStart + c * st.chunkSize;
    const hi = Math.min(lo + st.chunkSize, task.batchEnd);
    let s: ChunkStats;
    if (tc.kernel === 'wasm') {
      const plan = st.wasm!.plan;
      s = fastChunkGradient(
        tc.cx, plan.slots + c * plan.slotStride, st.readout, st.k, st.data, st.order, lo, hi, st.classWeight,
        st.noise, task.epoch,
      );
    } else {
      const G = slotView(st, c);
      G.fill(0);
      if (st.noise !== null) {
        const nc = noisyChunk(tc.noisy, st.data, st.order, lo, hi, st.noise, task.epoch);
        s = chunkGradient(G, st.params, st.shape, st.readout, st.k, nc.data, nc.order, 0, hi - lo, st.classWeight, tc.ws);
      } else {
        s = chunkGradient(G, st.params, st.shape, st.readout, st.k, st.data, st.order, lo, hi, st.classWeight, tc.ws);
      }
    }
    st.stats[c * STATS_WIDTH] = s.loss;
    st.stats[c * STATS_WIDTH + 1] = s.weight;
    st.stats[c * STATS_WIDTH + 2] = s.correct;
    // Sequentially consistent: whoever sees the generation here also sees the slot and stats written above.
    if (task.gen !== undefined) Atomics.store(st.chunkGen, c, task.gen);
    afterChunk?.();
  }
}

/**
 * Spins until done() or `ms` have passed, reading the clock once every 256 checks: performance.now() costs
 * about 50 ns and allocates a heap number per call, and that garbage, made while waiting, had both threads
 * stop for young-generation collections every few dozen steps. Returns done().
 */
export function spinUntil(done: () => boolean, ms: number): boolean {
  const until = performance.now() + ms;
  for (let i = 1; ; i++) {
    if (done()) return true;
    if ((i & 255) === 0 && performance.now() >= until) return done();
  }
}

/** Slot c's gradient [P] (the slots are strided in the wasm memory). */
export function slotView(st: SharedState, c: number): Float32Array {
  const P = st.params.length;
  const stride = st.wasm ? st.wasm.plan.slotStride >> 2 : P;
  return st.slots.subarray(c * stride, c * stride + P);
}
