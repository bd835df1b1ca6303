// A wide header whose value columns are several channels' series (`ax_0 … ax_99, ay_0 … ay_99`; `ax_0, ay_0,
// ax_1, …`; `0_ax`, `ax[0]`): a wide row holds one channel's sequence, so the series would be read as one
// sequence of them all, joined, without a word. Told by the names alone: two or more patterns with one number
// in each (the name with its digits taken out), every one numbered alike, four or more consecutive numbers. Names
// with two numbers or more (`20230701_00`, `week1_day3`: dates and hours, one channel's samples) are none.
// Only a warning: columns of one channel named in parts (`mon_0 … mon_23, tue_0 …`) pass as they did. Pure.

import { visible } from './visible.js';

/** What a header's series say, for the warning: the patterns' names, as the channels would be named, and where. */
export interface SeriesNote {
  readonly file: string;
  readonly line: number;
  readonly series: readonly string[]; // each as `ax_0 … ax_99`
  readonly channels: readonly string[]; // each pattern without its number and the marks around it: ax
  readonly steps: number; // the numbers each series has
}

/** The fewest numbers each series has for the columns to be taken for channels. */
const FEWEST_STEPS = 4;

/** The series `names` are (each pattern's first and last name, its channel name), or null where they are none. */
export function channelSeries(names: readonly string[]): Pick<SeriesNote, 'series' | 'channels' | 'steps'> | null {
  const patterns = new Map<string, { numbers: Set<number>; first: string; last: string; lowest: number; highest: number }>();
  for (const name of names) {
    const digits = name.match(/\d+/g);
    if (digits === null || digits.length !== 1) return null;
    const pattern = name.replace(/\d+/, '#');
    if (!/\p{L}/u.test(pattern)) return null; // numbers alone: pandas' 0, 1, 2, …
    const k = Number(digits[0]);
    const p = patterns.get(pattern) ?? { numbers: new Set<number>(), first: name, last: name, lowest: k, highest: k };
    if (p.numbers.has(k)) return null;
    p.numbers.add(k);
    if (k < p.lowest) [p.lowest, p.first] = [k, name];
    if (k > p.highest) [p.highest, p.last] = [k, name];
    patterns.set(pattern, p);
  }
  const all = [...patterns.entries()];
  if (all.length < 2) return null;
  if (all.every(([pattern]) => /^#\s*[ap]\.?m\.?$/i.test(pattern.trim()))) return null; // 1 AM … 12 PM: hours of one day
  const [, one] = all[0];
  const steps = one.numbers.size;
  const alike = all.every(([, p]) => p.numbers.size === steps && p.lowest === one.lowest && p.highest === one.highest && p.highest - p.lowest + 1 === steps);
  if (!alike || steps < FEWEST_STEPS) return null;
  const channelName = (pattern: string) => pattern.replace('#', ' ').replace(/[\s_.:,'"\-[\]()]+/g, (m, at: number, s: string) => (at === 0 || at + m.length === s.length ? '' : m)).trim() || pattern;
  return { series: all.map(([, p]) => `${p.first} … ${p.last}`), channels: all.map(([pattern]) => channelName(pattern)), steps };
}

/** Whether `v` is a SeriesNote (a data set a program built may hold anything there). */
export function isSeriesNote(v: unknown): v is SeriesNote {
  const n = v as Partial<SeriesNote> | null;
  const strings = (a: unknown) => Array.isArray(a) && a.length >= 2 && a.every((x) => typeof x === 'string');
  return typeof n === 'object' && n !== null && typeof n.file === 'string' && Number.isInteger(n.line) && Number.isInteger(n.steps) && strings(n.series) && strings(n.channels);
}

/** The warning for a wide header of several channels' series. */
export function seriesWarning(n: SeriesNote): string {
  const K = n.series.length;
  const shown = K <= 4 ? `${n.series.slice(0, -1).join(', ')} and ${n.series.at(-1)}` : `${n.series.slice(0, 3).join(', ')} and ${K - 3} more`;
  const names = K <= 8 ? n.channels.join(', ') : `${n.channels.slice(0, 3).join(', ')}, …`;
  return `${visible(n.file)}:${n.line}: the value columns are ${K} series of ${n.steps} (${shown}): ${K} channels, most likely, ` +
    `each row read here as one sequence of ${K * n.steps} values (a wide row holds one channel's sequence); if they are channels, ` +
    `write the file in the long layout, a row per time step with a column per channel (id, t, ${names}, label: docs/data.md, "Channels side by side")`;
}
