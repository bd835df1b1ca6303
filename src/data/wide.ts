// The wide layout: one sequence per row, D = 1. With a header (a first row with a non-numeric cell after the
// first, or a cell equal to the label column's name), the label is the column so named and every other cell
// is a value; without one, the label is the first cell. Rows may be ragged: trailing empty, NaN or NA cells are
// ignored (NaN: the archive's padding; NA, #N/A: R's and spreadsheets'), also before label and id columns that
// follow every value column; an empty or missing cell before the last value is a gap (pushed as NaN for the
// builder to fill, gaps.ts; refused under --gaps refuse). Ids are the 1-based
// data row numbers (or, when the layout is forced to wide and the header has an id column, that column; or a
// first column the header leaves unnamed, as R and pandas write row names).
//
// Owns the row rules of this layout; cell parsing is cells.ts', storage is builder.ts'.

import { UserError } from '../errors.js';
import type { DataSetBuilder, StepStore } from './builder.js';
import { FILL_GAP, columnName, isBlank, isDecimalComma, isPaddingCell, toName, toValue, valueError } from './cells.js';
import { ROW_NAMES_HINT, UNLABELLED_HINT, UNNAMED_CHANNEL, columnList, isUnnamedColumn, nameList, otherCaseFlags, quotedNames, sameNumber } from './names.js';
import { shellQuote } from './visible.js';
import { channelSeries } from './channel-series.js';
import { isSeries, oddEnds, oddEndsText, timeAxis } from './series-names.js';
import { isTimeName } from './time-like.js';
import { quantityColumns } from './quantity-columns.js';
import { parseTimestamp } from './timestamps.js';
import { LabelLast } from './label-last.js';

export interface WideOptions {
  readonly labelColumn: string;
  readonly idColumn: string;
  readonly timeColumn?: string; // only to name it in a message: a wide file has none
  readonly requireLabels: boolean;
  readonly modelClasses?: readonly string[]; // read for a model with these classes
  readonly format?: 'auto' | 'wide' | 'long'; // 'wide': forced (given, or a model's), so a long file's header reads as wide
  readonly separator?: string; // what the file's cells were split at (sniff.ts), for a message
}

const WHAT = 'every value cell of a wide row must be a number';

/** What to do about a long file read as wide because wide was asked for (by a flag, or by the model's layout). */
/** Column names a long file's id column goes by (subject, session_id, trial, …). */
const ID_LIKE = /id|subject|series|session|trial|user|participant|patient|record|sample|name|key/i;

const FORCED_WIDE = 'give --format long (the file is read with --format wide, given or the layout the model was trained with)';

/**
 * Whether the first row of a wide file is a header rather than data: it names the label column, or most of its
 * cells after the first are not numbers, or they are column numbers (0, 1, 2, 3, …, as pandas names columns)
 * after a first cell that is no number. A row of numbers with a bad one among them (a
 * typo, `1e`) is data, whose value error then names its line and column, rather than a header that would
 * silently drop it; NaN, which pads a shorter row (the archive's .tsv files), counts as a number.
 */
function isWideHeader(cells: readonly string[], labelColumn: string): boolean {
  if (cells.some((c) => c.trim() === labelColumn) || numberedColumns(cells) !== null || timeAxis(cells)) return true;
  let names = 0;
  let numbers = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c.trim() === labelColumn) return true;
    if (i === 0 || isBlank(c)) continue;
    if (Number.isNaN(toValue(c)) && !isDecimalComma(c) && !isPaddingCell(c)) names++;
    else numbers++;
  }
  return names > numbers;
}

/**
 * The named cells around column numbers 0, 1, 2, 3, … (at least four after a name, five from the first cell), or
 * null where the cells are no such row:
 * pandas' names for the columns of a frame written without names, with its index or a label column before them
 * (one name first), a label or id column appended after them (up to two names last), or alone
 * (`to_csv(index=False)`). A toy row `a,1,2,3` stays data, and so does a row of a sequence whose label is 0 and
 * whose values are 1, 2, 3, … exactly, which no recording is.
 */
function numberedColumns(cells: readonly string[]): string[] | null {
  let end = cells.length;
  while (end > 0 && isBlank(cells[end - 1])) end--;
  const from = Number.isFinite(toValue(cells[0])) ? 0 : 1;
  let k = from;
  while (k < end && cells[k].trim() === String(k - from)) k++;
  if (k - from < 5 - from || end - k > 2) return null; // after a name, four numbers are enough
  const after = cells.slice(k, end).map((c) => c.trim());
  if (after.some((c) => c === '' || Number.isFinite(toValue(c)))) return null;
  return [...cells.slice(0, from).map((c) => c.trim()), ...after];
}

/**
 * Refuses a headerless file read for a model whose first cell, read as the label, is a number that is none of
 * the model's classes, and fractional or of a model without whole-number classes: a signal value, so the file
 * has no label column, and reading on would drop every row's first sample and score the rest. (A whole number
 * is a label that a model with classes 1, 2, 3 may not have seen.)
 */
function checkLabelFirst(cell: string, classes: readonly string[], file: string, line: number): void {
  const label = cell.trim();
  // A whole number as labels are written: digits; or in e-notation where the model's classes are written so (the
  // archive's older files write class 3 as 3.0000000e+00, and every value too, so elsewhere it is a value).
  const digits = (c: string) => /^[+-]?[0-9]+$/.test(c.trim());
  const eWhole = (c: string) => /^[+-]?[0-9.]+[eE][+-]?[0-9]+$/.test(c.trim()) && Number.isInteger(Number(c));
  const n = sameNumber(label);
  if (!Number.isFinite(toValue(label)) || classes.includes(label)) return;
  if ((digits(label) && classes.some(digits)) || (eWhole(label) && classes.some(eWhole))) return;
  if (n !== undefined && classes.some((c) => sameNumber(c) === n)) return; // a class written otherwise: the reader says so
  throw new UserError(
    `the first cell, ${label}, would be the label (a file without a header has its label first), but it is a number ` +
      `and none of the model's classes (${nameList(classes)}); put each row's label first, or give the file a header row naming its ` +
      `columns (predict needs no label column then)`,
    { file, line, column: 1 },
  );
}

export class WideReader {
  private readonly file: string;
  private readonly opts: WideOptions;
  private readonly builder: DataSetBuilder;
  private readonly steps: StepStore;
  private readonly header: string[] | null;
  private readonly labelAt: number; // cell index of the label, −1 for none
  private readonly idAt: number; // cell index of the id, −1: ids are row numbers
  private readonly namedTail: number; // where the label and id columns after every value column start (no such: Infinity)
  private dataRows = 0;
  // The header's line until the first row has been read against it (checkOddColumns), for a model's file without
  // a label column; −1 otherwise.
  private oddColumnsLine = -1;
  // A training file without a header: what tells a label put last (LabelLast) from one first.
  private readonly labelLast: LabelLast | null;

  /** Whether the file's first row was its header (else its first sequence). */
  get headed(): boolean {
    return this.header !== null;
  }

  /** Takes the file's first row, which is either its header or its first sequence. */
  constructor(file: string, first: readonly string[], line: number, opts: WideOptions, builder: DataSetBuilder) {
    this.file = file;
    this.opts = opts;
    this.builder = builder;
    this.steps = builder.begin([UNNAMED_CHANNEL], file, line, true);
    if (isWideHeader(first, opts.labelColumn)) {
      const header = first.map((c, i) => toName(c, { file, line, column: i + 1 }));
      while (header.length > 0 && header[header.length - 1] === '') header.pop(); // trailing commas
      this.header = header;
      this.labelAt = header.indexOf(opts.labelColumn);
      this.idAt = header.indexOf(opts.idColumn);
      // Row names, as R's write.csv and pandas' to_csv write them: a first column without a name.
      if (this.idAt < 0 && this.labelAt !== 0 && isUnnamedColumn(header[0])) this.idAt = 0;
      for (const name of [opts.labelColumn, opts.idColumn]) {
        const [a, b] = [header.indexOf(name), header.lastIndexOf(name)];
        if (a !== b) throw new UserError(`the header names column ${JSON.stringify(name)} twice (columns ${a + 1} and ${b + 1}); name each column once`, { file, line });
      }
      if (this.labelAt < 0 && opts.requireLabels) {
        const example = header.find((c, i) => i > 0 && Number.isNaN(toValue(c))) ?? header[0];
        const names = numberedColumns(first)?.filter((c) => c !== '') ?? null; // pandas' index has no name
        const axis = names === null && timeAxis(first) ? first.slice(first.findIndex((c) => Number.isFinite(toValue(c)))).slice(0, 3).map((c) => c.trim()) : null;
        // The one column around the numbers: the label, most likely.
        const named = names?.length === 1 ? names[0] : axis !== null && !Number.isFinite(toValue(first[0])) ? header[0] : '';
        const why = axis !== null ? `its cells name the samples' times or positions, ${axis.join(', ')}, …, evenly spaced${Number.isFinite(toValue(first[0])) ? '' : `, after ${JSON.stringify(header[0])}`}`
          : names === null ? `it has non-numeric cells such as ${JSON.stringify(example)}` : `its cells number the columns, 0, 1, 2, …${names.length > 0 ? `, beside ${names.map((c) => JSON.stringify(c)).join(' and ')}` : ''}`;
        throw new UserError(
          `the first row looks like a header (${why}) ` +
            `but no column named ${JSON.stringify(opts.labelColumn)} (${columnList(header)}); name the label column ` +
            `${JSON.stringify(opts.labelColumn)}, pass the label column's name (--label-column${named !== '' ? ` ${named}` : names?.length === 0 && header[0] === '0' ? ` 0, where the first column holds the labels; --label-column ${header.at(-1)}, where the last does` : ''}), or remove the header` +
            otherCaseFlags(header, [['--id-column', opts.idColumn], ['--time-column', opts.timeColumn ?? 't'], ['--label-column', opts.labelColumn]]) +
            (opts.separator === ',' ? otherSeparator(first) : '') +
            (opts.modelClasses !== undefined ? UNLABELLED_HINT : ''),
          { file, line },
        );
      }
      this.labelLast = null;
      this.checkValuesOneSide(line);
      // Read for a model without a label column, the first row tells a label column named otherwise (row()).
      if (opts.modelClasses !== undefined && this.labelAt < 0) this.oddColumnsLine = line;
      else this.checkOddColumns(line, []);
      this.noteColumnNames(line);
      let tail = header.length;
      while (tail > 1 && (tail - 1 === this.labelAt || tail - 1 === this.idAt)) tail--;
      this.namedTail = tail < header.length ? tail : Infinity;
    } else {
      this.header = null;
      this.labelAt = 0;
      this.idAt = -1;
      this.namedTail = Infinity;
      this.labelLast = opts.requireLabels && opts.modelClasses === undefined ? new LabelLast() : null;
      if (opts.modelClasses) checkLabelFirst(first[0] ?? '', opts.modelClasses, file, line);
      this.row(first, line);
    }
  }

  /**
   * Refuses a header with value columns on both sides of the label (`sample,label,0,1,…`; `0,1,…,label,subject`): a
   * row's values come after its label or before it, so the columns on the other side are most likely the rows'
   * names (a subject, an index), which would be read as samples of every sequence. The id column counts on neither.
   */
  private checkValuesOneSide(line: number): void {
    const { header, labelAt, idAt } = this;
    if (header === null || labelAt < 0) return;
    const columns = header.map((_, i) => i).filter((i) => i !== idAt && i !== labelAt);
    const before = columns.filter((i) => i < labelAt);
    const after = columns.filter((i) => i > labelAt);
    if (before.length === 0 || after.length === 0) return;
    // The columns before the label are the rows' names (device, t, label, ax: a long file; LCLid, day, label, hh_0,
    // …) unless they are a series of value columns (0, 1, …, label, subject) or twice as many as those after it
    // (acc_x, acc_y, acc_z, label, subject), and none is a time's (subject, trial, t, label, x, y).
    const names = before.map((i) => header[i].trim());
    const valuesBefore = before.length > after.length && !names.some(isTimeName) && (isSeries(names) || before.length >= 2 * after.length);
    const odd = valuesBefore ? after : before;
    /** Where `list`, the first of those columns or all of them, stands in the header. */
    const where = (list: readonly number[]) => {
      const many = list.length > 1;
      return `column${many ? 's' : ''} ${quotedNames(list.map((i) => header[i]))} come${many ? '' : 's'} ${valuesBefore ? 'after' : 'before'} ` +
        `the label column ${JSON.stringify(this.opts.labelColumn)}, with values ${valuesBefore ? 'before' : 'after'} ${many ? 'them' : 'it'}`;
    };
    if (idAt >= 0) {
      throw new UserError(
        `${where(odd)}, beside the id column ${JSON.stringify(header[idAt])}: if each row is one time step (the long layout), ${FORCED_WIDE}; ` +
          `else remove ${odd.length > 1 ? 'them' : 'it'}`,
        { file: this.file, line, column: odd[0] + 1 },
      );
    }
    const [first, ...others] = odd;
    const name = shellQuote(header[first]);
    const removed = others.length > 0 ? ` and remove ${quotedNames(others.map((i) => header[i]))}` : '';
    throw new UserError(
      `${where([first])}; ` +
        `if each row is one time step (the long layout), ${this.opts.format === 'wide' ? FORCED_WIDE : `name the id column: --id-column ${name}`}; if each row is a whole sequence ` +
        `and the column names it, --format wide --id-column ${name}${removed}; else remove the column${others.length > 0 ? 's' : ''}`,
      { file: this.file, line, column: first + 1 },
    );
  }

  /**
   * Refuses a header whose value columns are a series of names (t0, t1, …, t127; 0.00, 0.01, …; Jan … Dec) but for
   * one or two at either end (`label,age,t0,…`; `Year,Jan,…,Dec,Annual`): a column of another kind, most likely (a
   * subject's age, a session, a row's year), which would be read as a sample of every sequence.
   */
  private checkOddColumns(line: number, first: readonly string[]): void {
    const { header, labelAt, idAt } = this;
    if (header === null) return;
    const at = header.map((_, i) => i).filter((i) => i !== labelAt && i !== idAt);
    const odd = oddEnds(at.map((i) => header[i].trim()));
    if (odd.length === 0) return;
    // A model's label column under another name (activity, beside Jan … Dec): the row's value check names it, as
    // it does a word that is one of the model's classes (a number is read as a sample, so it is refused here).
    const label = (cell = '') => this.opts.modelClasses?.includes(cell.trim()) && Number.isNaN(toValue(cell));
    if (labelAt < 0 && odd.some((k) => label(first[at[k]]))) return;
    const series = at.filter((_, k) => !odd.includes(k)).map((i) => header[i].trim());
    const firstOdd = header[at[odd[0]]];
    // One cell that is a class is weak evidence: the label's way beside the id's, the last such column (labels come last).
    const labels = labelAt < 0 ? [...odd].reverse().find((k) => this.opts.modelClasses?.includes((first[at[k]] ?? '').trim())) : undefined;
    // The id column is one column: another odd one beside it (LCLid, day, hh_0 …) is still to be removed.
    const besides = odd.slice(1).filter((k) => k !== labels).map((k) => header[at[k]]);
    const rows = odd[0] !== 0 ? ''
      : isUnnamedColumn(firstOdd) ? "; a first column unnamed (pandas' Unnamed: 0) holds row names, as R's write.csv and pandas' to_csv write them: write the file without them (row.names = FALSE, index=False)"
      : idAt >= 0 ? '' // the rows have their id column already
      : `; if ${JSON.stringify(firstOdd)} names each row (an index), --format wide --id-column ${shellQuote(firstOdd)}${besides.length > 0 ? ` and remove ${quotedNames(besides)}` : ''}`;
    const way = rows + (labels === undefined ? '' : `; if ${JSON.stringify(header[at[labels]])} holds the labels (its first cell is one of the model's classes), --label-column ${shellQuote(header[at[labels]])}`);
    throw new UserError(oddEndsText('column', odd.map((k) => header[at[k]]), series, 'value columns', "a subject's age, a session, a note") + way, { file: this.file, line, column: at[odd[0]] + 1 });
  }

  /**
   * Notes a header whose value columns are several channels' series (channel-series.ts), or else named as
   * quantities (quantity-columns.ts), for train's warning; a model's file is read as the model was trained.
   */
  private noteColumnNames(line: number): void {
    const { header, labelAt, idAt } = this;
    if (header === null || this.opts.modelClasses !== undefined) return;
    const names = header.filter((_, i) => i !== labelAt && i !== idAt).map((c) => c.trim());
    const series = channelSeries(names);
    const quantities = series === null ? quantityColumns(names) : null;
    if (series !== null) this.builder.noteSeries({ file: this.file, line, ...series });
    if (quantities !== null) this.builder.noteQuantities({ file: this.file, line, format: 'wide', ...quantities });
  }

  row(cells: readonly string[], line: number): void {
    const { file, header, labelAt, idAt } = this;
    if (this.oddColumnsLine >= 0) {
      const at = this.oddColumnsLine;
      this.oddColumnsLine = -1;
      this.checkOddColumns(at, cells);
    }
    let end = cells.length;
    // Ragged rows: trailing empty, NaN or NA cells; a label or id cell `NA` (North America, sodium) is no padding.
    const named = Math.max(labelAt, idAt);
    while (end > 0 && (isBlank(cells[end - 1]) || (end - 1 > named && isPaddingCell(cells[end - 1])))) end--;
    // With the label (and id) after the values, as pandas appends a column to a frame, the padding comes before them.
    const tail = this.namedTail;
    let padFrom = Math.min(end, tail);
    if (tail < end) while (padFrom > 0 && (isBlank(cells[padFrom - 1]) || isPaddingCell(cells[padFrom - 1]))) padFrom--;
    if (header !== null && end > header.length) {
      throw new UserError(
        `row has ${end} cells but the header has ${header.length}; add the missing column names to the header ` +
          `or remove the extra cells${end === header.length + 1 ? ROW_NAMES_HINT : ''}`,
        { file, line, column: header.length + 1 },
      );
    }

    let label: string | null = null;
    if (labelAt >= 0) {
      // Every row's, not the first's alone: a file with its label last whose first row happens to start on a class
      // (a beat normalized to 1.0, class 1) would score its samples as labels.
      if (header === null && this.opts.modelClasses !== undefined && labelAt < end) checkLabelFirst(cells[labelAt], this.opts.modelClasses, file, line);
      label = labelAt < end ? toName(cells[labelAt], { file, line, column: labelAt + 1 }) : '';
      if (label === '') {
        if (this.opts.requireLabels) {
          throw new UserError(
            `missing label in ${columnName(header, labelAt)}; every sequence needs a class name`,
            { file, line, column: labelAt + 1 },
          );
        }
        label = null;
      }
    }

    let count = 0;
    let gaps = 0;
    this.steps.startSequence?.();
    const last = this.labelLast;
    for (let i = 0; i < end; i++) {
      if (i === labelAt || i === idAt || (i >= padFrom && i < tail)) continue;
      const x = toValue(cells[i]);
      if (x !== x) {
        const where = { file, line, column: i + 1 };
        if (isBlank(cells[i]) || isPaddingCell(cells[i])) { // a gap: NaN pads a row's end only
          if (this.builder.fillsGaps) {
            this.builder.noteGap();
            this.steps.push(x);
            count++;
            gaps++;
            continue;
          }
          throw new UserError(
            `${isBlank(cells[i]) ? 'empty cell' : `missing value ${cells[i].trim()}`} in ${columnName(header, i)} before the last value of the row; only trailing cells ` +
              `may be empty or missing (ragged rows): ${FILL_GAP} or leave the row out`,
            where,
          );
        }
        // Text in a named column of the first row: a class of the model, most likely the label column under
        // another name; else, in a first column or one named as ids are, a long-layout file's id column under
        // another name. Elsewhere, and further down, a typo (an id column offered for it would train on nonsense).
        const hint = this.dataRows > 0 ? ''
          : header === null ? `; a file without a header has its label first and numbers after it: put the label first, or add a header row naming the label column ${JSON.stringify(this.opts.labelColumn)} (a file of one row per time step, the long layout, names its ${JSON.stringify(this.opts.idColumn)} column there too)`
          : this.opts.modelClasses?.includes(cells[i].trim()) ? `; it is a class of the model: name the label column (--label-column ${header[i]})`
          // A date and time times the rows: an id column offered for it would make each row a sequence of one step.
          : Number.isFinite(parseTimestamp(cells[i])) ? `; it is a date and time: a file of one row per time step (the long layout) needs a column naming each row's recording (--id-column), and this one as its time column (--time-column ${shellQuote(header[i].trim())})`
          : !(i <= 1 || ID_LIKE.test(header[i])) ? ''
          : this.opts.format === 'wide' ? `; if each row is one time step (the long layout), ${FORCED_WIDE}`
          : `; if each row is one time step (the long layout), name the id column: --id-column ${header[i]}`;
        throw valueError(cells[i], where, columnName(header, i), WHAT, hint);
      }
      if (last !== null) last.value(x, count === gaps, i === end - 1);
      this.steps.push(x);
      count++;
    }
    if (count === 0) {
      // One cell holding the whole line: its cells are separated by a character the reader does not know (`|`).
      const whole = end === 1 && header === null && /[^\p{L}\p{N}\s._+-]/u.test(cells[0]) ? ` (the whole line is one cell, ${JSON.stringify(cells[0].trim().slice(0, 40))}: cells must be separated by commas, tabs, semicolons or blanks)` : '';
      throw new UserError(`row has no values; a sequence needs at least one time step${whole}`, { file, line });
    }

    this.dataRows++;
    if (label !== null) last?.label(label);
    let id = String(this.dataRows);
    if (idAt >= 0) {
      id = idAt < end ? toName(cells[idAt], { file, line, column: idAt + 1 }) : '';
      if (id === '') {
        throw new UserError(`empty id in ${columnName(header, idAt)}; every row needs an id`, {
          file,
          line,
          column: idAt + 1,
        });
      }
    }
    this.builder.addSequence(id, label, count, file, line);
  }

  /** `lastLine`: the file's last line, for the message when the header has no rows under it. */
  end(lastLine: number): void {
    if (this.dataRows === 0) {
      throw new UserError('no sequences: the file has a header but no data rows; add one row per sequence', {
        file: this.file,
        line: lastLine,
      });
    }
    const why = this.dataRows >= LabelLast.ROWS ? this.labelLast?.why() : undefined;
    if (why !== undefined) {
      throw new UserError(`${why}: is each row's label its last cell? A file without a header has its label first: put it first, or give the file a header row naming the columns, the label column ${JSON.stringify(this.opts.labelColumn)}`, { file: this.file, line: 1 });
    }
  }
}

/**
 * For a first row split at commas whose cells hold tabs or semicolons (a tab-separated file whose first label has
 * as many commas as the line has tabs): how to say which separator the file has.
 */
function otherSeparator(first: readonly string[]): string {
  const sep = first.some((c) => c.includes('\t')) ? ['tabs', 'sep= and a tab'] : first.some((c) => c.includes(';')) ? ['semicolons', 'sep=;'] : null;
  return sep === null ? '' : `; it was read as comma-separated, its first line holding no fewer commas than ${sep[0]}: if ${sep[0]} separate its cells, make its first line ${sep[1]}`;
}
