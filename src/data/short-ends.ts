// Sequences a step or two shorter than nearly every other: a wide row whose last cells are empty or missing ends
// there (ragged rows), so a reading missing at the end of a row reads as a shorter recording, where the same
// reading missing inside the row is a gap, filled (gaps.ts). The two cannot be told apart from the file; the
// lengths say which is likely. Pure.

const MOST = 0.9; // the share of the sequences at the longest length, at least, …
const NEAR = 0.05; // … the others shorter by at most this share of it (or two steps, if more)
const FEWEST = 10; // sequences, for "nearly every other" to mean anything

/** The line for training sequences a little shorter than nearly all the others, or null. */
export function shortEndsWarning(lengths: Int32Array): string | null {
  const N = lengths.length;
  if (N < FEWEST) return null;
  let L = 0;
  for (const n of lengths) L = Math.max(L, n);
  let full = 0;
  let shortest = L;
  for (const n of lengths) {
    if (n === L) full++;
    else shortest = Math.min(shortest, n);
  }
  const short = N - full;
  if (short === 0 || full < MOST * N || L - shortest > Math.max(2, Math.round(NEAR * L))) return null;
  const by = L - shortest === 1 ? 'a step' : `1 to ${L - shortest} steps`;
  return `${short} of the ${N} training sequences end ${by} before the others' ${L}: if their last readings are missing rather than the recordings ` +
    "shorter (a wide row's trailing empty or NaN cells end it), fill them in the file; lengths that differ bring resampling into model selection (--resample auto)";
}
