// The fast gradient of a chunk: the sequences of one fixed chunk of the batch run together through the
// WebAssembly kernel (assembly/rnn.ts), time-major, as matrix-matrix products. Same contract as
// chunkGradient in src/model/batch.ts (the reference it is tested against); the result depends only on the
// chunk, never on which thread computes it. Its forward pass and readout also serve inference (predict.ts).
//
// Per chunk: sort its rows by length (longest first; ties by position), right-align them in time so they
// all end at step Tmax; stream the untracked prefix (steps before the BPTT window) through forward() block by
// block without keeping states; run the window keeping every state; softmax readout and loss here in float64
// exactly as the reference does; then backward() over the window and scatter the padded gradient into the
// chunk's slot. Memory per chunk is O(Mc·(k + XB)·H), whatever the sequences' lengths.
//
// Legend: Mc rows per chunk, n ≤ Mc sequences in it, T_r length of row r, Tmax the longest, W stored window,
// D channels, H hidden, Hp padded H, C classes, k BPTT horizon (0 = full).

import { type Layout, type Params, type Shape, layoutOf, viewsOf } from '../model/layout.js';
import { type Readout, argmax, dlogit, readoutSoftmax, windowLength } from '../model/rnn.js';
import type { ChunkStats, Sequences } from '../model/batch.js';
import { normal, type Rng } from '../model/rng.js';
import { type InputNoise, noiseRng } from '../model/noise.js';
import { type KernelExports, type ScratchPlan, NB, XB, instantiate } from './wasm.js';

const NEVER = 0x7fffffff; // start of an unused row: it stays 0 throughout

/**
 * One thread's view of the kernel: its instance over the shared memory, its scratch region, and the weights
 * in that memory (their layout and views made once, not per chunk).
 */
export interface FastContext {
  readonly ex: KernelExports;
  readonly f32: Float32Array; // the whole memory
  readonly i32: Int32Array;
  readonly base: number; // byte offset of this thread's scratch region
  readonly sp: ScratchPlan;
  readonly shape: Shape;
  readonly layout: Layout;
  readonly paramsAt: number; // byte offset of the weights [P]
  readonly params: Params<Float32Array>; // views of them
  readonly rows: Int32Array; // [Mc] sequence index of each sorted row
  readonly z: Float64Array; // [H] the readout input of one row
  readonly p: Float64Array; // [C] its probabilities
}

export function createFastContext(
  module: WebAssembly.Module, memory: WebAssembly.Memory, base: number, sp: ScratchPlan, shape: Shape, paramsAt: number,
): FastContext {
  return contextOver(instantiate(module, memory), memory, base, sp, shape, paramsAt);
}

export function contextOver(
  ex: KernelExports, memory: WebAssembly.Memory, base: number, sp: ScratchPlan, shape: Shape, paramsAt: number,
): FastContext {
  const layout = layoutOf(shape);
  return {
    ex, base, sp, shape, layout, paramsAt,
    params: viewsOf(new Float32Array(memory.buffer, paramsAt, layout.size), shape),
    f32: new Float32Array(memory.buffer),
    i32: new Int32Array(memory.buffer),
    rows: new Int32Array(sp.Mc),
    z: new Float64Array(shape.H),
    p: new Float64Array(shape.C),
  };
}

/** Packs the context's weights into its scratch. Once per task. */
export function packWeights(cx: FastContext): void {
  const { D, H } = cx.shape;
  const l = cx.layout;
  const params = cx.paramsAt;
  const b = cx.base;
  const sp = cx.sp;
  cx.ex.pack(H, D, sp.Hp, params + 4 * l.offset.W_xh, params + 4 * l.offset.W_hh, params + 4 * l.offset.b_h,
    b + sp.fwd, b + sp.bwd, b + sp.wxt, b + sp.bias);
}

/** Sorts the chunk's sequences into cx.rows (longest first) and writes starts; returns n and Tmax. */
export function arrange(cx: FastContext, data: Sequences, order: ArrayLike<number>, from: number, to: number): { n: number; Tmax: number } {
  const n = to - from;
  const { rows, sp } = cx;
  for (let i = 0; i < n; i++) rows[i] = order[from + i];
  // insertion sort, stable: n is small
  for (let i = 1; i < n; i++) {
    const v = rows[i];
    const T = data.lengths[v];
    let j = i - 1;
    while (j >= 0 && data.lengths[rows[j]] < T) {
      rows[j + 1] = rows[j];
      j--;
    }
    rows[j + 1] = v;
  }
  const Tmax = n > 0 ? data.lengths[rows[0]] : 0;
  const s = (cx.base + sp.starts) >> 2;
  for (let r = 0; r < sp.Mc; r++) cx.i32[s + r] = r < n ? Tmax - data.lengths[rows[r]] : NEVER;
  return { n, Tmax };
}

/** Input noise of the chunk's rows: σ and row r's generator, which the gathers advance in step order. */
interface RowNoise {
  readonly sigma: number;
  readonly rngs: Rng[];
}

/**
 * Copies steps [tau, tau + nb) of the chunk's rows into xs [nb][Mc][D], zeros where a row has not started,
 * with each row's noise added (blocks are gathered in step order, so each value gets its own draw).
 */
function gather(cx: FastContext, data: Sequences, n: number, Tmax: number, tau: number, nb: number, noise: RowNoise | null): void {
  const { f32, sp, rows } = cx;
  const D = data.D;
  const Mc = sp.Mc;
  const xs = (cx.base + sp.xs) >> 2;
  const { values, offsets, lengths } = data;
  for (let r = 0; r < Mc; r++) {
    const start = r < n ? Tmax - lengths[rows[r]] : NEVER;
    const src = r < n ? offsets[rows[r]] * D : 0;
    for (let j = 0; j < nb; j++) {
      const t = tau + j;
      const o = xs + (j * Mc + r) * D;
      if (t < start) {
        for (let d = 0; d < D; d++) f32[o + d] = 0;
      } else if (noise === null) {
        const i = src + (t - start) * D;
        for (let d = 0; d < D; d++) f32[o + d] = values[i + d];
      } else {
        const i = src + (t - start) * D;
        const rng = noise.rngs[r];
        for (let d = 0; d < D; d++) f32[o + d] = values[i + d] + noise.sigma * normal(rng);
      }
    }
  }
}

/** Forward over steps [0, Tmax): the prefix streamed and the last W steps kept (store), or all streamed. */
export function forwardChunk(
  cx: FastContext, data: Sequences, readout: Readout, n: number, Tmax: number, W: number, store: boolean, noise: RowNoise | null,
): void {
  const { ex, sp } = cx;
  const b = cx.base;
  const D = data.D;
  const slab = sp.Mc * sp.Hp;
  ex.zero(b + sp.hs, 4 * slab);
  const hsum = readout === 'mean' ? b + sp.hsum : 0;
  if (hsum) ex.zero(hsum, 4 * slab);
  const tau0 = store ? Tmax - W : Tmax;
  for (let tau = 0; tau < tau0; tau += XB) {
    const nb = Math.min(XB, tau0 - tau);
    gather(cx, data, n, Tmax, tau, nb, noise);
    ex.forward(sp.Mc, D, sp.Hp, b + sp.fwd, b + sp.wxt, b + sp.bias, b + sp.xs, tau, nb, b + sp.starts, b + sp.hs, 0, hsum, b + sp.ap);
  }
  if (store) {
    gather(cx, data, n, Tmax, tau0, W, noise);
    ex.forward(sp.Mc, D, sp.Hp, b + sp.fwd, b + sp.wxt, b + sp.bias, b + sp.xs, tau0, W, b + sp.starts, b + sp.hs, 1, hsum, b + sp.ap);
  }
}

/**
 * Softmax of logits = W_hy z + b_y for row r into cx.p (the reference's readoutSoftmax, in float64, then p
 * rounded to float32 as the reference's float32 workspace holds it); cx.z read from the final state (last) or
 * the running sum / T (mean). Returns log p[label] (0 when label < 0).
 */
export function head(cx: FastContext, readout: Readout, r: number, T: number, finalState: number, label: number): number {
  const { H, C } = cx.shape;
  const { f32, sp, z, p } = cx;
  const src = readout === 'last' ? finalState + r * sp.Hp : ((cx.base + sp.hsum) >> 2) + r * sp.Hp;
  for (let i = 0; i < H; i++) z[i] = readout === 'last' ? f32[src + i] : Math.fround(f32[src + i] / T);
  const logp = readoutSoftmax(p, cx.params, H, C, z, label);
  for (let c = 0; c < C; c++) p[c] = Math.fround(p[c]);
  return logp;
}

/**
 * The fast chunkGradient: writes (not adds) into the slot at byte offset `slot` the sum over the sequences
 * order[from..to) of weight(label) · d(−log p[label])/dθ at the context's weights. packWeights must have run
 * since they last changed. With `noise`, the inputs are the sequences plus their noise of `epoch` (see
 * src/model/noise.ts).
 */
export function fastChunkGradient(
  cx: FastContext, slot: number, readout: Readout, k: number,
  data: Sequences, order: ArrayLike<number>, from: number, to: number, classWeight: Float64Array | null,
  noise: InputNoise | null = null, epoch = 0,
): ChunkStats {
  const { ex, sp, f32, shape } = cx;
  const { D, H, C } = shape;
  const l = cx.layout;
  const b = cx.base;
  const Hp = sp.Hp;
  const slab = sp.Mc * Hp;
  const { n, Tmax } = arrange(cx, data, order, from, to);
  const W = windowLength(Tmax, k);
  if (W > sp.Wc) throw new Error(`bug: scratch holds ${sp.Wc} steps, window needs ${W}`);
  const rowNoise = noise === null ? null
    : { sigma: noise.sigma, rngs: Array.from({ length: n }, (_, r) => noiseRng(noise.seed, epoch, cx.rows[r])) };
  forwardChunk(cx, data, readout, n, Tmax, W, true, rowNoise);

  const G = slot >> 2;
  ex.zero(slot + 4 * l.offset.W_hy, 4 * (l.size - l.offset.W_hy)); // W_hy and b_y accumulate here; the rest is written by scatter
  const dh = (b + sp.dh) >> 2;
  const dzT = (b + sp.dzT) >> 2;
  ex.zero(b + sp.dh, 4 * slab);
  if (readout === 'mean') ex.zero(b + sp.dzT, 4 * slab);
  const finalState = ((b + sp.hs) >> 2) + W * slab;
  const { z, p } = cx;
  const W_hy = cx.params.W_hy;
  const stats: ChunkStats = { loss: 0, weight: 0, correct: 0 };
  for (let r = 0; r < n; r++) {
    const seq = cx.rows[r];
    const T = data.lengths[seq];
    const label = data.labels[seq];
    const w = classWeight === null ? 1 : classWeight[label];
    const logp = head(cx, readout, r, T, finalState, label);
    stats.loss -= w * logp;
    stats.weight += w;
    if (argmax(p) === label) stats.correct++;
    // dW_hy += dlogits z^T; db_y += dlogits; dz = W_hy^T dlogits
    const dz = readout === 'last' ? dh + r * Hp : dzT + r * Hp;
    for (let c = 0; c < C; c++) {
      const g = dlogit(p, c, label, w);
      f32[G + l.offset.b_y + c] += g;
      const o = c * H;
      for (let j = 0; j < H; j++) {
        f32[G + l.offset.W_hy + o + j] += g * z[j];
        f32[dz + j] += g * W_hy[o + j];
      }
    }
    if (readout === 'mean') for (let j = 0; j < H; j++) f32[dz + j] /= T;
  }

  ex.zero(b + sp.ghh, 4 * Hp * Hp);
  ex.zero(b + sp.gxt, 4 * D * Hp);
  ex.zero(b + sp.gb, 4 * Hp);
  ex.backward(sp.Mc, D, Hp, b + sp.bwd, b + sp.xs, Tmax - W, W, b + sp.starts, b + sp.hs,
    b + sp.dh, readout === 'mean' ? b + sp.dzT : 0, b + sp.da, NB, b + sp.pa, b + sp.pb,
    b + sp.ghh, b + sp.gxt, b + sp.gb);
  ex.scatter(H, D, Hp, b + sp.ghh, b + sp.gxt, b + sp.gb, slot + 4 * l.offset.W_xh, slot + 4 * l.offset.W_hh, slot + 4 * l.offset.b_h);
  return stats;
}
