// What kind of text a data file is, told from its first bytes: a file of the UCR/UEA archive's .ts format
// (header lines such as @problemName, maybe after # comments) or an ARFF file (@relation, maybe after %
// comments); otherwise CSV, and which character separates its cells, from its first line: commas, or tabs
// (the archive's .tsv files) or semicolons (spreadsheets set to a decimal comma) when the first line has more
// of those than commas or its every comma is a decimal comma, or runs of blanks (the archive's older .txt
// files) when it has no tabs or semicolons but spaces between its cells, and no comma but in a number with a
// decimal comma (refused then by the reader of blanks). Lines end at LF, CR LF or a CR alone. A file that is
// comma-separated by this rule is read as it always was. Pure.

import { COMMA, CR, LF, QUOTE, SEMICOLON, SPACE, TAB } from './bytes.js';
import { isDecimalComma } from './cells.js';

export type Separator = ',' | '\t' | ';';

/** A CSV file's separator, 'spaces' for runs of blanks (spaces.ts), or a file of another kind ('json': a model file or checkpoint). */
export type TextKind = Separator | 'ts' | 'arff' | 'spaces' | 'json';

// The keys of a .ts file's header lines: a CSV header may start with @ too (`@timestamp,…`).
const TS_HEADER = /^@(problemName|timeStamps|missing|univariate|dimensions?|equalLength|seriesLength|classLabel|targetLabel|data)(\s|$)/i;
// A .ts file's line before its rows: with a first line of a key not above (an unknown one), still a .ts file.
const TS_DATA = /(^|[\r\n])@data[ \t]*(\r?\n|\r|$)/i;

/**
 * The kind of the file whose first bytes (its byte-order mark dropped) are `head`, blank lines skipped: 'ts'
 * when its first line that is not a # comment is a .ts header line (@problemName, @classLabel, …), or another
 * `@key value` line where an @data line follows, 'arff' when
 * its first that is not a % comment starts with @relation; else the separator of its first line (separators
 * inside double quotes not counted): ',' unless it has more tabs or semicolons than commas, then the more
 * frequent of those two (tabs on a tie), or as many semicolons as commas (and fewer tabs): ';', or where every
 * comma is inside a number with a decimal comma: the semicolons (the tabs where there are as many); 'spaces'
 * when it has no tabs or semicolons but spaces between non-blank text, and no comma but in a number with a
 * decimal comma.
 */
export function sniffFormat(head: Uint8Array): TextKind {
  if (/^@relation\b/i.test(firstLine(head, '%'))) return 'arff';
  if (TS_HEADER.test(firstLine(head, '#')) || (/^@\w+(\s|$)/.test(firstLine(head, '#')) && TS_DATA.test(Buffer.from(head).toString('latin1')))) return 'ts';
  if (firstLine(head, '').startsWith('{')) return 'json'; // a model file or checkpoint given as data: refused
  // A spreadsheet's separator line, quoted too (`"sep=;"`, whose `;` the scan below would not count).
  const declared = /^"sep=([,;\t])"[ \t]*(\r?\n|\r|$)/i.exec(firstLine(head, ''));
  if (declared !== null) return declared[1] as Separator;
  const start = nextLine(head, '');
  let i = start;
  let commas = 0, tabs = 0, semicolons = 0, spacesBetween = 0;
  let quoted = false, seenText = false, pendingSpace = false;
  for (; i < head.length; i++) {
    const b = head[i];
    if (b === QUOTE) quoted = !quoted;
    if (quoted) { seenText = true; continue; }
    if (endsLine(head, i)) break;
    if (b === COMMA) commas++;
    else if (b === TAB) tabs++;
    else if (b === SEMICOLON) semicolons++;
    else if (b === SPACE) { pendingSpace = seenText; continue; }
    else if (b !== CR) {
      if (pendingSpace) spacesBetween++;
      seenText = true;
    }
    pendingSpace = false;
  }
  if (tabs === 0 && semicolons === 0) {
    if (spacesBetween === 0) return ',';
    // Blanks between cells whose every comma is a decimal comma (1,5e-01  2,5e-01): blanks, which refuse the commas.
    if (commas === 0 || decimalCommaCells(Buffer.from(head.subarray(start, i)).toString('latin1').trim(), / +/)) return 'spaces';
    return ',';
  }
  // As many semicolons as commas: a spreadsheet's row whose every value has a decimal comma (a;1,5;2,5).
  if (semicolons === commas && semicolons > tabs) return ';';
  // Every comma inside a number with a decimal comma, its label's too (2,0;0,25;0,5): more commas than semicolons.
  const sep = semicolons > tabs ? ';' : '\t';
  if (commas > 0 && decimalCommaCells(Buffer.from(head.subarray(start, i)).toString('latin1'), sep)) return sep;
  if (commas >= Math.max(tabs, semicolons)) return ','; // a tie: commas with tabs after them, read as always
  return tabs >= semicolons ? '\t' : ';';
}

/** Whether every cell of `line` split at `sep` that holds a comma is a number with a decimal comma. */
function decimalCommaCells(line: string, sep: Separator | RegExp): boolean {
  return line.split(sep).every((cell) => !cell.includes(',') || isDecimalComma(cell));
}

/**
 * Whether `head` holds enough of a file for sniffFormat: a whole line (to its line feed) that is neither blank
 * nor a # or % comment, and so every line sniffFormat reads; what follows cannot change its answer.
 */
export function sniffable(head: Uint8Array): boolean {
  for (let i = nextLine(head, '#%'); i < head.length - 1; i++) if (endsLine(head, i)) return true;
  return head.at(-1) === LF && nextLine(head, '#%') < head.length;
}

/**
 * Where the first line of `head` starts that is neither blank nor a # or % comment (head.length: none yet): a .ts
 * or ARFF file's opening comments, however long, come before the line that tells its kind.
 */
export function afterComments(head: Uint8Array): number {
  return nextLine(head, '#%');
}

/** Where the first line starts that is neither blank nor one starting with a `comments` character. */
function nextLine(head: Uint8Array, comments: string): number {
  let i = 0;
  while (i < head.length) {
    let j = i;
    while (j < head.length && (head[j] === SPACE || head[j] === TAB || (head[j] === CR && head[j + 1] === LF))) j++;
    if (j < head.length && !endsLine(head, j) && !comments.includes(String.fromCharCode(head[j]))) return i;
    while (j < head.length && !endsLine(head, j)) j++;
    i = j + 1;
  }
  return head.length;
}

/**
 * Whether head[i] ends a line: a line feed, or a carriage return with none after it (files of old Mac programs
 * end lines so, read as lines too); one at the end of the head may be the first of a CR LF, and is counted so.
 */
function endsLine(head: Uint8Array, i: number): boolean {
  return head[i] === LF || (head[i] === CR && i + 1 < head.length && head[i + 1] !== LF);
}

/** That line's start (up to 64 characters, leading blanks trimmed), as text. */
function firstLine(head: Uint8Array, comments: string): string {
  const at = nextLine(head, comments);
  return Buffer.from(head.subarray(at, Math.min(head.length, at + 64))).toString('latin1').trimStart();
}
