// Input-noise augmentation (`--noise σ`): in every epoch, each training sequence is read as its clean
// (normalized) values plus Gaussian noise of standard deviation σ, drawn afresh per epoch. Pure.
//
// The noise of sequence n in epoch e comes from its own generator, seeded by a hash of (seed, e, n), and
// value i of the sequence (step-major, channels inner) gets the i-th draw: value + σ·normal(rng), rounded to
// float32 once. The kernels add it where a task copies its chunk's steps into its own scratch (the data set is
// never written), so it is the same whatever the thread count, the batch order or the chunking, a resumed run
// redraws exactly the same noise, and it costs no memory beyond the chunk's. addInputNoise is the definition
// written out over a whole array; the tests hold the kernels to it bit for bit.
//
// Legend: D channels; values [L][D] with sequence n at steps offsets[n] .. offsets[n] + lengths[n].

import type { Sequences } from './batch.js';
import { type Rng, createRng, normal } from './rng.js';

/** σ (> 0) and the run's seed; the epoch comes with each step. */
export interface InputNoise {
  readonly sigma: number;
  readonly seed: number;
}

/** The noise of `--noise sigma` in a run seeded `seed`: null (none) when σ is 0. */
export function inputNoise(sigma: number | undefined, seed: number): InputNoise | null {
  return sigma !== undefined && sigma > 0 ? { sigma, seed } : null;
}

/** A 32-bit seed for sequence n in epoch `epoch` of a run seeded `seed` (murmur3's finalizer over the three). */
export function noiseSeed(seed: number, epoch: number, n: number): number {
  let h = seed >>> 0;
  for (const k of [epoch, n]) {
    h = Math.imul(h ^ (k >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The generator of sequence n's noise in `epoch` of a run seeded `seed`: draw i goes to the sequence's value i. */
export function noiseRng(seed: number, epoch: number, n: number): Rng {
  return createRng(noiseSeed(seed, epoch, n));
}

/**
 * values ← clean + σ·N(0, 1) on the steps of the sequences in `indices` (other sequences are left as they are).
 * `values` and `clean` have the same layout [L][D].
 */
export function addInputNoise(
  values: Float32Array, // [L][D] out
  clean: Float32Array, // [L][D]
  D: number,
  offsets: Float64Array, // [N] (steps)
  lengths: Int32Array, // [N]
  indices: Int32Array, // the sequences to perturb
  sigma: number,
  seed: number,
  epoch: number,
): void {
  for (const n of indices) {
    const rng = noiseRng(seed, epoch, n);
    const end = (offsets[n] + lengths[n]) * D;
    for (let i = offsets[n] * D; i < end; i++) values[i] = clean[i] + sigma * normal(rng);
  }
}

/** A thread's reusable buffers for a chunk's copy (grown on demand, so a step allocates nothing). */
export interface ChunkScratch {
  values: Float32Array;
  offsets: Float64Array;
  lengths: Int32Array;
  labels: Int32Array;
  order: Int32Array;
}

export function chunkScratch(): ChunkScratch {
  return { values: new Float32Array(0), offsets: new Float64Array(0), lengths: new Int32Array(0), labels: new Int32Array(0), order: new Int32Array(0) };
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
    const rng = noiseRng(noise.seed, epoch, s);
    const src = data.offsets[s] * D;
    const dst = at * D;
    for (let j = 0; j < lengths[i] * D; j++) values[dst + j] = data.values[src + j] + noise.sigma * normal(rng);
    at += lengths[i];
  }
  return c;
}
