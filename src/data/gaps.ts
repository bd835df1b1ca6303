// Values missing inside a sequence (an empty cell, NaN, NA or ? between read values, or before the first one),
// filled as the archive's sets with dropouts are filled for scoring: linearly between the read values beside the
// gap, and with the nearest read value where the gap reaches a sequence's start or end. Trailing missing values
// of a wide row or an archive channel are not gaps: they end a shorter sequence (ragged rows). Pure.
//
// Legend: T steps, D channels.

import { visible } from './visible.js';
import { UserError } from '../errors.js';

/** What a value is, for a message: its constructor's name and length, or its type. */
const shapeOf = (x: unknown) =>
  ArrayBuffer.isView(x) ? `a ${x.constructor.name} of ${(x as Float32Array).length}` : Array.isArray(x) ? `an array of ${x.length}` : x === null ? 'null' : `a ${typeof x}`;

/** How the readers treat a gap: fill it (the default), or refuse the file naming its line and column. */
export type GapPolicy = 'interpolate' | 'refuse';
export const GAP_POLICIES: readonly GapPolicy[] = ['interpolate', 'refuse'];

/** What a data set's gaps were: the values filled, the sequences that had some, and where the first one was. */
export interface GapTally {
  readonly values: number;
  readonly sequences: number;
  readonly file: string;
  /** the first line of the first sequence with a gap */
  readonly line: number;
}

/**
 * Fills the NaN values of x [T][D] in place, channel by channel; returns how many it filled and the first channel
 * that has no read value at all (−1 where none; that channel is left as it was).
 *   x_t = x_a + (x_b − x_a)(t − a)/(b − a)   for the nearest read steps a < t < b (in float64, then rounded)
 *   x_t = x_b before the first read step b;  x_t = x_a after the last read step a
 */
export function fillGaps(x: Float32Array, T: number, D: number): { filled: number; empty: number } {
  const whole = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!(x instanceof Float32Array && ArrayBuffer.isView(x)) || !whole(T) || !whole(D) || T * D > x.length) {
    throw new UserError(`fillGaps(values, T, D) takes a sequence's values as a Float32Array of T steps of D channels (T·D of them) and two whole numbers; it was given ${shapeOf(x)}, ${String(T)}, ${String(D)}`);
  }
  let filled = 0;
  let empty = -1;
  for (let d = 0; d < D; d++) {
    let a = -1; // the last read step so far
    for (let t = 0; t < T; t++) {
      const v = x[t * D + d];
      if (v !== v) continue;
      if (t - a > 1) {
        filled += t - a - 1;
        if (a < 0) for (let s = 0; s < t; s++) x[s * D + d] = v;
        else {
          const xa = x[a * D + d];
          for (let s = a + 1; s < t; s++) x[s * D + d] = xa + ((v - xa) * (s - a)) / (t - a);
        }
      }
      a = t;
    }
    if (a < 0) {
      if (empty < 0) empty = d;
      continue;
    }
    const xa = x[a * D + d];
    for (let s = a + 1; s < T; s++) x[s * D + d] = xa;
    filled += T - 1 - a;
  }
  return { filled, empty };
}

/** Whether `g` is a GapTally (a data set a program builds may hold anything). */
export function isGapTally(g: unknown): g is GapTally {
  if (typeof g !== 'object' || g === null) return false;
  const t = g as Record<string, unknown>;
  return [t['values'], t['sequences'], t['line']].every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0) && typeof t['file'] === 'string';
}

/** The line that tells a user how many values were filled, and how to refuse such files instead. */
export function gapsWarning(g: GapTally): string {
  if (!isGapTally(g)) throw new UserError("gapsWarning() takes a gap tally as the library gives it (a data set's gaps, or predict()'s summary's files[i].gaps)");
  const values = g.values === 1 ? 'a value missing inside a sequence was' : `${g.values} values missing inside ${g.sequences === 1 ? 'a sequence' : `${g.sequences} sequences`} were`;
  return `${values} filled (${g.values === 1 ? 'in' : 'the first in'} ${visible(g.file)}, the sequence from line ${g.line}): linearly between the values beside each gap, ` +
    "with the nearest value at a sequence's start or end; --gaps refuse refuses such files instead";
}
