// Column names that are a series of steps (t0, t1, …; 0.00, 0.01, …; Jan … Dec; channels' series side by side),
// and the one or two names at a series' ends that are not: a column of another kind, which a reader would take
// for a sample of every sequence. The wide reader's header and the ARFF reader's attributes are told by them. Pure.

import { isBlank, toValue } from './cells.js';
import { channelSeries } from './channel-series.js';
import { isMonthSeries } from './month-names.js';

/** The fewest cells of a first row that, evenly spaced, make it a time axis rather than a recording's samples. */
const AXIS_CELLS = 8;

/**
 * Whether the cells, after a first one that is no number (a label column's name) or from the first, are a time
 * axis: AXIS_CELLS or more numbers evenly spaced (0.00, 0.01, 0.02, …; 250, 252, 254, …), the step the same to
 * a millionth of it, as a header names the columns of samples taken at a steady rate, and no recording's samples are.
 */
export function timeAxis(cells: readonly string[]): boolean {
  let end = cells.length;
  while (end > 0 && isBlank(cells[end - 1])) end--;
  const from = Number.isFinite(toValue(cells[0])) ? 0 : 1;
  if (end - from < AXIS_CELLS) return false;
  const x = cells.slice(from, end).map((c) => toValue(c));
  const step = x[1] - x[0];
  if (!(step !== 0 && Number.isFinite(step))) return false;
  return x.every((v, k) => Math.abs(v - x[0] - k * step) <= 1e-6 * Math.abs(step));
}

/** The fewest value columns of a series (oddEnds) that names other columns at its ends odd. */
const SERIES_COLUMNS = 8;

/**
 * The positions of the one or two names at either end of `names` (at most four in all) without which the rest
 * are a series of SERIES_COLUMNS or more: one stem with whole numbers counting up by one (t0, t1, …; att1,
 * att2, …), numbers evenly spaced (timeAxis), months in order (Jan … Dec), or several channels' series side by
 * side (channel-series.ts); none where all are one, or where no such series is left.
 */
export function oddEnds(names: readonly string[]): number[] {
  if (names.length < SERIES_COLUMNS + 1 || isOneSeries(names) || channelSeries(names) !== null) return [];
  for (let total = 1; total <= 4; total++) {
    for (let k = Math.max(0, total - 2); k <= Math.min(2, total); k++) {
      const j = total - k;
      const core = names.slice(k, names.length - j);
      if (core.length < SERIES_COLUMNS) continue;
      // pandas' name for a repeated step is one of the steps (ax before ax.1, ax.2, …; Jan.1 after Dec): a series
      // with only such names beside it has no odd column.
      const odd = [...Array.from({ length: k }, (_, i) => i), ...Array.from({ length: j }, (_, i) => names.length - j + i)]
        .filter((i) => !repeats(names[i], core));
      if (isOneSeries(core)) return odd;
      // Beside channels' series, a name of their own letters is one of their steps named otherwise (b5 of a series
      // one step longer than a0 … a4), no odd column.
      const stems = new Set(core.map(letters));
      if (channelSeries(core) !== null) return odd.filter((i) => !stems.has(letters(names[i])));
    }
  }
  return [];
}

/**
 * Whether `name` is one of `names` again, as pandas names a repeated column: with `.1`, `.2`, … after a name
 * among them (Jan.1 after Dec), or without it before them (ax before ax.1, ax.2, …). A number is none (1.25
 * beside 1 on a time axis).
 */
function repeats(name: string, names: readonly string[]): boolean {
  const repeated = (n: string) => /^(.*\p{L}.*)\.\d+$/u.exec(n)?.[1];
  return names.some((n) => repeated(n) === name || repeated(name) === n);
}

/** A name's letters alone, in lower case: `acc_x_3` → `accx`. */
function letters(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}]+/gu, '');
}

/** Whether names are one stem with whole numbers counting up by one, numbers evenly spaced, or months in order. */
function isOneSeries(names: readonly string[]): boolean {
  if (timeAxis(['', ...names]) || isMonthSeries(names)) return true;
  const parts = names.map((n) => /^(.*?)(\d+)$/.exec(n));
  if (parts.some((p) => p === null)) return false;
  const stem = parts[0]![1];
  const first = Number(parts[0]![2]);
  return parts.every((p, k) => p![1] === stem && Number(p![2]) === first + k);
}
