// The fast gradient of a chunk: the sequences of one fixed chunk of the batch run together through the
// WebAssembly kernel (assembly/rnn.ts), time-major, as matrix-matrix products. Same contract as
// chunkGradient in src/model/batch.ts (the reference it is tested against); the result depends only on the
// chunk, never on which thread computes it. Its forward pass and readout also serve inference (predict.ts).
//
// Per chunk: sort its rows by length (longest first; ties by position), right-align them in time so they
// all end at step Tmax; per direction, stream the untracked prefix (steps before the BPTT window) through
// forward() block by block without keeping states, then run the window keeping every state; softmax readout
// and loss here in float64 exactly as the reference does; then, per direction, backward() over the window and
// scatter the padded gradient into the chunk's slot. The reverse direction is the same kernel over each row's
// frames gathered in reverse order (right-aligned too, so it ends at Tmax on the row's first frame). With frame
// stacking, a step's input is s consecutive samples (model/frames.ts), gathered straight from the data set.
// Memory per chunk is O(Mc·(k + XB)·H), whatever the sequences' lengths; a model of two layers stores every step
// (full BPTT): the first layer's directions run over the whole chunk, their states become the second layer's
// inputs (statesAsInputs), and backward gives the second layer's input gradient to the first layer's steps
// (injections). The reference is the same two-layer pass of src/model/rnn.ts.
// The cell (the tanh RNN, assembly/rnn.ts, or the GRU, assembly/gru.ts) is chosen in four places only: packing
// the weights, a block of forward steps, the window's backward and the scatter of its gradient.
//
// Legend: Mc rows per chunk, n ≤ Mc sequences in it, F_r steps (frames) of row r, Tmax the longest, W stored
// window, Dc channels, s stride, D = Dc·s inputs per step, H hidden, Hp padded H, C classes, k BPTT horizon
// (0 = full).

import { type Layout, type Params, type Shape, RECURRENCE_NAMES, cellOf, directionsOf, gatesOf, layerInputs, layersOf, layoutOf, viewsOf } from '../model/layout.js';
import type { DirectionPlan } from './wasm.js';
import { type Readout, argmax, dlogit, readoutSoftmax, secondLoss, windowLength } from '../model/rnn.js';
import { type ChunkStats, type Sequences, lossWeights } from '../model/batch.js';
import { type ChunkScratch, type InputNoise, chunkScratch, noisyChunk } from '../model/noise.js';
import { frameCount, framePad } from '../model/frames.js';
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
  readonly stride: number; // s: samples per step
  readonly rows: Int32Array; // [Mc] sequence index of each sorted row
  readonly frames: Int32Array; // [Mc] F_r of each sorted row
  readonly z: Float64Array; // [directions·H] the readout input of one row
  readonly p: Float64Array; // [C] its probabilities
  noisy: ChunkScratch | null; // the chunk with its input noise (made on first use)
}

export function createFastContext(
  module: WebAssembly.Module, memory: WebAssembly.Memory, base: number, sp: ScratchPlan, shape: Shape, paramsAt: number,
  stride = 1,
): FastContext {
  return contextOver(instantiate(module, memory), memory, base, sp, shape, paramsAt, stride);
}

export function contextOver(
  ex: KernelExports, memory: WebAssembly.Memory, base: number, sp: ScratchPlan, shape: Shape, paramsAt: number,
  stride = 1,
): FastContext {
  const layout = layoutOf(shape);
  if (shape.D % stride !== 0) throw new Error(`bug: ${shape.D} inputs per step is not a multiple of the stride ${stride}`);
  return {
    ex, base, sp, shape, layout, paramsAt, stride,
    params: viewsOf(new Float32Array(memory.buffer, paramsAt, layout.size), shape),
    f32: new Float32Array(memory.buffer),
    i32: new Int32Array(memory.buffer),
    rows: new Int32Array(sp.Mc),
    frames: new Int32Array(sp.Mc),
    z: new Float64Array(directionsOf(shape) * shape.H),
    p: new Float64Array(shape.C),
    noisy: null,
  };
}


/** The top layer's index: 0, or 1 for two layers. */
const topOf = (cx: FastContext) => layersOf(cx.shape) - 1;

/** Packs the context's weights, each layer's and direction's, into its scratch. Once per task. */
export function packWeights(cx: FastContext): void {
  const { H } = cx.shape;
  const { base: b, sp, layout: l, paramsAt: w } = cx;
  const gru = cellOf(cx.shape) === 'gru';
  for (let layer = 0; layer <= topOf(cx); layer++) {
    const D = layerInputs(cx.shape, layer);
    const plans = layer === topOf(cx) ? sp.dirs : sp.dirs0;
    for (let d = 0; d < plans.length; d++) {
      const dp = plans[d];
      const [wxh, whh, bh, bhn] = RECURRENCE_NAMES[layer][d].map((name) => w + 4 * l.offset[name]);
      if (gru) cx.ex.gruPack(H, D, sp.Hp, wxh, whh, bh, bhn, b + dp.fwd, b + dp.bwd, b + dp.wxt, b + dp.bias);
      else cx.ex.pack(H, D, sp.Hp, wxh, whh, bh, b + dp.fwd, b + dp.bwd, b + dp.wxt, b + dp.bias);
    }
  }
}

/** Sorts the chunk's sequences into cx.rows (longest first), their step counts into cx.frames, and writes starts; returns n and Tmax. */
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
  for (let r = 0; r < n; r++) cx.frames[r] = frameCount(data.lengths[rows[r]], cx.stride);
  const Tmax = n > 0 ? cx.frames[0] : 0;
  const s = (cx.base + sp.starts) >>> 2;
  for (let r = 0; r < sp.Mc; r++) cx.i32[s + r] = r < n ? Tmax - cx.frames[r] : NEVER;
  return { n, Tmax };
}

/**
 * Copies steps [tau, tau + nb) of the chunk's rows into direction d's xs [nb][Mc][D], zeros where a row has not
 * started: row r's step tau reads its frame tau − start (forward) or F_r − 1 − (tau − start) (reverse), each
 * frame s samples of Dc channels, the first frame's padding zeros.
 */
function gather(cx: FastContext, d: number, data: Sequences, n: number, Tmax: number, tau: number, nb: number, dp = cx.sp.dirs[d]): void {
  const { f32, sp, rows, frames, stride } = cx;
  const Dc = data.D;
  const D = Dc * stride;
  const Mc = sp.Mc;
  const xs = (cx.base + dp.xs) >>> 2;
  const { values, offsets, lengths } = data;
  const di = d === 0 ? D : -D; // how far the next step's frame is, in values
  for (let r = 0; r < Mc; r++) {
    const F = r < n ? frames[r] : 0;
    const start = r < n ? Tmax - F : NEVER;
    const src = r < n ? offsets[rows[r]] * Dc : 0; // the sequence's first value
    const first = src - (r < n ? framePad(lengths[rows[r]], stride) : 0) * Dc; // frame 0's first slot
    const i0 = d === 0 ? first : first + (F - 1) * D; // the frame read at step `start`
    for (let j = 0; j < nb; j++) {
      const t = tau + j;
      const o = xs + (j * Mc + r) * D;
      if (t < start) {
        for (let e = 0; e < D; e++) f32[o + e] = 0;
        continue;
      }
      const i = i0 + (t - start) * di;
      const lead = i < src ? src - i : 0; // the first frame's padding
      for (let e = 0; e < lead; e++) f32[o + e] = 0;
      for (let e = lead; e < D; e++) f32[o + e] = values[i + e];
    }
  }
}

/** Forward over steps [0, Tmax), each direction: the prefix streamed and the last W steps kept (store), or all streamed. */
export function forwardChunk(cx: FastContext, data: Sequences, readout: Readout, n: number, Tmax: number, W: number, store: boolean): void {
  if (topOf(cx) === 1) {
    forwardTwoLayers(cx, data, readout, n, Tmax, W, store);
    return;
  }
  const { sp } = cx;
  const D = cx.shape.D;
  const tau0 = store ? Tmax - W : Tmax;
  for (let d = 0; d < sp.dirs.length; d++) {
    const dp = sp.dirs[d];
    cx.ex.zero(cx.base + dp.hs, 4 * sp.Mc * sp.Hp);
    const { hsum, amax } = readoutStatistics(cx, dp, readout);
    const steps = (tau: number, nb: number, keep: number) => layerSteps(cx, dp, D, tau, nb, keep, hsum, amax);
    for (let tau = 0; tau < tau0; tau += XB) {
      const nb = Math.min(XB, tau0 - tau);
      gather(cx, d, data, n, Tmax, tau, nb);
      steps(tau, nb, 0);
    }
    if (store) {
      gather(cx, d, data, n, Tmax, tau0, W);
      steps(tau0, W, 1);
    }
  }
}

/**
 * Two layers over steps [0, Tmax), all stored: each direction of the first layer over its gathered inputs, then
 * each direction of the second over the first one's states (statesAsInputs), with the readout's statistics.
 */
function forwardTwoLayers(cx: FastContext, data: Sequences, readout: Readout, n: number, Tmax: number, W: number, store: boolean): void {
  if (!store || W !== Tmax) throw new Error(`bug: a model of two layers runs stored and whole (window ${W} of ${Tmax}, store ${store})`);
  const { sp } = cx;
  const slab = sp.Mc * sp.Hp;
  for (let d = 0; d < sp.dirs0.length; d++) {
    const dp = sp.dirs0[d];
    gather(cx, d, data, n, Tmax, 0, Tmax, dp);
    cx.ex.zero(cx.base + dp.hs, 4 * slab);
    layerSteps(cx, dp, cx.shape.D, 0, Tmax, 1, 0, 0);
  }
  statesAsInputs(cx, n, Tmax);
  for (const dp of sp.dirs) {
    cx.ex.zero(cx.base + dp.hs, 4 * slab);
    const { hsum, amax } = readoutStatistics(cx, dp, readout);
    layerSteps(cx, dp, layerInputs(cx.shape, 1), 0, Tmax, 1, hsum, amax);
  }
}

/** The readout's running statistic of direction plan dp, reset: the sum (mean) or maximum and its step (max); 0 where none. */
function readoutStatistics(cx: FastContext, dp: DirectionPlan, readout: Readout): { hsum: number; amax: number } {
  const slab = cx.sp.Mc * cx.sp.Hp;
  const hsum = readout === 'last' ? 0 : cx.base + dp.hsum;
  const amax = readout === 'max' ? cx.base + dp.amax : 0;
  if (readout === 'mean') cx.ex.zero(hsum, 4 * slab);
  if (readout === 'max') {
    cx.f32.fill(-Infinity, hsum >>> 2, (hsum >>> 2) + slab);
    cx.i32.fill(-1, amax >>> 2, (amax >>> 2) + slab);
  }
  return { hsum, amax };
}

/** Steps tau .. tau + nb − 1 of direction plan dp (D inputs a step, gathered in its xs), keeping the states (keep = 1) or not. */
function layerSteps(cx: FastContext, dp: DirectionPlan, D: number, tau: number, nb: number, keep: number, hsum: number, amax: number): void {
  const { ex, sp } = cx;
  const b = cx.base;
  // Without a backward pass, the GRU keeps the states of a stored window but not its gates (store = 2).
  if (cellOf(cx.shape) === 'gru') ex.gruForward(sp.Mc, D, sp.Hp, b + dp.fwd, b + dp.wxt, b + dp.bias, b + dp.xs, tau, nb, b + sp.starts, b + dp.hs, b + dp.gates, keep && !sp.backward ? 2 : keep, hsum, amax, b + sp.ap);
  else ex.forward(sp.Mc, D, sp.Hp, b + dp.fwd, b + dp.wxt, b + dp.bias, b + dp.xs, tau, nb, b + sp.starts, b + dp.hs, keep, hsum, amax, b + sp.ap);
}

/**
 * The step at which direction `to` reads the frame that direction `from` reads at step tau, for a row starting at
 * `start` with F frames (right-aligned: forward reads frame tau − start, reverse frame F − 1 − (tau − start)).
 */
const stepOf = (from: number, to: number, tau: number, start: number, F: number) => (from === to ? tau : 2 * start + F - 1 - tau);

/**
 * The second layer's inputs: direction d's xs [Tmax][Mc][K·H] at step tau holds u of the frame it reads there,
 * [h_fwd; h_rev] of the first layer (each direction's state after the step at which it read that frame); zeros
 * before a row starts.
 */
function statesAsInputs(cx: FastContext, n: number, Tmax: number): void {
  const { f32, sp, frames } = cx;
  const { H } = cx.shape;
  const K = sp.dirs.length;
  const Z = K * H;
  const slab = sp.Mc * sp.Hp;
  for (let d = 0; d < K; d++) {
    const xs = (cx.base + sp.dirs[d].xs) >>> 2;
    for (let tau = 0; tau < Tmax; tau++) {
      for (let r = 0; r < sp.Mc; r++) {
        const o = xs + (tau * sp.Mc + r) * Z;
        const F = r < n ? frames[r] : 0;
        const start = Tmax - F;
        if (r >= n || tau < start) {
          f32.fill(0, o, o + Z);
          continue;
        }
        for (let e = 0; e < K; e++) {
          const hs = (cx.base + sp.dirs0[e].hs) >>> 2;
          const src = hs + (stepOf(d, e, tau, start, F) + 1) * slab + r * sp.Hp; // slab j + 1: the state after step j
          for (let i = 0; i < H; i++) f32[o + e * H + i] = f32[src + i];
        }
      }
    }
  }
}

/**
 * The first layer's injections: direction e's inj [Tmax][Mc][Hp] at step tau is dL/d(its state there), the sum
 * over the second layer's directions d (in order) of their input gradient's part e at the step reading the same
 * frame; zeros before a row starts and in the padding.
 */
function injections(cx: FastContext, Tmax: number): void {
  const { f32, sp, frames } = cx;
  const { H } = cx.shape;
  const K = sp.dirs.length;
  const Z = K * H;
  const { Mc } = sp;
  const starts = (cx.base + sp.starts) >>> 2;
  for (let e = 0; e < K; e++) {
    const inj = (cx.base + sp.dirs0[e].inj) >>> 2;
    f32.fill(0, inj, inj + Tmax * Mc * sp.Hp);
    for (let tau = 0; tau < Tmax; tau++) {
      for (let r = 0; r < Mc; r++) {
        const start = cx.i32[starts + r]; // NEVER for a row no sequence fills
        if (tau < start) continue;
        const F = frames[r];
        const o = inj + (tau * Mc + r) * sp.Hp;
        for (let d = 0; d < K; d++) {
          const du = ((cx.base + sp.dirs[d].du) >>> 2) + (stepOf(e, d, tau, start, F) * Mc + r) * Z + e * H;
          for (let i = 0; i < H; i++) f32[o + i] += f32[du + i];
        }
      }
    }
  }
}

/**
 * Softmax of logits = W_hy z + b_y for row r into cx.p (the reference's readoutSoftmax, in float64, then p
 * rounded to float32 as the reference's float32 workspace holds it); cx.z = [z_fwd; z_rev], each read from the
 * direction's state in slab `last` (last), its running sum / F (mean) or its running maximum (max). Returns
 * log p[label] (0 when label < 0).
 */
export function head(cx: FastContext, readout: Readout, r: number, F: number, last: number, label: number): number {
  const { H, C } = cx.shape;
  const { f32, sp, z, p } = cx;
  const slab = sp.Mc * sp.Hp;
  for (let d = 0; d < sp.dirs.length; d++) {
    const dp = sp.dirs[d];
    const src = readout === 'last' ? ((cx.base + dp.hs) >>> 2) + last * slab + r * sp.Hp : ((cx.base + dp.hsum) >>> 2) + r * sp.Hp;
    for (let i = 0; i < H; i++) z[d * H + i] = readout === 'mean' ? Math.fround(f32[src + i] / F) : f32[src + i];
  }
  const logp = readoutSoftmax(p, cx.params, z.length, C, z, label);
  for (let c = 0; c < C; c++) p[c] = Math.fround(p[c]);
  return logp;
}

/**
 * The fast chunkGradient: writes (not adds) into the slot at byte offset `slot` the sum over the sequences
 * order[from..to) of weight(label) · d(−log p[label])/dθ at the context's weights. packWeights must have run
 * since they last changed. With `noise`, the inputs are the sequences plus their noise of `epoch` (see
 * src/model/noise.ts), copied into the context's scratch first so that both directions read the same values.
 */
export function fastChunkGradient(
  cx: FastContext, slot: number, readout: Readout, k: number,
  data: Sequences, order: ArrayLike<number>, from: number, to: number, classWeight: Float64Array | null,
  noise: InputNoise | null = null, epoch = 0,
): ChunkStats {
  if (noise !== null) {
    cx.noisy ??= chunkScratch();
    const c = noisyChunk(cx.noisy, data, order, from, to, noise, epoch);
    return fastChunkGradient(cx, slot, readout, k, c.data, c.order, 0, to - from, classWeight);
  }
  const { sp } = cx;
  if (!sp.backward) throw new Error('bug: a gradient over a scratch planned for scoring alone');
  const { n, Tmax } = arrange(cx, data, order, from, to);
  const W = windowLength(Tmax, k);
  if (W > sp.Wc) throw new Error(`bug: scratch holds ${sp.Wc} steps, window needs ${W}`);
  if (topOf(cx) === 1 && W !== Tmax) throw new Error(`bug: a model of two layers trains with full BPTT, got horizon ${k} for ${Tmax} steps`);
  forwardChunk(cx, data, readout, n, Tmax, W, true);
  const stats = readoutGradient(cx, slot, readout, data, n, W, classWeight);
  backwardChunk(cx, slot, readout, Tmax, W);
  return stats;
}

/**
 * The softmax readout of every row: its loss and accuracy into the stats, dW_hy and db_y into the slot, and
 * each direction's dL/dz seeded for backward (into dh for the last readout, dzT = dL/dz / F for the mean, dzT =
 * dL/dz for the max).
 */
function readoutGradient(
  cx: FastContext, slot: number, readout: Readout, data: Sequences, n: number, W: number, classWeight: Float64Array | null,
): ChunkStats {
  const { ex, sp, f32, shape } = cx;
  const { H, C } = shape;
  const l = cx.layout;
  const b = cx.base;
  const Hp = sp.Hp;
  const slab = sp.Mc * Hp;
  const G = slot >>> 2;
  ex.zero(slot + 4 * l.offset.W_hy, 4 * (l.size - l.offset.W_hy)); // W_hy and b_y accumulate here; the rest is written by scatter
  for (const dp of sp.dirs) {
    ex.zero(b + dp.dh, 4 * slab);
    if (readout !== 'last') ex.zero(b + dp.dzT, 4 * slab);
  }
  const seed0 = seedAt(cx, readout, 0);
  const seed1 = sp.dirs.length === 2 ? seedAt(cx, readout, 1) : 0;
  const { z, p } = cx;
  const Z = z.length;
  const W_hy = cx.params.W_hy;
  const stats: ChunkStats = { loss: 0, weight: 0, correct: 0 };
  for (let r = 0; r < n; r++) {
    const seq = cx.rows[r];
    const F = cx.frames[r];
    const label = data.labels[seq];
    const { weight, second } = lossWeights(data, seq, classWeight);
    const logp = head(cx, readout, r, F, W, label);
    stats.loss += -weight * logp + secondLoss(p, second);
    stats.weight += weight + (second === null ? 0 : second.weight);
    if (argmax(p) === label) stats.correct++;
    // dW_hy += dlogits z^T; db_y += dlogits; dz = W_hy^T dlogits, direction d's part at its seed. Each entry
    // sums over c in order; the offsets are hoisted and the directions split, as C·Z terms a row cost most with many classes.
    const [dW, db, dz0, dz1] = [G + l.offset.W_hy, G + l.offset.b_y, seed0 + r * Hp, seed1 - H + r * Hp];
    const Z0 = Math.min(H, Z);
    for (let c = 0; c < C; c++) {
      const g = dlogit(p, c, label, weight, second);
      f32[db + c] += g;
      const o = c * Z;
      for (let j = 0; j < Z0; j++) {
        f32[dW + o + j] += g * z[j];
        f32[dz0 + j] += g * W_hy[o + j];
      }
      for (let j = Z0; j < Z; j++) {
        f32[dW + o + j] += g * z[j];
        f32[dz1 + j] += g * W_hy[o + j];
      }
    }
    if (readout === 'mean') {
      for (let j = 0; j < Z; j++) f32[(j < H ? seed0 + j : seed1 + j - H) + r * Hp] /= F;
    }
  }
  return stats;
}

/** Where direction d's dL/dz goes for backward (f32 index): dh for the last readout, dzT for the mean and max. */
function seedAt(cx: FastContext, readout: Readout, d: number): number {
  const dp = cx.sp.dirs[d];
  return (cx.base + (readout === 'last' ? dp.dh : dp.dzT)) >>> 2;
}

/**
 * Each direction's truncated BPTT over the stored window, scattered into the slot's W_xh, W_hh, b_h, b_hn (or
 * _r); for two layers, the second layer's (keeping its input gradients), then the first's from their injections.
 */
function backwardChunk(cx: FastContext, slot: number, readout: Readout, Tmax: number, W: number): void {
  const { sp } = cx;
  const b = cx.base;
  const top = topOf(cx);
  for (let d = 0; d < sp.dirs.length; d++) {
    const dp = sp.dirs[d];
    const dzT = readout === 'last' ? 0 : b + dp.dzT;
    const amax = readout === 'max' ? b + dp.amax : 0;
    directionBackward(cx, slot, top, d, dp, Tmax, W, dzT, amax, 0, top === 1 ? b + dp.du : 0);
  }
  if (top === 0) return;
  injections(cx, Tmax);
  for (let d = 0; d < sp.dirs0.length; d++) {
    const dp = sp.dirs0[d];
    cx.ex.zero(b + dp.dh, 4 * sp.Mc * sp.Hp);
    directionBackward(cx, slot, 0, d, dp, Tmax, W, 0, 0, b + dp.inj, 0);
  }
}

/** Direction d of layer `layer`: its BPTT (inj and dx as the kernel's backward takes them), scattered into the slot. */
function directionBackward(
  cx: FastContext, slot: number, layer: number, d: number, dp: DirectionPlan, Tmax: number, W: number,
  dzT: number, amax: number, inj: number, dx: number,
): void {
  const { ex, sp, shape } = cx;
  const { H } = shape;
  const D = layerInputs(shape, layer);
  const b = cx.base;
  const Hp = sp.Hp;
  const l = cx.layout;
  const G = gatesOf(shape);
  ex.zero(b + sp.ghh, 4 * G * Hp * Hp);
  ex.zero(b + sp.gxt, 4 * D * G * Hp);
  ex.zero(b + sp.gb, 4 * sp.E * Hp);
  const [wxh, whh, bh, bhn] = RECURRENCE_NAMES[layer][d].map((name) => slot + 4 * l.offset[name]);
  if (cellOf(shape) === 'gru') {
    ex.gruBackward(sp.Mc, D, Hp, b + dp.bwd, b + dp.xs, Tmax - W, W, b + sp.starts, b + dp.hs, b + dp.gates,
      b + dp.dh, dzT, amax, b + sp.da, NB, b + sp.pa, b + sp.pb, b + sp.ghh, b + sp.gxt, b + sp.gb, inj, b + dp.wxt, dx);
    ex.gruScatter(H, D, Hp, b + sp.ghh, b + sp.gxt, b + sp.gb, wxh, whh, bh, bhn);
  } else {
    ex.backward(sp.Mc, D, Hp, b + dp.bwd, b + dp.xs, Tmax - W, W, b + sp.starts, b + dp.hs,
      b + dp.dh, dzT, amax, b + sp.da, NB, b + sp.pa, b + sp.pb, b + sp.ghh, b + sp.gxt, b + sp.gb, inj, b + dp.wxt, dx);
    ex.scatter(H, D, Hp, b + sp.ghh, b + sp.gxt, b + sp.gb, wxh, whh, bh);
  }
}
