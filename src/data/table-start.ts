// Lines a logger, a spreadsheet or a program writes before a table, which a reader takes for its header or its
// rows and then refuses for a reason that is not the one: a preamble (`Device: …`, `# Created by Octave`), a
// title row (`Accelerometer export,,,,`) or a row of units under the header (`,s,,m/s2`). Asked only once a
// file's start has been refused, so that a file that loads is never judged by these guesses. Pure.

import { sniffFormat } from './sniff.js';
import { isPaddingCell } from './cells.js';

export interface StartProblem {
  readonly line: number; // 1-based
  readonly detail: string;
}

interface Line {
  readonly at: number; // 1-based line number
  readonly sep: string; // ',', ';', '\t' or 'spaces'
  readonly cells: readonly string[];
}

const LOOKED_AT = 50; // lines of the file's start
const MAX_UNIT_ROWS = 3; // rows without a number between a header and its data (units, calibration, a second header)

/**
 * What is wrong with the start of a file whose first bytes, as text, are `head`, when a reader refused its line
 * `refused`: lines before the table (lines of one filled cell at most, before the first line of named columns
 * that has as many cells as the line after it), or a row with no number between the header and rows that have
 * numbers, empty where they hold text (a label, an id). Undefined when neither explains the refusal, or when a
 * quoted cell runs over a line break (the lines here are the file's lines, not its records).
 */
export function startProblem(head: string, refused: number): StartProblem | undefined {
  const lines = completeLines(head);
  if (lines === undefined) return undefined;
  const start = tableStart(lines);
  if (start === undefined) return undefined;
  const header = lines[start];
  if (start > 0 && refused <= header.at + 1) {
    const first = lines[0].at;
    const which = start === 1 ? `line ${first} comes` : `lines ${first}–${lines[start - 1].at} come`;
    return {
      line: first,
      detail: `${which} before the table, whose header looks to be line ${header.at} (${preview(header)}): a logger's preamble, a title or comments? ` +
        `delete ${start === 1 ? 'it' : 'them'}, so that the file starts with its header`,
    };
  }
  // Rows with no number under the header (units; Shimmer's CAL row, then its units), up to the first row of data.
  const units = lines[start + 1];
  if (units === undefined || refused !== units.at) return undefined;
  let end = start + 1; // past the last such row
  while (end < lines.length && end - start <= MAX_UNIT_ROWS && fits(lines[end], header) && lines[end].sep === header.sep && !lines[end].cells.some(numberLike)) end++;
  const row = lines[end];
  if (end === start + 1 || row === undefined || !fits(row, header)) return undefined;
  const text = (c: string | undefined) => c !== undefined && c.trim() !== '' && !numberLike(c) && !isPaddingCell(c);
  // A unit over a column of numbers (over a label or an id, a word such as `unit`, or nothing).
  if (!units.cells.some((c, i) => text(c) && numberLike(row.cells[i]))) return undefined;
  if (end === start + 2) {
    return {
      line: units.at,
      detail: `this line (${preview(units)}) holds no number between the header and rows that do: a row of units, or a second header row? delete it, so that the header is followed by data`,
    };
  }
  return {
    line: units.at,
    detail: `lines ${units.at}–${lines[end - 1].at} (${preview(units)}, …) hold no number between the header and rows that do: rows of units, or a device's notes (Shimmer's CAL)? delete them, so that the header is followed by data`,
  };
}

/**
 * The lines of `head` that end in it (all of them when it ends in a line break), blank ones and a spreadsheet's
 * `sep=` line left out, as the reader leaves them; undefined where a quoted cell spans lines.
 */
function completeLines(head: string): Line[] | undefined {
  const texts = head.split(/\r\n|\n|\r/);
  if (!/[\r\n]$/.test(head)) texts.pop(); // a line cut short by the end of the head
  const out: Line[] = [];
  for (let i = 0; i < texts.length && out.length < LOOKED_AT; i++) {
    const text = texts[i];
    if ((text.match(/"/g)?.length ?? 0) % 2 === 1) return undefined;
    if (text.trim() === '' || (out.length === 0 && /^"?sep=.?"?\s*$/i.test(text))) continue;
    const kind = sniffFormat(Buffer.from(`${text}\n`));
    const sep = kind === ',' || kind === ';' || kind === '\t' ? kind : 'spaces';
    out.push({ at: i + 1, sep, cells: splitCells(text, sep) });
  }
  return out;
}

/**
 * Which of `lines` starts the table: the first of two or more cells, all but one filled (pandas leaves its
 * index column's name empty; empty cells at its end not counted), at least two of them names rather than numbers,
 * that the line after it fits (fits). Lines before it count only if each fills one cell, or two of a header of
 * five or more (a preamble's `Key: value`, a title, a comment); otherwise undefined, as when no line is told apart.
 */
function tableStart(lines: readonly Line[]): number | undefined {
  // A separator that some line uses wins over blanks (a preamble's words are separated by blanks too).
  const separated = lines.some((l) => l.sep !== 'spaces');
  const filled = (x: Line, sep: string) => (x.sep === sep ? x.cells : splitLike(x, sep)).filter((c) => c.trim() !== '').length;
  // a separator closing every line (a spreadsheet's empty columns: `a,b,c,,`) leaves cells that name nothing
  const named = (l: Line) => l.cells.length - trailingEmpty(l.cells);
  const heads = (i: number) => {
    const [l, next] = [lines[i], lines[i + 1]];
    return !(separated && l.sep === 'spaces') && named(l) >= 2 && filled(l, l.sep) >= named(l) - 1 && next.sep === l.sep && fits(next, l);
  };
  // Lines before a header at i: a preamble's each fill a cell or two (`Device: logger,v1.2`), fewer than half the
  // header's, or a key and its value (`Writer_Version,2`, LabVIEW's) before a header of three or more.
  const preamble = (i: number) => {
    const sep = lines[i].sep;
    const few = Math.max(1, Math.min(2, Math.ceil(named(lines[i]) / 2) - 1));
    const keyValue = (l: Line) => {
      const cells = (l.sep === sep ? l.cells : splitLike(l, sep)).filter((c) => c.trim() !== '');
      return named(lines[i]) >= 3 && cells.length === 2 && !numberLike(cells[0]);
    };
    return lines[i].cells.filter((c) => c.trim() !== '' && !numberLike(c)).length >= 2 && lines.slice(0, i).every((before) => filled(before, sep) <= few || keyValue(before));
  };
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!heads(i)) continue;
    // A line that heads what follows it but not after a preamble (`Writer_Version<tab>2` over `Separator<tab>Tab`):
    // the table's header may come later.
    if (i > 0) {
      if (preamble(i)) return i;
      continue;
    }
    // A first line of two cells followed by another (`Device,logger` then `Rate,100 Hz`) may be a preamble's: a
    // wider header after it, which its rows fit, is the table's.
    // (Not a two-column table's header above a bad row: the rows after a table's header are wider than two cells.)
    for (let j = 1; j + 1 < lines.length && named(lines[0]) <= 2; j++) if (named(lines[j]) > 2 && named(lines[j + 1]) > 2 && heads(j) && preamble(j)) return j;
    return 0;
  }
  return undefined;
}

/**
 * Whether `row` can follow `header` in a table: as many cells, or (rows of a wide file of several lengths) two
 * or more and no more than the header names.
 */
function fits(row: Line, header: Line): boolean {
  return row.cells.length === header.cells.length || (row.cells.length >= 2 && row.cells.length <= header.cells.length - trailingEmpty(header.cells));
}

/** How many of `cells` at their end are empty. */
function trailingEmpty(cells: readonly string[]): number {
  let k = 0;
  while (k < cells.length && cells[cells.length - 1 - k].trim() === '') k++;
  return k;
}

/** The line's cells as `sep` would split its text. */
function splitLike(line: Line, sep: string): string[] {
  return splitCells(line.cells.join(line.sep === 'spaces' ? ' ' : line.sep), sep);
}

/** A line's cells between separators `sep` ('spaces': runs of blanks) that are not inside double quotes. */
function splitCells(text: string, sep: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of sep === 'spaces' ? text.trim() : text) {
    if (ch === '"') quoted = !quoted;
    const splits = !quoted && (sep === 'spaces' ? ch === ' ' || ch === '\t' : ch === sep);
    if (!splits) cell += ch;
    else if (sep !== 'spaces' || cell !== '') {
      cells.push(cell);
      cell = '';
    }
  }
  cells.push(cell);
  return cells;
}

/** Whether a cell starts as a number does (`-0.5`, `.5`, `1,5`, `12 kg`, R's quoted `"1"`): a value, not a name or a unit. */
function numberLike(cell: string): boolean {
  return /^\s*"?[+-]?(\d|[.,]\d)/.test(cell);
}

/** A line's first cells, for a message. */
function preview(line: Line): string {
  const shown = line.cells.slice(0, 5).join(line.sep === 'spaces' ? ' ' : line.sep);
  return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}…` : line.cells.length > 5 ? `${shown}…` : shown);
}
