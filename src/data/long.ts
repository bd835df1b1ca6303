// The long layout: one time step per row, under a required header with an id column, an optional time column,
// a label column (optional only when labels are not required) and channel columns. A sequence's rows need not
// be contiguous nor in time order: rows are grouped by id (ids keep their first-appearance order) and, when
// there is a time column, sorted by time, which must then be strictly increasing. An empty or missing channel
// cell is a gap, pushed as NaN for the builder to fill once the sequence is in time order (gaps.ts), or refused
// under --gaps refuse.
//
// Values are pushed straight into the builder's step chunks in arrival order; no per-row JS object is made.
// Per row we keep only what the regrouping needs: the time (when there is a time column) and, as runs,
// which sequence it belongs to. Line numbers are kept as a sparse map (they only drift from the row number at
// blank or multi-line records). At the end of the file, if the rows were not already grouped and ordered, the
// file's steps are copied out once and scattered back in final order.
//
// Owns the row rules of this layout; cell parsing is cells.ts', storage is builder.ts'.

import { UserError } from '../errors.js';
import { type Chunks, type DataSetBuilder, type StepStore, float64Chunks, int32Chunks } from './builder.js';
import { isBlank, isPaddingCell, show, toName, toNumber, toValue, valueError } from './cells.js';
import { ROW_NAMES_HINT, UNLABELLED_HINT, UNNAMED_CHANNEL, columnList, csvName, isUnnamedColumn, nameList, otherCaseFlags } from './names.js';
import { isOtherDateOrTime, parseTimestamp, showTimestamp } from './timestamps.js';
import { isTimeName } from './time-like.js';
import { type LongColumns, emptyHint, gapHint, textHint } from './long-hints.js';
import { RestartWatch, alternates, blocksOf } from './restarts.js';

export interface LongOptions {
  readonly labelColumn: string;
  readonly idColumn: string;
  readonly timeColumn: string;
  readonly timeColumnGiven?: boolean; // named by the caller: its absence is an error (else the time column is optional)
  readonly channels?: readonly string[];
  readonly requireLabels: boolean;
  readonly modelClasses?: readonly string[]; // read for a model: its channels, not this header, say which columns it reads
  readonly modelChannels?: readonly string[]; // read for a model: where the header has each of them, those are read, in this order
}

const WHAT = 'every channel cell must be a number';
const OTHER_DATE_HINT = ' (dates written day or month first, with slashes or in the compact form 20240501T120000 are not read: rewrite them as 2024-05-01 12:00:00; times of day alone, as seconds)';
const CUT_SHORT_HINT = ' (a line cut short, as a logger stopped mid-line leaves it, must be completed or removed; an empty cell, at a row\'s end too, still needs its separator)';

/** Row → line, stored only where line − row changes. */
class LineMap {
  private readonly rows: number[] = [];
  private readonly deltas: number[] = [];

  /** Empties the map, keeping its storage (LongReader.restart). */
  clear(): void {
    while (this.rows.length > 0) {
      this.rows.pop();
      this.deltas.pop();
    }
  }

  note(row: number, line: number): void {
    const d = line - row;
    if (this.deltas.length === 0 || this.deltas[this.deltas.length - 1] !== d) {
      this.rows.push(row);
      this.deltas.push(d);
    }
  }

  line(row: number): number {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.rows[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return row + this.deltas[lo];
  }
}

export class LongReader {
  private readonly file: string;
  private readonly opts: LongOptions;
  private readonly builder: DataSetBuilder;
  private readonly steps: StepStore;
  private readonly header: string[];
  private readonly idAt: number;
  private readonly timeAt: number; // −1: no time column
  private readonly labelAt: number; // −1: no label column
  private readonly channelAt: number[]; // [D] cell index of each channel
  private readonly unnamedFrom: number; // the header's trailing unnamed columns start here: their cells must be empty
  private readonly namedWidth: number; // the header's columns but the blank names at its end, which rows may leave out
  private rowsLeaveBlanks: boolean | null = null; // whether they do, as the first row does: then every row may, else none
  private readonly unread: number[] = []; // columns beside a model's channels read by name: each the same through a sequence
  private readonly unreadFirst = new Map<number, string[]>(); // sequence → its first row's cells of those columns
  private readonly others: number[]; // the columns not read: neither a channel nor the id, time or label column
  private numberNames: { names: string[]; line: number } | null = null; // channels named by numbers, till the first row
  private readonly blankSeen = new Set<number>(); // those of them empty on a sample's row of this sequence: where an event row's text goes
  private firstStep: number; // the builder's step count when this file (or this restart) began

  // Per sequence of this file, in first-appearance order.
  private readonly seqOf = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly labels: (string | null)[] = [];
  private readonly firstLine: number[] = [];
  private readonly count: number[] = [];
  private readonly lastTime: number[] = [];
  private readonly lastLine: number[] = [];
  private readonly unsorted: boolean[] = []; // some row came with a time below its predecessor's
  private readonly restarts = new RestartWatch(); // blocks of rows whose times overlap (restarts.ts)
  private readonly mergedAt = new Map<number, number>(); // sequence → the line its blocks' times interleave from (reorder)

  // Per row of this file.
  private rows = 0;
  // [rows] time of each row (only with a time column): int32 while every time is an integer, half the memory of
  // float64, which it becomes (once) at the first time that is not
  private times: Chunks<Int32Array | Float64Array> = int32Chunks(1);
  private timesInt = true;
  private timesAreDates: boolean | null = null; // whether the time column holds dates (in ms) or numbers; null before the first
  private readonly runSeq = int32Chunks(1); // [runs] sequence of each run of consecutive rows
  private readonly runLen = int32Chunks(1); // [runs] rows in each run
  private runSeqNow = -1; // sequence of the current (last) run
  private lastRunLen = 0; // rows in the current (last) run, not yet pushed
  private readonly lines = new LineMap();

  constructor(file: string, first: readonly string[], line: number, opts: LongOptions, builder: DataSetBuilder) {
    this.file = file;
    this.opts = opts;
    this.builder = builder;
    const header = first.map((c, i) => toName(c, { file, line, column: i + 1 }));
    this.header = header;
    const where = { file, line };
    const at = firstColumns(header); // looked up by name: a search of the header per column is quadratic in its columns
    const indexOf = (name: string) => at.get(name) ?? -1;
    header.forEach((name, i) => {
      if (name !== '' && indexOf(name) !== i) { // unnamed columns: see the channels below
        throw new UserError(`duplicate column name ${show(name)} in the header; give every column its own name`, {
          ...where,
          column: i + 1,
        });
      }
    });

    this.idAt = indexOf(opts.idColumn);
    if (this.idAt < 0) {
      throw new UserError(
        `the long layout needs a header with an id column named ${show(opts.idColumn)} (the header: ${columnList(header)}); add it or pass its name (--id-column)` +
          otherCaseFlags(header, [['--id-column', opts.idColumn], ['--time-column', opts.timeColumn], ['--label-column', opts.labelColumn]]),
        where,
      );
    }
    this.timeAt = indexOf(opts.timeColumn);
    if (this.timeAt < 0 && opts.timeColumnGiven) {
      throw new UserError(`no time column named ${show(opts.timeColumn)} in the header (${columnList(header)}); name an existing column (--time-column)` +
        otherCaseFlags(header, [['--time-column', opts.timeColumn], ['--label-column', opts.labelColumn]]), where);
    }
    this.labelAt = indexOf(opts.labelColumn);
    if (this.labelAt < 0 && opts.requireLabels) {
      throw new UserError(
        `no label column named ${show(opts.labelColumn)} in the header (${columnList(header)}); add it or pass the label column's name (--label-column)` +
          otherCaseFlags(header, [['--time-column', opts.timeColumn], ['--label-column', opts.labelColumn]]) +
          (opts.modelClasses !== undefined ? UNLABELLED_HINT : ''),
        where,
      );
    }

    // A trailing separator on every line (a spreadsheet's export) names no column, nor does pandas' `Unnamed: 4`
    // for one read back: its cells must be empty, unless --channels picks the columns (then any column it leaves
    // out is not read). Elsewhere, for training, pandas' name for a column that had none is no name either; a
    // model trained on such a channel before reads it.
    const picked = opts.channels !== undefined && opts.channels.length > 0;
    const unnamedHere = (name: string) => (opts.modelClasses === undefined ? isUnnamedColumn(name) : name === '');
    let unnamedFrom = header.length;
    while (!picked && unnamedFrom > 0 && isUnnamedColumn(header[unnamedFrom - 1])) unnamedFrom--;
    this.unnamedFrom = unnamedFrom;
    let namedWidth = header.length;
    while (namedWidth > 0 && header[namedWidth - 1].trim() === '') namedWidth--;
    this.namedWidth = namedWidth;
    const reserved = new Set([this.idAt, this.timeAt, this.labelAt]);
    if (opts.channels !== undefined && opts.channels.length > 0) {
      this.channelAt = opts.channels.map((name) => {
        const i = indexOf(name);
        if (i < 0) {
          throw new UserError(
            `channel ${show(name)} is not a column of the header (${columnList(header)}); name existing columns`,
            where,
          );
        }
        if (reserved.has(i)) {
          throw new UserError(`column ${show(name)} is the id, time or label column; it cannot be a channel: leave it out of --channels`, where);
        }
        return i;
      });
    } else if (byName(opts.modelChannels, at, reserved)) {
      // The model's channels by name, as --channels would pick them: in another order, or beside columns that
      // stay the same through each sequence (an operator, a session), checked row by row (checkUnread).
      this.channelAt = opts.modelChannels!.map(indexOf);
      const read = new Set(this.channelAt);
      this.unread = header.slice(0, unnamedFrom).map((_, i) => i).filter((i) => !reserved.has(i) && !read.has(i));
    } else {
      this.channelAt = header.slice(0, unnamedFrom).map((_, i) => i).filter((i) => !reserved.has(i));
      // pandas writes its row index as an unnamed first column (to_csv without index=False), `Unnamed: 0` once read back.
      const unnamed = this.channelAt.find((i) => unnamedHere(header[i]));
      if (unnamed !== undefined) {
        const what = header[unnamed] === '' ? 'has no name'
          : unnamed === 0 ? `is ${show(header[unnamed])}, a row index pandas wrote (to_csv without index=False) and read back`
            : `is ${show(header[unnamed])}, pandas' name for a column that had none`;
        throw new UserError(
          `column ${unnamed + 1} of the header ${what}, and every column but id, time and label is a channel; name it, ` +
            'remove it (pandas: to_csv(index=False); R: write.csv(…, row.names = FALSE)), or pick the channels with --channels',
          { ...where, column: unnamed + 1 },
        );
      }
      if (this.channelAt.length === 0) {
        throw new UserError('the header has no channel columns (only id, time and label); add value columns', where);
      }
      // Numbers for names, not pandas' 0, 1, 2, …: wavelengths (450, 550), or a headerless file's first row taken
      // for the header (a logger's file with an id and a label column put before it), told by the first row.
      const names = this.channelAt.map((i) => header[i].trim());
      const numbered = names.every((c, k) => c === String(k) || c === String(k + 1));
      if (names.every((c) => Number.isFinite(toValue(c))) && !numbered && opts.modelClasses === undefined) this.numberNames = { names, line };
    }

    const taken = new Set([...this.channelAt, this.idAt, this.timeAt, this.labelAt]);
    this.others = header.map((_, j) => j).filter((j) => !taken.has(j));
    if (this.timeAt >= 0) builder.noteTimeColumn(header[this.timeAt]);
    this.firstStep = builder.steps;
    this.steps = builder.begin(
      this.channelAt.map((i) => header[i]),
      file,
      line,
    );
  }

  /**
   * Starts over on new rows under the same header, as if constructed again, but keeping the header's checks and
   * the per-row storage: the streamed reader (long-stream.ts) restarts it for every sequence, and a file of a
   * million one-step sequences would otherwise allocate a reader and its buffers a million times.
   */
  restart(): void {
    // Emptied by pop and delete, which keep the arrays' and the map's storage: `length = 0` and clear() drop it,
    // and a million one-row sequences then allocated it anew a million times.
    while (this.ids.length > 0) {
      this.seqOf.delete(this.ids.pop()!);
      this.labels.pop();
      this.firstLine.pop();
      this.count.pop();
      this.lastTime.pop();
      this.lastLine.pop();
      this.unsorted.pop();
    }
    this.restarts.clear();
    this.mergedAt.clear();
    this.rows = 0;
    if (this.timesInt) this.times.rewind();
    else [this.times, this.timesInt] = [int32Chunks(1), true];
    this.runSeq.rewind();
    this.runLen.rewind();
    this.runSeqNow = -1;
    this.lastRunLen = 0;
    this.lines.clear();
    this.unreadFirst.clear(); // sequence numbers start again at 0
    this.firstStep = this.builder.steps;
  }

  /** Takes one data row: checks it, files it under its sequence and stores its time and channel values. */
  row(cells: readonly string[], line: number): void {
    this.checkWidth(cells, line);
    const id = this.readId(cells, line);
    const label = this.readLabel(cells, line);
    const s = this.sequenceOf(id, label, line);
    this.readTime(cells, s, line);
    if (this.rows === 0 || s !== this.runSeqNow) {
      this.steps.startSequence?.();
      this.blankSeen.clear(); // an event column is empty on its own sequence's samples (a metadata one may be on others')
    }
    this.readValues(cells, line);
    if (this.unread.length > 0) this.checkUnread(cells, s, line);
    this.noteRow(s, line);
  }

  /**
   * Refuses a column beside the model's channels (read by name) whose cell changes within a sequence: a time
   * column under another name (the rows would be read in file order), what a value is (pandas' melt: `variable`),
   * or a channel the model does not read, none of which is a sequence's note.
   */
  private checkUnread(cells: readonly string[], s: number, line: number): void {
    const first = this.unreadFirst.get(s);
    if (first === undefined) {
      this.unreadFirst.set(s, this.unread.map((i) => (cells[i] ?? '').trim()));
      return;
    }
    const k = this.unread.findIndex((i, j) => (cells[i] ?? '').trim() !== first[j]);
    if (k < 0) return;
    const name = this.header[this.unread[k]];
    const time = isTimeName(name);
    throw new UserError(
      `column ${show(name)} changes within sequence ${show(this.ids[s])} and is none of the model's channels (${nameList(this.opts.modelChannels!.map((c) => csvName(c)))}), which are read by name: ` +
        (time ? `if it is the time column, name it (--time-column ${name}); ` : '') +
        `if it is a channel the model does not read, pick the model's (--channels ${this.opts.modelChannels!.map((c) => csvName(c)).join(',')}); if it says what each row's value is (pandas' melt), make each such its own column (pivot)`,
      { file: this.file, line, column: this.unread[k] + 1 },
    );
  }

  /** Throws unless the row has one cell per header column, and nothing under the trailing unnamed ones. */
  private checkWidth(cells: readonly string[], line: number): void {
    const { file, header } = this;
    for (let i = this.unnamedFrom; i < cells.length && i < header.length; i++) {
      if (!isBlank(cells[i])) {
        throw new UserError(
          `value ${show(cells[i])} in column ${i + 1}, which has no name in the header; name the column, or remove the value`,
          { file, line, column: i + 1 },
        );
      }
    }
    // A separator closing each data row but not the header (as some loggers write): empty cells past the last column;
    // and the other way round, a header closed by one (or more) that its rows are not: no cell for the blank names.
    // Whether rows leave them out is the first row's to say: a later row without them, where rows have them, was cut.
    let n = cells.length;
    while (n > header.length && isBlank(cells[n - 1])) n--;
    const leavesBlanks = n < header.length && n >= this.namedWidth;
    this.rowsLeaveBlanks ??= leavesBlanks;
    if (n !== header.length && !(leavesBlanks && this.rowsLeaveBlanks)) {
      throw new UserError(
        `ragged long-format row: ${cells.length} cells but the header has ${header.length}; ` +
          `every row needs one cell per column${n === header.length + 1 ? ROW_NAMES_HINT : n < header.length ? CUT_SHORT_HINT : ''}`,
        { file, line },
      );
    }
  }

  /** The row's sequence id, which must not be empty. */
  private readId(cells: readonly string[], line: number): string {
    const { file, header } = this;
    const id = toName(cells[this.idAt], { file, line, column: this.idAt + 1 });
    if (id === '') {
      throw new UserError(`empty id in column ${show(header[this.idAt])}; every row needs its sequence's id`, {
        file,
        line,
        column: this.idAt + 1,
      });
    }
    return id;
  }

  /** The row's label, trimmed; null when there is no label column or, where labels are optional, an empty cell. */
  private readLabel(cells: readonly string[], line: number): string | null {
    if (this.labelAt < 0) return null;
    const label = cells[this.labelAt].trim();
    if (label !== '') return label;
    if (this.opts.requireLabels) {
      const { file, header } = this;
      throw new UserError(
        `missing label in column ${show(header[this.labelAt])}; every sequence needs a class name`,
        { file, line, column: this.labelAt + 1 },
      );
    }
    return null;
  }

  /** The row's sequence: a new one at an id's first row, else the id's, whose label the row must repeat. */
  private sequenceOf(id: string, label: string | null, line: number): number {
    const s = this.seqOf.get(id);
    if (s === undefined) return this.startSequence(id, label, line);
    if (label !== this.labels[s]) {
      throw new UserError(
        `label changes from ${show(this.labels[s] ?? '')} to ${show(label ?? '')} within sequence ${show(id)} ` +
          `(first row on line ${this.firstLine[s]}); a sequence has one label: a recording whose class changes is several sequences, so give each stretch of one label (or each window of it) an id of its own (docs/data.md, "One recording labelled row by row")`,
        { file: this.file, line, column: this.labelAt + 1 },
      );
    }
    return s;
  }

  /** Adds a sequence for an id seen for the first time; its label, if any, must be a valid name. */
  private startSequence(id: string, label: string | null, line: number): number {
    const s = this.ids.length;
    if (label !== null) label = toName(label, { file: this.file, line, column: this.labelAt + 1 });
    this.seqOf.set(id, s);
    this.ids.push(id);
    this.labels.push(label);
    this.firstLine.push(line);
    this.count.push(0);
    this.lastTime.push(-Infinity);
    this.lastLine.push(line);
    this.unsorted.push(false);
    this.restarts.add();
    return s;
  }

  /**
   * Checks and stores the row's time (when there is a time column) against sequence s's previous one, and notes
   * the row's line as s's last.
   */
  private readTime(cells: readonly string[], s: number, line: number): void {
    if (this.timeAt >= 0) {
      const t = this.timeOf(cells[this.timeAt], line);
      if (t === this.lastTime[s]) throw this.duplicateTime(s, t, this.lastLine[s], line);
      if (t < this.lastTime[s]) this.unsorted[s] = true;
      this.restarts.row(s, t, this.lastTime[s], this.rows === 0 || s !== this.runSeqNow, line);
      this.lastTime[s] = t;
      if (this.timesInt && (t | 0) !== t) this.widenTimes();
      this.times.push(t);
    }
    this.lastLine[s] = line;
  }

  /** A time cell as a number: itself, or a date and time in milliseconds; one file's times are all one or the other. */
  private timeOf(cell: string, line: number): number {
    let t = toNumber(cell);
    const date = t !== t;
    if (date) t = parseTimestamp(cell);
    const { file, header } = this;
    const where = { file, line, column: this.timeAt + 1 };
    if (t !== t && cell.trim() === '') {
      throw new UserError(`empty time in column ${show(header[this.timeAt])}; every row needs its time, which orders its sequence's steps: write it in, or leave the row out`, where);
    }
    if (t !== t) {
      throw new UserError(
        `time ${show(cell)} in column ${show(header[this.timeAt])} is neither a number nor an ISO 8601 date and time; ` +
          'the time column must hold finite numbers, or dates and times such as 2024-05-01T12:00:00Z' + (isOtherDateOrTime(cell) ? OTHER_DATE_HINT : ''),
        where,
      );
    }
    if (this.timesAreDates === null) this.timesAreDates = date;
    else if (this.timesAreDates !== date) {
      throw new UserError(
        `time ${show(cell)} in column ${show(header[this.timeAt])} is ${date ? 'a date' : 'a number'} but the times before it are ${date ? 'numbers' : 'dates'}; ` +
          'write every time of a file the same way',
        where,
      );
    }
    return t;
  }

  /** The columns as the header gave them, for the hints of a refusal. */
  private get columns(): LongColumns {
    return { header: this.header, idAt: this.idAt, timeAt: this.timeAt, labelAt: this.labelAt, channelAt: this.channelAt, modelClasses: this.opts.modelClasses };
  }

  /**
   * Refuses channels named by numbers like the first row's values under them (`1524, 0.00, 1.00` over `1544, 0.10,
   * 1.00`; `1524, 512` over `1544, 498`): a row of data taken for the header. Names of another kind (wavelengths
   * 450, 550 over fractions or over counts of 12) pass.
   */
  private checkNumberNames(cells: readonly string[]): void {
    const { names, line } = this.numberNames!;
    this.numberNames = null;
    // A fraction over a fraction (any notation), or a whole number over one near it (within ten times: 1524 over
    // 1544, 512 over 498; not wavelengths 450 over counts 12); an empty cell tells nothing.
    const fraction = (s: string) => /[.,eE]/.test(s);
    const near = (a: number, b: number) => a === b || (Math.sign(a) === Math.sign(b) && Math.abs(a) <= 10 * Math.abs(b) && Math.abs(b) <= 10 * Math.abs(a));
    const like = (name: string, cell: string) => fraction(name) ? fraction(cell) : !fraction(cell) && near(toValue(name), toValue(cell));
    const told = this.channelAt.map((i, k) => [names[k], cells[i] ?? ''] as const).filter(([, c]) => !isBlank(c) && Number.isFinite(toValue(c)));
    if (told.length === 0 || !told.every(([n, c]) => like(n, c))) return;
    throw new UserError(
      `the header's channel columns are named by numbers like the values under them (${nameList(names, 5)}): the file's first row of data, most likely; ` +
        "a long-layout file starts with a row naming its columns (id, time, label and each channel): add one (if these are the channels' names, pick them with --channels)",
      { file: this.file, line },
    );
  }

  /** Notes the columns not read that are empty on this row (a sample's row), as an event column is. */
  private noteBlanks(cells: readonly string[]): void {
    for (const j of this.others) if (j < cells.length && isBlank(cells[j])) this.blankSeen.add(j);
  }

  /**
   * Refuses a row with no value in any channel read but text in a column not read that the sequence's samples'
   * rows before it leave empty (a device's event or marker row: Mind Monitor's `/muse/elements/blink`), which the
   * gaps would fill as a time step never sampled. A column that holds a value on the sequence's rows (a subject, an
   * age) marks nothing: a gap. Such a row before the sequence's first sample is a gap too: it cannot be told
   * from a subject written on a sequence's first row only, beside a first sample that was not read.
   */
  private checkMarkerRow(cells: readonly string[], line: number): void {
    const note = this.others.find((j) => j < cells.length && !isBlank(cells[j]) && this.blankSeen.has(j));
    if (note === undefined) return;
    throw new UserError(
      `no value in any channel read, but ${show(cells[note].trim())} in column ${show(this.header[note])}: an event or marker row, most likely, which is no time step; ` +
        'leave such rows out of the file (pandas: df.dropna(subset=[…the channels]))',
      { file: this.file, line, column: note + 1 },
    );
  }

  /** Pushes the row's channel values, each of which must be a number, as one step. */
  private readValues(cells: readonly string[], line: number): void {
    const { file, header } = this;
    if (this.numberNames !== null) this.checkNumberNames(cells);
    if (this.channelAt.every((i) => isBlank(cells[i]) || isPaddingCell(cells[i]))) this.checkMarkerRow(cells, line);
    else if (this.others.length > 0) this.noteBlanks(cells);
    for (const i of this.channelAt) {
      const x = toValue(cells[i]);
      if (x !== x) {
        const where = { file, line, column: i + 1 };
        if (isBlank(cells[i]) || isPaddingCell(cells[i])) {
          if (this.builder.fillsGaps) {
            this.builder.noteGap();
            this.steps.push(x);
            continue;
          }
          throw new UserError(`${isBlank(cells[i]) ? 'empty cell' : `missing value ${show(cells[i].trim())}`} in column ${show(header[i])}; ${WHAT}${gapHint(this.columns, i)}`, where);
        }
        throw valueError(cells[i], where, `column ${show(header[i])}`, WHAT, textHint(this.columns, cells[i], i));
      }
      this.steps.push(x);
    }
  }

  /** Records that this row belongs to sequence s (extending the current run or starting one) and its line. */
  private noteRow(s: number, line: number): void {
    if (s === this.runSeqNow) {
      this.lastRunLen++;
    } else {
      if (this.rows > 0) this.runLen.push(this.lastRunLen);
      this.runSeq.push(s);
      this.runSeqNow = s;
      this.lastRunLen = 1;
    }
    this.count[s]++;
    this.lines.note(this.rows, line);
    this.rows++;
  }

  /** Regroups and orders this file's steps, then adds its sequences. `lastLine`: the file's last line. */
  end(lastLine: number): void {
    const { file } = this;
    if (this.rows === 0) {
      throw new UserError('no sequences: the file has a header but no data rows; add one row per time step', {
        file,
        line: lastLine,
      });
    }
    this.runLen.push(this.lastRunLen);

    const S = this.ids.length;
    const inOrder = this.runSeq.rows === S && !this.unsorted.includes(true);
    if (!inOrder) this.reorder();
    this.times.rewind();

    const emptyAt = (d: number) => emptyHint(this.columns, d);
    for (let s = 0; s < S; s++) {
      const again = this.mergedAt.get(s);
      if (again !== undefined) this.builder.noteRestart(this.ids[s], file, this.firstLine[s], again);
      this.builder.addSequence(this.ids[s], this.labels[s], this.count[s], file, this.firstLine[s], emptyAt);
    }
  }

  /**
   * perm[k] = the arrival row (within this file) of the k-th step in final order: sequences in first-appearance
   * order, each one's rows in arrival order (a counting sort over the runs), then sorted by time where rows came
   * out of order. The file's steps are copied out once and scattered back through perm.
   */
  private reorder(): void {
    const S = this.ids.length;
    const start = new Int32Array(S + 1); // [S + 1] first position of each sequence in perm
    for (let s = 0; s < S; s++) start[s + 1] = start[s] + this.count[s];
    const next = start.slice(0, S);
    const perm = new Int32Array(this.rows);
    let row = 0;
    for (let r = 0; r < this.runSeq.rows; r++) {
      const s = this.runSeq.get(r);
      for (let k = this.runLen.get(r); k > 0; k--) perm[next[s]++] = row++;
    }
    this.runSeq.clear();
    this.runLen.clear();

    for (let s = 0; s < S; s++) {
      if (!this.unsorted[s]) continue;
      const rows = perm.subarray(start[s], start[s + 1]);
      // Blocks whose times overlap: merged recordings where, sorted, their rows alternate (restarts.ts)
      const again = this.timeAt >= 0 ? this.restarts.cameBack(s, this.count[s]) : 0;
      const blockOf = again > 0 ? blocksOf(rows) : null;
      rows.sort((a, b) => this.times.get(a) - this.times.get(b));
      if (blockOf !== null && alternates(rows, blockOf)) this.mergedAt.set(s, again);
      for (let k = 1; k < rows.length; k++) {
        const t = this.times.get(rows[k]);
        if (t === this.times.get(rows[k - 1])) {
          const [a, b] = [this.lines.line(rows[k - 1]), this.lines.line(rows[k])].sort((x, y) => x - y);
          throw this.duplicateTime(s, t, a, b);
        }
      }
    }

    this.times.clear(); // before the copy below, to keep the peak down

    const D = this.steps.width;
    const copy = new Float32Array(this.rows * D); // [rows][D] this file's steps in arrival order
    this.steps.copyOut(copy, 0, this.firstStep, this.rows);
    this.steps.scatterIn(this.firstStep, copy, perm);
  }

  /** The times so far as float64 (a time arrived that int32 cannot hold). */
  private widenTimes(): void {
    const wide = float64Chunks(1);
    for (let r = 0; r < this.times.rows; r++) wide.push(this.times.get(r));
    this.times = wide;
    this.timesInt = false;
  }

  private duplicateTime(s: number, t: number, earlier: number, line: number): UserError {
    // Two times that differ only past what a float64 resolves read as one: say so, or it looks like a false alarm.
    const resolution = this.timesAreDates === true ? ' (dates and times are read to the microsecond)'
      : Math.abs(t) >= 2 ** 53 ? ' (numbers past 2^53 lose their last digits: give the times in coarser units, such as ms rather than ns)' : '';
    return new UserError(
      `duplicate time ${this.timesAreDates === true ? showTimestamp(t) : t} for id ${show(this.ids[s])} (also on line ${earlier})${resolution}; each (id, time) pair must ` +
        'appear once: delete rows that repeat, or give times fine enough to tell the rows apart',
      { file: this.file, line, column: this.timeAt + 1 },
    );
  }
}

/**
 * Whether the header has each of a model's channels, none of them the id, time or label column; not the one
 * channel a wide file names `value` (a long file's column of that name, as pandas' melt writes it, is no such).
 */
function byName(channels: readonly string[] | undefined, at: ReadonlyMap<string, number>, reserved: ReadonlySet<number>): boolean {
  if (channels === undefined || channels.length === 0 || (channels.length === 1 && channels[0] === UNNAMED_CHANNEL)) return false;
  return channels.every((name) => name !== '' && at.has(name) && !reserved.has(at.get(name)!));
}

/** Each name of the header with the first column that has it. */
function firstColumns(header: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  header.forEach((name, i) => {
    if (!at.has(name)) at.set(name, i);
  });
  return at;
}
