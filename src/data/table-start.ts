// Lines a logger, a spreadsheet or a program writes before a table, which a reader takes for its header or its
// rows and then refuses for a reason that is not the one: a preamble (`Device: …`, `# Created by Octave`), a
// title row (`Accelerometer export,,,,`) or a row of units under the header (`,s,,m/s2`). Asked only once a
// file's start has been refused, so that a file that loads is never judged by these guesses. Pure.

import { sniffFormat } from './sniff.js';

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

/**
 * What is wrong with the start of a file whose first bytes, as text, are `head`, when a reader refused its line
 * `refused`: lines before the table (the first line that has as many cells as the line after it, which is the
 * first whose separator any of these lines uses, of more cells than every line before it has filled) or a
 * row with no number between the header and rows that have numbers. Undefined when neither explains the refusal.
 */
export function startProblem(head: string, refused: number): StartProblem | undefined {
  const lines = completeLines(head);
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
  const [units, row] = [lines[start + 1], lines[start + 2]];
  if (units === undefined || row === undefined || refused !== units.at || row.cells.length !== header.cells.length) return undefined;
  if (units.cells.some(numberLike) || units.cells.every((c) => c.trim() === '') || !row.cells.some(numberLike)) return undefined;
  return {
    line: units.at,
    detail: `this line (${preview(units)}) holds no number between the header and rows that do: a row of units? delete it, so that the header is followed by data`,
  };
}

/** The lines of `head` that end in it (all of them when it ends in a line break), blank ones left out. */
function completeLines(head: string): Line[] {
  const texts = head.split(/\r\n|\n|\r/);
  if (!/[\r\n]$/.test(head)) texts.pop(); // a line cut short by the end of the head
  const out: Line[] = [];
  for (let i = 0; i < texts.length && out.length < LOOKED_AT; i++) {
    const text = texts[i];
    if (text.trim() === '') continue;
    const kind = sniffFormat(Buffer.from(`${text}\n`));
    const sep = kind === ',' || kind === ';' || kind === '\t' ? kind : 'spaces';
    out.push({ at: i + 1, sep, cells: splitCells(text, sep) });
  }
  return out;
}

/** Which of `lines` starts the table; undefined when none is told apart (too few lines, or none alike). */
function tableStart(lines: readonly Line[]): number | undefined {
  // A separator that some line uses wins over blanks (a preamble's words are separated by blanks too).
  const separated = lines.some((l) => l.sep !== 'spaces');
  for (let i = 0; i + 1 < lines.length; i++) {
    const [l, next] = [lines[i], lines[i + 1]];
    if (separated && l.sep === 'spaces') continue;
    const filled = (x: Line) => (x.sep === l.sep ? x.cells : splitLike(x, l.sep)).filter((c) => c.trim() !== '').length;
    // A header's or a row's cells are filled, but for one (pandas leaves its index column's name empty).
    if (l.cells.length < 2 || filled(l) < l.cells.length - 1 || next.sep !== l.sep || next.cells.length !== l.cells.length) continue;
    return lines.slice(0, i).every((before) => filled(before) < l.cells.length) ? i : undefined;
  }
  return undefined;
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

/** Whether a cell starts as a number does (`-0.5`, `.5`, `1,5`, `12 kg`): a value, not a name or a unit. */
function numberLike(cell: string): boolean {
  return /^\s*[+-]?(\d|[.,]\d)/.test(cell);
}

/** A line's first cells, for a message. */
function preview(line: Line): string {
  const shown = line.cells.slice(0, 5).join(line.sep === 'spaces' ? ' ' : line.sep);
  return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}…` : line.cells.length > 5 ? `${shown}…` : shown);
}
