// The SIMD building blocks the recurrent cells share (assembly/rnn.ts the tanh cell, assembly/gru.ts the GRU):
// the fused-or-not multiply-add, the register-tiled gemm over packed operands, the row packing that feeds it,
// tanh of 4 floats, and a vector add of rows. Pure arithmetic over pointers into the shared linear memory.
//
// Pointers and strides are in bytes. Every buffer is 16-byte aligned.

// acc + a·b. The relaxed-SIMD build (rnn-fma.wasm) fuses it into one rounding (an FMA instruction on every
// x86-64 with FMA3 and every ARM64: twice the multiply-adds per cycle, and more accurate); the plain build
// rounds the product and the sum. Each build gives the same bits on every thread and every run.
@inline export function madd(acc: v128, a: v128, b: v128): v128 {
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

// The forward product's recurrent part over a block-diagonal W_hh (an ensemble's: members side by side, each
// unit reading its own member's state only): with BLOCK = b > 0 the output columns of unit i read only the
// states of its block, s in [i − i mod b, that + b), skipping the products with the zeros elsewhere. Every other
// term is added in the same order as the full sum, and adding 0·h changes no sum, so the bits are the full
// product's. 0: the full product. Set per instance (setBlock) by the scoring path only; training never sets it.
let BLOCK: i32 = 0;

/** The block size of W_hh's diagonal blocks for the forward products (0: dense); see BLOCK. */
export function setBlock(b: i32): void {
  BLOCK = b;
}

// One function per init mode (and, for the forward step, with tanh applied to the finished tile in registers
// before it is stored): V8 neither unswitches loops nor keeps the eight accumulators in registers across a
// runtime choice between three initializations, and spills them.
// Same arithmetic in the same order as one generic function.
export function gemmAcc(mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize): void {
  gemmT(ACC, false, false, mt, N, S, A, at, B, bn, C, lc, 0, 0, 0, 0);
}
export function gemmZero(mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize): void {
  gemmT(ZERO, false, false, mt, N, S, A, at, B, bn, C, lc, 0, 0, 0, 0);
}
export function gemmProject(
  act: bool, mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize,
  bias: usize, x: usize, D: i32, wxt: usize,
): void {
  if (BLOCK > 0) {
    if (act) gemmT(PROJECT, true, true, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
    else gemmT(PROJECT, false, true, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
  } else if (act) gemmT(PROJECT, true, false, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
  else gemmT(PROJECT, false, false, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
}
/**
 * The projection without an activation (the GRU's pre-activations): its own function, so that gemmProject's
 * one caller, the tanh step, keeps a body specialized to act = true.
 */
export function gemmLinear(
  mt: i32, N: i32, S: i32, A: usize, at: usize, B: usize, bn: usize, C: usize, lc: usize,
  bias: usize, x: usize, D: i32, wxt: usize,
): void {
  if (BLOCK > 0) gemmT(PROJECT, false, true, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
  else gemmT(PROJECT, false, false, mt, N, S, A, at, B, bn, C, lc, bias, x, D, wxt);
}

@inline function gemmT(
  init: i32, act: bool, blocked: bool, mt: i32, N: i32, S: i32,
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
      let from = a0;
      let to = aEnd;
      if (blocked && S > 0) {
        const i = n % S; // the unit of the tile's 8 columns (in any gate block)
        const lo = i - i % BLOCK;
        from = a0 + (<usize>lo << 4);
        to = from + (<usize>BLOCK << 4);
        b += <usize>lo << 5;
      }
      for (let a = from; a < to; a += 16) {
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
export function packRows(Mc: i32, Hp: i32, src: usize, dst: usize): void {
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
// (e^y = 2^n · e^r, |r| ≤ ln2/2, Taylor to degree 6), |x| taken as at most 10 (2^n stays a normal float). Within
// 1.3 ulp in both builds (their multiply-adds round differently, so their bits differ), and ±1 where float32's
// tanh is (|x| > 9.01), so that the gradient through a saturated unit, 1 − h², is 0 there as in the reference
// (at 0.99999994 it is 1.2e-7, which inputs of any size multiply).
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
export const TANH_K = memory.data<f32>([
  10.0, 10.0, 10.0, 10.0, // 0
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

/**
 * tanh of 4 floats. Each branch is computed only when some lane takes it: the test is per vector, and the
 * polynomial reaches up to 1.25 so that most vectors of a trained model's pre-activations skip the exponential
 * (docs/performance.md). Each lane's value depends only on that lane.
 */
@inline export function tanh4(x: v128): v128 {
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
 * The max readout's running maximum over time: for each row r with tau ≥ starts[r] (a row not yet started holds
 * padding zeros, no state), hmax [Mc][Hp] = max(hmax, h) per unit and amax [Mc][Hp] (i32) = tau where h is strictly
 * greater, so on ties the earliest step keeps it.
 */
export function maxRows(hmax: usize, amax: usize, h: usize, Mc: i32, Hp: i32, tau: i32, starts: usize): void {
  const row = <usize>Hp << 2;
  const t = i32x4.splat(tau);
  for (let r = 0; r < Mc; r++) {
    if (tau < load<i32>(starts + (<usize>r << 2))) continue;
    const ro = <usize>r * row;
    for (let q: usize = 0; q < row; q += 16) {
      const v = v128.load(h + ro + q);
      const m = v128.load(hmax + ro + q);
      const gt = f32x4.gt(v, m);
      v128.store(hmax + ro + q, v128.bitselect(v, m, gt));
      v128.store(amax + ro + q, v128.bitselect(t, v128.load(amax + ro + q), gt));
    }
  }
}

/** The readout's running statistic after step tau's states h: the mean's sum, the max's maximum, or nothing. */
export function readoutRows(Mc: i32, Hp: i32, hsum: usize, amax: usize, h: usize, tau: i32, starts: usize): void {
  if (amax) maxRows(hsum, amax, h, Mc, Hp, tau, starts);
  else if (hsum) addRows(hsum, h, Mc * Hp);
}

/**
 * The readout's gradient into step tau's states, 16 bytes at o of a row: dzT (mean: dL/dz / T) or, with amax
 * (max readout), dL/dz where the row's maximum came from step tau and 0 elsewhere.
 */
@inline export function readoutGrad(dzT: usize, amax: usize, o: usize, tau: i32): v128 {
  const g = v128.load(dzT + o);
  return amax ? v128.and(g, i32x4.eq(v128.load(amax + o), i32x4.splat(tau))) : g;
}

/**
 * dx [S][D] (+= when add, else =) the products of S rows of a with D rows of w over n columns:
 *   dx[s][e] (+)= Σ_{c<n} a[s][c] · w[e][c]
 * a row s at a + s·as, w row e at w + e·ws (byte strides), n a multiple of 4, S even (a block's rows are whole
 * chunks of a multiple of 4): the gradient of a layer's inputs, dL/dx = da W_xh, with w = W_xh^T as packed (wxt).
 * Four partial sums per lane, added lane 0 to 3. Two rows of a by four of w at a time: eight independent sums
 * that share their loads, each with the arithmetic of a lone one (the last D mod 4 rows of w one at a time).
 */
export function inputProduct(S: i32, D: i32, n: i32, a: usize, as: usize, w: usize, ws: usize, dx: usize, add: bool): void {
  const end = <usize>n << 2;
  for (let s = 0; s < S; s += 2) {
    const a0 = a + <usize>s * as;
    const a1 = a0 + as;
    const o0 = dx + (<usize>(s * D) << 2);
    const o1 = o0 + (<usize>D << 2);
    let e = 0;
    for (; e + 4 <= D; e += 4) {
      const w0 = w + <usize>e * ws;
      const w1 = w0 + ws;
      const w2 = w1 + ws;
      const w3 = w2 + ws;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
      for (let q: usize = 0; q < end; q += 16) {
        const x0 = v128.load(a0 + q);
        const x1 = v128.load(a1 + q);
        const v0 = v128.load(w0 + q);
        const v1 = v128.load(w1 + q);
        const v2 = v128.load(w2 + q);
        const v3 = v128.load(w3 + q);
        c00 = madd(c00, x0, v0); c01 = madd(c01, x0, v1); c02 = madd(c02, x0, v2); c03 = madd(c03, x0, v3);
        c10 = madd(c10, x1, v0); c11 = madd(c11, x1, v1); c12 = madd(c12, x1, v2); c13 = madd(c13, x1, v3);
      }
      const e4 = <usize>e << 2;
      putSum(o0 + e4, c00, add); putSum(o0 + e4 + 4, c01, add); putSum(o0 + e4 + 8, c02, add); putSum(o0 + e4 + 12, c03, add);
      putSum(o1 + e4, c10, add); putSum(o1 + e4 + 4, c11, add); putSum(o1 + e4 + 8, c12, add); putSum(o1 + e4 + 12, c13, add);
    }
    for (; e < D; e++) {
      const wr = w + <usize>e * ws;
      putSum(o0 + (<usize>e << 2), dot(a0, wr, end), add);
      putSum(o1 + (<usize>e << 2), dot(a1, wr, end), add);
    }
  }
}

/** Four lanes of partial sums of the products of rows x and y (end bytes long). */
@inline function dot(x: usize, y: usize, end: usize): v128 {
  let acc = f32x4.splat(0);
  for (let q: usize = 0; q < end; q += 16) acc = madd(acc, v128.load(x + q), v128.load(y + q));
  return acc;
}

/** *o (+)= acc's lanes added 0 to 3. */
@inline function putSum(o: usize, acc: v128, add: bool): void {
  const sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  store<f32>(o, add ? load<f32>(o) + sum : sum);
}

@inline export function addRows(dst: usize, src: usize, n: i32): void {
  const end = dst + (<usize>n << 2);
  for (; dst < end; dst += 16, src += 16) v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
}

