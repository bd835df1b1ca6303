// What train() and tune() warn of, one line each, without a prefix: the data as loaded (data/warnings.ts) and
// options that will not do what they seem to with these data or this machine. None is a refusal; each goes to the
// program's onWarning (the CLI prints them to stderr). Pure but for reading the test files' bytes.

import { cutShortSequences, cutShortWarnings, wholeLengths } from '../data/cut-short.js';
import { shortEndsWarning } from '../data/short-ends.js';
import type { DataSet } from '../data/dataset.js';
import { classSizes } from '../data/dataset.js';
import { warningLines } from '../data/warnings.js';
import { fileName } from '../data/stdin.js';
import { DEFAULT_LAYOUT } from '../model/model.js';
import { scalesApart, widelyScaled } from '../data/scale-spread.js';
import type { FileFingerprint } from '../io/fingerprint.js';
import { autoValSplit, defaultThreadCounts, defaultThreads } from './defaults.js';
import { heldOutCount } from './split.js';
import { asFlag } from './option-checks.js';
import { perThreadGiB, threadsWithinCap } from '../engine/address-space.js';
import { maxOf, minOf } from '../data/extent.js';

export interface WarnedOptions {
  readonly files: readonly string[];
  /** each training file's, as it was read (null: stdin or a pipe, or changed since) */
  readonly fingerprints?: readonly (FileFingerprint | null)[];
  readonly test?: readonly string[];
  /** for each --test file, the training file whose bytes it holds, if any (load.ts testTwinsOf) */
  readonly testTwins?: readonly (string | undefined)[];
  readonly idColumn?: string;
  readonly threads?: number | 'auto';
  readonly valSplit?: number | 'auto';
  readonly patience?: number;
  readonly sequenceNorm?: boolean | 'auto';
  readonly format?: string;
  readonly labelColumn?: string;
  readonly timeColumn?: string;
  readonly classWeights?: 'none' | 'balanced' | undefined;
  readonly fromModel: boolean; // --init: the model fixes how the data are read
  readonly archivesOnly?: boolean; // every training file in the archive's .ts or ARFF format, and no --test file
}

/** How many times the smallest class's sequences the largest's may be before training warns of it. */
const UNEVEN = 10;

/** The warnings for training on `ds` (as loaded) with these options. */
export function trainingWarnings(ds: DataSet, o: WarnedOptions): string[] {
  const cut = cutShortSequences(ds);
  const shortEnds = shortEndsWarning(wholeLengths(ds, cut));
  const out = [...warningLines(ds, o.idColumn ?? DEFAULT_LAYOUT.idColumn, o.timeColumn), ...cutShortWarnings(ds, cut), ...(shortEnds === null ? [] : [shortEnds])];
  const columnFlags = (['format', 'labelColumn', 'idColumn', 'timeColumn'] as const).filter((k) => o[k] !== undefined).map(asFlag);
  if (o.archivesOnly && columnFlags.length > 0) {
    out.push(
      `${columnFlags.join(', ')} ${columnFlags.length > 1 ? 'do' : 'does'} nothing for files in the archive's .ts or ARFF format; ` +
        `the model records ${o.fromModel ? 'its --init model\'s' : 'the default'} columns for the CSV files it will read`,
    );
  }
  if (o.sequenceNorm === false && !o.fromModel) {
    const wide = widelyScaled(ds);
    if (wide.length > 0) out.push(`${scalesApart(wide)}, and --sequence-norm off leaves the small ones nearly flat once normalized`);
  }
  // Only where the threads that run are more (a cap on address space may leave fewer, said on its own).
  if (typeof o.threads === 'number' && Math.min(o.threads, threadsWithinCap()) > defaultThreads()) {
    out.push(`--threads ${o.threads} is more than the ${defaultThreads()} core(s) this process may use here; the extra threads share cores and slow each step (the result is the same)`);
  }
  // A validation split asked for that holds out nothing (classes too small), or patience with nothing to watch.
  const valSplit = o.valSplit === undefined || o.valSplit === 'auto' ? autoValSplit(ds.lengths.length) : o.valSplit;
  const heldOut = valSplit > 0 ? heldOutCount(ds.labels, ds.classes.length, valSplit) : 0;
  if (typeof o.valSplit === 'number' && o.valSplit > 0 && heldOut === 0) {
    const smallest = minOf(classSizes(ds.labels, ds.classes.length));
    out.push(`--val-split ${o.valSplit} holds out no sequence of these classes (the smallest has ${smallest}); training keeps its last weights${(o.patience ?? 0) > 0 ? ' and --patience has no effect' : ''}`);
  } else if ((o.patience ?? 0) > 0 && heldOut === 0) {
    out.push(`--patience ${o.patience} has no effect without validation data; give --val-split`);
  }
  // Classes of very different sizes, trained unweighted: the loss is mostly the largest's, and a model that answers
  // it alone can score its share, and training ends there without a word.
  if ((o.classWeights ?? 'none') === 'none') {
    const sizes = classSizes(ds.labels, ds.classes.length);
    const [most, least] = [sizes.indexOf(maxOf(sizes)), sizes.indexOf(minOf(sizes))];
    if (sizes[most] >= UNEVEN * sizes[least]) {
      out.push(`the classes differ much in size (${JSON.stringify(ds.classes[most])}: ${sizes[most]} sequences, ${JSON.stringify(ds.classes[least])}: ${sizes[least]}); ` +
        'a model may learn to answer the large ones: --class-weights balanced weighs every class alike in the loss (compare the balanced accuracy of both)');
    }
  }
  // Two training files of the same bytes (a copy under another name; the same file named twice is refused): every
  // sequence of it trains twice, and counts twice in the validation split.
  for (const [twin, file] of sameBytesPairs(o.files, o.fingerprints ?? [])) {
    out.push(`training files ${twin} and ${file} hold the same bytes: each of their sequences trains twice; give the file once`);
  }
  (o.test ?? []).forEach((t, i) => {
    const same = o.testTwins?.[i];
    if (same !== undefined) out.push(`--test ${t} holds the same bytes as the training file ${fileName(same)}; its accuracy is not a held-out figure`);
  });
  return out;
}

/** Each file that holds the bytes of one before it, with that one, by the fingerprints taken as they were read (null: none). */
function sameBytesPairs(files: readonly string[], fingerprints: readonly (FileFingerprint | null)[]): Array<[string, string]> {
  const first = new Map<string, string>(); // size and SHA-256 → the first file of those bytes
  const pairs: Array<[string, string]> = [];
  files.forEach((f, i) => {
    const fp = fingerprints[i];
    if (fp === null || fp === undefined) return;
    const key = `${fp.bytes}:${fp.sha256}`;
    const twin = first.get(key);
    if (twin === undefined) first.set(key, f);
    else pairs.push([twin, f]);
  });
  return pairs;
}

/**
 * The warnings for measuring thread counts `asked` (tune's --threads; none: 1 .. the cores) where `room` threads
 * fit this process's cap on address space.
 */
export function tuneWarnings(asked: readonly number[] | undefined, room: number, step: { chunks: number; batchSize: number }): string[] {
  const out: string[] = [];
  // An engine runs no more threads than a step has chunks: a larger count is timed as that many.
  const more = (asked ?? []).filter((n) => n > step.chunks && n <= room);
  if (more.length > 0) {
    out.push(`--threads ${more.join(',')} ${more.length === 1 ? 'is' : 'are'} more than the ${step.chunks} chunk(s) of sequences a step of --batch-size ${step.batchSize} has, and a step runs no more threads than chunks: timed as ${step.chunks}`);
  }
  const past = (asked ?? []).filter((n) => Math.min(n, step.chunks) > defaultThreads() && n <= room); // the count timed shares cores
  if (past.length > 0) {
    out.push(`--threads ${past.join(',')} ${past.length === 1 ? 'is' : 'are'} more than the ${defaultThreads()} core(s) here; the extra threads share cores, so those rows measure the sharing`);
  }
  const over = (asked ?? defaultThreadCounts()).filter((n) => n > room);
  if (over.length > 0) {
    out.push(`${over.join(',')} thread(s) do not fit this process's cap on address space (ulimit -v; each thread reserves about ${perThreadGiB()} GiB); measuring up to ${room}`);
  }
  return out;
}

/** Ten times the loss of guessing every class alike at the end: the steps threw the model out, rather than the data being hard. */
export function lossWarning(lastLoss: number, C: number, lr: number, clip: number): string | undefined {
  if (!(lastLoss > 10 * Math.log(C))) return undefined;
  return `the training loss ended at ${+lastLoss.toPrecision(4)}, ten times or more that of guessing every class alike (${+Math.log(C).toPrecision(4)}): ` +
    `the steps are too large for this model; a smaller --lr (now ${lr})${clip > 0 ? '' : ' or gradient clipping (--clip 1)'} should train it`;
}
