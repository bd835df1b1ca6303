// The two kernels behind the engine, as one interface: where each keeps the weights, the chunks' gradient
// slots, the step's gradient and the optimizer's moments, what a computing thread does with a chunk, and what
// the coordinator does between steps. The engine, its workers and its callers never branch on which one runs;
// only the factories below do.
//
//   'wasm' (default)  the WebAssembly SIMD kernel (fast.ts, update.ts): everything lives in one shared
//                     WebAssembly.Memory (wasm.ts), and the serial part runs in the kernel too.
//   'ts'              the reference (model/batch.ts, model/optimizer.ts): plain shared typed arrays; the
//                     oracle the wasm kernel is tested against, and `--kernel ts`.
//
// Legend: P parameters, K chunks per batch, R computing threads.

import { type Shape, layersOf } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import { type ChunkStats, type Sequences, chunkGradient } from '../model/batch.js';
import { createWorkspace } from '../model/rnn.js';
import { type InputNoise, chunkScratch, noisyChunk } from '../model/noise.js';
import { framedChunk } from '../model/frames.js';
import { type OptimizerState, globalNorm, optimizerStep } from '../model/optimizer.js';
import { sharedFloat32 } from '../data/shared.js';
import { createFastContext, fastChunkGradient, packWeights } from './fast.js';
import { fastNorm, fastOptimizerStep } from './update.js';
import { type MemoryPlan, checkAddressable, defaultBuild, isAddressable, kernelModule, memoryPlan, scratchPlan, sharedMemory } from './wasm.js';
import type { KernelName } from './kernel-name.js';

export type { KernelName };

/**
 * The kernel as a run records it, so that a resume can tell it: `ts`, or the wasm kernel with the build that runs
 * here (`wasm-fma` or `wasm-plain`, wasm.ts), which round differently and so give other bits.
 */
export function kernelRecord(kernel: KernelName): string {
  return kernel === 'ts' ? 'ts' : `wasm-${defaultBuild()}`;
}

/** A kernel's shared arrays, handed to every worker once (in workerData). */
export type KernelMemory =
  | { readonly kernel: 'wasm'; readonly module: WebAssembly.Module; readonly memory: WebAssembly.Memory; readonly plan: MemoryPlan }
  | { readonly kernel: 'ts'; readonly params: Float32Array; readonly slots: Float32Array }; // [P], [K][P]

/** What every computing thread reads: the step's fixed inputs and where its results go. */
export interface ChunkInputs {
  readonly shape: Shape;
  readonly readout: Readout;
  readonly k: number; // BPTT horizon, 0 = full
  readonly stride: number; // s: samples per step (model/frames.ts)
  readonly capacity: number; // longest window any sequence needs, in steps
  readonly memory: KernelMemory;
  readonly order: Int32Array; // [N] the epoch's permutation of the training sequences
  readonly data: Sequences;
  readonly classWeight: Float64Array | null; // [C]
  readonly noise: InputNoise | null; // added as each chunk is read (model/noise.ts)
}

/** One computing thread's kernel. */
export interface ChunkKernel {
  /** Once per step, before its chunks: the weights have changed since the last. */
  prepare(): void;
  /** The summed gradient of sequences order[lo, hi) with their noise of `epoch`, written into slot c. */
  chunk(c: number, lo: number, hi: number, epoch: number): ChunkStats;
}

/** The coordinator's kernel: a computing thread's, plus the serial part of a step. */
export interface StepKernel extends ChunkKernel {
  readonly params: Float32Array; // [P] the shared weights
  readonly grad: Float64Array; // [P] the step's gradient: the fixed-order sum of the slots, then averaged
  readonly m: Float32Array; // [P] the optimizer's moments, for createOptimizerState
  readonly v: Float32Array;
  zeroSum(): void;
  addSlot(c: number): void;
  scaleSum(s: number): void;
  norm(): number;
  /** optimizerStep(params, grad · gscale, st, lr, weightDecay); false when a weight is no longer finite. */
  update(gscale: number, st: OptimizerState, lr: number, weightDecay: number): boolean;
}

export interface KernelSizes {
  readonly shape: Shape;
  readonly chunkSize: number; // rows per chunk
  readonly capacity: number;
  readonly chunks: number; // K: gradient slots
  readonly threads: number; // R: scratch regions
}

/** Refuses sizes whose kernel memory (for P parameters) WebAssembly could not address, before any is allocated. */
export function checkKernelSizes(kernel: KernelName, s: KernelSizes, P: number): void {
  if (kernel !== 'wasm') return;
  const remedy = layersOf(s.shape) === 2
    ? 'a model of two layers keeps every state of its longest sequence: lower --hidden, --threads or --batch-size, raise --stride, or train one layer (--layers 1)'
    : undefined;
  checkAddressable(kernelBytes(s, P), remedy);
}

/** Whether checkKernelSizes passes these sizes. */
export function kernelSizesFit(kernel: KernelName, s: KernelSizes, P: number): boolean {
  return kernel !== 'wasm' || isAddressable(kernelBytes(s, P));
}

const kernelBytes = (s: KernelSizes, P: number) => memoryPlan(P, s.chunks, s.threads, scratchPlan(s.shape, s.chunkSize, s.capacity)).bytes;

/** The kernel's shared arrays, with the weights set to `initial` [P]. */
export function allocateKernel(kernel: KernelName, s: KernelSizes, initial: Float32Array): KernelMemory {
  const P = initial.length;
  if (kernel === 'ts') {
    const params = sharedFloat32(P);
    params.set(initial);
    return { kernel, params, slots: sharedFloat32(s.chunks * P) };
  }
  const plan = memoryPlan(P, s.chunks, s.threads, scratchPlan(s.shape, s.chunkSize, s.capacity));
  const memory = sharedMemory(plan.bytes);
  new Float32Array(memory.buffer, plan.params, P).set(initial);
  return { kernel, module: kernelModule(), memory, plan };
}

/** Computing thread `region`'s kernel (0 is the coordinator's; each thread has its own scratch). */
export function chunkKernel(st: ChunkInputs, region: number): ChunkKernel {
  return st.memory.kernel === 'wasm' ? wasmKernel(st, st.memory, region) : referenceKernel(st, st.memory);
}

/** The coordinator's kernel (region 0). */
export function stepKernel(st: ChunkInputs): StepKernel {
  return st.memory.kernel === 'wasm' ? wasmKernel(st, st.memory, 0) : referenceKernel(st, st.memory);
}

function wasmKernel(st: ChunkInputs, mem: Extract<KernelMemory, { kernel: 'wasm' }>, region: number): StepKernel {
  const { plan, memory } = mem;
  if (region >= plan.regions) throw new Error(`bug: scratch region ${region} requested, the memory holds ${plan.regions}`);
  const cx = createFastContext(mem.module, memory, plan.scratch + region * plan.scratchPlan.size, plan.scratchPlan, st.shape, plan.params, st.stride);
  const P = cx.layout.size;
  const at = { params: plan.params, grad: plan.sum, m: plan.m, v: plan.v };
  const { ex } = cx;
  return {
    params: new Float32Array(memory.buffer, plan.params, P),
    grad: new Float64Array(memory.buffer, plan.sum, P),
    m: new Float32Array(memory.buffer, plan.m, P),
    v: new Float32Array(memory.buffer, plan.v, P),
    prepare: () => packWeights(cx),
    chunk: (c, lo, hi, epoch) => fastChunkGradient(
      cx, plan.slots + c * plan.slotStride, st.readout, st.k, st.data, st.order, lo, hi, st.classWeight, st.noise, epoch,
    ),
    // The slots are summed by the kernel's SIMD accumulate into a float64 region: the same bits as the
    // reference's loop, a few times faster, on the one thread every other waits for.
    zeroSum: () => ex.zero(at.grad, 8 * P),
    addSlot: (c) => ex.accumulate(at.grad, plan.slots + c * plan.slotStride, P),
    scaleSum: (s) => ex.scaleInPlace(at.grad, P, s),
    norm: () => fastNorm(ex, at, P),
    update: (gscale, opt, lr, weightDecay) => fastOptimizerStep(ex, at, P, gscale, opt, lr, weightDecay),
  };
}

function referenceKernel(st: ChunkInputs, mem: Extract<KernelMemory, { kernel: 'ts' }>): StepKernel {
  const { params, slots } = mem;
  const P = params.length;
  const ws = createWorkspace((n) => new Float32Array(n), st.shape, st.capacity);
  const noisy = chunkScratch();
  const framed = chunkScratch();
  const grad = new Float64Array(P);
  return {
    params, grad, m: new Float32Array(P), v: new Float32Array(P),
    prepare() {},
    chunk(c, lo, hi, epoch) {
      const G = slots.subarray(c * P, (c + 1) * P);
      G.fill(0);
      // The reference reads a copy of the chunk when its inputs differ from the data set's values.
      let chunk = { data: st.data, order: st.order, from: lo, to: hi };
      if (st.noise !== null) chunk = { ...noisyChunk(noisy, chunk.data, chunk.order, chunk.from, chunk.to, st.noise, epoch), from: 0, to: hi - lo };
      if (st.stride > 1) chunk = { ...framedChunk(framed, chunk.data, chunk.order, chunk.from, chunk.to, st.stride), from: 0, to: hi - lo };
      return chunkGradient(G, params, st.shape, st.readout, st.k, chunk.data, chunk.order, chunk.from, chunk.to, st.classWeight, ws);
    },
    zeroSum: () => grad.fill(0),
    addSlot(c) {
      const o = c * P;
      for (let i = 0; i < P; i++) grad[i] += slots[o + i];
    },
    scaleSum(s) {
      for (let i = 0; i < P; i++) grad[i] *= s;
    },
    norm: () => globalNorm(grad),
    update(gscale, opt, lr, weightDecay) {
      if (gscale !== 1) for (let i = 0; i < P; i++) grad[i] *= gscale;
      optimizerStep(params, grad, opt, lr, weightDecay);
      for (let i = 0; i < P; i++) if (!Number.isFinite(params[i])) return false;
      return true;
    },
  };
}
