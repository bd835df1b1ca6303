// A scan for values no model can read: every check of data for ±∞ and NaN uses it.

/** The index of the first value of values[from, to) that is ±∞ or NaN; −1 when every one is finite. */
export function firstNonFinite(values: ArrayLike<number>, from: number, to: number): number {
  for (let i = from; i < to; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
}
