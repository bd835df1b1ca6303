// The validation split: stratified by class and seeded, so every class keeps training sequences and the
// split is the same for the same seed whatever the thread count.

import { type Rng, shuffle } from '../model/rng.js';

/** Indices [0, N) divided into train and validation; about `fraction` of each class goes to validation. */
export function stratifiedSplit(labels: Int32Array, C: number, fraction: number, rng: Rng): { train: Int32Array; val: Int32Array } {
  const byClass: number[][] = Array.from({ length: C }, () => []);
  for (let n = 0; n < labels.length; n++) byClass[labels[n]].push(n);
  const train: number[] = [];
  const val: number[] = [];
  for (const members of byClass) {
    shuffle(rng, members);
    // At least one training sequence per class; no validation sequence from a class of one.
    const nVal = Math.min(Math.round(members.length * fraction), members.length - 1);
    val.push(...members.slice(0, nVal));
    train.push(...members.slice(nVal));
  }
  train.sort((a, b) => a - b);
  val.sort((a, b) => a - b);
  return { train: Int32Array.from(train), val: Int32Array.from(val) };
}
