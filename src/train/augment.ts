// Input-noise augmentation (`--noise σ`): before every epoch, each training sequence is replaced by its clean
// (normalized) values plus Gaussian noise of standard deviation σ, drawn fresh per epoch. Pure.
//
// The noise of sequence n in epoch e comes from its own generator, seeded by a hash of (seed, e, n), and is
// written by the coordinator before the epoch's first step, so it is the same whatever the thread count, the
// batch order or the chunking, and a run resumed in the middle of an epoch redraws exactly the same noise.
// The loss is the same function of the (noisy) inputs, so the gradient code is untouched.
//
// Legend: D channels; values [L][D] with sequence n at steps offsets[n] .. offsets[n] + lengths[n].

import { createRng, normal } from '../model/rng.js';

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
    const rng = createRng(noiseSeed(seed, epoch, n));
    const end = (offsets[n] + lengths[n]) * D;
    for (let i = offsets[n] * D; i < end; i++) values[i] = clean[i] + sigma * normal(rng);
  }
}
