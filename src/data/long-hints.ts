// What the long reader's refusals add about a cell it cannot read, from the header and the cell: read the file as wide
// where pandas numbered its columns, leave out a column that is no channel (--channels), name a time or label
// column, or pivot a stacked frame. Only messages; the row rules are long.ts'.

import { FILL_GAP, show } from './cells.js';
import { isUnnamedColumn } from './names.js';
import { isOtherDateOrTime, parseTimestamp } from './timestamps.js';
import { isTimeName } from './time-like.js';
import { shellQuote } from './visible.js';

/** The long layout's columns as a reader found them in the header. */
export interface LongColumns {
  readonly header: readonly string[];
  readonly idAt: number;
  readonly timeAt: number; // −1: no time column
  readonly labelAt: number; // −1: no label column
  readonly channelAt: readonly number[]; // [D] cell index of each channel
  readonly modelClasses?: readonly string[] | undefined; // read for a model with these classes
}

/**
 * What to do about a gap in channel column i (an empty cell, NaN, NA): read the file as wide where its header
 * numbers the columns as pandas does a frame of one sequence per row; else leave the column out where it may be
 * no channel (not when read for a model, which needs each of its channels); and fill the gap.
 */
export function gapHint(c: LongColumns, i: number): string {
  const wide = numberedHint(c);
  const leaveOut = c.modelClasses === undefined && wide === '' ? leaveOutHint(c, i) : '';
  const fill = `${FILL_GAP} or leave the row out`;
  return `${wide}; ${leaveOut === '' ? `a reading is missing: ${fill}` : `if the column is no channel (a note, a name), ${leaveOut}; if it is, ${fill}`}`;
}

/** What to do about channel d holding no value in a whole sequence, whose gaps cannot then be filled: as gapHint. */
export function emptyHint(c: LongColumns, d: number): string {
  const wide = numberedHint(c);
  const leaveOut = c.modelClasses === undefined && wide === '' ? leaveOutHint(c, c.channelAt[d]) : '';
  if (wide !== '') return `${wide.slice(2)}; if not, leave the sequence out`;
  return leaveOut === '' ? 'leave the sequence out' : `if the column is no channel (a note, a name), ${leaveOut}; if it is, leave the sequence out`;
}

/** Where the channel columns are numbered as pandas numbers a frame's: how to read each row as a sequence ('; …'), else ''. */
function numberedHint(c: LongColumns): string {
  const names = c.channelAt.map((j) => c.header[j].trim());
  const from = names[0] === '1' ? 1 : 0;
  const numbered = names.length >= 5 && names.every((c, k) => c === String(k + from));
  return numbered ? '; if each row is a whole sequence (its columns numbered 0, 1, 2, … as pandas writes a frame), give --format wide' : '';
}

/**
 * How to leave channel column i out (--channels naming the others), or '' where it is the only channel. A column
 * named as a time is (`time`, `timestamp`) is named as the time column rather than kept as a channel.
 */
function leaveOutHint(c: LongColumns, i: number): string {
  const rest = c.channelAt.filter((j) => j !== i).map((j) => c.header[j]);
  const time = c.timeAt < 0 ? rest.find((c) => isTimeName(c)) : undefined;
  const others = rest.filter((c) => c !== time);
  const plain = others.length > 0 && others.length <= 8 && others.every((c) => /^[\p{L}\p{N}_.+\-:@%/]+$/u.test(c)); // a flag to copy into a shell as it is
  const timed = time === undefined ? '' : ` --time-column ${shellQuote(time.trim())}`;
  return plain ? `leave it out: --channels ${others.join(',')}${timed}` : others.length > 0 ? `leave it out (--channels names the columns to read${timed === '' ? '' : `;${timed} the time`})` : '';
}

/**
 * Where text in channel column i names what the row's `value` column holds (tsfresh's kind, pandas' melt
 * variable, tidyr's name): one row per channel per step, to be pivoted; '' where the header has no such column.
 */
function stackedHint(c: LongColumns, i: number): string {
  const value = c.channelAt.find((j) => j !== i && /^values?$/i.test(c.header[j].trim()));
  if (value === undefined) return '';
  const name = (j: number) => c.header[j].trim();
  const keys = c.header.map((_, j) => j).filter((j) => j !== i && j !== value && !isUnnamedColumn(c.header[j])).map(name);
  const time = c.timeAt >= 0 ? name(c.timeAt) : keys.find((c) => isTimeName(c));
  // Without a time column each channel's rows are its steps in file order: numbered, so the pivot keeps them apart.
  const steps = time === undefined ? `.assign(t=df.groupby(['${name(c.idAt)}', '${name(i)}']).cumcount())` : '';
  const index = [...keys, ...(time === undefined ? ['t'] : [])].map((c) => `'${c}'`).join(', ');
  const timed = time !== undefined && c.timeAt < 0 ? `, and name its time column (--time-column ${shellQuote(time)})` : '';
  return `; each row holds one channel's value, named in column ${show(c.header[i])} (a stacked frame, as tsfresh, pandas' melt or tidyr's pivot_longer write it): ` +
    `make each channel a column of its own (pandas: df${steps}.pivot_table(index=[${index}], columns='${name(i)}', values='${name(value)}').reset_index())${timed}`;
}

/**
 * What to do about text in channel column i: name the label column (a class of the model), name it as the time
 * column (a date), or leave it out.
 */
export function textHint(c: LongColumns, cell: string, i: number): string {
  if (c.labelAt < 0 && c.modelClasses?.includes(cell.trim())) return `; it is a class of the model: name the label column (--label-column ${c.header[i]})`;
  const stacked = stackedHint(c, i);
  if (stacked !== '') return stacked;
  const leaveOut = c.modelClasses === undefined ? leaveOutHint(c, i) : ''; // a model needs each of its channels
  if (Number.isFinite(parseTimestamp(cell))) {
    if (c.timeAt < 0) return `; it is a date and time: name its column as the time column (--time-column ${c.header[i]})${leaveOut === '' ? '' : `, or ${leaveOut}`}`;
    return leaveOut === '' ? '' : `; it is a date and time, and the time column is ${show(c.header[c.timeAt])}: ${leaveOut}`;
  }
  if (isOtherDateOrTime(cell)) {
    if (c.timeAt >= 0) return leaveOut === '' ? '' : `; it is a date or a time of day, and the time column is ${show(c.header[c.timeAt])}: ${leaveOut}`;
    return `; it is a date or a time of day, written other than as ISO 8601 (2024-05-01 12:00:00.250), the one way a time column reads them: rewrite it so (times of day alone as seconds) and name its column (--time-column ${c.header[i]})${leaveOut === '' ? '' : `, or ${leaveOut}`}`;
  }
  return leaveOut === '' ? '' : `; if the column is no channel (a note, a name), ${leaveOut}`;
}
