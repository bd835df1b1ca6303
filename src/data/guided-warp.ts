// Guided warping's copies of a fit's training sequences (`--guided-warp p`, model/guided-warp.ts), made once
// before the fit: each training sequence gets P copies, each with the timing of a partner drawn from its class
// among the training sequences (never a held-out one), after the data set's own sequences in fresh shared
// memory. In every epoch each training sequence is read, with probability p, as one of its copies drawn at
// random (from a generator seeded by the run's seed, the epoch and the sequence, like the input noise), so an
// epoch has as many steps as without, the draws do not depend on the thread count, and a resumed run draws the
// same. A sequence alone in its class among the training ones has no copies.
//
// Legend: N sequences, P copies per training sequence.

import type { DataSet } from './dataset.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from './shared.js';
import { guidedWarp } from '../model/guided-warp.js';
import { createRng, noiseSeed } from '../model/rng.js';

export interface GuidedWarping {
  readonly share: number; // p: the probability a training sequence is read as a copy in an epoch
  readonly partners: number; // P
  readonly band: number; // the DTW band, a share of the longer sequence (model/guided-warp.ts)
  readonly seed: number;
}

export interface GuidedWarps {
  readonly ds: DataSet; // the data set's N sequences (indices unchanged), then the copies
  /** The sequence training sequence n is read as in `epoch`: n itself or one of its copies. */
  pick(n: number, epoch: number): number;
}

const PARTNER_SALT = 0x27d4eb2f;
const PICK_SALT = 0x165667b1;

/** For each sequence of `train` (in order), its P partners: class mates in `train` drawn with replacement. */
export function partnersOf(labels: Int32Array, train: Int32Array, P: number, seed: number): { n: number; partner: number }[] {
  const byClass = new Map<number, number[]>();
  const at = new Map<number, number>(); // n's place in its class's list
  for (const n of train) {
    const members = byClass.get(labels[n]);
    if (members) members.push(n);
    else byClass.set(labels[n], [n]);
    at.set(n, byClass.get(labels[n])!.length - 1);
  }
  const rng = createRng((seed ^ PARTNER_SALT) >>> 0);
  const out: { n: number; partner: number }[] = [];
  for (const n of train) {
    // Uniform over the class less n itself, without building that list for every n (O(N²) on a large class).
    const members = byClass.get(labels[n])!;
    const self = at.get(n)!;
    if (members.length < 2) continue;
    for (let k = 0; k < P; k++) {
      const r = Math.floor(rng.next() * (members.length - 1));
      out.push({ n, partner: members[r >= self ? r + 1 : r] });
    }
  }
  return out;
}

/** ds with the guided-warped copies of its sequences `train` appended, and the per-epoch pick among them. */
export function withGuidedWarps(ds: DataSet, train: Int32Array, g: GuidedWarping): GuidedWarps {
  const steps = guidedWarpSteps(ds, train, g);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * withGuidedWarps as a generator that yields after each copy, so that a caller can let the event loop turn
 * (a Ctrl-C) during the alignments, which take seconds on long signals: the same copies, in pieces.
 */
export function* guidedWarpSteps(ds: DataSet, train: Int32Array, g: GuidedWarping): Generator<void, GuidedWarps, void> {
  const N = ds.lengths.length;
  const { D } = ds;
  const copies = partnersOf(ds.labels, train, g.partners, g.seed);
  const M = N + copies.length;
  let L = 0;
  for (let n = 0; n < N; n++) L += ds.lengths[n];
  for (const c of copies) L += ds.lengths[c.n];
  const values = sharedFloat32(L * D);
  const offsets = sharedFloat64(M);
  const lengths = sharedInt32(M);
  const labels = sharedInt32(M);
  const firstCopy = new Int32Array(N).fill(-1);
  let at = 0;
  for (let m = 0; m < M; m++) {
    const n = m < N ? m : copies[m - N].n;
    offsets[m] = at;
    lengths[m] = ds.lengths[n];
    labels[m] = ds.labels[n];
    const src = ds.offsets[n] * D;
    if (m < N) values.set(ds.values.subarray(src, src + lengths[m] * D), at * D);
    else {
      const b = copies[m - N].partner;
      guidedWarp(values, at * D, ds.values, src, lengths[m], ds.values, ds.offsets[b] * D, ds.lengths[b], D, g.band);
      if (firstCopy[n] < 0) firstCopy[n] = m;
      yield;
    }
    at += lengths[m];
  }
  const named = ds.ids.length === N; // selection's folds carry no names
  const ids = named ? [...ds.ids, ...copies.map((c, k) => `${ds.ids[c.n]} (guided warp ${(k % g.partners) + 1})`)] : [];
  const sources = named ? [...ds.sources, ...copies.map((c) => ds.sources[c.n])] : [];
  return {
    ds: { D, channels: ds.channels, classes: ds.classes, values, offsets, lengths, labels, ids, sources },
    pick(n, epoch) {
      if (firstCopy[n] < 0) return n;
      const rng = createRng(noiseSeed((g.seed ^ PICK_SALT) >>> 0, epoch, n));
      return rng.next() < g.share ? firstCopy[n] + Math.floor(rng.next() * g.partners) : n;
    },
  };
}
