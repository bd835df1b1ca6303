// Column names that are a series of steps (t0, t1, …; 0.00, 0.01, …; Jan … Dec; channels' series side by side),
// and the one or two names at a series' ends that are not: a column of another kind, which a reader would take
// for a sample of every sequence. The wide reader's header and the ARFF reader's attributes are told by them. Pure.

import { isBlank, toValue } from './cells.js';
import { quotedNames } from './names.js';
import { channelSeries } from './channel-series.js';
import { isMonthSeries } from './month-names.js';
import { isPhaseBeside, letters } from './step-words.js';

/** The fewest cells of a first row that, evenly spaced, make it a time axis rather than a recording's samples. */
const AXIS_CELLS = 8;

/**
 * Whether the cells, after a first one that is no number (a label column's name) or from the first, are a time
 * axis: AXIS_CELLS or more numbers rising or falling evenly (0.00, 0.01, 0.02, …; 250, 252, 254, …), as a header
 * names the columns of samples taken at a steady rate, and no recording's samples are. Evenly: each within a
 * millionth of the step of the line through the first and the last, or, for times from 0 or rising from before it
 * to three decimals or more, within one unit of the last digit (360 Hz to four: 0.0000, 0.0028, 0.0056, 0.0083, …).
 */
export function timeAxis(cells: readonly string[]): boolean {
  let end = cells.length;
  while (end > 0 && isBlank(cells[end - 1])) end--;
  const from = Number.isFinite(toValue(cells[0])) ? 0 : 1;
  if (end - from < AXIS_CELLS) return false;
  const x = cells.slice(from, end).map((c) => toValue(c));
  const step = (x[x.length - 1] - x[0]) / (x.length - 1);
  if (!(step !== 0 && Number.isFinite(step))) return false;
  if (!x.every((v, k) => k === 0 || (v - x[k - 1]) * step > 0)) return false;
  // Rounding moves a cell by half a unit at most, and the line through the first and the last by as much. Only
  // times from 0, or from before it to three decimals or more (a pre-trigger's -0.2000, -0.1961, …): a
  // recording's rise (20.0, 20.3, 20.5, …; 0.3238, 0.3484, …) is no axis.
  const unit = writtenUnit(cells.slice(from, end));
  const rounded = unit !== null && (x[0] === 0 || (x[0] < 0 && step > 0 && unit <= 1e-3)) && Math.abs(step) >= 2 * unit;
  const tolerance = Math.max(1e-6 * Math.abs(step), rounded ? unit * (1 + 1e-9) : 0);
  return x.every((v, k) => Math.abs(v - x[0] - k * step) <= tolerance);
}

/**
 * One unit of the last decimal the cells are written to, where each is a plain number and one at least has a
 * point (`%.4f` writes as many decimals in each; Python's str(round(t, 4)) fewer where they end in zeros); else null.
 */
function writtenUnit(cells: readonly string[]): number | null {
  let decimals = 0;
  for (const c of cells) {
    const m = /^[+-]?\d*(?:\.(\d*))?$/.exec(c.trim());
    if (m === null) return null;
    decimals = Math.max(decimals, m[1]?.length ?? 0);
  }
  return decimals > 0 ? 10 ** -decimals : null;
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
  if (names.length < SERIES_COLUMNS + 1 || isSeries(names)) return [];
  for (let total = 1; total <= 4; total++) {
    for (let k = Math.max(0, total - 2); k <= Math.min(2, total); k++) {
      const j = total - k;
      const core = names.slice(k, names.length - j);
      if (core.length < SERIES_COLUMNS || !isSeries(core)) continue;
      const before = Array.from({ length: k }, (_, i) => i).filter((i) => !core.includes(`${names[i]}.1`));
      const after = Array.from({ length: j }, (_, i) => names.length - j + i).filter(continuesNot(names, core));
      // Beside channels' series, a numbered name of their own letters is one of their steps numbered otherwise (b5
      // of a series one step longer than a0 … a4), no odd column; nor is a study's phase beside its counted steps
      // (baseline, week1 … week12, follow-up).
      const stems = new Set(core.map(letters));
      const own = (i: number) => channelSeries(core) !== null && /\d/.test(names[i]) && stems.has(letters(names[i]));
      return [...before, ...after].filter((i) => !own(i) && !isPhaseBeside(names[i], core, i < k));
    }
  }
  return [];
}

/**
 * Whether names are a series of steps: one stem with whole numbers counting up by one, numbers evenly spaced,
 * months in order, or several channels' series side by side.
 */
export function isSeries(names: readonly string[]): boolean {
  return isOneSeries(names) || channelSeries(names) !== null;
}

/**
 * Which of the names after `core` do not go on with it (a test for filter) as pandas names a repeated column:
 * `Jan.1` after `Dec` is January again, the series' next step, and so is `Dec.1` after `Dec, Jan, …, Nov`; `t9.1`
 * after `t0 … t9` is t9 again, no step of it. Before a series, pandas' first name of columns named alike (`ax` before
 * `ax.1, ax.2, …`) is one of its steps (the caller's test).
 */
function continuesNot(names: readonly string[], core: readonly string[]): (i: number) => boolean {
  const series = [...core];
  let going = true;
  return (i) => {
    const repeated = /^(.*\p{L}.*)\.\d+$/u.exec(names[i])?.[1];
    going = going && repeated !== undefined && isSeries([...series, repeated]);
    if (going) series.push(repeated!);
    return !going;
  };
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

/**
 * The refusal's text for odd names at a series' ends: `what` names one of them (column, attribute), `others` the
 * series' (value columns, attributes), `examples` what such a name holds, `removal` how it is removed.
 */
export function oddEndsText(what: string, names: readonly string[], series: readonly string[], others: string, examples: string, removal = ''): string {
  const many = names.length > 1;
  const [them, they] = many ? ['them', 'they'] : ['it', 'it'];
  return `${what}${many ? 's' : ''} ${quotedNames(names)} ${many ? 'are' : 'is'} named unlike the ${others} beside ${them} ` +
    `(${series[0]}, ${series[1]}, … ${series.at(-1)}), yet would be read as a sample of every sequence: if ${they} ${many ? 'hold' : 'holds'} no sample ` +
    `(${examples}), remove ${them}${removal}; if ${they} ${many ? 'do' : 'does'}, name ${them} as the others`;
}
