// Loading labelled signals from CSV files (and the UCR/UEA archive's .ts files) into one shared DataSet. Each
// file is streamed through csv-parse (never read into one string) as text (text.ts: decompressed, decoded,
// its kind and separator told from its first line), its layout detected from its first row, and its
// rows handed to the layout's reader (wide.ts: one sequence per row; long.ts: one time step per row, grouped
// by id; ts-file.ts: one sequence per line). Several files are concatenated in order and must agree on the
// channels.
//
// Owns layout detection, file access and the translation of fs and csv-parse failures into
// UserErrors that name file and line. Does not own row rules (wide.ts, long.ts), number parsing (cells.ts) or
// storage (builder.ts), nor the options (load-options.ts). Checks about what training needs (e.g. at least two classes) belong to the trainer.

import { accessSync, constants as fsConstants, createReadStream, fstatSync, statSync } from 'node:fs';
import { PassThrough, type Readable, finished, pipeline } from 'node:stream';
import { stat } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse';
import { InterruptedError, UserError, isUserError } from '../errors.js';
import { checkFileList, checkKnownOptions, checkOptionsObject, ownOptions } from './arguments.js';
import { DataSetBuilder, type StreamedSequence } from './builder.js';
import { ContiguousLongReader } from './long-stream.js';
import { isBlank } from './cells.js';
import { columnList, otherCaseFlags, sameNames } from './names.js';
import { shellQuote } from './visible.js';
import { isClockName } from './time-like.js';
import type { DataSet } from './dataset.js';
import { LongReader } from './long.js';
import type { TextKind } from './sniff.js';
import { DecimalMarks } from './decimal-marks.js';
import { openText } from './text.js';
import { didYouMeanFile } from './suggest.js';
import { fifoStream, isNamedFifo } from './fifo.js';
import { type ReadWatch, watchRead } from './read-watch.js';
import { pathProblem } from './path-problem.js';
import { startProblem } from './table-start.js';
import { LineLimit, LineTooLong } from './line-limit.js';
import { TsReader } from './ts-file.js';
import { ArffReader } from './arff.js';
import { WideReader } from './wide.js';
import { onAbort } from './on-abort.js';
import { STDIN, fileName } from './stdin.js';
import { LOAD_OPTION_KEYS, type LoadOptions, type ReadOptions, type Resolved, resolveOptions } from './load-options.js';

export { LOAD_OPTION_KEYS, type LoadOptions, type ReadOptions, layoutOptions } from './load-options.js';

interface RowReader {
  row(cells: readonly string[], line: number): void;
  end(lastLine: number): void;
}

const MAX_RECORD_BYTES = 128 * 1024 * 1024; // one CSV record; a longer one is not a signal file

/**
 * Loads `files` (in order) into one DataSet. Throws a UserError naming file, line and, where it helps, column,
 * for anything wrong with the input.
 */
export async function loadDataSet(files: readonly string[], opts: LoadOptions = {}): Promise<DataSet> {
  checkOptionsObject(opts, 'loadDataSet()');
  checkKnownOptions(opts, LOAD_OPTION_KEYS, 'loadDataSet()');
  return readDataSet(Array.isArray(files) ? [...files] : files, ownOptions(opts, LOAD_OPTION_KEYS));
}

/** loadDataSet() for the commands' callers, whose options may hold more than ReadOptions (train's, evaluate's). */
export async function readDataSet(files: readonly string[], opts: ReadOptions = {}): Promise<DataSet> {
  if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) checkFileList(files, 'files');
  const o = resolveOptions(opts);
  if (files.length === 0) throw new UserError('no input files; give at least one CSV file');
  // The files' sizes bound the values' float32 size, to reserve the shared buffer (a file that cannot be
  // stat'ed counts 0 here; loadFile reports it in turn).
  let textBytes = 0;
  for (const file of files) if (file !== STDIN) textBytes += await stat(file).then((s) => (s.isFile() ? s.size : 0), () => 0);
  const builder = new DataSetBuilder(undefined, textBytes, o.modelClasses, o.gaps === 'interpolate');
  for (const file of files) await loadFile(file, o, builder, false, { opened: (layout) => opts.onLayout?.(file, layout) });
  if (o.signal?.aborted) throw new InterruptedError(0, 0); // an abort while the last file's end was read
  return builder.finish();
}

/**
 * Streams one file sequence by sequence into `emit`, holding one sequence in memory at a time (predict).
 * Wide files always stream. Long files stream when each sequence's rows are contiguous (in any time order
 * within the run); a sequence id that comes back after another began throws NotContiguousError, and the caller
 * falls back to loadDataSet. `hooks.opened` learns the layout before the first sequence; `hooks.wait`, when
 * it returns a promise after a record, is awaited (output backpressure).
 */
export async function streamFile(
  file: string, opts: ReadOptions, emit: (s: StreamedSequence) => void, hooks: StreamHooks = {},
): Promise<void> {
  const o = resolveOptions(opts);
  const builder = new DataSetBuilder(emit, 0, [], o.gaps === 'interpolate');
  await loadFile(file, o, builder, true, hooks);
}

export interface StreamHooks {
  readonly opened?: (layout: 'wide' | 'long') => void;
  readonly wait?: () => Promise<void> | null;
}

export { STDIN };

let stdinTaken = false;

/**
 * Standard input, once in a process (its text is gone once read), through a stream of its own: destroying that
 * one, as a finished or stopped read does, unpipes and pauses process.stdin and leaves it to the program.
 */
function stdinText(): Readable {
  if (stdinTaken) throw new UserError('standard input was read already in this process, and its text is gone; give the data as a file', { file: 'stdin' });
  stdinTaken = true;
  const out = new PassThrough();
  process.stdin.pipe(out);
  // pipe() passes on neither an error nor a close before the end: the read would crash or wait forever.
  const unwatch = finished(process.stdin, (e) => {
    if (e) out.destroy(e);
  });
  out.once('close', () => {
    unwatch();
    process.stdin.unpipe(out);
    process.stdin.pause();
  });
  return out;
}

async function loadFile(
  path: string, o: Resolved, builder: DataSetBuilder, streaming = false, hooks: StreamHooks = {},
): Promise<void> {
  const file = fileName(path);
  if (o.signal?.aborted) throw new InterruptedError(0, 0);
  let size = 0; // bytes, for onRead (0: unknown, as for stdin)
  let regular = false;
  try {
    const st = path === STDIN ? fstatSync(0) : await stat(path);
    if (st.isDirectory()) throw new UserError('is a directory, not a CSV file; give the path of a file', { file });
    if (path !== STDIN) size = st.size;
    regular = path !== STDIN && st.isFile();
  } catch (e) {
    throw toUserError(e, file, 0);
  }
  const watch = regular ? watchRead(path) : null; // opened before the read, so that it watches the file read

  const input: Readable = path === STDIN ? stdinText() : isNamedFifo(path) ? fifoStream(path) : createReadStream(path);
  // Its errors reach the reader through the pipeline (which finds a stream destroyed before it was joined errored):
  // one emitted between two stages' listeners, as a stop from onRead while the head is read, is no crash.
  input.on('error', () => {});
  // The caller's callback failing, or its signal aborting, ends the read with that error, not a file error.
  let stopped: Stopped | undefined; // a wrapper: what a callback throws may be undefined itself
  const stop = (e: unknown) => {
    stopped ??= { thrown: e };
    input.destroy(e instanceof Error ? e : new Error(String(e)));
  };
  const stopWaiting = onAbort(o.signal, () => stop(new InterruptedError(0, 0)));
  if (o.onRead) { // counts what openText reads first too: while it reads, 'readable' rules and read() emits 'data'
    let read = 0;
    input.on('data', (chunk: Buffer | string) => {
      try {
        o.onRead!(file, (read += chunk.length), size);
      } catch (e) {
        stop(e);
      }
    });
  }
  if (watch) input.on('data', (chunk: Buffer | string) => watch.see(chunk));
  try {
    await readRecords(input, file, o, builder, streaming, hooks, () => stopped);
    checkUnchanged(watch, file);
    const digest = watch?.digest();
    if (digest) o.onDigest?.(path, digest);
  } catch (e) {
    // A file cut short while read fails where the cut falls (a row of no values, a number cut): that is the cause.
    if (isUserError(e)) checkUnchanged(watch, file);
    throw e;
  } finally {
    stopWaiting();
    watch?.close();
  }
}

/** Refuses a file that changed while it was read (read-watch.ts): what was read is no one version of it. */
function checkUnchanged(watch: ReadWatch | null, file: string): void {
  const why = watch?.changed() ?? null;
  if (why !== null) throw new UserError(`${why}: it changed while it was read; run again once it is complete (or read a copy)`, { file });
}

/** What the caller's callback threw, or its signal's stop, that ended a read. */
interface Stopped {
  readonly thrown: unknown;
}

/** Throws what stopped the read, if something did: the cause of whatever the read failed with then. */
function throwStopped(s: Stopped | undefined): void {
  if (s !== undefined) throw s.thrown;
}

/** loadFile's reading of the opened `input`; `stopped()` is the caller's error that ended it, if one did. */
async function readRecords(
  input: Readable, file: string, o: Resolved, builder: DataSetBuilder, streaming: boolean, hooks: StreamHooks, stopped: () => Stopped | undefined,
): Promise<void> {
  let kind: TextKind;
  let text: Readable;
  let head: string;
  try {
    ({ kind, text, head } = await openText(input, file));
    refuseKind(kind, o, file);
    if (kind === 'ts' || kind === 'arff') o.onArchive?.(file);
  } catch (e) {
    input.destroy();
    throwStopped(stopped());
    throw toUserError(e, file, 0);
  }
  // No `info` and no `skip_empty_lines`: csv-parse's per-record info snapshot costs as much as the parsing.
  // Lines are counted here instead: a record spans one line plus the line breaks inside its quoted fields,
  // and a blank line arrives as a record of one blank field.
  // A .ts line splits at ':' between its channels and label (no quoting); an ARFF line comes whole (its reader
  // splits it, quotes and all: the delimiter is a character the text cannot hold); a CSV line at its separator,
  // and one whose cells are separated by blanks at the commas BlanksToCommas puts between them.
  const parser = parse({
    delimiter: kind === 'ts' ? ':' : kind === 'arff' ? '\u0000' : kind === 'spaces' ? ',' : kind, quote: kind === 'ts' || kind === 'arff' ? false : '"',
    relax_column_count: true, max_record_size: MAX_RECORD_BYTES,
    // Any line ending, mixed too (a file edited on two systems); csv-parse alone keeps to the first it meets.
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  const limit = new LineLimit(MAX_RECORD_BYTES);
  pipeline(text, limit, parser, () => {}); // a failure before the parser destroys it with that error, for the loop below

  const marks = kind === ';' || kind === '\t' ? new DecimalMarks(file) : null; // decimal commas are read there
  let reader: RowReader | null = null;
  let header: { cells: readonly string[]; line: number } | null = null; // a CSV file's header row
  let line = 0; // last line of the last record read
  let lastLine = 0; // line of the last non-blank record
  let endMark = 0; // the line of a DOS end-of-file mark (Ctrl-Z), which ends the text
  let lastData = true; // whether the last record read held data (not blank, a comment, or the end mark)
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const start = line + 1;
      line = start + breaksIn(record);
      lastData = false;
      if (record.every(isBlank)) continue; // a blank line, or a spreadsheet's row of empty cells (`,,,`)
      if (endMark > 0) throw new UserError(`a line after the end-of-file mark (Ctrl-Z) of line ${endMark}; delete the mark, or what follows it`, { file, line: start });
      if (record.length === 1 && record[0] === '\x1a' && kind !== 'ts' && kind !== 'arff') {
        endMark = start;
        continue;
      }
      if (reader === null && isSeparatorLine(record, kind, file, start)) continue;
      marks?.read(record, start);
      if (reader === null) {
        reader = kind === 'ts' ? new TsReader(file, record, start, o, builder)
          : kind === 'arff' ? new ArffReader(file, record, start, o, builder)
          : openReader(file, record, start, o, builder, streaming, kind);
        hooks.opened?.(reader instanceof ContiguousLongReader || reader instanceof LongReader ? 'long' : 'wide');
        if (reader instanceof WideReader ? reader.headed : kind !== 'ts' && kind !== 'arff') header = { cells: record, line: start };
      } else if (header !== null && record[0] === header.cells[0] && sameNames(record, header.cells)) {
        throw new UserError(`this line repeats the header of line ${header.line} (files joined one after another?); delete it, or give the files one by one (every command takes several)`, { file, line: start });
      } else reader.row(record, start);
      lastLine = start;
      lastData = !isComment(record, kind);
      const w = hooks.wait?.();
      if (w) await w;
    }
  } catch (e) {
    if (e instanceof LineTooLong) {
      throwStopped(stopped());
      throw new UserError(
        `a line longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB; split its sequence or write it in the long layout (a row per time step), or this is no CSV text file`,
        { file, line: (parser as unknown as { info: { lines: number } }).info.lines },
      );
    }
    throwStopped(stopped());
    throw withStartProblem(toUserError(e, file, line), head, kind);
  } finally {
    input.destroy();
    parser.destroy();
  }
  throwStopped(stopped()); // stopped after the parser had every record
  if (reader === null) {
    throw new UserError('the file is empty; expected a header or rows of labelled values', { file, line: 1 });
  }
  reader.end(lastLine);
  if (limit.lastLineOpen && lastData) builder.noteOpenEnd(file, lastLine);
}

/** Whether a record is a comment line of its format (.ts: #, ARFF: %). */
function isComment(record: readonly string[], kind: TextKind): boolean {
  const first = record[0].trimStart();
  return (kind === 'ts' && first.startsWith('#')) || (kind === 'arff' && first.startsWith('%'));
}

/**
 * `e`, or where it refuses a line at a CSV file's start that lines before the table, or a row of units under its
 * header, explain better (table-start.ts): that UserError instead, with `e` as its cause.
 */
function withStartProblem(e: unknown, head: string, kind: TextKind): unknown {
  if (!isUserError(e) || e.file === undefined || e.line === undefined || kind === 'ts' || kind === 'arff' || kind === 'json') return e;
  const problem = startProblem(head, e.line);
  return problem === undefined ? e : new UserError(problem.detail, { file: e.file, line: problem.line, cause: e });
}

/**
 * Whether the record is a spreadsheet's separator line (`sep=;`, before the header), which the sniffer has
 * already read the separator from; one that names a separator other than a comma, tab or semicolon is refused.
 */
function isSeparatorLine(record: readonly string[], kind: TextKind, file: string, line: number): boolean {
  if (!/^sep=/i.test(record[0]) || record.length > 2 || (record.length === 2 && record[1] !== '')) return false;
  const declared = record.length === 2 ? '' : record[0].slice(4);
  // '': the separator split the line (`sep=;` read at `;`); the kind itself: the line was quoted (`"sep=;"`).
  if (declared !== '' && declared !== '\t' && declared !== kind) {
    throw new UserError(
      `the first line declares the separator ${JSON.stringify(declared)}; cells must be separated by commas, tabs or semicolons`,
      { file, line },
    );
  }
  return true;
}

/** Line breaks inside the (quoted) fields of a record: \n, \r\n or a lone \r, as the parser splits lines. */
function breaksIn(record: readonly string[]): number {
  let n = 0;
  for (const cell of record) {
    for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) n++;
    for (let i = cell.indexOf('\r'); i >= 0; i = cell.indexOf('\r', i + 1)) if (cell[i + 1] !== '\n') n++;
  }
  return n;
}

/**
 * Throws for a JSON file (a model or checkpoint given as data), and for --channels with a .ts or ARFF file. The
 * layout and column options are CSV's: a .ts or ARFF file is read as one whatever they say (they may be a
 * model's, from its CSV files).
 */
function refuseKind(kind: TextKind, o: Resolved, file: string): void {
  if (kind === 'json') {
    throw new UserError('this looks like a JSON file (a model file or checkpoint?), not a data file; give the CSV files of labelled sequences here', { file, line: 1 });
  }
  if ((kind === 'ts' || kind === 'arff') && o.channels !== undefined && o.channels.length > 0) {
    throw new UserError(
      `channels were given (--channels, or a model trained with it) but this file is in the archive's ${kind === 'ts' ? '.ts' : 'ARFF'} format, ` +
        'whose channels have no names; --channels is for long-layout CSV files: leave it out, or give the data as a long-layout CSV file with those columns',
      { file, line: 1 },
    );
  }
}

/**
 * A header as numpy's savetxt writes it, after `# `, without it, where the row names the label or id column (first,
 * or after the values: `# t0,t1,…,label`): where blanks separate the cells, a first cell `#`; elsewhere a first
 * cell `# name`, the name without blanks. (A column named `#` in a file of commas, or `# of events`, stays.)
 */
function withoutCommentMark(first: string[], kind: TextKind, o: Resolved): string[] {
  const named = (c: string | undefined) => c !== undefined && [o.labelColumn, o.idColumn].includes(c.trim());
  if (kind === 'spaces' && first[0] === '#' && first.slice(1).some(named)) return first.slice(1);
  const rest = first[0]?.startsWith('# ') ? first[0].slice(2) : undefined;
  if (rest !== undefined && (named(rest) || (!/\s/.test(rest.trim()) && rest.trim() !== '' && first.slice(1).some(named)))) return [rest, ...first.slice(1)];
  return first;
}

/**
 * Detects the layout from the first row (unless forced): long when it has the id column, or the time column the
 * caller named (only the long layout has one: its reader then says which id column is missing); then starts
 * the layout's reader.
 */
function openReader(file: string, header: string[], line: number, o: Resolved, builder: DataSetBuilder, streaming: boolean, kind: TextKind): RowReader {
  try {
    return startReader(file, header, line, o, builder, streaming, kind);
  } catch (e) {
    // A header refused for names the model's layout gave: the user named none of them, so say whose they are.
    const l = o.modelLayout;
    if (!isUserError(e) || l === undefined || !(l.names.length === 0 || l.names.some((n) => e.detail.includes(JSON.stringify(n))))) throw e;
    throw new UserError(`${e.detail}; the model reads files as its training files were read (${l.flags}): is this file of the kind it was trained on? (flags given here take the place of the model's)`,
      { file: e.file, line: e.line, column: e.column, cause: e });
  }
}

/**
 * Whether a header cell names a time column (`time`, `Time (s)`, `millis`, `sensor timestamp [ns]`): a clock's
 * name without a digit, which a sample of a wide file's series has (`t0`, `t+1`, `time_10ms`, `Time 1s`).
 */
function isTimeColumnName(cell: string): boolean {
  return isClockName(cell) && !/\d/.test(cell);
}

function startReader(file: string, header: string[], line: number, o: Resolved, builder: DataSetBuilder, streaming: boolean, kind: TextKind): RowReader {
  const first = withoutCommentMark(header, kind, o);
  const has = (name: string) => first.some((c) => c.trim() === name);
  const long = o.format === 'long' || (o.format === 'auto' && (has(o.idColumn) || (o.timeColumnGiven && has(o.timeColumn))));
  if (!long && o.idColumnGiven && !(o.format === 'wide' && has(o.idColumn))) { // a forced wide file may name its rows
    throw new UserError(`no id column named ${JSON.stringify(o.idColumn)} in the first row (${columnList(first)}); name an existing column (--id-column)${otherCaseFlags(first.map((c) => c.trim()), [['--id-column', o.idColumn]])}`, { file, line });
  }
  if (long) return streaming ? new ContiguousLongReader(file, first, line, o, builder) : new LongReader(file, first, line, o, builder);
  if (o.timeColumnGiven && o.modelClasses === undefined) { // a model's layout may name one for its long files
    throw new UserError(`no time column named ${JSON.stringify(o.timeColumn)} in the first row (${columnList(first)}); --time-column names the time column of a long-layout file (one row per time step, with an id column)${otherCaseFlags(first.map((c) => c.trim()), [['--time-column', o.timeColumn]])}`, { file, line });
  }
  if (o.channels !== undefined && o.channels.length > 0) {
    throw new UserError(
      `channels were given (--channels, or a model trained with it) but this file is in the wide layout (one sequence per row, one channel); ` +
        `a long-layout file needs a header with an ${JSON.stringify(o.idColumn)} column: give such a file, or leave --channels out`,
      { file, line },
    );
  }
  // A time column is what a row per time step has: without the id column, such a file would read as one short
  // sequence per row (its id, time and channels as samples) and train on nothing, without a word.
  const timeAt = o.format === 'auto' ? first.findIndex((c) => c.trim() === o.timeColumn || isTimeColumnName(c)) : -1;
  let reader: WideReader;
  try {
    reader = new WideReader(file, first, line, { ...o, separator: kind }, builder); // its own checks of the header first: they name more
  } catch (e) {
    // Nor a label column: a logger's or an app's recording, one to a file (what the reader would say, remove the
    // header, would train on its clock as the labels).
    const inAnyCase = (name: string) => first.some((c) => c.trim().toLowerCase() === name.toLowerCase()); // the reader names the flags then
    if (timeAt < 0 || !isUserError(e) || inAnyCase(o.labelColumn) || inAnyCase(o.idColumn) || o.modelClasses !== undefined) throw e;
    throw new UserError(
      `the first row names a time column, ${JSON.stringify(first[timeAt].trim())}, but neither an id column ${JSON.stringify(o.idColumn)} nor a label column ${JSON.stringify(o.labelColumn)} (${columnList(first)}): ` +
        'a recording of one row per time step, most likely; to train on recordings kept one to a file, join them into one file with a column naming ' +
        `each row's recording and one holding its class (docs/data.md, "One file per recording"), or name yours (--id-column, --label-column); ` +
        'to train on one recording with a class a row, cut it into windows (docs/data.md, "One recording labelled row by row")',
      { file, line, cause: e },
    );
  }
  const time = reader.headed && timeAt >= 0 ? first[timeAt] : undefined;
  if (time !== undefined) {
    throw new UserError(
      `the first row names a time column, ${JSON.stringify(time.trim())}, but no id column named ${JSON.stringify(o.idColumn)} (${columnList(first)}): ` +
        `a file of one row per time step (the long layout) needs a column naming each row's sequence; name yours (--id-column)${o.timeColumn === time.trim() ? '' : ` and the time column (--time-column ${shellQuote(time.trim())})`}; ` +
        (o.requireLabels ? 'if the file is one recording with a class a row, cut it into windows, each a sequence with an id (docs/data.md, "One recording labelled row by row"); ' : '') +
        `if each row is a whole sequence, give --format wide (with --id-column ${shellQuote(time.trim())} if that column names or times the rows rather than holding a sample)`,
      { file, line },
    );
  }
  return reader;
}

/**
 * Refuses, as reading it would, an input file that cannot be opened (missing, a folder, not readable), before
 * a word is said of any: a warning about the first file, or its rows, said before a later file is refused
 * would be two things at once. Stdin and anything that exists to be read (a FIFO) pass: opened, a FIFO waits.
 */
export function checkReadable(files: readonly string[]): void {
  for (const file of files) {
    if (file === STDIN) continue;
    try {
      if (statSync(file).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
      accessSync(file, fsConstants.R_OK);
    } catch (e) {
      throw toUserError(e, file, 0);
    }
  }
}

/**
 * fs and csv-parse failures as UserErrors; UserErrors pass through; anything else is a bug and is rethrown.
 * `lastLine`: the last line of the last record read (an unclosed quote opens the record after it).
 */
function toUserError(e: unknown, file: string, lastLine: number): unknown {
  if (isUserError(e)) return e;
  if (e instanceof CsvError) {
    const at = typeof e.lines === 'number' && e.lines > 0 ? e.lines : lastLine + 1;
    switch (e.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new UserError(
          'unterminated quote: a quoted field starting on this line is never closed; close the quote or remove it',
          { file, line: lastLine + 1 },
        );
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'INVALID_OPENING_QUOTE':
        return new UserError(
          'misplaced quote: quotes must enclose a whole field ("a,b"), with "" for a quote inside it',
          { file, line: at },
        );
      case 'CSV_MAX_RECORD_SIZE':
        return new UserError(
          `a record longer than ${MAX_RECORD_BYTES / 1024 / 1024} MiB; this does not look like a CSV text file`,
          { file, line: at },
        );
      default:
        return new UserError(`malformed CSV (${e.code}): ${e.message}`, { file, line: at });
    }
  }
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new UserError(
      `not a whole gzip file (${code}: ${(e as Error).message}); it is damaged or cut short; copy it again (gzip -t tells a whole file)`,
      { file, line: lastLine + 1 }, // about where the text it holds breaks off (the parser holds a line back)
    );
  }
  const problem = typeof code === 'string' ? pathProblem(code, file) : null;
  if (problem !== null) return new UserError(problem, { file });
  switch (code) {
    case 'ENOENT':
      return new UserError(`no such file; check the path${didYouMeanFile(file)}`, { file });
    case 'EISDIR':
      return new UserError('is a directory, not a CSV file; give the path of a file', { file });
    case 'ERR_INVALID_ARG_TYPE':
    case 'ERR_INVALID_ARG_VALUE':
      return new UserError('not a usable file path', { file: String(file) });
    default:
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
        return new UserError(`cannot read the file (${code}); check the path and the disk`, { file });
      }
      return e;
  }
}
