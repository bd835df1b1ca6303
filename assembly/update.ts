// The serial part of a training step on the coordinator, in WebAssembly: averaging the summed gradient, its
// norm, and the optimizer update with clipping and weight decay folded in, all over arrays in the engine's
// shared memory. Each function is the same arithmetic in the same order as its reference in
// src/model/optimizer.ts (plain float64 multiplies and adds, never fused; float32 stores rounded once), so the
// bits are the reference's; two lanes at a time, which is what makes it several times faster than the
// JavaScript loops (tested bit for bit against them).
//
// Pointers are byte offsets; f64 arrays 16-byte aligned, f32 arrays 8-byte aligned.

/** a[i] ← a[i] · s for n floats (f64). */
export function scaleInPlace(a: usize, n: i32, s: f64): void {
  const sv = f64x2.splat(s);
  const end = a + (<usize>(n & ~1) << 3);
  for (; a < end; a += 16) v128.store(a, f64x2.mul(v128.load(a), sv));
  if (n & 1) store<f64>(a, load<f64>(a) * s);
}

/**
 * Σ a[i]² (f64) as four interleaved partial sums, s_j over i ≡ j (mod 4), combined as (s0 + s1) + (s2 + s3):
 * four independent chains instead of one, in the reference's order.
 */
export function sumSquares(a: usize, n: i32): f64 {
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  const end = a + (<usize>(n & ~3) << 3);
  for (; a < end; a += 32) {
    const x = v128.load(a);
    const y = v128.load(a, 16);
    s01 = f64x2.add(s01, f64x2.mul(x, x));
    s23 = f64x2.add(s23, f64x2.mul(y, y));
  }
  const r = n & 3;
  if (r > 0) {
    const x = load<f64>(a);
    s01 = f64x2.replace_lane(s01, 0, f64x2.extract_lane(s01, 0) + x * x);
  }
  if (r > 1) {
    const x = load<f64>(a, 8);
    s01 = f64x2.replace_lane(s01, 1, f64x2.extract_lane(s01, 1) + x * x);
  }
  if (r > 2) {
    const x = load<f64>(a, 16);
    s23 = f64x2.replace_lane(s23, 0, f64x2.extract_lane(s23, 0) + x * x);
  }
  return (f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1)) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
}

const SGD = 0;
const MOMENTUM = 1;
const ADAM = 2;

/** Two f32 at p widened to f64 lanes. */
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two f64 lanes rounded to f32 and stored at p. */
@inline function store2(p: usize, x: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(x), 0);
}

/** x rounded to float32 and back: Math.fround. */
@inline function round2(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

/**
 * One optimizer update of n weights p (f32) from gradient g (f64), each g[i] first multiplied by gs (the
 * clipping factor, 1 without clipping), after decoupled decay p ← p · keep (keep = 1 − lr·λ; 1: none):
 *   SGD       p ← p − lr g
 *   MOMENTUM  m ← c1 m + g;  p ← p − lr m                                   (c1 = μ)
 *   ADAM      m ← c1 m + c2 g;  v ← c3 v + c4 g g;  p ← p − a m / (√v · b + eps)
 * m and v f32. Returns 1 when every updated weight is finite, else 0.
 */
export function optimizerUpdate(
  kind: i32, p: usize, g: usize, m: usize, v: usize, n: i32, gs: f64, keep: f64, lr: f64,
  c1: f64, c2: f64, c3: f64, c4: f64, a: f64, b: f64, eps: f64,
): i32 {
  const GS = f64x2.splat(gs);
  const KEEP = f64x2.splat(keep);
  const LR = f64x2.splat(lr);
  const C1 = f64x2.splat(c1);
  const C2 = f64x2.splat(c2);
  const C3 = f64x2.splat(c3);
  const C4 = f64x2.splat(c4);
  const A = f64x2.splat(a);
  const B = f64x2.splat(b);
  const EPS = f64x2.splat(eps);
  const decay = keep != 1;
  // x · 0 is 0 for a finite x and NaN otherwise: the sum of them stays 0 exactly when all are finite.
  let check = f64x2.splat(0);
  const pairs = n >> 1;
  for (let i = 0; i < pairs; i++) {
    const pi = p + (<usize>i << 3);
    const gi = g + (<usize>i << 4);
    let w = load2(pi);
    if (decay) w = round2(f64x2.mul(w, KEEP));
    const x = f64x2.mul(v128.load(gi), GS);
    if (kind == SGD) {
      w = f64x2.sub(w, f64x2.mul(LR, x));
    } else if (kind == MOMENTUM) {
      const mi = m + (<usize>i << 3);
      const u = round2(f64x2.add(f64x2.mul(C1, load2(mi)), x));
      store2(mi, u);
      w = f64x2.sub(w, f64x2.mul(LR, u));
    } else {
      const mi = m + (<usize>i << 3);
      const vi = v + (<usize>i << 3);
      const mm = round2(f64x2.add(f64x2.mul(C1, load2(mi)), f64x2.mul(C2, x)));
      const vv = round2(f64x2.add(f64x2.mul(C3, load2(vi)), f64x2.mul(f64x2.mul(C4, x), x)));
      store2(mi, mm);
      store2(vi, vv);
      w = f64x2.sub(w, f64x2.div(f64x2.mul(A, mm), f64x2.add(f64x2.mul(f64x2.sqrt(vv), B), EPS)));
    }
    store2(pi, w);
    check = f64x2.add(check, f64x2.mul(round2(w), f64x2.splat(0)));
  }
  let ok = f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1) == 0;
  if (n & 1) {
    const o = <usize>(n - 1);
    const pi = p + (o << 2);
    let w = <f64>load<f32>(pi);
    if (decay) w = <f64><f32>(w * keep);
    const x = load<f64>(g + (o << 3)) * gs;
    if (kind == SGD) {
      w = w - lr * x;
    } else if (kind == MOMENTUM) {
      const u = <f64><f32>(c1 * <f64>load<f32>(m + (o << 2)) + x);
      store<f32>(m + (o << 2), <f32>u);
      w = w - lr * u;
    } else {
      const mm = <f64><f32>(c1 * <f64>load<f32>(m + (o << 2)) + c2 * x);
      const vv = <f64><f32>(c3 * <f64>load<f32>(v + (o << 2)) + c4 * x * x);
      store<f32>(m + (o << 2), <f32>mm);
      store<f32>(v + (o << 2), <f32>vv);
      w = w - (a * mm) / (Math.sqrt(vv) * b + eps);
    }
    const wf = <f32>w;
    store<f32>(pi, wf);
    ok = ok && <f64>wf * 0 == 0;
  }
  return ok ? 1 : 0;
}
