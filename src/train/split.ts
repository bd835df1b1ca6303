// Held-out data from the training set: the validation split and the folds of cross-validation, both
// stratified by class and seeded, so every class keeps training sequences and the split is the same for the
// same seed whatever the thread count. Loops, not spreads: nothing here depends on the call stack's size.

import { type Rng, shuffle } from '../model/rng.js';

/** Each class's members [0, N), in index order. */
function membersByClass(labels: Int32Array, C: number): number[][] {
  const byClass: number[][] = Array.from({ length: C }, () => []);
  for (let n = 0; n < labels.length; n++) byClass[labels[n]].push(n);
  return byClass;
}

const sorted = (xs: number[]) => Int32Array.from(xs).sort();

/** How many of a class of n sequences a validation split holds out: at least one stays to train on. */
function heldOutOf(n: number, fraction: number): number {
  return Math.max(0, Math.min(Math.round(n * fraction), n - 1));
}

/** How many sequences stratifiedSplit holds out of these labels (0: none, so no validation). */
export function heldOutCount(labels: Int32Array, C: number, fraction: number): number {
  return membersByClass(labels, C).reduce((sum, members) => sum + heldOutOf(members.length, fraction), 0);
}

/** Indices [0, N) divided into train and validation; about `fraction` of each class goes to validation. */
export function stratifiedSplit(labels: Int32Array, C: number, fraction: number, rng: Rng): { train: Int32Array; val: Int32Array } {
  const train: number[] = [];
  const val: number[] = [];
  for (const members of membersByClass(labels, C)) {
    shuffle(rng, members);
    // At least one training sequence per class; no validation sequence from a class of one.
    const nVal = heldOutOf(members.length, fraction);
    for (let i = 0; i < members.length; i++) (i < nVal ? val : train).push(members[i]);
  }
  return { train: sorted(train), val: sorted(val) };
}

/**
 * K folds of [0, N) for cross-validation: each class's members, shuffled, are dealt to the folds in turn
 * (continuing from where the previous class stopped, so the folds' sizes differ by at most one). Fold f holds
 * out val and trains on train. A class of one trains in every fold and is held out in none: held out, its fold
 * would not know the class, and no model could classify it right.
 */
export function stratifiedFolds(labels: Int32Array, C: number, K: number, rng: Rng): { train: Int32Array; val: Int32Array }[] {
  const val: number[][] = Array.from({ length: K }, () => []);
  const always: number[] = [];
  let next = 0;
  for (const members of membersByClass(labels, C)) {
    shuffle(rng, members);
    if (members.length === 1) always.push(members[0]);
    else for (const n of members) val[next++ % K].push(n);
  }
  return val.map((v, f) => {
    const train = always.slice();
    for (let g = 0; g < K; g++) if (g !== f) for (const n of val[g]) train.push(n);
    return { train: sorted(train), val: sorted(v) };
  });
}
