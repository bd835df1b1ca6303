// The long layout, streamed: one LongReader per run of rows with the same id, ended (and its sequence handed
// on) when the id changes. That needs each sequence's rows to be contiguous; within the run they may come in
// any time order (LongReader sorts them). An id that comes back after its run ended throws NotContiguousError:
// the caller then loads the file whole (loadDataSet), which accepts any row order.
//
// Memory: the rows of one sequence plus the set of ids already seen.

import { UserError } from '../errors.js';
import { type DataSetBuilder, EmptyChannelError } from './builder.js';
import { toName } from './cells.js';
import { LongReader, type LongOptions } from './long.js';

export class NotContiguousError extends Error {
  constructor(readonly file: string, readonly id: string, readonly line: number) {
    super(`${file}:${line}: rows of sequence ${JSON.stringify(id)} are not contiguous`);
  }
}

export class ContiguousLongReader {
  private readonly idAt: number;
  private readonly reader: LongReader; // restarted for every sequence
  private current: LongReader | null = null; // the reader, while a sequence is open
  private currentId = '';
  private lastLine = 0;
  private readonly done = new Set<string>();
  // A run whose channel had no value (EmptyChannelError): the refusal, if the sequence's rows turn out to be all
  // there were (the file ends with its id not back). An id that comes back makes the file not streamable, and the
  // whole file's reading then decides.
  private emptyChannel: UserError | null = null;

  constructor(
    private readonly file: string, first: readonly string[], line: number, opts: LongOptions, builder: DataSetBuilder,
  ) {
    // Validates the header (id, label, channel columns) once, before any row.
    this.reader = new LongReader(file, first, line, opts, builder);
    this.idAt = first.map((c, i) => toName(c, { file, line, column: i + 1 })).indexOf(opts.idColumn);
  }

  row(cells: readonly string[], line: number): void {
    const id = (cells[this.idAt] ?? '').trim();
    if (this.current === null || id !== this.currentId) {
      this.finishRun();
      if (this.done.has(id)) throw new NotContiguousError(this.file, id, line);
      this.reader.restart();
      this.current = this.reader;
      this.currentId = id;
    }
    this.current.row(cells, line);
    this.lastLine = line;
  }

  end(lastLine: number): void {
    if (this.current === null) {
      throw new UserError('no sequences: the file has a header but no data rows; add one row per time step', {
        file: this.file, line: lastLine,
      });
    }
    this.finishRun();
    if (this.emptyChannel !== null) throw this.emptyChannel;
  }

  private finishRun(): void {
    if (this.current === null) return;
    try {
      this.current.end(this.lastLine);
    } catch (e) {
      if (!(e instanceof EmptyChannelError)) throw e;
      this.emptyChannel ??= e;
    }
    this.done.add(this.currentId);
    this.current = null;
  }
}
