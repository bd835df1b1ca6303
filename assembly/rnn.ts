// The fast numeric core, in AssemblyScript compiled to WebAssembly SIMD (128-bit, f32x4): the Elman RNN's
// forward and truncated-BPTT backward for one chunk of sequences at once, so that each step is a
// matrix-matrix product whose weights are reused by every row of the chunk. Owns only arithmetic over
// pointers into one shared linear memory; it allocates nothing, knows no files, no threads and no layout
// beyond what the caller passes. src/engine/fast.ts drives it; src/model/rnn.ts is the reference it is
// tested against. Not here: the softmax readout and loss (tiny, done in JS in float64 as in the reference).
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

// acc + a·b. The relaxed-SIMD build (rnn-fma.wasm) fuses it into one rounding (an FMA instruction on every
// x86-64 with FMA3 and every ARM64: twice the multiply-adds per cycle, and more accurate); the plain build
// rounds the product and the sum. Each build gives the same bits on every thread and every run.
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * C[4·mt rows][N] = init + Σ_{s<S} A(r, s) · B(s, n), with A packed in 4-row tiles: A(r, s) of row 4t + r at
 * A + t·at + 16s + 4r; B(s, n..n+7) at B + (n/8)·bn + 32s (8-column panels); C row r at C + r·lc; N % 8 == 0.
 * init: ACC the values in C (C += …); ZERO nothing (C is only written); PROJECT the input projection
 * bias(n) + Σ_d x(r, d) · wxt(d, n), d in order (bias [N] at bias, x [4·mt][D] at x, wxt [D][N] at wxt).
 * Register tile: 4 rows × 8 columns (8 accumulators). With A packed, every load is at a constant offset from
 * one of two pointers, so the loop is the 16 multiply/adds, 6 loads and 2 increments per s (V8 does not
 * strength-reduce a + r·ar). Each output element is summed in s order, whatever tile it is in, so results do
 * not depend on M or N.
 */
const ACC = 0;
const ZERO = 1;
const PROJECT = 2;

// One function per init mode (and, for the forward step, with tanh applied to the finished tile in registers
// before it is stored): V8 neither unswitches loops nor keeps the eight accumulators in registers across a
// runtime choice between three initializations, and spilled them (the projection cost a W2 step 4 µs of 21).
// Same arithmetic in the same order as one generic function.
function gemmAcc(mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize): void {
  gemmT(ACC, false, mt, N, S, A, at, B, bn, C, lc, 0, 0, 0, 0);
}
function gemmZero(mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize): void {
  gemmT(ZERO, false, mt, N, S, A, at, B, bn, C, lc, 0, 0, 0, 0);
}
function gemmProject(
  act: bool, mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize,
  bias: usize, x: usize, D: i32, wxt: usize,
): void {
  if (act) gemmT(PROJECT, true, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
  else gemmT(PROJECT, false, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
}

@inline function gemmT(
  init: i32, act: bool, mt: i32, N: i32, S: i32,
  A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize,
  bias: usize, x: usize, D: i32, wxt: usize,
): void {
  const xrow = <usize>D << 2;
  for (let t = 0; t < mt; t++) {
    const a0 = A + <usize>t * at;
    const aEnd = a0 + (<usize>S << 4);
    const c0 = C + <usize>(t * 4) * lc;
    const c1 = c0 + lc;
    const c2 = c1 + lc;
    const c3 = c2 + lc;
    for (let n = 0; n < N; n += 8) {
      const cn = <usize>n << 2;
      let x00: v128, x01: v128, x10: v128, x11: v128, x20: v128, x21: v128, x30: v128, x31: v128;
      if (init == ACC) {
        x00 = v128.load(c0 + cn); x01 = v128.load(c0 + cn, 16);
        x10 = v128.load(c1 + cn); x11 = v128.load(c1 + cn, 16);
        x20 = v128.load(c2 + cn); x21 = v128.load(c2 + cn, 16);
        x30 = v128.load(c3 + cn); x31 = v128.load(c3 + cn, 16);
      } else if (init == ZERO) {
        x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = i32x4.splat(0);
      } else {
        x00 = x10 = x20 = x30 = v128.load(bias + cn);
        x01 = x11 = x21 = x31 = v128.load(bias + cn, 16);
        let xr = x + <usize>(t * 4) * xrow;
        let wx = wxt + cn;
        for (let d = 0; d < D; d++) {
          const w0 = v128.load(wx), w1 = v128.load(wx, 16);
          let v = v128.load32_splat(xr);
          x00 = madd(x00, v, w0); x01 = madd(x01, v, w1);
          v = v128.load32_splat(xr + xrow);
          x10 = madd(x10, v, w0); x11 = madd(x11, v, w1);
          v = v128.load32_splat(xr + 2 * xrow);
          x20 = madd(x20, v, w0); x21 = madd(x21, v, w1);
          v = v128.load32_splat(xr + 3 * xrow);
          x30 = madd(x30, v, w0); x31 = madd(x31, v, w1);
          xr += 4;
          wx += <usize>N << 2;
        }
      }
      let b = B + <usize>(n >> 3) * bn;
      for (let a = a0; a < aEnd; a += 16) {
        const b0 = v128.load(b);
        const b1 = v128.load(b, 16);
        let w = v128.load32_splat(a);
        x00 = madd(x00, w, b0); x01 = madd(x01, w, b1);
        w = v128.load32_splat(a, 4);
        x10 = madd(x10, w, b0); x11 = madd(x11, w, b1);
        w = v128.load32_splat(a, 8);
        x20 = madd(x20, w, b0); x21 = madd(x21, w, b1);
        w = v128.load32_splat(a, 12);
        x30 = madd(x30, w, b0); x31 = madd(x31, w, b1);
        b += 32;
      }
      if (act) {
        x00 = tanh4(x00); x01 = tanh4(x01); x10 = tanh4(x10); x11 = tanh4(x11);
        x20 = tanh4(x20); x21 = tanh4(x21); x30 = tanh4(x30); x31 = tanh4(x31);
      }
      v128.store(c0 + cn, x00); v128.store(c0 + cn, x01, 16);
      v128.store(c1 + cn, x10); v128.store(c1 + cn, x11, 16);
      v128.store(c2 + cn, x20); v128.store(c2 + cn, x21, 16);
      v128.store(c3 + cn, x30); v128.store(c3 + cn, x31, 16);
    }
  }
}

/** Packs Mc rows of Hp floats (row r at src + r·row) into 4-row tiles for gemm: dst [Mc/4][Hp][4]. */
function packRows(Mc: i32, Hp: i32, src: usize, dst: usize): void {
  const row = <usize>Hp << 2;
  for (let t = 0; t < Mc; t += 4) {
    const s0 = src + <usize>t * row;
    const s1 = s0 + row;
    const s2 = s1 + row;
    const s3 = s2 + row;
    for (let q: usize = 0; q < row; q += 16) {
      // 4 × 4 transpose: rows r0..r3 of columns q/4 .. q/4+3 → columns of 4 rows
      const r0 = v128.load(s0 + q), r1 = v128.load(s1 + q), r2 = v128.load(s2 + q), r3 = v128.load(s3 + q);
      const l01 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), l23 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
      const h01 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7), h23 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
      const o = dst + (q << 2);
      v128.store(o, v128.shuffle<i32>(l01, l23, 0, 1, 4, 5));
      v128.store(o, v128.shuffle<i32>(l01, l23, 2, 3, 6, 7), 16);
      v128.store(o, v128.shuffle<i32>(h01, h23, 0, 1, 4, 5), 32);
      v128.store(o, v128.shuffle<i32>(h01, h23, 2, 3, 6, 7), 48);
    }
    dst += <usize>Hp << 4;
  }
}

// tanh, float32, within ~2 ulp: an odd minimax polynomial for |x| < 1.25, 1 − 2/(e^{2|x|} + 1) above it
// (e^y = 2^n · e^r, |r| ≤ ln2/2, Taylor to degree 6), ±1 from |x| ≥ 9 on. Within 1.3 ulp in both builds (their
// multiply-adds round differently, so their bits differ).
const T1: f32 = -0.3333333134651184;
const T2: f32 = 0.13333292305469513;
const T3: f32 = -0.05396149307489395;
const T4: f32 = 0.02182125672698021;
const T5: f32 = -0.008689438924193382;
const T6: f32 = 0.0032345838844776154;
const T7: f32 = -0.0010015834122896194;
const T8: f32 = 0.00021330523304641247;
const T9: f32 = -2.2069247279432602e-05;
const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;

// V8 rebuilds every vector constant inside the loop from an immediate (3 instructions each, about 20 of them
// here), so the constants live in a static table and each is one load. f32x4.pmin is one vminps where
// f32x4.min needs NaN fix-ups; rounding to an integer with the 1.5·2^23 shifter gives the same nearest-even k
// as f32x4.nearest and k's bits as an integer, with no float → int conversion. Bit-for-bit the same function.
const SHIFTER: f32 = 12582912.0; // 1.5 · 2^23, bits 0x4B400000
const EXP_BIAS: f32 = reinterpret<f32>(127 - 0x4B400000); // as i32: adds 127 and removes the shifter's bits
const SIGN: f32 = reinterpret<f32>(0x80000000); // the sign bit
// [24][4]: each constant splatted; byte offsets in the comments. Every instantiation writes the same bytes
// (at an address in the reserved first page), then they are only read.
const TANH_K = memory.data<f32>([
  9.0, 9.0, 9.0, 9.0, // 0
  1.0, 1.0, 1.0, 1.0, // 16
  2.0, 2.0, 2.0, 2.0, // 32
  1.25, 1.25, 1.25, 1.25, // 48
  T1, T1, T1, T1, // 64
  T2, T2, T2, T2, // 80
  T3, T3, T3, T3, // 96
  T4, T4, T4, T4, // 112
  T5, T5, T5, T5, // 128
  T6, T6, T6, T6, // 144
  T7, T7, T7, T7, // 160
  T8, T8, T8, T8, // 176
  T9, T9, T9, T9, // 192
  LOG2E, LOG2E, LOG2E, LOG2E, // 208
  LN2_HI, LN2_HI, LN2_HI, LN2_HI, // 224
  LN2_LO, LN2_LO, LN2_LO, LN2_LO, // 240
  SHIFTER, SHIFTER, SHIFTER, SHIFTER, // 256
  <f32>(1.0 / 720.0), <f32>(1.0 / 720.0), <f32>(1.0 / 720.0), <f32>(1.0 / 720.0), // 272
  <f32>(1.0 / 120.0), <f32>(1.0 / 120.0), <f32>(1.0 / 120.0), <f32>(1.0 / 120.0), // 288
  <f32>(1.0 / 24.0), <f32>(1.0 / 24.0), <f32>(1.0 / 24.0), <f32>(1.0 / 24.0), // 304
  <f32>(1.0 / 6.0), <f32>(1.0 / 6.0), <f32>(1.0 / 6.0), <f32>(1.0 / 6.0), // 320
  0.5, 0.5, 0.5, 0.5, // 336
  EXP_BIAS, EXP_BIAS, EXP_BIAS, EXP_BIAS, // 352
  SIGN, SIGN, SIGN, SIGN, // 368
], 16);

/** In place tanh of n floats at p (n % 4 == 0). Exported for the accuracy test. */
export function tanhInPlace(p: usize, n: i32): void {
  const end = p + (<usize>n << 2);
  for (; p < end; p += 16) v128.store(p, tanh4(v128.load(p)));
}

/**
 * tanh of 4 floats. Each branch is computed only when some lane takes it: the test is per vector, and the
 * polynomial reaches up to 1.25 so that most vectors (92–98 % of the pre-activations of the benchmark models,
 * 89 % of a trained CBF model's, against 26–54 % up to 0.625) skip the exponential. Each lane's value depends
 * only on that lane.
 */
@inline function tanh4(x: v128): v128 {
  const small4 = f32x4.lt(f32x4.abs(x), v128.load(TANH_K, 48)); // |x| < 1.25 (false for NaN)
  if (i32x4.all_true(small4)) return tanhSmall(x);
  const big = tanhBig(x);
  if (!v128.any_true(small4)) return big;
  return v128.bitselect(tanhSmall(x), big, small4);
}

/** tanh for small |x|: x + x·u·P(u), u = x², P of degree 8. */
@inline function tanhSmall(x: v128): v128 {
  const K = TANH_K;
  const u = f32x4.mul(x, x);
  let q = madd(v128.load(K, 176), v128.load(K, 192), u);
  q = madd(v128.load(K, 160), q, u);
  q = madd(v128.load(K, 144), q, u);
  q = madd(v128.load(K, 128), q, u);
  q = madd(v128.load(K, 112), q, u);
  q = madd(v128.load(K, 96), q, u);
  q = madd(v128.load(K, 80), q, u);
  q = madd(v128.load(K, 64), q, u);
  q = f32x4.mul(q, u);
  return madd(x, x, q);
}

/** tanh of 4 floats by 1 − 2/(e^{2|x|} + 1), sign restored: the lanes with |x| ≥ 1.25. */
@inline function tanhBig(x: v128): v128 {
  const K = TANH_K;
  {
    const a = f32x4.pmin(f32x4.abs(x), v128.load(K));
    // large |x|: e = exp(2a) = 2^k · e^r, k = nearest(2a · log2 e)
    const y = f32x4.add(a, a);
    const s = madd(v128.load(K, 256), y, v128.load(K, 208)); // k + 1.5·2^23: k in the low bits
    const k = f32x4.sub(s, v128.load(K, 256));
    const r = f32x4.sub(f32x4.sub(y, f32x4.mul(k, v128.load(K, 224))), f32x4.mul(k, v128.load(K, 240)));
    let e = madd(v128.load(K, 288), v128.load(K, 272), r);
    e = madd(v128.load(K, 304), e, r);
    e = madd(v128.load(K, 320), e, r);
    e = madd(v128.load(K, 336), e, r);
    e = madd(v128.load(K, 16), e, r);
    e = madd(v128.load(K, 16), e, r);
    e = f32x4.mul(e, i32x4.shl(i32x4.add(s, v128.load(K, 352)), 23)); // · 2^k
    const big = f32x4.sub(v128.load(K, 16), f32x4.div(v128.load(K, 32), f32x4.add(e, v128.load(K, 16))));
    return v128.or(big, v128.and(x, v128.load(K, 368)));
  }
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

@inline function addRows(dst: usize, src: usize, n: i32): void {
  const end = dst + (<usize>n << 2);
  for (; dst < end; dst += 16, src += 16) v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
}

/**
 * Runs steps tau0 .. tau0+nsteps−1 with inputs xs [nsteps][Mc][D].
 * store = 1: states go to slabs: slab j at hs + j·slab holds the state before step tau0+j (slab 0 is the
 *   input), so slabs 1..nsteps are written.
 * store = 0: the state is carried in slabs 0 and 1 of hs, alternately (no copy per step); it ends in slab 0.
 * hsum ≠ 0: the running sum of every state is added there (mean readout). ap [Mc·Hp] is scratch.
 */
export function forward(
  Mc: i32, D: i32, Hp: i32, fwd: usize, wxt: usize, bias: usize,
  xs: usize, tau0: i32, nsteps: i32, starts: usize, hs: usize, store: i32, hsum: usize, ap: usize,
): void {
  const slab = <usize>(Mc * Hp) << 2;
  const xstep = <usize>(Mc * D) << 2;
  for (let j = 0; j < nsteps; j++) {
    const x = xs + <usize>j * xstep;
    if (store) {
      const next = hs + <usize>(j + 1) * slab;
      step(Mc, D, Hp, fwd, wxt, bias, x, next - slab, next, tau0 + j, starts, ap);
      if (hsum) addRows(hsum, next, Mc * Hp);
    } else {
      const prev = j & 1 ? hs + slab : hs;
      const next = j & 1 ? hs : hs + slab;
      step(Mc, D, Hp, fwd, wxt, bias, x, prev, next, tau0 + j, starts, ap);
      if (hsum) addRows(hsum, next, Mc * Hp);
    }
  }
  if (!store && nsteps & 1) memory.copy(hs, hs + slab, slab);
}

/**
 * Truncated BPTT over the stored window of W steps (absolute steps tau0 .. tau0+W−1), after forward(store=1)
 * left the states in slabs 0..W of hs and the inputs in xs [W][Mc][D]. dh [Mc][Hp] holds dL/dz for the last
 * readout (the gradient into the final state), zeros for the mean readout; dzT [Mc][Hp] (mean readout, else 0)
 * holds dL/dz / T_r, added to every step of the row's window. Accumulates (+=) into ghh [Hp][Hp] (dW_hh),
 * gxt [D][Hp] (dW_xh^T) and gb [Hp] (db_h). da [NB][Mc][Hp], pa and pb [NB·Mc·Hp] are scratch.
 * The state in slab 0 is a constant: no gradient flows into it, but it is h_{t−1} for dW_hh of step tau0.
 */
export function backward(
  Mc: i32, D: i32, Hp: i32, bwd: usize,
  xs: usize, tau0: i32, W: i32, starts: usize, hs: usize,
  dh: usize, dzT: usize, da: usize, NB: i32, pa: usize, pb: usize,
  ghh: usize, gxt: usize, gb: usize,
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
        if (dzT) g = f32x4.add(g, v128.load(dzT + ro + q));
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
 * Zeroes `bytes` bytes at p. The host's TypedArray fill on a SharedArrayBuffer stores element by element (about
 * 9× slower than this bulk fill), so every zeroing of the shared memory comes here.
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
