// Accumulation of a data set while files stream in. Values go straight into one growable SharedArrayBuffer,
// reserved (address space only) from an upper bound on the values the files can hold and grown as they come,
// so the DataSet's values are a view over it and peak memory is about the float32 size of the values. Rows
// beyond that reservation (a file that grew, a pipe, more than 4 GiB) spill into fixed-size Float32Array chunks
// (so a multi-GB file never needs one growing array or one string), and finish() then copies everything once
// into a fresh shared buffer (peak about twice the float32 size, for the moment of that copy). Sequences go
// into small per-sequence lists.
//
// Owns the step storage, the class numbering (plain JS string sort) and the channel agreement between files.
// Does not parse anything; csv.ts, wide.ts and long.ts feed it.
//
// Legend: N sequences, D channels, L total time steps (Σ lengths).

import type { SeriesNote } from './channel-series.js';
import type { QuantityNote } from './quantity-columns.js';
import { UserError } from '../errors.js';
import { codePoints, lookOf } from '../model/model.js';
import type { DataSet, SequenceSource } from './dataset.js';
import { firstDifference, nameList, sameNames } from './names.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from './shared.js';
import { PrecisionWatch, withinSpreads } from './precision.js';
import { fillGaps } from './gaps.js';

const SHIFT = 16;
const CHUNK = 1 << SHIFT; // items (rows of `width` numbers) per chunk
const MASK = CHUNK - 1;
const FIRST = 64; // rows of the first chunk, at first

type Typed = Float32Array | Float64Array | Int32Array;

/** Where the readers put values: a growable list of rows of `width` numbers. */
export interface StepStore {
  readonly width: number;
  /** Rows pushed so far (complete or not). */
  readonly rows: number;
  push(x: number): void;
  /** The rows pushed next start a sequence (or a run of one's rows): what a watch of the values needs (precision.ts). */
  startSequence?(): void;
  /** Copies rows [from, from + n) into dst at dstRow (rows of the same width). */
  copyOut(dst: Typed, dstRow: number, from: number, n: number): void;
  /** Overwrites rows [at, at + perm.length): row at + k becomes row perm[k] of src (rows of the same width). */
  scatterIn(at: number, src: Typed, perm: Int32Array): void;
}

/**
 * A growable list of rows of `width` numbers, stored in chunks of 2^16 rows so that a row never straddles
 * two chunks. Row r lives in chunks[r >>> 16] at ((r & 0xffff) * width). The first chunk starts at FIRST rows
 * and doubles up to 2^16 (a long file's readers make lists per sequence, most of them short: a million one-step
 * sequences would otherwise zero 256 KiB each).
 */
export class Chunks<A extends Typed> implements StepStore {
  readonly width: number;
  private readonly make: (n: number) => A;
  private chunks: A[] = [];
  private pos = 0; // numbers used in the last chunk
  private count = 0; // numbers pushed in all

  constructor(width: number, make: (n: number) => A) {
    this.width = width;
    this.make = make;
  }

  /** Rows pushed so far (complete or not). */
  get rows(): number {
    return Math.floor(this.count / this.width);
  }

  push(x: number): void {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || this.pos === last.length) {
      const full = CHUNK * this.width;
      if (last === undefined) {
        last = this.make(Math.min(full, FIRST * this.width));
        this.chunks.push(last);
      } else if (last.length < full) {
        const grown = this.make(Math.min(full, 2 * last.length)); // only the first chunk grows
        grown.set(last);
        this.chunks[0] = last = grown;
      } else {
        last = this.make(full);
        this.chunks.push(last);
        this.pos = 0;
      }
    }
    last[this.pos++] = x;
    this.count++;
  }

  /** Number i of a width-1 list. */
  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  /** Copies rows [from, from + n) into dst at dstRow (rows of the same width). */
  copyOut(dst: Typed, dstRow: number, from: number, n: number): void {
    const w = this.width;
    while (n > 0) {
      const chunk = this.chunks[from >>> SHIFT];
      const start = from & MASK;
      const take = Math.min(n, CHUNK - start);
      dst.set(chunk.subarray(start * w, (start + take) * w), dstRow * w);
      from += take;
      dstRow += take;
      n -= take;
    }
  }

  /** Overwrites rows [at, at + perm.length): row at + k becomes row perm[k] of src (rows of the same width). */
  scatterIn(at: number, src: Typed, perm: Int32Array): void {
    const w = this.width;
    for (let k = 0; k < perm.length; k++) {
      const r = at + k;
      const chunk = this.chunks[r >>> SHIFT];
      const o = (r & MASK) * w;
      const s = perm[k] * w;
      for (let d = 0; d < w; d++) chunk[o + d] = src[s + d];
    }
  }

  /** Empties the list but keeps its first chunk for reuse (streaming: one sequence at a time). */
  rewind(): void {
    this.chunks.length = Math.min(1, this.chunks.length);
    this.pos = 0;
    this.count = 0;
  }

  /** Drops everything (lets the chunks be collected). */
  clear(): void {
    this.chunks = [];
    this.pos = 0;
    this.count = 0;
  }
}

function float32Chunks(width: number): Chunks<Float32Array> {
  return new Chunks(width, (n) => new Float32Array(n));
}
export function float64Chunks(width: number): Chunks<Float64Array> {
  return new Chunks(width, (n) => new Float64Array(n));
}
export function int32Chunks(width: number): Chunks<Int32Array> {
  return new Chunks(width, (n) => new Int32Array(n));
}

const MAX_GROWABLE_BYTES = 2 ** 32; // V8's limit on a growable SharedArrayBuffer's maxByteLength
const GROW_BYTES = 16 << 20; // the buffer grows by this much at a time (untouched pages cost no memory)

// A growable SharedArrayBuffer (ES2024: Node 20's V8 has it, the ES2022 lib this project compiles with does not
// declare it).
type GrowableBuffer = SharedArrayBuffer & { grow(byteLength: number): void };
const GrowableBuffer = SharedArrayBuffer as unknown as new (byteLength: number, o: { maxByteLength: number }) => GrowableBuffer;

/**
 * Float32 rows in one growable SharedArrayBuffer of at most `reserveBytes`, then (past that) in chunks.
 * `view` is a fixed-length view over the buffer's current bytes, recreated after each grow: a length-tracking
 * view would follow the growth by itself but reads much slower.
 */
class SharedSteps implements StepStore {
  readonly width: number;
  private readonly buffer: GrowableBuffer | null; // growable; null when nothing could be reserved
  private readonly capacity: number; // numbers the reservation holds (whole rows)
  private view: Float32Array; // [buffer.byteLength / 4]
  private count = 0; // numbers pushed into the buffer
  private readonly overflow: Chunks<Float32Array>; // rows from capacity / width on

  constructor(width: number, reserveBytes: number) {
    this.width = width;
    const rows = Math.floor(Math.min(reserveBytes, MAX_GROWABLE_BYTES) / 4 / width);
    let buffer: GrowableBuffer | null = null;
    if (rows > 0) {
      try {
        buffer = new GrowableBuffer(0, { maxByteLength: rows * width * 4 });
      } catch (e) {
        if (!(e instanceof RangeError)) throw e; // no address space for it: everything goes to the chunks
      }
    }
    this.buffer = buffer;
    this.capacity = buffer === null ? 0 : rows * width;
    this.view = new Float32Array(0);
    this.overflow = float32Chunks(width);
  }

  get rows(): number {
    return Math.floor(this.count / this.width) + this.overflow.rows;
  }

  push(x: number): void {
    if (this.count < this.view.length) this.view[this.count++] = x;
    else this.pushSlow(x);
  }

  private pushSlow(x: number): void {
    if (this.count < this.capacity) {
      const buffer = this.buffer!;
      buffer.grow(Math.min(this.capacity * 4, buffer.byteLength + GROW_BYTES));
      this.view = new Float32Array(buffer, 0, buffer.byteLength / 4);
      this.view[this.count++] = x;
    } else this.overflow.push(x);
  }

  copyOut(dst: Typed, dstRow: number, from: number, n: number): void {
    const w = this.width;
    const inBuffer = Math.max(0, Math.min(n, this.capacity / w - from));
    if (inBuffer > 0) dst.set(this.view.subarray(from * w, (from + inBuffer) * w), dstRow * w);
    if (n > inBuffer) this.overflow.copyOut(dst, dstRow + inBuffer, from + inBuffer - this.capacity / w, n - inBuffer);
  }

  scatterIn(at: number, src: Typed, perm: Int32Array): void {
    const w = this.width;
    const view = this.view;
    const inBuffer = Math.max(0, Math.min(perm.length, this.capacity / w - at));
    for (let k = 0; k < inBuffer; k++) {
      const o = (at + k) * w;
      const s = perm[k] * w;
      for (let d = 0; d < w; d++) view[o + d] = src[s + d];
    }
    if (perm.length > inBuffer) this.overflow.scatterIn(at + inBuffer - this.capacity / w, src, perm.subarray(inBuffer));
  }

  /**
   * The first n numbers as a fixed-length Float32Array over a SharedArrayBuffer: a view over the buffer when
   * every row fit in it (no copy), else a fresh copy (the chunks are dropped as soon as it is made).
   */
  take(n: number): Float32Array {
    if (this.overflow.rows === 0 && this.buffer !== null && n <= this.count) {
      return new Float32Array(this.buffer, 0, n);
    }
    const values = sharedFloat32(n);
    this.copyOut(values, 0, 0, n / this.width);
    this.overflow.clear();
    return values;
  }
}

/** A channel with no value in a whole sequence: its gaps cannot be filled (a UserError, told apart for long-stream.ts). */
export class EmptyChannelError extends UserError {}

/** One sequence as it leaves a streaming builder: its values are a fresh copy, [length][D]. */
export interface StreamedSequence {
  readonly id: string;
  readonly label: string | null;
  readonly values: Float32Array; // [length][D]
  readonly length: number;
  readonly D: number;
  readonly channels: readonly string[];
  readonly file: string;
  readonly line: number;
  /** values missing inside it that were filled (gaps.ts) */
  readonly filled: number;
}

/**
 * Collects the sequences of every file in order; the readers push values into `steps` and then add sequences.
 * Streaming (predict): constructed with `emit`, it hands each sequence over as soon as it is added and forgets
 * it, so memory holds one sequence at a time; finish() is then not used.
 */
/**
 * Refuses a label that is a class already seen written in another Unicode form (é as one code point, or as e
 * and a combining accent, as macOS file names and some editors write it) or with an invisible format character
 * (a zero-width space pasted from a web page): the two look alike everywhere but would be two classes. `forms`
 * maps each class's look (lookOf) to its spelling.
 */
function checkOneForm(forms: Map<string, string>, label: string, file: string, line: number): void {
  const look = lookOf(label);
  const other = forms.get(look);
  if (other === undefined || other === label) {
    forms.set(look, label);
    return;
  }
  const invisible = label.normalize('NFC') === other.normalize('NFC') ? '' : ' or with invisible characters';
  throw new UserError(
    `label "${codePoints(label)}" is the class "${codePoints(other)}" written in another Unicode form${invisible} (the same letters, other ` +
      `code points); write every label alike (in NFC${invisible === '' ? '' : ', without invisible characters'}, as most editors save text)`,
    { file, line },
  );
}


export class DataSetBuilder {
  private readonly emit: ((s: StreamedSequence) => void) | undefined;

  /**
   * `textBytes`: the size of the files to come (0 when unknown), an upper bound on the float32 bytes of their
   * values (every value takes at least 2 bytes of text: a digit and a separator), used to reserve the buffer.
   * `knownClasses`: a model's (or the training data's) classes, which a label may not write in another Unicode form.
   * `fillsGaps`: whether the readers push a gap as NaN (noteGap), for addSequence to fill, or refuse it.
   */
  constructor(emit?: (s: StreamedSequence) => void, textBytes = 0, knownClasses: readonly string[] = [], readonly fillsGaps = true) {
    this.emit = emit;
    this.textBytes = textBytes;
    for (const c of knownClasses) this.classForms.set(lookOf(c), c);
    this.knownClasses = new Set(knownClasses);
  }

  private readonly knownClasses: ReadonlySet<string>; // a label spelt as one of them is that class (a model's may look alike)

  private gapsPending = 0; // NaN pushed for gaps and not yet filled
  private stepsAdded = 0; // steps of the sequences added so far (not streaming): where the next one starts
  private gaps: { values: number; sequences: number; file: string; line: number } | null = null;
  private restarts: { sequences: number; id: string; file: string; line: number; again: number } | null = null;
  private series: SeriesNote | null = null; // the first wide header of several channels' series
  private quantities: QuantityNote | null = null; // the first wide header whose value columns are named as quantities
  private timeColumn: string | null = null; // the first long file's time column, where it had one
  private readonly openEnds: Array<{ file: string; line: number }> = []; // files whose last line, of data, has no line end

  private readonly textBytes: number;

  private channelList: readonly string[] | null = null;
  private unnamed = false; // the one channel is a wide file's (or a one-dimensional .ts file's), named by no file
  private channelsFile = '';
  // [L][D] in final order once a file has ended; chunks when streaming (rewound per sequence), else shared
  private stepChunks: Chunks<Float32Array> | null = null;
  private sharedSteps: SharedSteps | null = null;
  private watch: PrecisionWatch | null = null; // over sharedSteps: what float32 storage loses of each channel
  private readonly lengths: number[] = []; // [N]
  private readonly classIndex: number[] = []; // [N] index into classOrder (first appearance), −1 for none
  private readonly classOrder = new Map<string, number>();
  private readonly classForms = new Map<string, string>(); // look (lookOf) → the class spelt so
  private readonly ids: string[] = []; // [N]
  private readonly sources: SequenceSource[] = []; // [N]

  /**
   * Called by each file before its first value. The first call fixes the channels (and D); later files must
   * name the same channels in the same order (a wide file's one channel, `unnamed`, is any one channel, as
   * evaluate and --init take it). Returns the step storage to push values into.
   */
  begin(channels: readonly string[], file: string, line: number, unnamed = false): StepStore {
    if (this.channelList === null) {
      this.channelList = [...channels];
      this.channelsFile = file;
      this.unnamed = unnamed && channels.length === 1;
      if (this.emit !== undefined) this.stepChunks = float32Chunks(channels.length);
      else {
        this.sharedSteps = new SharedSteps(channels.length, 2 * this.textBytes);
        this.watch = new PrecisionWatch(this.sharedSteps);
      }
    } else if (!sameNames(channels, this.channelList) && !(channels.length === 1 && this.channelList.length === 1 && (this.unnamed || unnamed))) {
      throw new UserError(
        `channels [${nameList(channels)}] differ from [${nameList(this.channelList)}] of ${this.channelsFile}${firstDifference(channels, this.channelList, 'it')}; ` +
          'files loaded together must have the same channels in the same order',
        { file, line },
      );
    } else if (this.unnamed && !unnamed) {
      // The first file that names the one channel names it for all: a later other name is refused, in any order.
      this.channelList = [...channels];
      this.channelsFile = file;
      this.unnamed = false;
    }
    return (this.stepChunks ?? this.watch)!;
  }

  /** Steps stored so far (the next sequence starts here). */
  get steps(): number {
    return (this.stepChunks ?? this.sharedSteps)?.rows ?? 0;
  }

  /** A reader pushed a gap (NaN) for the sequence it is reading, to be filled as the sequence is added. */
  noteGap(): void {
    this.gapsPending++;
  }

  /** Keeps the first long file's time column (named, or `t` by default), for train's warning of another. */
  noteTimeColumn(name: string): void {
    this.timeColumn ??= name;
  }

  /** Notes a file whose last line, a line of data, has no line end (cut-short.ts asks: a file cut short ends so). */
  noteOpenEnd(file: string, line: number): void {
    this.openEnds.push({ file, line });
  }

  /** Keeps the first wide header of several channels' series (channel-series.ts), for train's warning. */
  noteSeries(note: SeriesNote): void {
    this.series ??= note;
  }

  /** Keeps the first wide header whose value columns are named as quantities (quantity-columns.ts), for train's warning. */
  noteQuantities(note: QuantityNote): void {
    this.quantities ??= note;
  }

  /** Counts a sequence whose rows came in blocks of overlapping times (restarts.ts), keeping the first one's place. */
  noteRestart(id: string, file: string, line: number, again: number): void {
    this.restarts ??= { sequences: 0, id, file, line, again };
    this.restarts.sequences++;
  }

  /** Appends a sequence whose `length` steps are the next ones pushed (in order) after the sequences added before. */
  addSequence(id: string, label: string | null, length: number, file: string, line: number, emptyHint?: (d: number) => string): void {
    if (this.emit !== undefined) {
      const steps = this.stepChunks!;
      const D = steps.width;
      const values = new Float32Array(length * D);
      steps.copyOut(values, 0, steps.rows - length, length);
      steps.rewind();
      const filled = this.gapsPending > 0 ? this.fill(values, id, length, file, line, emptyHint) : 0;
      this.emit({ id, label, values, length, D, channels: this.channelList!, file, line, filled });
      return;
    }
    if (this.gapsPending > 0) {
      const steps = this.sharedSteps!;
      const values = new Float32Array(length * steps.width);
      steps.copyOut(values, 0, this.stepsAdded, length);
      if (this.fill(values, id, length, file, line, emptyHint) > 0) steps.scatterIn(this.stepsAdded, values, Int32Array.from({ length }, (_, t) => t));
    }
    this.stepsAdded += length;
    let c = -1;
    if (label !== null) {
      c = this.classOrder.get(label) ?? -1;
      if (c < 0) {
        if (!this.knownClasses.has(label)) checkOneForm(this.classForms, label, file, line);
        c = this.classOrder.size;
        this.classOrder.set(label, c);
      }
    }
    this.lengths.push(length);
    this.classIndex.push(c);
    this.ids.push(id);
    this.sources.push({ file, line });
  }

  /**
   * Fills the gaps of one sequence's values [length][D] (gaps.ts) and counts them; returns how many it filled.
   * `emptyHint`: what to do about a channel with no value in the sequence (the reader knows its columns), after "; ".
   */
  private fill(values: Float32Array, id: string, length: number, file: string, line: number, emptyHint?: (d: number) => string): number {
    const { filled, empty } = fillGaps(values, length, this.channelList!.length);
    if (empty >= 0) {
      let missing = 0; // what this sequence owed the count, that a streamed long file's reader may go on past (long-stream.ts)
      for (const x of values) if (x !== x) missing++;
      this.gapsPending = Math.max(0, this.gapsPending - missing);
      const channel = this.channelList!.length > 1 ? `channel ${JSON.stringify(this.channelList![empty])}` : 'its channel';
      throw new EmptyChannelError(
        `sequence ${JSON.stringify(id)} has no value in ${channel}, every one missing, so its gaps cannot be filled; ${emptyHint?.(empty) ?? 'leave the sequence out'}`,
        { file, line },
      );
    }
    this.gapsPending = Math.max(0, this.gapsPending - filled);
    if (filled > 0) {
      this.gaps ??= { values: 0, sequences: 0, file, line };
      this.gaps.values += filled;
      this.gaps.sequences++;
    }
    return filled;
  }

  finish(): DataSet {
    const steps = this.sharedSteps!;
    const D = steps.width;
    const N = this.lengths.length;
    const L = steps.rows;

    const classes = [...this.classOrder.keys()].sort();
    const rank = new Int32Array(classes.length); // first-appearance index → sorted index
    classes.forEach((name, i) => (rank[this.classOrder.get(name)!] = i));

    const offsets = sharedFloat64(N);
    const lengths = sharedInt32(N);
    const labels = sharedInt32(N);
    let at = 0;
    for (let n = 0; n < N; n++) {
      offsets[n] = at;
      lengths[n] = this.lengths[n];
      labels[n] = this.classIndex[n] < 0 ? -1 : rank[this.classIndex[n]];
      at += this.lengths[n];
    }

    let values: Float32Array;
    try {
      values = steps.take(L * D);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new UserError(`the data set has ${L * D} values, too many to hold in one shared buffer; load fewer files`);
    }
    this.sharedSteps = null;
    const precision = this.watch!.precision(withinSpreads(values, offsets, lengths, D));
    this.watch = null;

    return {
      D,
      channels: this.channelList!,
      classes,
      values,
      offsets,
      lengths,
      labels,
      ids: this.ids,
      sources: this.sources,
      precision,
      ...(this.gaps !== null ? { gaps: { ...this.gaps } } : {}),
      ...(this.restarts !== null ? { restarts: { ...this.restarts } } : {}),
      ...(this.series !== null ? { channelSeries: this.series } : {}),
      ...(this.quantities !== null ? { quantityColumns: this.quantities } : {}),
      ...(this.timeColumn !== null ? { timeColumn: this.timeColumn } : {}),
      openEnds: [...this.openEnds],
    };
  }
}
