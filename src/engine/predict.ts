// Inference: the one forward-only path that validation, evaluate, predict and the library's score all take,
// through the WebAssembly kernel's forward pass (fast.ts), in chunks of sequences of similar length. A
// sequence's probabilities do not depend on which others share its chunk (the kernel computes every row on
// its own), so scoring a batch at a time (streaming predict) and a whole file (evaluate) give the same
// bits. The reference is predictSequence in model/batch.ts, which the tests hold it to, and which scores a run
// trained by the reference kernel (--kernel ts): its validation then owes nothing to this machine's
// WebAssembly build. A model of two layers stores every step of a chunk (its second layer reads all the first
// one's states), so its scratch grows with the longest sequence scored.
//
// Legend: N sequences scored, C classes, H hidden units, XB steps per streamed input block.

import { type Shape, directionsOf, gatesOf, layersOf, layoutOf, recurrenceOf, viewsOf } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import { type Sequences, predictSequence } from '../model/batch.js';
import { frameCount, framedChunk } from '../model/frames.js';
import { chunkScratch } from '../model/noise.js';
import { createWorkspace } from '../model/rnn.js';
import { type FastContext, arrange, contextOver, forwardChunk, head, packWeights } from './fast.js';
import { type KernelExports, RESERVED, type ScratchPlan, checkAddressable, instantiate, isAddressable, kernelModule, scratchPlan, sharedMemory } from './wasm.js';
import { memoryTooLow } from './memory-limit.js';

/** The steps predictSequence's workspace must hold: 1 (only the last state), or the longest sequence with two layers (the second reads all the first's). */
export function predictionCapacity(shape: Shape, lengths: ArrayLike<number>): number {
  if (layersOf(shape) !== 2) return 1;
  let longest = 1;
  for (let i = 0; i < lengths.length; i++) longest = Math.max(longest, lengths[i]);
  return longest;
}

/** Sequences the reference predictor frames at a time: its copy of them stays small whatever the set. */
const REFERENCE_SLICE = 256;

/**
 * A predictor through the reference kernel (predictSequence), one sequence at a time after the engine's framing:
 * the same on every machine, as the reference kernel's training is.
 */
export function referencePredictor(shape: Shape, readout: Readout, stride = 1): Predictor {
  const { C } = shape;
  const scratch = chunkScratch();
  return (params, data, idx, probs, logp) => {
    for (let from = 0; from < idx.length; from += REFERENCE_SLICE) {
      const to = Math.min(idx.length, from + REFERENCE_SLICE);
      const framed = framedChunk(scratch, data, idx, from, to, stride).data;
      const ws = createWorkspace((n) => new Float32Array(n), shape, predictionCapacity(shape, framed.lengths));
      for (let i = from; i < to; i++) logp[i] = predictSequence(probs.subarray(i * C, (i + 1) * C), params, shape, readout, framed, i - from, ws);
    }
  };
}

/** Rows per inference chunk: more rows reuse each weight load more; the tile is 4 rows. */
const PREDICT_ROWS = 16;
const TILE_ROWS = 4;

/** The rows a chunk of n sequences computes: n rounded up to the tile, at most PREDICT_ROWS (the kernel computes every row it is given, used or not). */
export function rowsFor(n: number): number {
  return Math.min(PREDICT_ROWS, Math.max(TILE_ROWS, Math.ceil(n / TILE_ROWS) * TILE_ROWS));
}

/**
 * The scratch plan for scoring with a model of two layers, which stores `window` steps of every row: `rows`
 * rows, or the tile alone where those would not fit the 4 GiB WebAssembly addresses or a memory limit (a row's
 * bits do not depend on the others); refused where even that does not fit.
 */
export function storedPlan(shape: Shape, rows: number, window: number, base: number): ScratchPlan {
  let sp = scratchPlan(shape, rows, window, false);
  const fits = (bytes: number) => isAddressable(bytes) && memoryTooLow(bytes, '') === null;
  if (rows > TILE_ROWS && !fits(base + sp.size)) sp = scratchPlan(shape, TILE_ROWS, window, false);
  checkAddressable(base + sp.size, `a model of two layers keeps every state of a sequence it scores, and one has ${window} steps: split the longest sequences, or score with a model of one layer`);
  return sp;
}

/** Scores sequences idx[i] of data with weights params [P]: probabilities into probs [N][C], log p[label] into logp [N]. */
export type Predictor = (
  params: Float32Array, data: Sequences, idx: ArrayLike<number>, probs: Float32Array, logp: Float64Array,
) => void;

/**
 * The scoring memory and the kernel instance over it, kept between calls (instantiating and allocating a
 * fresh shared memory per call cost more than the whole computation of a small model); replaced by a larger
 * one when a model needs more. Per thread, like every module-level value; a predictor is synchronous.
 */
let predictKernel: { memory: WebAssembly.Memory; ex: KernelExports } | null = null;

/** The scoring memory a thread keeps after a run (evaluate, predict, score, a fit's validation) ends. */
const KEPT_BYTES = 64 * 2 ** 20;

/**
 * Lets go of the scoring memory if it is larger than KEPT_BYTES (a two-layer model's long sequences grow it):
 * called as a run that scored ends, so a host does not hold one run's peak for its life, while the run itself
 * kept it from one batch to the next (a memory let go per call piles up until a full garbage collection).
 */
export function releaseScoringMemory(): void {
  if (predictKernel !== null && predictKernel.memory.buffer.byteLength > KEPT_BYTES) {
    predictKernel = null;
    packed = null;
  }
}

/**
 * The weights last packed into the scoring memory (null: none since it was made): which array, by which
 * predictor's context (where the packed copy lies depends on that predictor's scratch plan, and another
 * predictor's scratch may cover it), and their W_hh's block.
 */
let packed: { params: Float32Array; cx: FastContext; block: number } | null = null;

/**
 * The smallest b, a multiple of 8 dividing H (the kernel's column tile; H itself unpadded), such that every
 * W_hh (each direction, each gate) is zero outside its diagonal blocks of b × b: an ensemble's members side by
 * side (model/ensemble.ts). 0 when there is none: the product is dense. The kernel then skips the zeros
 * (simd.ts BLOCK) with the same bits; for the default ensemble of three that is a third of the recurrent work.
 */
export function diagonalBlock(params: Float32Array, shape: Shape): number {
  const { H } = shape;
  if (H % 8 !== 0) return 0;
  const P = viewsOf(params, shape);
  const W = Array.from({ length: layersOf(shape) * directionsOf(shape) }, (_, q) => recurrenceOf(P, q % directionsOf(shape), q >= directionsOf(shape) ? 1 : 0).W_hh);
  const rows = gatesOf(shape) * H;
  next: for (let b = 8; b < H; b += 8) {
    if (H % b !== 0) continue;
    for (const w of W) {
      for (let r = 0; r < rows; r++) {
        const lo = (r % H) - ((r % H) % b);
        for (let c = 0; c < H; c++) if ((c < lo || c >= lo + b) && w[r * H + c] !== 0) continue next;
      }
    }
    return b;
  }
  return 0;
}

/** The size of the scoring memory this thread keeps (0: none). */
export function predictMemoryBytes(): number {
  return predictKernel === null ? 0 : predictKernel.memory.buffer.byteLength;
}

/** The scoring memory and kernel, of at least `bytes` bytes. */
function predictMemory(bytes: number): { memory: WebAssembly.Memory; ex: KernelExports } {
  if (predictKernel === null || predictKernel.memory.buffer.byteLength < bytes) {
    const memory = sharedMemory(bytes);
    predictKernel = { memory, ex: instantiate(kernelModule(), memory) };
    packed = null;
  }
  return predictKernel;
}

/**
 * A predictor for models of this shape, readout and stride: each call loads the weights it is given, so
 * predictors never hold stale ones; with `constantWeights` (the caller never changes them: streaming predict)
 * a call skips the load when the same weights (the same array, of a model of this shape) are still the loaded
 * ones. An ensemble's block-diagonal W_hh is multiplied by its blocks only (diagonalBlock; `blocks` false: in
 * full, for the tests that hold the two to the same bits). Memory O(PREDICT_ROWS · (XB + H²)),
 * whatever the lengths; a model of two layers, O(rows · T · H) for the longest T scored (log p[label] is 0 for
 * unlabelled sequences, label −1).
 */
export function createPredictor(shape: Shape, readout: Readout, stride = 1, constantWeights = false, blocks = true): Predictor {
  const { C } = shape;
  const stored = layersOf(shape) === 2; // every step of a chunk kept (two layers), else streamed
  let sp = scratchPlan(shape, PREDICT_ROWS, 1, false);
  const P = layoutOf(shape).size;
  const paramsAt = RESERVED;
  const base = paramsAt + Math.ceil((P * 4) / 64) * 64;
  let cx: FastContext | null = null; // this predictor's view of the scoring memory, made again when it is replaced
  let narrow = new Map<number, FastContext>(); // views of cx's memory as chunks of fewer rows, by rows
  let made = { rows: 0, window: 0 }; // what the stored plan sp was made for
  return (params, data, idx, probs, logp) => {
    const N = idx.length;
    // A model of two layers: a plan for this call's rows and longest sequence, whatever earlier calls needed
    // (a long sequence alone, then many short ones, need neither 16 rows of the long one nor its memory).
    let plan = sp;
    let need = made;
    if (stored) {
      let longest = 1;
      for (let i = 0; i < N; i++) longest = Math.max(longest, frameCount(data.lengths[idx[i]], stride));
      need = { rows: rowsFor(N), window: longest };
      if (need.rows !== made.rows || need.window !== made.window) plan = storedPlan(shape, need.rows, need.window, base);
    }
    const k = predictMemory(base + plan.size); // may refuse: then this predictor is as it was
    if (plan !== sp) {
      sp = plan;
      made = need;
      cx = null;
    }
    if (cx === null || cx.f32.buffer !== k.memory.buffer) {
      cx = contextOver(k.ex, k.memory, base, sp, shape, paramsAt, stride);
      narrow = new Map();
    }
    if (!constantWeights || packed === null || packed.params !== params || packed.cx !== cx) {
      cx.f32.set(params, paramsAt >>> 2);
      packWeights(cx);
      packed = { params, cx, block: blocks ? diagonalBlock(params, shape) : -1 };
    }
    k.ex.setBlock(Math.max(0, packed.block));
    // Sort by length so each chunk's rows are alike (fewer idle rows); results are per sequence anyway.
    const sorted = Int32Array.from({ length: N }, (_, i) => i).sort((a, b) => data.lengths[idx[b]] - data.lengths[idx[a]] || a - b);
    const order = Int32Array.from(sorted, (i) => idx[i]);
    for (let from = 0; from < N; from += sp.Mc) {
      const to = Math.min(N, from + sp.Mc);
      // A chunk of fewer sequences computes fewer rows, over the same memory (its regions are sized for sp.Mc).
      const rows = rowsFor(to - from);
      let c = cx;
      if (rows < sp.Mc) {
        c = narrow.get(rows) ?? contextOver(k.ex, k.memory, base, { ...sp, Mc: rows }, shape, paramsAt, stride);
        narrow.set(rows, c);
      }
      const { n, Tmax } = arrange(c, data, order, from, to);
      forwardChunk(c, data, readout, n, Tmax, stored ? Tmax : 1, stored);
      // order is already sorted, and arrange() sorts stably, so row r is order[from + r].
      for (let r = 0; r < n; r++) {
        const seq = c.rows[r];
        const i = sorted[from + r];
        const lp = head(c, readout, r, c.frames[r], stored ? Tmax : 0, data.labels[seq]);
        for (let j = 0; j < C; j++) probs[i * C + j] = c.p[j];
        logp[i] = lp;
      }
    }
  };
}

