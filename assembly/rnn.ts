// The fast numeric core, in AssemblyScript compiled to WebAssembly SIMD (128-bit, f32x4): the Elman RNN's
// forward and truncated-BPTT backward for one chunk of sequences at once, so that each step is a
// matrix-matrix product whose weights are reused by every row of the chunk. Owns only arithmetic over
// pointers into one shared linear memory; it allocates nothing, knows no files, no threads and no layout
// beyond what the caller passes. src/engine/fast.ts drives it; src/model/rnn.ts is the reference it is
// tested against. Not here: the softmax readout and loss (tiny, done in JS in float64 as in the reference).
// This file is the module's entry: it also exports the GRU cell (assembly/gru.ts); both build on the SIMD
// building blocks of assembly/simd.ts.
//
// Legend: Mc rows of a chunk (a multiple of 4; row r is a sequence, rows sorted by length, longest first),
// D channels, H hidden units, Hp = H rounded up to 8 (padding columns hold zeros and stay zero), W steps
// in the stored window, a "slab" = [Mc][Hp] floats: one time step of every row.
//
// Time is right-aligned: all rows of a chunk end at the same step, and row r starts at step starts[r]
// (Tmax − T_r). Before its start a row is held at exactly 0, its gradient rows are exactly 0, so it
// contributes exact zeros to every sum: the result equals running each sequence alone.
//
// Pointers and strides are in bytes. Every buffer is 16-byte aligned.

import { TANH_K, addRows, gemmAcc, gemmProject, gemmZero, inputProduct, madd, packRows, readoutGrad, readoutRows, tanh4 } from './simd';

/**
 * acc + a·b through the kernel's multiply-add, in one lane: the loader asks it whether this engine fuses the
 * relaxed build's multiply-add (a CPU without FMA runs it as a product and a sum, the plain build's rounding).
 */
export function maddLane(acc: f32, a: f32, b: f32): f32 {
  return f32x4.extract_lane(madd(f32x4.splat(acc), f32x4.splat(a), f32x4.splat(b)), 0);
}

/** In place tanh of n floats at p (n % 4 == 0). Exported for the accuracy test. */
export function tanhInPlace(p: usize, n: i32): void {
  const end = p + (<usize>n << 2);
  for (; p < end; p += 16) v128.store(p, tanh4(v128.load(p)));
}

/**
 * The 4 × 4 block at src (rows `stride` bytes apart) transposed: dst + 32·kk holds column kk of the block, as
 * 4 consecutive floats (the first half of a fwd panel row).
 */
@inline function transpose4(dst: usize, src: usize, stride: usize): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + stride);
  const r2 = v128.load(src + 2 * stride);
  const r3 = v128.load(src + 3 * stride);
  const a = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const b = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const c = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const d = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(a, b, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(a, b, 2, 3, 6, 7), 32);
  v128.store(dst, v128.shuffle<f32>(c, d, 0, 1, 4, 5), 64);
  v128.store(dst, v128.shuffle<f32>(c, d, 2, 3, 6, 7), 96);
}

/**
 * Packs the weights for one task. From the parameter layout (W_xh [H][D] at wxh, W_hh [H][H] at whh,
 * b_h [H] at bh) into:
 *   fwd  [Hp/8][Hp][8]  panels of W_hh^T: fwd[jb][k][jj] = W_hh[8jb+jj][k]   (h_{t−1} W_hh^T)
 *   bwd  [Hp/8][Hp][8]  panels of W_hh:   bwd[jb][i][jj] = W_hh[i][8jb+jj]   (da W_hh)
 *   wxt  [D][Hp]        W_xh^T
 *   bias [Hp]
 * with zeros in every padding position.
 */
export function pack(H: i32, D: i32, Hp: i32, wxh: usize, whh: usize, bh: usize, fwd: usize, bwd: usize, wxt: usize, bias: usize): void {
  const row = <usize>H << 2;
  for (let jb = 0; jb < Hp; jb += 8) {
    let k = 0;
    // A panel of 8 whole rows, 4 columns k at a time: fwd takes a 8 × 4 block of W_hh transposed (two 4 × 4
    // transposes in registers), bwd 4 rows of 8 contiguous floats. The rest (padding) goes one float at a time.
    if (jb + 8 <= H) {
      const src = whh + (<usize>jb << 2);
      for (; k + 4 <= H; k += 4) {
        const at = whh + (<usize>(jb * H + k) << 2);
        const out = fwd + (<usize>(jb * Hp + k * 8) << 2);
        transpose4(out, at, row);
        transpose4(out + 16, at + 4 * row, row);
        for (let kk = 0; kk < 4; kk++) {
          const from = src + <usize>(k + kk) * row;
          const to = bwd + (<usize>(jb * Hp + (k + kk) * 8) << 2);
          v128.store(to, v128.load(from));
          v128.store(to, v128.load(from, 16), 16);
        }
      }
    }
    for (; k < Hp; k++) {
      for (let jj = 0; jj < 8; jj++) {
        const j = jb + jj;
        const o = (<usize>(jb * Hp + k * 8 + jj)) << 2;
        store<f32>(fwd + o, j < H && k < H ? load<f32>(whh + (<usize>(j * H + k) << 2)) : 0);
        store<f32>(bwd + o, j < H && k < H ? load<f32>(whh + (<usize>(k * H + j) << 2)) : 0);
      }
    }
  }
  for (let d = 0; d < D; d++) {
    for (let j = 0; j < Hp; j++) {
      store<f32>(wxt + (<usize>(d * Hp + j) << 2), j < H ? load<f32>(wxh + (<usize>(j * D + d) << 2)) : 0);
    }
  }
  for (let j = 0; j < Hp; j++) store<f32>(bias + (<usize>j << 2), j < H ? load<f32>(bh + (<usize>j << 2)) : 0);
}

/**
 * One step for all Mc rows: next = tanh(bias + x W_xh^T + prev W_hh^T); rows with tau < starts[r] set to 0.
 * ap [Mc·Hp] is scratch (prev packed for gemm).
 */
function step(
  Mc: i32, D: i32, Hp: i32, fwd: usize, wxt: usize, bias: usize,
  x: usize, prev: usize, next: usize, tau: i32, starts: usize, ap: usize,
): void {
  const row = <usize>Hp << 2;
  packRows(Mc, Hp, prev, ap);
  gemmProject(true, Mc >> 2, Hp, Hp, ap, <usize>Hp << 4, fwd, <usize>Hp * 32, next, row, bias, x, D, wxt);
  for (let r = 0; r < Mc; r++) {
    if (tau < load<i32>(starts + (<usize>r << 2))) memory.fill(next + <usize>r * row, 0, row);
  }
}

/**
 * Runs steps tau0 .. tau0+nsteps−1 with inputs xs [nsteps][Mc][D].
 * store = 1: states go to slabs: slab j at hs + j·slab holds the state before step tau0+j (slab 0 is the
 *   input), so slabs 1..nsteps are written.
 * store = 0: the state is carried in slabs 0 and 1 of hs, alternately (no copy per step); it ends in slab 0.
 * hsum ≠ 0: the running sum of every state is added there (mean readout); with amax ≠ 0 hsum is instead the
 * running maximum and amax the step it came from (maxRows: max readout). ap [Mc·Hp] is scratch.
 */
export function forward(
  Mc: i32, D: i32, Hp: i32, fwd: usize, wxt: usize, bias: usize,
  xs: usize, tau0: i32, nsteps: i32, starts: usize, hs: usize, store: i32, hsum: usize, amax: usize, ap: usize,
): void {
  const slab = <usize>(Mc * Hp) << 2;
  const xstep = <usize>(Mc * D) << 2;
  for (let j = 0; j < nsteps; j++) {
    const x = xs + <usize>j * xstep;
    if (store) {
      const next = hs + <usize>(j + 1) * slab;
      step(Mc, D, Hp, fwd, wxt, bias, x, next - slab, next, tau0 + j, starts, ap);
      readoutRows(Mc, Hp, hsum, amax, next, tau0 + j, starts);
    } else {
      const prev = j & 1 ? hs + slab : hs;
      const next = j & 1 ? hs : hs + slab;
      step(Mc, D, Hp, fwd, wxt, bias, x, prev, next, tau0 + j, starts, ap);
      readoutRows(Mc, Hp, hsum, amax, next, tau0 + j, starts);
    }
  }
  if (!store && nsteps & 1) memory.copy(hs, hs + slab, slab);
}

/**
 * Truncated BPTT over the stored window of W steps (absolute steps tau0 .. tau0+W−1), after forward(store=1)
 * left the states in slabs 0..W of hs and the inputs in xs [W][Mc][D]. dh [Mc][Hp] holds dL/dz for the last
 * readout (the gradient into the final state), zeros for the mean and max readouts; dzT [Mc][Hp] (mean readout,
 * else 0) holds dL/dz / T_r, added to every step of the row's window; with amax ≠ 0 (max readout) dzT holds dL/dz,
 * added only where amax (forward's) names the step. Accumulates (+=) into ghh [Hp][Hp] (dW_hh),
 * gxt [D][Hp] (dW_xh^T) and gb [Hp] (db_h). da [NB][Mc][Hp], pa and pb [NB·Mc·Hp] are scratch.
 * The state in slab 0 is a constant: no gradient flows into it, but it is h_{t−1} for dW_hh of step tau0.
 * For two layers: inj ≠ 0 (the first layer) holds [W][Mc][Hp], the gradient the layer above gives each step's
 * state, added like dzT; dx ≠ 0 (the second layer) receives dL/dx [W][Mc][D] = da W_xh (written, not added),
 * with wxt the packed W_xh^T.
 */
export function backward(
  Mc: i32, D: i32, Hp: i32, bwd: usize,
  xs: usize, tau0: i32, W: i32, starts: usize, hs: usize,
  dh: usize, dzT: usize, amax: usize, da: usize, NB: i32, pa: usize, pb: usize,
  ghh: usize, gxt: usize, gb: usize, inj: usize, wxt: usize, dx: usize,
): void {
  const row = <usize>Hp << 2;
  const slab = <usize>Mc * row;
  let hi = W; // the block of steps [lo, hi) whose da rows are in the da buffer
  for (let j = W - 1; j >= 0; j--) {
    const lo = hi - NB > 0 ? hi - NB : 0;
    const daj = da + <usize>(j - lo) * slab;
    const h = hs + <usize>(j + 1) * slab;
    const tau = tau0 + j;
    for (let r = 0; r < Mc; r++) {
      const ro = <usize>r * row;
      if (tau < load<i32>(starts + (<usize>r << 2))) {
        memory.fill(daj + ro, 0, row);
        continue;
      }
      for (let q: usize = 0; q < row; q += 16) {
        let g = v128.load(dh + ro + q);
        if (dzT) g = f32x4.add(g, readoutGrad(dzT, amax, ro + q, tau));
        if (inj) g = f32x4.add(g, v128.load(inj + <usize>j * slab + ro + q));
        const hv = v128.load(h + ro + q);
        // backprop through tanh: da = g ⊙ (1 − h²)
        v128.store(daj + ro + q, f32x4.mul(g, f32x4.sub(v128.load(TANH_K, 16), f32x4.mul(hv, hv)))); // 1.0
      }
    }
    if (j > 0) {
      // dh_{t−1} = da_t W_hh (at j = 0 it would flow into the constant state); da_t packed into pa first
      packRows(Mc, Hp, daj, pa);
      gemmZero(Mc >> 2, Hp, Hp, pa, <usize>Hp << 4, bwd, <usize>Hp * 32, dh, row);
    }
    if (j == lo) {
      // The block is complete: weight gradients as one product over its (step, row) pairs.
      const S = (hi - lo) * Mc;
      const h0 = hs + <usize>lo * slab; // h_{t−1} of the block's first step
      // Packed copies (O(S·Hp), against the product's O(S·Hp²)) so that both operands stream contiguously:
      // pa [Hp/4][S][4] = da^T in 4-row tiles, pb [Hp/8][S][8] = the states in 8-column panels. Same sum order.
      for (let s = 0; s < S; s++) {
        const ds = da + <usize>s * row;
        const hsr = h0 + <usize>s * row;
        const so = <usize>s << 4;
        for (let q: usize = 0; q < row; q += 16) {
          v128.store(pa + <usize>S * q + so, v128.load(ds + q));
          v128.store(pb + <usize>S * (q & ~31) + (so << 1) + (q & 16), v128.load(hsr + q));
        }
      }
      gemmAcc(Hp >> 2, Hp, S, pa, <usize>S << 4, pb, <usize>S << 5, ghh, row);
      if (dx) inputProduct(S, D, Hp, da, row, wxt, row, dx + (<usize>(lo * Mc * D) << 2), false);
      const x0 = xs + (<usize>(lo * Mc * D) << 2);
      for (let s = 0; s < S; s++) {
        const ds = da + <usize>s * row;
        addRows(gb, ds, Hp);
        for (let d = 0; d < D; d++) {
          const xv = v128.load32_splat(x0 + (<usize>(s * D + d) << 2));
          const g = gxt + <usize>d * row;
          for (let q: usize = 0; q < row; q += 16) v128.store(g + q, madd(v128.load(g + q), xv, v128.load(ds + q)));
        }
      }
      hi = lo;
    }
  }
}

/**
 * Zeroes `bytes` bytes at p. The host's TypedArray fill on a SharedArrayBuffer stores element by element (many
 * times slower than this bulk fill), so every zeroing of the shared memory comes here.
 */
export function zero(p: usize, bytes: usize): void {
  memory.fill(p, 0, bytes);
}

/**
 * acc [n] (f64) += slot [n] (f32), each float widened exactly: the coordinator's fixed-order sum of the chunk
 * gradients, the same bits as the same sum in JavaScript doubles. acc and slot 16-byte aligned.
 */
export function accumulate(acc: usize, slot: usize, n: i32): void {
  const end = slot + (<usize>(n & ~3) << 2);
  for (; slot < end; slot += 16, acc += 32) {
    const v = v128.load(slot);
    v128.store(acc, f64x2.add(v128.load(acc), f64x2.promote_low_f32x4(v)));
    v128.store(acc, f64x2.add(v128.load(acc, 16), f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1))), 16);
  }
  for (let i = 0; i < (n & 3); i++) {
    store<f64>(acc + (<usize>i << 3), load<f64>(acc + (<usize>i << 3)) + <f64>load<f32>(slot + (<usize>i << 2)));
  }
}

/** Writes the padded accumulators into a gradient slot in the parameter layout (W_xh, W_hh, b_h parts). */
export function scatter(H: i32, D: i32, Hp: i32, ghh: usize, gxt: usize, gb: usize, wxh: usize, whh: usize, bh: usize): void {
  for (let i = 0; i < H; i++) {
    for (let d = 0; d < D; d++) store<f32>(wxh + (<usize>(i * D + d) << 2), load<f32>(gxt + (<usize>(d * Hp + i) << 2)));
    memory.copy(whh + (<usize>(i * H) << 2), ghh + (<usize>(i * Hp) << 2), <usize>H << 2);
  }
  memory.copy(bh, gb, <usize>H << 2);
}

export { scaleInPlace, sumSquares, optimizerUpdate } from './update';
export { gruPack, gruForward, gruBackward, gruScatter } from './gru';
export { setBlock } from './simd';
