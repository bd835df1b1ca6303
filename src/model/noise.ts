// Input augmentation: noise (`--noise σ`) and window warping (`--warp w`). In every epoch, each training
// sequence is read as its clean (normalized) values, time-warped when w > 0, plus Gaussian noise of standard
// deviation σ, all drawn afresh per epoch. Pure.
//
// Window warping (Le Guennec et al. 2016): a window of w·T consecutive samples at a random start is played at
// half or double speed (a coin flip), and the whole sequence is resampled back to T samples by linear
// interpolation, so the classifier sees the same shape a little early or late, as nearest-neighbour DTW
// forgives. Its draws come from a generator of their own (seeded like the noise's, with the seed salted), so
// turning warping on leaves the noise draws as they were.
//
// The noise of sequence n in epoch e comes from its own generator, seeded by a hash of (seed, e, n), and
// value i of the sequence (step-major, channels inner) gets the i-th draw: value + σ·normal(rng), rounded to
// float32 once. The kernels add it where a task copies its chunk's steps into its own scratch (the data set is
// never written), so it is the same whatever the thread count, the batch order or the chunking, a resumed run
// redraws exactly the same noise, and it costs no memory beyond the chunk's. addInputNoise is the definition
// written out over a whole array; the tests hold the kernels to it bit for bit. Mixup (`--mixup α`, mixup.ts)
// blends the sequences of a chunk with each other, so it is defined on the chunk: noisyChunk applies it last.
//
// Legend: D channels; values [L][D] with sequence n at steps offsets[n] .. offsets[n] + lengths[n].

import type { Sequences } from './batch.js';
import type { FloatArray } from './layout.js';
import { type MixScratch, mixChunk, mixScratch } from './mixup.js';
import { type Rng, createRng, noiseSeed, normal } from './rng.js';

export { noiseSeed };

/** σ (≥ 0), the warped window's fraction w (≥ 0, < 1) and the run's seed; the epoch comes with each step. */
export interface InputNoise {
  readonly sigma: number;
  readonly seed: number;
  readonly warp?: number; // 0 or absent: no warping
  readonly mixup?: number; // mixup's α (model/mixup.ts); 0 or absent: none
}

/** The augmentation of `--noise sigma --warp w --mixup α` in a run seeded `seed`: null (none) when all are 0. */
export function inputNoise(sigma: number | undefined, seed: number, warp = 0, mixup = 0): InputNoise | null {
  const s = sigma ?? 0;
  if (!(s > 0) && !(warp > 0) && !(mixup > 0)) return null;
  return { sigma: s, seed, ...(warp > 0 ? { warp } : {}), ...(mixup > 0 ? { mixup } : {}) };
}

const WARP_SALT = 0x5bd1e995;

/**
 * out [T][D] ← x [T][D] window-warped: a window of max(1, round(w·(T − 1))) sample intervals from a start drawn
 * from rng is played at speed 0.5 or 2, and the result resampled to T samples by linear interpolation (float64, rounded to
 * float32 once on store). Sequences of fewer than 4 samples are copied as they are.
 */
export function warpSequence(out: FloatArray, oo: number, x: ArrayLike<number>, xo: number, T: number, D: number, w: number, rng: Rng): void {
  // In time measured between samples: the sequence spans [0, T − 1], the window [a, a + m].
  const m = Math.max(1, Math.round(w * (T - 1)));
  if (T < 4 || m >= T - 1) {
    for (let i = 0; i < T * D; i++) out[oo + i] = x[xo + i];
    return;
  }
  const a = Math.floor(rng.next() * (T - m)); // 0 … T − 1 − m
  const f = rng.next() < 0.5 ? 0.5 : 2;
  const played = T - 1 + (f - 1) * m; // the warped span
  for (let j = 0; j < T; j++) {
    const u = (j * played) / (T - 1); // where output sample j falls on the warped span
    const src = Math.min(T - 1, Math.max(0, u <= a ? u : u <= a + f * m ? a + (u - a) / f : u - (f - 1) * m));
    const i0 = Math.floor(src);
    const i1 = Math.min(i0 + 1, T - 1);
    const t = src - i0;
    for (let d = 0; d < D; d++) out[oo + j * D + d] = x[xo + i0 * D + d] * (1 - t) + x[xo + i1 * D + d] * t;
  }
}

/** The generator of sequence n's warp in `epoch` of a run seeded `seed`. */
export function warpRng(seed: number, epoch: number, n: number): Rng {
  return createRng(noiseSeed((seed ^ WARP_SALT) >>> 0, epoch, n));
}

/** The generator of sequence n's noise in `epoch` of a run seeded `seed`: draw i goes to the sequence's value i. */
function noiseRng(seed: number, epoch: number, n: number): Rng {
  return createRng(noiseSeed(seed, epoch, n));
}

/**
 * values ← clean + σ·N(0, 1) on the steps of the sequences in `indices` (other sequences are left as they are).
 * `values` and `clean` have the same layout [L][D].
 */
export function addInputNoise(
  values: Float32Array, clean: Float32Array, D: number, offsets: Float64Array, lengths: Int32Array, indices: Int32Array,
  sigma: number, seed: number, epoch: number,
): void {
  augmentInputs(values, clean, D, offsets, lengths, indices, { sigma, seed }, epoch);
}

/**
 * The augmentation's definition over whole arrays: values ← the sequences in `indices` of clean, warped when
 * noise.warp > 0 (stored as float32), plus σ·N(0, 1); the other sequences are left as they are. The kernels'
 * chunk copies (noisyChunk) are held to it bit for bit.
 */
export function augmentInputs(
  values: Float32Array, // [L][D] out
  clean: Float32Array, // [L][D]
  D: number,
  offsets: Float64Array, // [N] (steps)
  lengths: Int32Array, // [N]
  indices: Int32Array, // the sequences to perturb
  noise: InputNoise,
  epoch: number,
): void {
  for (const n of indices) {
    const start = offsets[n] * D;
    const end = (offsets[n] + lengths[n]) * D;
    const warped = noise.warp !== undefined && noise.warp > 0;
    if (warped) warpSequence(values, start, clean, start, lengths[n], D, noise.warp!, warpRng(noise.seed, epoch, n));
    if (!(noise.sigma > 0)) continue;
    const rng = noiseRng(noise.seed, epoch, n);
    for (let i = start; i < end; i++) values[i] = (warped ? values[i] : clean[i]) + noise.sigma * normal(rng);
  }
}

/** A thread's reusable buffers for a chunk's copy (grown on demand, so a step allocates nothing). */
export interface ChunkScratch {
  values: Float32Array;
  offsets: Float64Array;
  lengths: Int32Array;
  labels: Int32Array;
  order: Int32Array;
  mix: MixScratch | null; // mixup's buffers (made on first use)
}

export function chunkScratch(): ChunkScratch {
  return {
    values: new Float32Array(0), offsets: new Float64Array(0), lengths: new Int32Array(0), labels: new Int32Array(0), order: new Int32Array(0),
    mix: null,
  };
}

/**
 * Room in scratch for n sequences of L values in all; returns the sequences' view (order 0 .. n−1), whose
 * values the caller fills.
 */
export function chunkCopy(scratch: ChunkScratch, n: number, L: number, D: number): { data: Sequences; order: Int32Array } {
  if (scratch.offsets.length < n) {
    scratch.offsets = new Float64Array(n);
    scratch.lengths = new Int32Array(n);
    scratch.labels = new Int32Array(n);
    scratch.order = Int32Array.from({ length: n }, (_, i) => i);
  }
  if (scratch.values.length < L) scratch.values = new Float32Array(L);
  const data = { D, values: scratch.values, offsets: scratch.offsets, lengths: scratch.lengths, labels: scratch.labels };
  return { data, order: scratch.order };
}

/**
 * The sequences order[from..to) with their noise of `epoch`, copied into scratch as sequences 0 .. to−from
 * (in that order): what a kernel reads instead of the data set. O(chunk length) memory.
 */
export function noisyChunk(
  scratch: ChunkScratch, data: Sequences, order: ArrayLike<number>, from: number, to: number,
  noise: InputNoise, epoch: number,
): { data: Sequences; order: Int32Array } {
  const n = to - from;
  const D = data.D;
  let L = 0;
  for (let i = 0; i < n; i++) L += data.lengths[order[from + i]];
  const c = chunkCopy(scratch, n, L * D, D);
  const { values, offsets, lengths, labels } = c.data;
  let at = 0;
  for (let i = 0; i < n; i++) {
    const s = order[from + i];
    offsets[i] = at;
    lengths[i] = data.lengths[s];
    labels[i] = data.labels[s];
    const src = data.offsets[s] * D;
    const dst = at * D;
    const n = lengths[i] * D;
    if (noise.warp !== undefined && noise.warp > 0) {
      warpSequence(values, dst, data.values, src, lengths[i], D, noise.warp, warpRng(noise.seed, epoch, s));
      if (noise.sigma > 0) {
        const rng = noiseRng(noise.seed, epoch, s);
        for (let j = 0; j < n; j++) values[dst + j] += noise.sigma * normal(rng);
      }
    } else if (noise.sigma > 0) {
      const rng = noiseRng(noise.seed, epoch, s);
      for (let j = 0; j < n; j++) values[dst + j] = data.values[src + j] + noise.sigma * normal(rng);
    } else {
      values.set(data.values.subarray(src, src + n), dst);
    }
    at += lengths[i];
  }
  if (noise.mixup !== undefined && noise.mixup > 0) {
    scratch.mix ??= mixScratch();
    return { data: { ...c.data, mixed: mixChunk(scratch.mix, c.data, order, from, n, noise.mixup, noise.seed, epoch) }, order: c.order };
  }
  return c;
}
