// The GRU cell in the fast kernel: PyTorch's nn.GRU forward and truncated-BPTT backward for one chunk of
// sequences at once, each step batched over the chunk's rows as matrix-matrix products, like the tanh cell of
// assembly/rnn.ts (same chunk, same right-aligned time, same streamed prefix and stored window; fast.ts drives
// both). src/model/gru.ts is the reference it is tested against.
//
// Legend as in assembly/rnn.ts (Mc rows, D inputs per step, H hidden, Hp = H rounded up to 8, a slab = [Mc][Hp]),
// and: gate g of unit i is column (or row) g·Hp + i of the padded gate blocks, g = 0 r, 1 z, 2 hn or n.
//   r  = σ(W_ir x + W_hr h + b_r)          z = σ(W_iz x + W_hz h + b_z)
//   hn = W_hn h + b_hn                     n = tanh(W_in x + b_in + r ⊙ hn)
//   h' = n + z ⊙ (h − n)
// Per step, one product gives [a_r | a_z | hn] = [b_r | b_z | b_hn] + x [W_ir | W_iz | 0]^T + h W_hh^T over 3Hp
// columns, a second the input part of n, a_n = b_in + x W_in^T; then one elementwise pass. σ(a) = ½ + ½·tanh(a/2)
// reuses the tested tanh.
//
// A step's gate buffer is [Mc][4Hp]: blocks r, z, hn, n (the forward leaves them there for backward, which so
// recomputes nothing). Packed weights, per direction (gruPack):
//   fwd  [3Hp/8][Hp][8]  panels of W_hh^T over the 3 gate blocks: fwd[cb][k][jj] = W_hh(8cb + jj, k)
//   bwd  [Hp/8][3Hp][8]  panels of W_hh:                           bwd[jb][s][jj] = W_hh(s, 8jb + jj)
//   wxt  [D][3Hp] then [D][Hp]   [W_ir | W_iz | 0]^T, then W_in^T
//   bias [3Hp] then [Hp]         [b_r | b_z | b_hn], then b_in
// with W_hh(g·Hp + i, k) = W_hh[g·H + i][k] and zeros in every padding position (so padding columns compute
// r = z = ½, hn = n = 0 and the state's padding stays exactly 0).
//
// Rows before their start are held at exactly 0 and their gradient rows are exactly 0, as in the tanh cell: a
// row's first step reads h = 0, so hn = b_hn and its W_hh terms are exact zeros, as the reference's `first`.
//
// Pointers and strides are in bytes. Every buffer is 16-byte aligned.

import { TANH_K, addRows, gemmAcc, gemmLinear, inputProduct, madd, packRows, readoutGrad, readoutRows, tanh4 } from './simd';

/** σ of 4 floats: ½ + ½·tanh(a/2) (TANH_K + 336 holds ½). */
@inline function sigmoid4(a: v128): v128 {
  const half = v128.load(TANH_K, 336);
  return madd(half, half, tanh4(f32x4.mul(half, a)));
}

// Backward sets to 0 every gradient below TINY = 2^-100 in magnitude (flushTiny). Over a long window dL/dh
// decays geometrically, and after a few hundred steps reaches float32's subnormal range, where x86 takes a
// microcode assist on every operation (WebAssembly has no flush-to-zero mode), so a long window's backward would
// cost many times what two half windows cost (docs/performance.md). 2^-100 is far below float32's resolution of any sum those
// values join (the gradients of the later steps of the same row), and a few factors ≥ 2^-24 (the gates' derivatives)
// keep their products out of the subnormals (≥ 2^-126). NaN and ±∞ are kept.
const TINY: f32 = 7.888609052210118e-31; // 2^-100
const GRU_K = memory.data<f32>([TINY, TINY, TINY, TINY], 16);

/** v with the lanes of |v| < 2^-100 set to 0. */
@inline function flushTiny(v: v128): v128 {
  return v128.andnot(v, f32x4.lt(f32x4.abs(v), v128.load(GRU_K)));
}

/**
 * Packs one direction's GRU weights from the parameter layout (W_xh [3H][D] at wxh, W_hh [3H][H] at whh,
 * b_h [3H] at bh, b_hn [H] at bhn) into fwd, bwd, wxt and bias as the header says. Once per task.
 */
export function gruPack(
  H: i32, D: i32, Hp: i32, wxh: usize, whh: usize, bh: usize, bhn: usize, fwd: usize, bwd: usize, wxt: usize, bias: usize,
): void {
  const G3 = 3 * Hp;
  // Padded row c = g·Hp + i of W_hh (W_hh[g·H + i], or zeros) into fwd's column c and bwd's row c.
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < Hp; i++) {
      const c = g * Hp + i;
      const src = whh + (<usize>((g * H + i) * H) << 2);
      const f = fwd + (<usize>((c >> 3) * Hp * 8 + (c & 7)) << 2); // + 32k
      const b = bwd + (<usize>(c * 8) << 2); // + (k >> 3)·3Hp·32 + 4(k & 7)
      for (let k = 0; k < Hp; k++) {
        const w: f32 = i < H && k < H ? load<f32>(src + (<usize>k << 2)) : 0;
        store<f32>(f + (<usize>k << 5), w);
        store<f32>(b + <usize>(k >> 3) * <usize>G3 * 32 + (<usize>(k & 7) << 2), w);
      }
    }
  }
  const wxn = wxt + (<usize>(D * G3) << 2);
  for (let d = 0; d < D; d++) {
    for (let c = 0; c < G3; c++) {
      const g = c / Hp;
      const i = c - g * Hp;
      store<f32>(wxt + (<usize>(d * G3 + c) << 2), g < 2 && i < H ? load<f32>(wxh + (<usize>((g * H + i) * D + d) << 2)) : 0);
    }
    for (let i = 0; i < Hp; i++) {
      store<f32>(wxn + (<usize>(d * Hp + i) << 2), i < H ? load<f32>(wxh + (<usize>((2 * H + i) * D + d) << 2)) : 0);
    }
  }
  for (let i = 0; i < Hp; i++) {
    const o = <usize>i << 2;
    const on = i < H;
    store<f32>(bias + o, on ? load<f32>(bh + o) : 0); // b_r
    store<f32>(bias + (<usize>Hp << 2) + o, on ? load<f32>(bh + (<usize>H << 2) + o) : 0); // b_z
    store<f32>(bias + (<usize>(2 * Hp) << 2) + o, on ? load<f32>(bhn + o) : 0); // b_hn
    store<f32>(bias + (<usize>(3 * Hp) << 2) + o, on ? load<f32>(bh + (<usize>(2 * H) << 2) + o) : 0); // b_in
  }
}

/**
 * The elementwise part of a step, for every row: from gate [Mc][4Hp] = [a_r | a_z | hn | a_n] and prev (h),
 *   r = σ(a_r), z = σ(a_z), n = tanh(a_n + r ⊙ hn), next = n + z ⊙ (h − n),
 * leaving gate = [r | z | hn | n] for backward.
 */
function gruCell(Mc: i32, Hp: i32, prev: usize, gate: usize, next: usize): void {
  const row = <usize>Hp << 2;
  const end = <usize>Mc * row;
  for (let ro: usize = 0; ro < end; ro += row) {
    const g = gate + (ro << 2);
    for (let q: usize = 0; q < row; q += 16) {
      const r = sigmoid4(v128.load(g + q));
      const z = sigmoid4(v128.load(g + row + q));
      const hn = v128.load(g + 2 * row + q);
      const n = tanh4(madd(v128.load(g + 3 * row + q), r, hn));
      const h = v128.load(prev + ro + q);
      v128.store(next + ro + q, madd(n, z, f32x4.sub(h, n)));
      v128.store(g + q, r);
      v128.store(g + row + q, z);
      v128.store(g + 3 * row + q, n);
    }
  }
}

/**
 * One GRU step for all Mc rows: next = GRU(x, prev), gates into gate [Mc][4Hp]; rows with tau < starts[r] set
 * to 0. ap [Mc·Hp] is scratch (prev packed for gemm).
 */
function gruStep(
  Mc: i32, D: i32, Hp: i32, fwd: usize, wxt: usize, bias: usize,
  x: usize, prev: usize, next: usize, gate: usize, tau: i32, starts: usize, ap: usize,
): void {
  const row = <usize>Hp << 2;
  const lg = row << 2; // a gate row: 4Hp floats
  packRows(Mc, Hp, prev, ap);
  // [a_r | a_z | hn] = [b_r | b_z | b_hn] + x [W_ir | W_iz | 0]^T + h W_hh^T
  gemmLinear(Mc >> 2, 3 * Hp, Hp, ap, <usize>Hp << 4, fwd, <usize>Hp * 32, gate, lg, bias, x, D, wxt);
  // a_n = b_in + x W_in^T (no recurrent part: S = 0)
  gemmLinear(Mc >> 2, Hp, 0, ap, 0, fwd, 0, gate + 3 * row, lg, bias + 3 * row, x, D, wxt + <usize>(3 * D) * row);
  gruCell(Mc, Hp, prev, gate, next);
  for (let r = 0; r < Mc; r++) {
    if (tau < load<i32>(starts + (<usize>r << 2))) memory.fill(next + <usize>r * row, 0, row);
  }
}

/**
 * Runs GRU steps tau0 .. tau0+nsteps−1 with inputs xs [nsteps][Mc][D], as forward() in assembly/rnn.ts:
 * store = 1: slab j + 1 of hs gets the state after step tau0 + j (slab 0 is the input) and gates + j·[Mc][4Hp]
 *   that step's gates;
 * store = 2: the states as with 1, the gates as with 0 (scoring a model of two layers: no backward reads them);
 * store = 0: the state ping-pongs between slabs 0 and 1 of hs and ends in slab 0; the gates go to gates' first
 *   [Mc][4Hp].
 * hsum and amax as for forward() (the mean or max readout's running statistic). ap [Mc·Hp] is scratch.
 */
export function gruForward(
  Mc: i32, D: i32, Hp: i32, fwd: usize, wxt: usize, bias: usize,
  xs: usize, tau0: i32, nsteps: i32, starts: usize, hs: usize, gates: usize, store: i32, hsum: usize, amax: usize, ap: usize,
): void {
  const slab = <usize>(Mc * Hp) << 2;
  const gslab = slab << 2;
  const xstep = <usize>(Mc * D) << 2;
  for (let j = 0; j < nsteps; j++) {
    const x = xs + <usize>j * xstep;
    const prev = store ? hs + <usize>j * slab : j & 1 ? hs + slab : hs;
    const next = store ? prev + slab : j & 1 ? hs : hs + slab;
    gruStep(Mc, D, Hp, fwd, wxt, bias, x, prev, next, store == 1 ? gates + <usize>j * gslab : gates, tau0 + j, starts, ap);
    readoutRows(Mc, Hp, hsum, amax, next, tau0 + j, starts);
  }
  if (!store && nsteps & 1) memory.copy(hs, hs + slab, slab);
}

/**
 * The elementwise backward of one step for every row: from g = dh (+ dzT) = dL/dh', the step's gates
 * [r | z | hn | n] and h (its h_{t−1}),
 *   dn = g ⊙ (1 − z), da_n = dn ⊙ (1 − n²), da_r = da_n ⊙ hn ⊙ r(1 − r), da_z = g ⊙ (h − n) ⊙ z(1 − z),
 *   dhn = da_n ⊙ r,
 * into d3 [Mc][3Hp] = [da_r | da_z | dhn] (what multiplies W_hh) and dn [Mc][Hp] = da_n, and dh ← g ⊙ z (the
 * direct part of dL/dh). Rows with tau < starts[r] get exact zeros in all three. g and what goes to d3 and dn are
 * flushed (flushTiny). inj ≠ 0: this step's gradient from the layer above [Mc][Hp], added to g after dzT's.
 */
function gruCellBackward(
  Mc: i32, Hp: i32, tau: i32, starts: usize, h: usize, gate: usize, dh: usize, dzT: usize, amax: usize, d3: usize, dn: usize,
  inj: usize,
): void {
  const row = <usize>Hp << 2;
  const one = v128.load(TANH_K, 16);
  for (let r = 0; r < Mc; r++) {
    const ro = <usize>r * row;
    const g4 = gate + (ro << 2);
    const d3r = d3 + ro * 3;
    if (tau < load<i32>(starts + (<usize>r << 2))) {
      memory.fill(d3r, 0, 3 * row);
      memory.fill(dn + ro, 0, row);
      memory.fill(dh + ro, 0, row);
      continue;
    }
    for (let q: usize = 0; q < row; q += 16) {
      let g = v128.load(dh + ro + q);
      if (dzT) g = f32x4.add(g, readoutGrad(dzT, amax, ro + q, tau));
      if (inj) g = f32x4.add(g, v128.load(inj + ro + q));
      g = flushTiny(g);
      const rv = v128.load(g4 + q);
      const z = v128.load(g4 + row + q);
      const hn = v128.load(g4 + 2 * row + q);
      const n = v128.load(g4 + 3 * row + q);
      const hv = v128.load(h + ro + q);
      const dan = flushTiny(f32x4.mul(f32x4.mul(g, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n))));
      v128.store(d3r + q, flushTiny(f32x4.mul(f32x4.mul(dan, hn), f32x4.mul(rv, f32x4.sub(one, rv)))));
      v128.store(d3r + row + q, flushTiny(f32x4.mul(f32x4.mul(g, f32x4.sub(hv, n)), f32x4.mul(z, f32x4.sub(one, z)))));
      v128.store(d3r + 2 * row + q, flushTiny(f32x4.mul(dan, rv)));
      v128.store(dn + ro + q, dan);
      v128.store(dh + ro + q, f32x4.mul(g, z));
    }
  }
}

/**
 * The weight gradients of a block of S (step, row) pairs as products over the pairs:
 *   dW_hh [3Hp][Hp] += d3^T h_{t−1}               (rows r, z from da_r, da_z; row n from dhn)
 *   dW_xh^T [D][3Hp] += x^T [da_r | da_z | da_n],  db_h [3Hp] += Σ [da_r | da_z | da_n],  db_hn [Hp] += Σ dhn
 * d3 [S][3Hp], dn [S][Hp], h0 [S][Hp] (the block's h_{t−1}), x0 [S][D]. gb is [3Hp] followed by db_hn [Hp].
 * pa [3Hp/4][S][4] and pb [Hp/8][S][8] are scratch: packed copies so both operands stream contiguously.
 */
function gruBlockGradient(
  S: i32, D: i32, Hp: i32, d3: usize, dn: usize, h0: usize, x0: usize, pa: usize, pb: usize,
  ghh: usize, gxt: usize, gb: usize,
): void {
  const row = <usize>Hp << 2;
  const row3 = row * 3;
  for (let s = 0; s < S; s++) {
    const ds = d3 + <usize>s * row3;
    const hsr = h0 + <usize>s * row;
    const so = <usize>s << 4;
    for (let q: usize = 0; q < row3; q += 16) v128.store(pa + <usize>S * q + so, v128.load(ds + q));
    for (let q: usize = 0; q < row; q += 16) v128.store(pb + <usize>S * (q & ~31) + (so << 1) + (q & 16), v128.load(hsr + q));
  }
  gemmAcc((3 * Hp) >> 2, Hp, S, pa, <usize>S << 4, pb, <usize>S << 5, ghh, row);
  const gxrow = row3; // a row of gxt: 3Hp floats
  for (let s = 0; s < S; s++) {
    const ds = d3 + <usize>s * row3;
    const dns = dn + <usize>s * row;
    addRows(gb, ds, 2 * Hp); // db_r, db_z
    addRows(gb + 2 * row, dns, Hp); // db_in
    addRows(gb + row3, ds + 2 * row, Hp); // db_hn
    for (let d = 0; d < D; d++) {
      const xv = v128.load32_splat(x0 + (<usize>(s * D + d) << 2));
      const g = gxt + <usize>d * gxrow;
      for (let q: usize = 0; q < 2 * row; q += 16) v128.store(g + q, madd(v128.load(g + q), xv, v128.load(ds + q)));
      const gn = g + 2 * row;
      for (let q: usize = 0; q < row; q += 16) v128.store(gn + q, madd(v128.load(gn + q), xv, v128.load(dns + q)));
    }
  }
}

/**
 * Truncated BPTT of the GRU over the stored window of W steps (absolute steps tau0 .. tau0+W−1), after
 * gruForward(store=1) left the states in slabs 0..W of hs, the gates in gates [W][Mc][4Hp] and the inputs in xs
 * [W][Mc][D]. dh and dzT as for backward() in assembly/rnn.ts. Per step, from the last:
 *   the elementwise backward (gruCellBackward), then dh_{t−1} = g ⊙ z + [da_r | da_z | dhn] W_hh (one product
 *   over 3Hp; at the window's first step it would flow into the constant state, so it is skipped);
 * per block of NB steps, the weight gradients (gruBlockGradient) into ghh [3Hp][Hp], gxt [D][3Hp] and gb
 * [4Hp] (db_h then db_hn), accumulated (+=). da [NB][Mc][3Hp] followed by [NB][Mc][Hp], pa [NB·Mc·3Hp] and pb
 * [NB·Mc·Hp] are scratch. inj and dx as for backward() in assembly/rnn.ts (two layers), with wxt the packed
 * [W_ir | W_iz | 0]^T then W_in^T: dL/dx = [da_r | da_z] [W_ir; W_iz] + da_n W_in.
 */
export function gruBackward(
  Mc: i32, D: i32, Hp: i32, bwd: usize,
  xs: usize, tau0: i32, W: i32, starts: usize, hs: usize, gates: usize,
  dh: usize, dzT: usize, amax: usize, da: usize, NB: i32, pa: usize, pb: usize,
  ghh: usize, gxt: usize, gb: usize, inj: usize, wxt: usize, dx: usize,
): void {
  const row = <usize>Hp << 2;
  const slab = <usize>Mc * row;
  const dan = da + <usize>NB * slab * 3; // da_n of the block
  let hi = W; // the block of steps [lo, hi) whose gradients are in da
  for (let j = W - 1; j >= 0; j--) {
    const lo = hi - NB > 0 ? hi - NB : 0;
    const d3 = da + <usize>(j - lo) * slab * 3;
    gruCellBackward(Mc, Hp, tau0 + j, starts, hs + <usize>j * slab, gates + <usize>j * (slab << 2), dh, dzT, amax, d3, dan + <usize>(j - lo) * slab,
      inj ? inj + <usize>j * slab : 0);
    if (j > 0) {
      packRows(Mc, 3 * Hp, d3, pa);
      gemmAcc(Mc >> 2, Hp, 3 * Hp, pa, <usize>(3 * Hp) << 4, bwd, <usize>(3 * Hp) * 32, dh, row);
    }
    if (j == lo) {
      gruBlockGradient((hi - lo) * Mc, D, Hp, da, dan, hs + <usize>lo * slab, xs + (<usize>(lo * Mc * D) << 2), pa, pb, ghh, gxt, gb);
      if (dx) {
        const S = (hi - lo) * Mc;
        const out = dx + (<usize>(lo * Mc * D) << 2);
        inputProduct(S, D, 2 * Hp, da, row * 3, wxt, row * 3, out, false); // [da_r | da_z] of d3's rows
        inputProduct(S, D, Hp, dan, row, wxt + <usize>D * row * 3, row, out, true);
      }
      hi = lo;
    }
  }
}

/** Writes the padded GRU accumulators into a gradient slot in the parameter layout (W_xh, W_hh, b_h, b_hn). */
export function gruScatter(
  H: i32, D: i32, Hp: i32, ghh: usize, gxt: usize, gb: usize, wxh: usize, whh: usize, bh: usize, bhn: usize,
): void {
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < H; i++) {
      const c = g * Hp + i; // padded row
      const o = g * H + i; // layout row
      for (let d = 0; d < D; d++) store<f32>(wxh + (<usize>(o * D + d) << 2), load<f32>(gxt + (<usize>(d * 3 * Hp + c) << 2)));
      memory.copy(whh + (<usize>(o * H) << 2), ghh + (<usize>(c * Hp) << 2), <usize>H << 2);
      store<f32>(bh + (<usize>o << 2), load<f32>(gb + (<usize>c << 2)));
    }
  }
  memory.copy(bhn, gb + (<usize>(3 * Hp) << 2), <usize>H << 2);
}
