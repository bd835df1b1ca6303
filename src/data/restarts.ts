// Two recordings under one id, merged without a word: files that each number their recordings from 1, joined
// into one (`tail -n +2 b.csv >> a.csv`), give every id two blocks of rows, each in time order, whose times
// overlap; sorted by time, the long layout reads them as one sequence sampled twice as often, alternating
// between two signals. A file whose rows are merely shuffled has short blocks out of order, and one whose
// sequences interleave row by row (a recorder writing each device's rows in turn) has blocks that follow each
// other in time: neither is told of, nor are blocks that fill a hole between earlier ones (rows appended late)
// or follow each other out of order (chunks joined by name: part-1, part-10, part-2). Only a warning: a logger
// that writes one sensor's rows, then another's, each with the other's cells empty, is one recording in two such
// blocks, and loads as the user meant.

import { visible } from './visible.js';

/** A data set's sequences whose rows came in blocks of overlapping times (the first, and how many). */
export interface RestartTally {
  readonly sequences: number;
  readonly id: string;
  readonly file: string;
  readonly line: number; // the first row of the sequence
  readonly again: number; // the first row of the block whose times overlapped an earlier block's
}

/** How many rows a sequence's blocks hold on average, at least, to be blocks rather than shuffled rows. */
const BLOCK_ROWS = 4;

/** The most blocks of a sequence compared: past them, rows interleaved one by one (each a block), not files joined. */
const MOST_BLOCKS = 64;

/**
 * Per sequence of a long file, in first-appearance order: its blocks of consecutive rows and their times. A block
 * whose times overlap those of an earlier block (not merely lie between two: a hole filled later, chunks joined
 * out of order) is a second recording's.
 */
export class RestartWatch {
  private readonly blocks: number[] = [];
  private readonly ordered: boolean[] = []; // every block's rows in time order
  private readonly spans: (number[] | null)[] = []; // the earlier blocks' [from, to], flat; null before a second block
  private readonly blockLo: number[] = []; // the current block's times and first line
  private readonly blockHi: number[] = [];
  private readonly blockLine: number[] = [];
  private readonly overlapAt: number[] = []; // the first line of the first block that overlapped an earlier one; 0: none

  /** A new sequence, numbered next. */
  add(): void {
    this.blocks.push(0);
    this.ordered.push(true);
    this.spans.push(null);
    this.blockLo.push(Infinity);
    this.blockHi.push(-Infinity);
    this.blockLine.push(0);
    this.overlapAt.push(0);
  }

  /** Sequence s's row at `line`, of time t after `before` (its previous row's, −∞ for none); `block`: the file's previous row was another sequence's. */
  row(s: number, t: number, before: number, block: boolean, line: number): void {
    if (this.blocks[s] > MOST_BLOCKS) return;
    if (!block) {
      if (t < before) this.ordered[s] = false;
      this.blockLo[s] = Math.min(this.blockLo[s], t);
      this.blockHi[s] = Math.max(this.blockHi[s], t);
      return;
    }
    if (this.blocks[s] > 0) this.endBlock(s);
    this.blocks[s]++;
    this.blockLo[s] = t;
    this.blockHi[s] = t;
    this.blockLine[s] = line;
  }

  /** Compares sequence s's current block with its earlier ones, then files it among them. */
  private endBlock(s: number): void {
    const [lo, hi] = [this.blockLo[s], this.blockHi[s]];
    const spans = this.spans[s] ?? [];
    for (let i = 0; i < spans.length && this.overlapAt[s] === 0; i += 2) {
      if (lo < spans[i + 1] && spans[i] < hi) this.overlapAt[s] = this.blockLine[s];
    }
    spans.push(lo, hi);
    this.spans[s] = spans;
  }

  /** The first line of sequence s's first block that overlapped an earlier one, where s (of `rows` rows) came so; else 0. */
  cameBack(s: number, rows: number): number {
    const blocks = this.blocks[s];
    if (blocks < 2 || blocks > MOST_BLOCKS || !this.ordered[s] || rows < BLOCK_ROWS * blocks) return 0;
    this.endBlock(s);
    return this.overlapAt[s];
  }

  /** Forgets every sequence (LongReader.restart), keeping the arrays' storage. */
  clear(): void {
    while (this.blocks.length > 0) {
      for (const a of [this.blocks, this.ordered, this.spans, this.blockLo, this.blockHi, this.blockLine, this.overlapAt]) a.pop();
    }
  }
}

/** Each of a sequence's rows (file rows, in arrival order) → its block: a run of consecutive rows of the file. */
export function blocksOf(rows: Int32Array): Map<number, number> {
  const of = new Map<number, number>();
  let block = 0;
  rows.forEach((r, k) => {
    if (k > 0 && r !== rows[k - 1] + 1) block++;
    of.set(r, block);
  });
  return of;
}

/**
 * Whether rows, sorted by time, hold rows between two of another block (its neighbours' block on both sides
 * other than its own), four or more and one a block at least: two recordings' rows alternating. A block that
 * fills holes of two rows or more, or chunks out of order, hold none (holes of one row each look like a merge).
 */
export function alternates(rows: Int32Array, blockOf: ReadonlyMap<number, number>): boolean {
  let between = 0;
  for (let k = 1; k + 1 < rows.length; k++) {
    const b = blockOf.get(rows[k]);
    if (blockOf.get(rows[k - 1]) !== b && blockOf.get(rows[k + 1]) !== b) between++;
  }
  return between >= Math.max(4, new Set(blockOf.values()).size);
}

/** Whether `v` is a RestartTally (a data set a program built may hold anything there). */
export function isRestartTally(v: unknown): v is RestartTally {
  const r = v as Partial<RestartTally> | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.file === 'string' &&
    [r.sequences, r.line, r.again].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 1);
}

/** The warning for sequences whose rows came in blocks of overlapping times. */
export function restartsWarning(r: RestartTally): string {
  const more = r.sequences > 1 ? ` (and ${r.sequences - 1} other sequence${r.sequences > 2 ? 's' : ''})` : '';
  return `${visible(r.file)}:${r.again}: sequence ${JSON.stringify(r.id)}${more} comes back after other sequences' rows with times that overlap those of its rows before ` +
    `(from line ${r.line}): two recordings under one id, merged into one sequence sorted by time? give each recording its own id ` +
    '(an id names a sequence within its file: files joined into one lose that; give them one by one instead)';
}
