// The largest and smallest of many numbers. `Math.max(...values)` passes every value as an argument, and a
// call's arguments hold about 120,000 values on Node's default stack: one per class, epoch or channel would
// end the process with a stack overflow past that.

/** Math.max over `values` and `start` (NaN if any is NaN), in a loop. */
export function maxOf(values: Iterable<number>, start = -Infinity): number {
  let m = start;
  for (const v of values) m = Math.max(m, v);
  return m;
}

/** Math.min over `values` and `start` (NaN if any is NaN), in a loop. */
export function minOf(values: Iterable<number>, start = Infinity): number {
  let m = start;
  for (const v of values) m = Math.min(m, v);
  return m;
}
