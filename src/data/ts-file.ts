// The .ts format of the UCR/UEA archive (as sktime and aeon write it): header lines `@key value` up to `@data`,
// comment lines starting with #, then one sequence per line: its channels separated by ':', each channel's
// values by ',', and the class label after the last ':' when the header says `@classLabel true`. The channels
// of a line must be equally long (trailing NaN or ? values, the archive's padding, not counted); lines may
// differ in length (the archive's unequal-length sets). The loader splits each line at ':' (no quoting), so a
// record is the line's channels and its label.
//
// A one-channel file's channel is named `value`, as a wide CSV file's, so that a model trained on one reads
// the other; several are `dim_0`, `dim_1`, … (sktime's names). A sequence's id is its 1-based data line number.
// A missing value (`?`, NaN) before a channel's last value is a gap (filled by the builder, gaps.ts, or refused
// under --gaps refuse); refused are files of (time, value) pairs
// (`@timeStamps true`), regression files (`@targetLabel true`), and lines of several channels under
// `@univariate true`, and under `@equalLength true` a line whose channels hold another number of values than the
// first line's. Without labels, a line's closing ':' (sktime and aeon write one after every channel) is not
// a channel.
//
// Owns the rules of this format; cell parsing is cells.ts', storage is builder.ts'.

import { UserError } from '../errors.js';
import type { DataSetBuilder, StepStore } from './builder.js';
import { maxOf } from './extent.js';
import { FILL_GAP, isBlank, isNaNCell, show, toName, toValue, valueError } from './cells.js';
import { UNNAMED_CHANNEL } from './names.js';

export interface TsOptions {
  readonly requireLabels: boolean;
}

const WHAT = 'every value of a channel must be a number';

export class TsReader {
  private readonly file: string;
  private readonly opts: TsOptions;
  private readonly builder: DataSetBuilder;
  private inData = false;
  private labelled: boolean | null = null; // @classLabel
  private classes: Set<string> | null = null; // the labels @classLabel lists, when it lists any
  private univariate = false; // @univariate true
  private equalLength = false; // @equalLength true
  private declared: Declared | undefined; // under @equalLength true, the values (padding too) each channel holds
  private readonly channels: ArchiveChannels;
  private dataRows = 0;

  /** Takes the file's first line that is not blank (a comment or a header line: how the format was told). */
  constructor(file: string, first: readonly string[], line: number, opts: TsOptions, builder: DataSetBuilder) {
    this.file = file;
    this.opts = opts;
    this.builder = builder;
    this.channels = new ArchiveChannels(builder, file, '":"');
    this.row(first, line);
  }

  row(cells: readonly string[], line: number): void {
    const text = cells[0].trimStart();
    if (text.startsWith('#')) return;
    if (!this.inData) this.header(cells.join(':').trim(), line);
    else this.sequence(cells, line);
  }

  private header(text: string, line: number): void {
    const { file } = this;
    if (!text.startsWith('@')) {
      throw new UserError(
        "a line before @data that is neither a header line (@…) nor a comment (#…); a .ts file's sequences " +
          'follow its @data line',
        { file, line },
      );
    }
    const [key, ...words] = text.slice(1).split(/\s+/);
    const on = words[0]?.toLowerCase() === 'true';
    switch (key.toLowerCase()) {
      case 'data':
        if (words.length > 0 && words.some((w) => w !== '')) {
          throw new UserError('a sequence on the @data line itself; put @data on a line of its own, each sequence on a line after it', { file, line });
        }
        if (this.labelled === null) this.labelled = false;
        this.inData = true;
        return;
      case 'classlabel':
        this.labelled = on;
        if (on && words.length > 1) this.classes = new Set(words.slice(1).map((w) => toName(w, { file, line })));
        return;
      case 'timestamps':
        if (on) {
          throw new UserError(
            'values as (time, value) pairs (@timeStamps true) are not read; give the values alone, one step after another, or write the data in the long CSV layout, a row per time step with its time (docs/data.md)',
            { file, line },
          );
        }
        return;
      case 'targetlabel':
        if (on) {
          throw new UserError(
            'a regression data set (@targetLabel true); train-signals learns class labels (@classLabel true)',
            { file, line },
          );
        }
        return;
      case 'univariate':
        this.univariate = on;
        return;
      case 'equallength':
        this.equalLength = on;
        return;
      default: // @problemName, @dimensions, @seriesLength (converters write one the lines do not hold), @missing: the lines show it (as sktime and aeon read them)
    }
  }

  /** Throws for a line of several channels under @univariate true (aeon refuses it too). */
  private checkUnivariate(channels: readonly string[], line: number): void {
    if (!this.univariate || channels.length === 1) return;
    const label = this.labelled !== true && channels.length === 2 && isNaN(toValue(channels[1]))
      ? ` (if ${show(channels[1].trim())} after the last ":" is a class label, the header needs @classLabel true and the classes)` : '';
    throw new UserError(`line has ${channels.length} channels but the header says @univariate true; correct the header or the line${label}`, { file: this.file, line });
  }

  private sequence(cells: readonly string[], line: number): void {
    const label = this.labelOf(cells, line);
    let D = this.labelled === true ? cells.length - 1 : cells.length;
    // Without labels, sktime and aeon still close every channel with ':', the last one too.
    if (this.labelled !== true && D > 1 && isBlank(cells[D - 1])) D--;
    if (D < 1 || (D === 1 && isBlank(cells[0]))) {
      throw new UserError('line has no values; a sequence needs at least one time step', { file: this.file, line });
    }
    this.checkUnivariate(cells.slice(0, D), line);
    const T = this.channels.store(cells.slice(0, D), line, this.declaredBy(cells[0], line));
    this.dataRows++;
    this.builder.addSequence(String(this.dataRows), label, T, this.file, line);
  }

  /**
   * Under @equalLength true, how many values (padding too) every channel holds: the first sequence's, as aeon reads
   * it; a line of another count is refused (a value written 1,000 reads as two, and the sequence resampled to the
   * others' length hid it). undefined for a file of unequal lengths.
   */
  private declaredBy(first: string, line: number): Declared | undefined {
    if (!this.equalLength || this.declared !== undefined) return this.declared;
    const count = first.split(',').length;
    this.declared = {
      count,
      refusal: (d, n) => `channel ${d + 1} has ${n} value(s) (padding included) but the header says @equalLength true, and the first sequence (line ${line}) has ${count}; ` +
        'correct the line (a number written with a thousands separator, 1,000, reads as two values), or the header (@equalLength false)',
    };
    return this.declared;
  }

  /** The line's label (its last cell) when the file has labels; null when it has none and none are required. */
  private labelOf(cells: readonly string[], line: number): string | null {
    const { file } = this;
    if (this.labelled !== true) {
      if (!this.opts.requireLabels) return null;
      throw new UserError(
        'the file has no class labels (@classLabel false or none); training and evaluation need them',
        { file, line },
      );
    }
    const label = toName(cells[cells.length - 1], { file, line });
    if (label === '') throw new UserError('missing label after the last ":"; every sequence needs a class name', { file, line });
    if (this.classes !== null && !this.classes.has(label)) {
      const listed = [...this.classes].slice(0, 20).join(' ');
      throw new UserError(`label ${show(label)} is not one of the classes the @classLabel line lists (${listed}); correct the label, or add it to that line`, { file, line });
    }
    return label;
  }

  end(lastLine: number): void {
    if (this.dataRows === 0) {
      throw new UserError(
        this.inData
          ? 'no sequences after @data; add one line per sequence'
          : 'no @data line: a .ts file lists its sequences after one',
        { file: this.file, line: lastLine },
      );
    }
  }
}

/** How many values (padding included) a format declares each channel of a line holds, and its refusal of channel d's n. */
export interface Declared {
  readonly count: number;
  refusal(d: number, n: number): string;
}

/**
 * The channels of a file in the archive's formats (.ts, ARFF), fixed by its first sequence: one is named `value`,
 * as a wide CSV file's, several dim_0, dim_1, … (sktime's names); a later line must have as many. Parses and
 * stores each line's channels, the rules of both formats alike.
 */
export class ArchiveChannels {
  private steps: StepStore | null = null;
  private D = 0;
  private readonly channel: Float64Array[] = []; // [D][T] the line being read, as parsed (the store rounds to float32)

  /** `separator`: how the format separates a line's channels, for the message. */
  constructor(private readonly builder: DataSetBuilder, private readonly file: string, private readonly separator: string) {}

  /**
   * Stores a line's channels (each one's values separated by commas, its trailing padding left out) as one
   * sequence's steps; returns its length T. The channels must be as many as the first line's, and equally long.
   */
  store(texts: readonly string[], line: number, declared?: Declared): number {
    const D = texts.length;
    const steps = this.storeFor(D, line);
    const lengths = texts.map((text, d) => this.readChannel(d, text, line, declared));
    const T = maxOf(lengths);
    if (T === 0) {
      throw new UserError(
        `${D === 1 ? 'the channel holds' : 'every channel holds'} no values, only NaN or ? padding; a sequence needs at least one time step`,
        { file: this.file, line },
      );
    }
    // A channel whose values end before the others' but whose padding (? or NaN) reaches as far has its tail
    // missing: a gap, filled as any other. One that is shorter, padding and all, is no such channel.
    for (let d = 0; d < D; d++) {
      const n = lengths[d];
      if (n === T) continue;
      const padded = texts[d].split(',').length >= T;
      if (!padded || !this.builder.fillsGaps) {
        const missing = padded ? ` (its last ${T - n} missing: ? or NaN)` : '';
        throw new UserError(
          `channel ${d + 1} has ${n} values but channel ${lengths.indexOf(T) + 1} has ${T}${missing}; the channels of a sequence must be equally long` +
            (padded ? `: ${FILL_GAP} or leave the sequence out` : `: pad channel ${d + 1} with ? to ${T} values (filled as a gap) or leave the sequence out`),
          { file: this.file, line },
        );
      }
      const x = this.buffer(d, T);
      for (let t = n; t < T; t++) {
        x[t] = NaN;
        this.builder.noteGap();
      }
    }
    steps.startSequence?.();
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) steps.push(this.channel[d][t]);
    return T;
  }

  /** The step storage for a line of D channels. */
  private storeFor(D: number, line: number): StepStore {
    if (this.steps === null) {
      this.D = D;
      const channels = D === 1 ? [UNNAMED_CHANNEL] : Array.from({ length: D }, (_, d) => `dim_${d}`);
      this.steps = this.builder.begin(channels, this.file, line, D === 1);
    } else if (D !== this.D) {
      throw new UserError(
        `line has ${D} channel(s) but the first sequence has ${this.D}; every line needs the same channels, separated by ${this.separator}`,
        { file: this.file, line },
      );
    }
    return this.steps;
  }

  /** Parses channel d's values (`text`, its padding left out) into this.channel[d]; returns how many. */
  private readChannel(d: number, text: string, line: number, declared?: Declared): number {
    const { file } = this;
    const values = text.split(',');
    // (An empty channel is said below, as such.)
    if (declared !== undefined && values.length !== declared.count && text.trim() !== '') throw new UserError(declared.refusal(d, values.length), { file, line });
    let T = values.length;
    while (T > 0 && isPadding(values[T - 1])) T--;
    const x = this.buffer(d, T);
    for (let t = 0; t < T; t++) {
      const v = toValue(values[t]);
      if (v !== v) {
        const where = `channel ${d + 1}, value ${t + 1}`;
        if (values[t].trim() === '?' || isNaNCell(values[t])) { // trailing ones pad the channel, and are not read
          if (this.builder.fillsGaps) {
            this.builder.noteGap();
            x[t] = NaN;
            continue;
          }
          throw new UserError(`missing value "${values[t].trim()}" (${where}); ${FILL_GAP} or leave the sequence out`, { file, line });
        }
        throw valueError(values[t], { file, line }, where, WHAT);
      }
      x[t] = v;
    }
    return T;
  }

  /** Room for T values of channel d of the line being read (grown on demand: a line allocates nothing). */
  private buffer(d: number, T: number): Float64Array {
    const x = this.channel[d];
    if (x !== undefined && x.length >= T) return x;
    const grown = new Float64Array(Math.max(T, 2 * (x?.length ?? 0)));
    if (x !== undefined) grown.set(x); // a channel padded to the others' length keeps the values read
    return (this.channel[d] = grown);
  }
}

/** A channel's trailing NaN or ? values pad it to the longest (as the UCR archive's files do); they are not values. */
function isPadding(value: string): boolean {
  return isNaNCell(value) || value.trim() === '?';
}
