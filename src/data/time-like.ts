// Channels that look like a time column: values that step by the same non-zero amount at every step of every
// sequence (0, 1, 2, … or 0.00, 0.01, …), or that a time's name (`time`, `timestamp`, `Time (s)`) and rise at
// every step of every sequence (a logger's clock jitters), or a counter's name (`Sample Index`) and count up by one
// step, starting over at the bottom as a counter of few bits does (OpenBCI's wraps at 255). In the long layout a time
// column under another name than the one the loader was told becomes a channel that way, and the model would learn
// from the clock.

import type { DataSet } from './dataset.js';
import { checkDataArgument } from './data-argument.js';

/**
 * Whether a column's name reads as a time's: `time`, `timestamp`, `t_s`, `Time (s)`, `elapsed_ms`, in the quotes a
 * writer may have kept (`'Elapsed time'`).
 */
export function isTimeName(name: string): boolean {
  return /^(t|ts|time|timestamp|datetime|date|seconds?|secs?|ms|millis(econds)?|elapsed)([^a-z]|$)/i.test(unquoted(name)) && !otherUnit(name);
}

/**
 * Whether a name ends in a unit that is no time's: `T (degC)`, `t [K]` (Jena's temperatures), where `Time (s)` and
 * `t [ms]` are clocks.
 */
function otherUnit(name: string): boolean {
  const unit = /[([]\s*([^)\]]*?)\s*[)\]]$/.exec(unquoted(name))?.[1];
  return unit !== undefined && !/^(s|secs?|seconds?|ms|us|µs|ns|min|mins|minutes?|h|hrs?|hours?|days?|utc|unix|epoch|iso ?8601)$/i.test(unit);
}

/**
 * Whether a column's name may be a clock's: a time's name, or one with the word time or timestamp in it
 * (`sensor timestamp [ns]`, `unix_time`), as the time-like warning asks (with values that rise) and a header
 * without an id is judged. Not what the advice offers as --time-column: `response time` is a measurement.
 */
export function isClockName(name: string): boolean {
  return isTimeName(name) || /(^|[^a-z])(time|timestamp)([^a-z]|$)/i.test(unquoted(name));
}

/** Whether a channel's name reads as a counter's: `Sample Index`, `counter`, `sample number`, `ticks`. */
function isCounterName(name: string): boolean {
  return /(^|[^a-z])(index|counter|ticks?|sample (number|no\.?|#))([^a-z]|$)/i.test(unquoted(name));
}

/** A column's name without the quotes some writers keep around it (WFDB's `'MLII'`). */
function unquoted(name: string): string {
  return name.trim().replace(/^(['"])(.*)\1$/, '$2').trim();
}

/**
 * The names of the channels of ds whose every sequence of 3 or more steps steps evenly (there must be one), or,
 * named as a time is, rises at every step of every sequence of 2 or more.
 */
export function timeLikeChannels(ds: DataSet): string[] {
  checkDataArgument(ds, 'timeLikeChannels() data', { dataSet: true });
  return timeLike(ds);
}

/** timeLikeChannels of a data set checked already. */
export function timeLike(ds: DataSet): string[] {
  const { D, values, offsets, lengths } = ds;
  const out: string[] = [];
  for (let c = 0; c < D; c++) {
    const at = (n: number, t: number) => values[(offsets[n] + t) * D + c];
    const name = ds.channels[c];
    const clock = isClockName(name) || isCounterName(name);
    if (stepsEvenly(lengths, at) || (clock && rises(lengths, at)) || (isCounterName(name) && countsWithWraps(lengths, at))) out.push(name);
  }
  return out;
}

/** Whether every sequence of 3 or more steps steps by one non-zero amount (and there is one). */
function stepsEvenly(lengths: Int32Array, at: (n: number, t: number) => number): boolean {
  let seen = false;
  for (let n = 0; n < lengths.length; n++) {
    const T = lengths[n];
    if (T < 3) continue;
    const step = at(n, 1) - at(n, 0);
    if (step === 0) return false;
    for (let t = 2; t < T; t++) {
      // Within float32's rounding of the values themselves (a signal on a tiny scale does not pass), and within a
      // hundredth of the step (nor does one that zigzags on a large offset).
      const tolerance = Math.min(1e-6 * Math.max(Math.abs(at(n, t)), Math.abs(at(n, t - 1))), 0.01 * Math.abs(step));
      if (Math.abs(at(n, t) - at(n, t - 1) - step) > tolerance) return false;
    }
    seen = true;
  }
  return seen;
}

/**
 * Whether every sequence of 3 or more steps counts up by one step (within a hundredth of it; two to four where a
 * device dropped packets) but where it starts over: a drop to within a step of the sequence's lowest value (and
 * there is such a sequence).
 */
function countsWithWraps(lengths: Int32Array, at: (n: number, t: number) => number): boolean {
  let seen = false;
  for (let n = 0; n < lengths.length; n++) {
    const T = lengths[n];
    if (T < 3) continue;
    let low = Infinity;
    for (let t = 0; t < T; t++) low = Math.min(low, at(n, t));
    let step = NaN;
    for (let t = 1; t < T; t++) {
      const d = at(n, t) - at(n, t - 1);
      if (d < 0 && Number.isFinite(step) && at(n, t) <= low + step) continue; // starting over
      if (Number.isNaN(step) && d > 0) step = d;
      else if (!(d > 0 && d <= 4.01 * step && Math.abs(d / step - Math.round(d / step)) <= 0.01)) return false;
    }
    seen = true;
  }
  return seen;
}

/** Whether every sequence of 2 or more steps rises at every step (and there is one). */
function rises(lengths: Int32Array, at: (n: number, t: number) => number): boolean {
  let seen = false;
  for (let n = 0; n < lengths.length; n++) {
    for (let t = 1; t < lengths[n]; t++) if (!(at(n, t) > at(n, t - 1))) return false;
    seen ||= lengths[n] >= 2;
  }
  return seen;
}
