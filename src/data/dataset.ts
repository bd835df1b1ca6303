// The data set in memory: every sequence's values in one Float32Array over a SharedArrayBuffer, so that
// every worker reads it without copying. Owns the layout; building it lives in builder.ts, parsing in csv.ts.
//
// Legend: N sequences, D channels, L total time steps (Σ lengths).

import type { ChannelPrecision } from './precision.js';
import type { GapTally } from './gaps.js';
import type { RestartTally } from './restarts.js';
import type { SeriesNote } from './channel-series.js';
import type { QuantityNote } from './quantity-columns.js';

/** Labelled sequences in one flat array (time-major, channels inner), as loadDataSet() reads them. */
export interface DataSet {
  readonly D: number;
  /** [D] channel names */
  readonly channels: readonly string[];
  /** sorted class names; labels index into it */
  readonly classes: readonly string[];
  /** [L][D] over a SharedArrayBuffer; sequence n starts at step offsets[n] (a program's set may hold values in no sequence, or sequences that overlap: its data are its sequences, packed.ts) */
  readonly values: Float32Array;
  /** [N] first step of each sequence (steps, not floats); SharedArrayBuffer */
  readonly offsets: Float64Array;
  /** [N] steps of each sequence; SharedArrayBuffer */
  readonly lengths: Int32Array;
  /** [N] class index, −1 when the file has no label (predict); SharedArrayBuffer */
  readonly labels: Int32Array;
  /** [N] sequence id (long layout) or row number (wide) */
  readonly ids: readonly string[];
  /** [N] where each sequence came from, for messages */
  readonly sources: readonly SequenceSource[];
  /** [D] each channel's values as the files held them and what storing them as float32 lost (the loader's; absent in a data set a program builds) */
  readonly precision?: readonly ChannelPrecision[] | undefined;
  /** the values missing inside sequences that the loader filled (gaps.ts; absent where none was) */
  readonly gaps?: GapTally | undefined;
  /** sequences of a long file whose rows came in blocks of overlapping times: two recordings under one id? (restarts.ts; absent where none did) */
  readonly restarts?: RestartTally | undefined;
  /** a wide header whose value columns are several channels' series, each row read as one sequence of them all (channel-series.ts; absent where none was) */
  readonly channelSeries?: SeriesNote | undefined;
  /** a wide header whose value columns are named as quantities (ax, ay, az), each row read as one sequence of them (quantity-columns.ts; absent where none was) */
  readonly quantityColumns?: QuantityNote | undefined;
  /** the column that ordered a long file's rows (the first file's), where one did */
  readonly timeColumn?: string | undefined;
  /** the files whose last line, a line of data, has no line end, with that line, as the loader read them (stdin, pipes and gzip too; absent in a data set a program builds) */
  readonly openEnds?: ReadonlyArray<{ readonly file: string; readonly line: number }> | undefined;
}

export interface SequenceSource {
  readonly file: string;
  /** first line of the sequence in its file (1-based, header counted) */
  readonly line: number;
}

/** The number of sequences of each of C classes; unlabelled ones (−1) are not counted. */
export function classSizes(labels: Int32Array, C: number): Int32Array {
  const sizes = new Int32Array(C);
  for (const c of labels) if (c >= 0) sizes[c]++;
  return sizes;
}
