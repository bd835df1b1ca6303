// Mixup (Zhang et al. 2018) on a chunk of augmented training sequences (`--mixup α`). Each sequence of the chunk
// becomes the blend λ·(its inputs) + (1 − λ)·(the next sequence's inputs, the last's partner being the first),
// with λ = max(u, 1 − u), u ~ Beta(α, α), so that its own label keeps the larger share; its loss is then
// λ·w(a)·(−log p[a]) + (1 − λ)·w(b)·(−log p[b]) for its label a and its partner's b (rnn.ts dlogit). λ comes
// from a generator seeded by (run seed, epoch, sequence), like the noise. Chunks are fixed slices of the
// shuffled batch whatever the thread count, so the pairs and the bits are too. Sequences whose partner has
// another length are left unmixed (λ = 1): resampled data (--resample) mix throughout. Pure.
//
// Legend: D channels; n sequences in the chunk.

import type { MixedTargets, Sequences } from './batch.js';
import { beta, createRng, noiseSeed } from './rng.js';

const MIX_SALT = 0x27d4eb2f;

/** The share of its own label that sequence s keeps in `epoch` of a run seeded `seed`: max(u, 1 − u), u ~ Beta(α, α). */
export function mixShare(alpha: number, seed: number, epoch: number, s: number): number {
  const u = beta(createRng(noiseSeed((seed ^ MIX_SALT) >>> 0, epoch, s)), alpha, alpha);
  return Math.max(u, 1 - u);
}

/** Reusable buffers for mixing a chunk (grown on demand). */
export interface MixScratch {
  inputs: Float32Array; // the chunk's values before mixing
  labels: Int32Array;
  shares: Float64Array;
}

export function mixScratch(): MixScratch {
  return { inputs: new Float32Array(0), labels: new Int32Array(0), shares: new Float64Array(0) };
}

/**
 * Mixes the n sequences 0 .. n−1 of `chunk` (the copy of order[from .. from + n) of the data set, values [L][D])
 * in place; their indices in the data set seed λ. Returns the mixed targets that go with the values.
 */
export function mixChunk(
  scratch: MixScratch, chunk: Sequences, order: ArrayLike<number>, from: number, n: number, alpha: number, seed: number, epoch: number,
): MixedTargets {
  const { D, values, offsets, lengths, labels } = chunk;
  const L = (offsets[n - 1] + lengths[n - 1]) * D;
  if (scratch.inputs.length < L) scratch.inputs = new Float32Array(L);
  roomFor(scratch, n);
  const x = scratch.inputs;
  x.set(values.subarray(0, L));
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    scratch.labels[i] = labels[j];
    scratch.shares[i] = 1;
    if (j === i || lengths[j] !== lengths[i]) continue;
    const lambda = mixShare(alpha, seed, epoch, order[from + i]);
    scratch.shares[i] = lambda;
    const a = offsets[i] * D;
    const b = offsets[j] * D;
    for (let q = 0; q < lengths[i] * D; q++) values[a + q] = lambda * x[a + q] + (1 - lambda) * x[b + q];
  }
  return { labels: scratch.labels, shares: scratch.shares };
}

/** The mixed targets of sequences order[from .. from + n) of `mixed`'s chunk as sequences 0 .. n−1, in scratch. */
export function mixedOf(scratch: MixScratch, mixed: MixedTargets, order: ArrayLike<number>, from: number, n: number): MixedTargets {
  roomFor(scratch, n);
  for (let i = 0; i < n; i++) {
    scratch.labels[i] = mixed.labels[order[from + i]];
    scratch.shares[i] = mixed.shares[order[from + i]];
  }
  return { labels: scratch.labels, shares: scratch.shares };
}

function roomFor(scratch: MixScratch, n: number): void {
  if (scratch.labels.length >= n) return;
  scratch.labels = new Int32Array(n);
  scratch.shares = new Float64Array(n);
}
