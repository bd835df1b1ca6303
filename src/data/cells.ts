// Cell-level parsing shared by the wide and long readers: numbers (decimal float literals that are finite,
// and for values, finite in float32 too) and names (labels, ids, header cells). Owns the wording of every
// cell-level error. Does not know about layouts, files or streams.
//
// The hot path is toValue(), called once per value cell: it returns NaN for anything it rejects, and only then
// does the caller ask valueError() why, so the common case pays for one trim, one Number() and one fround.

import { UserError } from '../errors.js';

/** What to do about a value missing inside a sequence, read with --gaps refuse (every reader's refusal ends so). */
export const FILL_GAP = 'fill the gap (interpolate it, or repeat the value before it; without --gaps refuse the tool interpolates it)';

/** Where a cell is: file, 1-based line (header counted), 1-based field number. */
export interface CellWhere {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/**
 * `cell` as a float64 when it is a decimal float literal ('1e-05', '-0.5', '.5', '3.', '+2') with a finite
 * value; NaN otherwise (empty, whitespace-only, '0x10', '0b1', 'NaN', 'Infinity', '1e400', 'abc').
 */
export function toNumber(cell: string): number {
  const s = cell.trim();
  if (s === '') return NaN; // Number('') is 0
  if (s.length > 2 && s.charCodeAt(0) === 48) {
    const c1 = s.charCodeAt(1) | 0x20; // lower case
    if (c1 === 0x78 || c1 === 0x6f || c1 === 0x62) return NaN; // 0x.., 0o.., 0b..: Number() takes them
  }
  const x = Number(s);
  return x - x === 0 ? x : NaN; // finite
}

/**
 * `cell` as a number (float64; the data set stores it rounded to float32, and precision.ts measures what that
 * loses), NaN when toNumber rejects it or it overflows float32.
 */
export function toValue(cell: string): number {
  const x = toNumber(cell);
  const f = Math.fround(x);
  return f - f === 0 ? x : NaN;
}

export function isBlank(cell: string): boolean {
  return cell.trim() === '';
}

/** Whether `cell` is NaN (any case, either sign): how the UCR archive pads the rows of sets with different lengths. */
export function isNaNCell(cell: string): boolean {
  return /^\s*[+-]?nan\s*$/i.test(cell);
}

/** Whether `cell` marks a missing value that may pad a ragged row: NaN, R's NA or a spreadsheet's #N/A (any case). */
export function isPaddingCell(cell: string): boolean {
  return isNaNCell(cell) || /^\s*(na|#n\/a)\s*$/i.test(cell);
}

/** The cell, quoted and cut short, for a message. JSON escapes make NULs and control bytes visible. */
export function show(cell: string): string {
  return cell.length > 40 ? JSON.stringify(cell.slice(0, 40)) + '…' : JSON.stringify(cell);
}

/** show(), but where the cell is cut, the 40 characters around `at` (where it differs from a name like it), so the two read apart. */
export function showAround(cell: string, at: number): string {
  if (cell.length <= 40 || at < 30) return show(cell);
  const from = Math.min(at - 20, cell.length - 40);
  return `…${JSON.stringify(cell.slice(from, from + 40))}${from + 40 < cell.length ? '…' : ''}`;
}

// Control characters other than tab, CR, LF: a text CSV has none, a binary file has plenty.
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

function binaryError(where: CellWhere): UserError {
  return new UserError(
    'binary data (NUL or control bytes) in a cell; this does not look like a CSV text file (is it compressed?)',
    where,
  );
}

/** A number written with a decimal comma (`-0,5`): read so in semicolon- and tab-separated files (decimal-marks.ts), refused in others. */
export function isDecimalComma(s: string): boolean {
  return /^[+-]?\d*,\d+([eE][+-]?\d+)?$/.test(s.trim());
}

/**
 * A number grouped in thousands, written plainly (`1.234,5`, `1,234.5`, `1 234,5`, `1'234` → `1234.5`, `1234`);
 * else null. A point or comma between the groups needs a decimal part after the other mark to tell it from one.
 */
function withoutThousands(s: string): string | null {
  const m = /^([+-]?\d{1,3})((?:([.,' \u00a0\u202f])\d{3})+)(?:([.,])(\d+))?$/.exec(s);
  if (m === null || m[3] === m[4] || (m[4] === undefined && (m[3] === '.' || m[3] === ','))) return null;
  return `${m[1]}${m[2].split(m[3]).join('')}${m[4] === undefined ? '' : `.${m[5]}`}`;
}

/**
 * Why toValue rejected `cell`. `column` names it for the message: `column "ax"` or `column 3`; `what` says what
 * the cell must be, e.g. 'every channel cell must be a number'; `ifText` is added when it is plain text (what the
 * text may mean there).
 */
export function valueError(cell: string, where: CellWhere, column: string, what: string, ifText = ''): UserError {
  const s = cell.trim();
  if (BINARY.test(cell)) return binaryError(where);
  if (cell.includes(REPLACEMENT)) return encodingError(where);
  if (s === '') return new UserError(`empty cell in ${column}; ${what}${ifText}`, where);
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) {
    return new UserError(`non-finite value ${show(s)} in ${column}; values must be finite numbers`, where);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    return new UserError(
      `value ${show(s)} in ${column} is out of float32 range (magnitude above 3.4e38); rescale the data`,
      where,
    );
  }
  // 1,234: a thousands separator as likely as a decimal comma (an export in US format), which would read it as 1.234
  if (/^[+-]?[1-9]\d{0,2},\d{3}$/.test(s)) {
    return new UserError(
      `value ${show(s)} in ${column} has a comma that is a thousands separator (${show(s.replace(',', ''))}) or a decimal comma (${show(s.replace(',', '.'))}); ` +
        'write each number with a point for decimals and no separator',
      where,
    );
  }
  if (isDecimalComma(s)) {
    return new UserError(
      `value ${show(s)} in ${column} has a decimal comma; write decimal numbers with a point (${show(s.replace(',', '.'))})`,
      where,
    );
  }
  // WISDM's files close every line with a semicolon: the last cell is a number and a ';', not text to leave out
  if (/;$/.test(s) && Number.isFinite(toValue(s.slice(0, -1)))) {
    return new UserError(`value ${show(s)} in ${column} ends in a semicolon: does every line of the file end in one? strip them (sed 's/;$//' the file)`, where);
  }
  const grouped = withoutThousands(s);
  if (grouped !== null) {
    return new UserError(`value ${show(s)} in ${column} has a thousands separator; write numbers without one (${show(grouped)})`, where);
  }
  return new UserError(
    `non-numeric value ${show(s)} in ${column}; ${what} (a decimal number such as 1.5 or -2e-3)${ifText}`,
    where,
  );
}

/**
 * A name cell (label, id, header cell), trimmed; binary data is an error, and so is text that is not UTF-8
 * (which the parser decodes to U+FFFD: `café` and `cafè` saved as Latin-1 would both become `caf\uFFFD`, one class).
 */
export function toName(cell: string, where: CellWhere): string {
  if (BINARY.test(cell)) throw binaryError(where);
  if (cell.includes(REPLACEMENT)) throw encodingError(where);
  return cell.trim();
}

const REPLACEMENT = '\uFFFD';

function encodingError(where: CellWhere): UserError {
  return new UserError(
    'text that is not UTF-8 (bytes of another encoding, such as Latin-1 or Windows-1252); save the file as UTF-8 (iconv -f cp1252 -t utf-8)',
    where,
  );
}

/** `column "ax"` when the file has a header, else `column 3` (1-based). */
export function columnName(header: readonly string[] | null, index: number): string {
  return header !== null && index < header.length ? `column ${JSON.stringify(header[index])}` : `column ${index + 1}`;
}
