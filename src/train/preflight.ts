// Everything train() checks before the first training step, so that no one learns after an hour of training
// that the output folder does not exist, that a test file has a typo on line 9000, or that the --init model has
// other channels. What must agree between a checkpoint and the run that resumes it is resume-checks.ts'.
//
// Owns the checks and their messages; does not load the training data (csv.ts) or train (fit.ts).

import { statSync } from 'node:fs';
import { readDataSet, type LoadOptions } from '../data/csv.js';
import type { DataSet } from '../data/dataset.js';
import { UserError } from '../errors.js';
import { shellQuote } from '../data/visible.js';
import { show } from '../data/cells.js';
import { checkReplaceable } from '../io/replace.js';
import { checkWritable } from '../io/atomic.js';
import { outputTarget } from '../io/output-target.js';
import { checkDistinct, checkOnce, fileKeys, followLinks } from '../io/paths.js';
import { CHECKPOINT_FORMAT, HEAD_BYTES, firstBytes, namesFormat } from '../io/formats.js';
import { MAX_JSON_BYTES } from '../io/read-input.js';
import { lockRun } from '../io/lock.js';
import { type Model, differencesOf, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { type Cell, cellOf, directionsOf, layersOf } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import type { HyperparameterOptions } from './defaults.js';
import { asFlagWithValue } from './option-checks.js';
import { checkSameChannels, checkSomeLabelKnown, nameList } from '../data/names.js';

export interface OutputPaths {
  readonly out?: string;
  readonly checkpoint?: string; // undefined: no checkpoints (none asked for, or a device or FIFO)
  readonly checkpointIsDefault: boolean; // `<out>.ckpt`, removed once the model is written
  readonly report?: string;
}

/**
 * The output paths train() will write, each checked writable (a probe file is created and removed in its
 * folder), none of them an input file or another output; no training file named twice.
 */
export function checkOutputs(o: { files: readonly string[]; test?: readonly string[]; out?: string; checkpoint?: string; report?: string; resume?: string }): OutputPaths {
  // No default checkpoint beside a device or FIFO (`--out /dev/null`): there is no folder of the user's there.
  const checkpoint = o.checkpoint ?? (o.out !== undefined && !writesInPlace(o.out) ? `${o.out}.ckpt` : undefined);
  const checkpointFlag = o.checkpoint === undefined ? '--checkpoint (default: --out + .ckpt)' : '--checkpoint';
  const outputs: Array<[string, string | undefined]> = [['--out', o.out], [checkpointFlag, checkpoint], ['--report', o.report]];
  checkOnce(o.files, 'the training files');
  checkOnce(o.test ?? [], 'the --test files'); // a file twice would count its sequences twice in the total
  checkDistinct([...o.files, ...(o.test ?? [])].map((f) => ['one of the input files', f] as const), outputs);
  // The run's own checkpoint may be the one it resumes (it goes on writing there); no other output may.
  checkDistinct([['the --resume checkpoint', o.resume]], outputs.filter(([flag]) => flag !== checkpointFlag));
  for (const [flag, path] of outputs) if (path !== undefined) checkWritable(path, flag);
  if (o.out !== undefined) checkReplaceable(o.out, '--out', 'model');
  if (o.report !== undefined) checkReplaceable(o.report, '--report', 'report');
  // A device or FIFO (`--checkpoint /dev/null`) keeps nothing to resume from: no checkpoint is written.
  const kept = checkpoint !== undefined && !writesInPlace(checkpoint) ? checkpoint : undefined;
  return { out: o.out, checkpoint: kept, checkpointIsDefault: o.checkpoint === undefined, report: o.report };
}

/**
 * The checkpoint a run resumes from: `resume` as given, or for 'auto' the run's own checkpoint (`checkpoint`, or
 * `<out>.ckpt`) where a file is there, else none (a fresh run): a requeued job's same command line goes on from
 * where it was stopped. A file named auto is `./auto`.
 */
export function resumeOf(o: { resume?: string | undefined; checkpoint?: string | undefined; out?: string | undefined }): string | undefined {
  if (o.resume !== 'auto') return o.resume;
  const path = o.checkpoint ?? (o.out !== undefined ? `${o.out}.ckpt` : undefined);
  try {
    return path !== undefined && statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined; // none there
  }
}

/** A file named auto beside a run of `resume: 'auto'` that does not resume from it: said, since it is not read. */
export function autoResumeWarning(o: { resume?: string | undefined }, resolved: string | undefined): string | null {
  if (o.resume !== 'auto' || resolved === 'auto') return null;
  try {
    return statSync('auto').isFile() ? "--resume auto resumes the run's own checkpoint (--checkpoint, or --out + .ckpt); the file ./auto here is not read (--resume ./auto resumes from it)" : null;
  } catch {
    return null;
  }
}

/**
 * Refuses training data in which every sequence has a class of its own (from four sequences on), or nine in ten
 * where every label is a fractional number: nothing can be learned of a class from one sequence, and it is what
 * reading a signal value as the label gives (a file whose label column is last, or a header read as data), where
 * a value that recurs leaves a few alike. (Words as labels, one or two sequences of each, are a small set.)
 */
export function checkClassesRecur(ds: Pick<DataSet, 'classes' | 'lengths'>, files: readonly string[], inMemory = false): void {
  const N = ds.lengths.length;
  const C = ds.classes.length;
  const numbers = ds.classes.every((c) => Number.isFinite(Number(c)) && !/^[+-]?[0-9]+$/.test(c.trim()));
  if (N < 4 || C < (numbers ? 0.9 * N : N)) return;
  const own = C === N ? `each of the ${N} sequences has a label of its own` : `the ${N} sequences have ${C} labels, nearly one each`;
  throw new UserError(
    `${own} (${nameList(ds.classes, 4)})${numbers ? ', all of them fractional numbers like signal values' : ''}; ` +
      `a classifier learns a class from several sequences of it: ${inMemory ? 'are these the labels, and classes the names they index?' : 'is the label in another column? (--label-column names it; a file without a header has its label first; labels kept in a file of their own, one a line, go in front: paste -d, labels.csv values.csv > train.csv, or paste -d\' \' where values are separated by blanks)'}`,
    { file: files.join(', ') },
  );
}

/** Characters a trained weight takes in the model file, with its comma: typically 12–13 (`-0.012345678,`). */
const MODEL_FILE_BYTES_PER_WEIGHT = 13;
/** And a zero between an ensemble's blocks (`0,`). */
const MODEL_FILE_BYTES_PER_ZERO = 2;

/**
 * What keeps a model of `P` weights a member (`members` members) from being saved (`saving`) or checkpointed
 * and read back, or null:
 * the model file (every weight as decimal text; an ensemble's as one model of `merged` weights, the zeros
 * between its members' blocks among them) and the checkpoint (the member in training's weights, best weights
 * and two optimizer moments, and the finished members' weights, in base64) are JSON texts, which a reader
 * cannot hold past MAX_JSON_BYTES (and a writer not past V8's longest string).
 */
export function fileSizeProblem(P: number, members: number, hidden: number, o: { saving: boolean; checkpointing: boolean; inputWeights?: number; merged?: number }): string | null {
  const mib = (n: number) => `${Math.ceil(n / 2 ** 20)} MiB`;
  const sizes: Array<[string, number]> = [];
  const zeros = Math.max(0, (o.merged ?? members * P) - members * P);
  if (o.saving) sizes.push(['model file', members * P * MODEL_FILE_BYTES_PER_WEIGHT + zeros * MODEL_FILE_BYTES_PER_ZERO]);
  if (o.checkpointing) sizes.push(['checkpoint', ((4 + members - 1) * P * 4 * 4) / 3]);
  const over = sizes.find(([, bytes]) => bytes > MAX_JSON_BYTES);
  if (over === undefined) return null;
  const given = members > 1 ? `--hidden ${hidden} with --members ${members}` : `--hidden ${hidden}`;
  // Most weights reading the inputs: the inputs a step (channels, their differences, frame stacking) are the knob too.
  const inputs = o.inputWeights !== undefined && o.inputWeights > P / 2
    ? `, or read fewer values a step (most weights read the inputs): fewer channels (--channels picks them from a long file), --differences off or a smaller --stride`
    : '';
  return `${given} makes a model of ${members * P} weights, whose ${over[0]} would be about ${mib(over[1])}, more than the ${mib(MAX_JSON_BYTES)} a ${over[0]} can be; lower --hidden${members > 1 ? ' or --members' : ''}${inputs}`;
}

/**
 * Claims the run's outputs for it, or refuses: among the train() calls running in this process (one run's
 * --report as another's --out would leave the model an HTML page), then among processes, its checkpoint, model
 * file and report (io/lock.ts lockRun); then refuses a file already at the checkpoint's path that this run does
 * not resume from. Returns the release of them all.
 */
export function claimRun(outputs: OutputPaths, resume: string | undefined): { release(): void; check(): void } {
  const releaseHere = claimInProcess(outputs);
  try {
    const { checkpoint, out, report } = outputs; // a checkpoint written in place is none already (checkOutputs)
    const inFile = (p: string | undefined) => (p !== undefined && !writesInPlace(p) ? p : undefined);
    const lock = lockRun({ checkpoint, out: inFile(out), report: inFile(report) });
    try {
      if (checkpoint !== undefined) checkNoOtherCheckpoint(checkpoint, resume);
    } catch (e) {
      lock?.release();
      throw e;
    }
    return {
      release: () => {
        lock?.release();
        releaseHere();
      },
      check: () => lock?.check(),
    };
  } catch (e) {
    releaseHere();
    throw e;
  }
}

/** The files the train() calls running in this process write (links followed), with the option each is. */
const written = new Map<string, string>();

/** Claims this run's output files among the train() calls running in this process, or refuses one another writes. */
function claimInProcess(outputs: OutputPaths): () => void {
  const mine = (['out', 'checkpoint', 'report'] as const).flatMap((k) => {
    const path = outputs[k];
    return path === undefined || writesInPlace(path) ? [] : [[followLinks(path), k, path] as const];
  });
  for (const [key, k, path] of mine) {
    const theirs = written.get(key);
    if (theirs !== undefined) {
      throw new UserError(`--${k} ${path}: another call in this very process is writing this file (its ${theirs}); give each run outputs of its own`);
    }
  }
  for (const [key, k] of mine) written.set(key, `--${k}`);
  return () => {
    for (const [key] of mine) written.delete(key);
  };
}

/**
 * Refuses to write checkpoints over a file already at their path, unless this run resumes from it: it holds an
 * earlier run's progress (one interrupted, which printed how to resume it), which a fresh run would replace and,
 * once done, delete.
 */
function checkNoOtherCheckpoint(checkpoint: string, resume: string | undefined): void {
  let regular: boolean;
  try {
    regular = statSync(checkpoint).isFile();
  } catch {
    return; // nothing there
  }
  if (!regular) return; // a device or FIFO holds no earlier run
  if (resume !== undefined) {
    const from = new Set(fileKeys(resume));
    if (fileKeys(checkpoint).some((k) => from.has(k))) return;
  }
  if (!looksLikeCheckpoint(checkpoint)) {
    throw new UserError('a file that is not a checkpoint is there, and training would write its checkpoint over it; give another --checkpoint (or --out), or move the file away', { file: checkpoint });
  }
  throw new UserError(
    'a checkpoint of an earlier run is there (one interrupted, or kept with --checkpoint); continue it with ' +
      `--resume ${shellQuote(checkpoint)}, or delete it (or give another --checkpoint) to start afresh`,
    { file: checkpoint },
  );
}

/** Whether the file at `path` starts as a checkpoint does (its format named in the first bytes). */
function looksLikeCheckpoint(path: string): boolean {
  const head = firstBytes(path, HEAD_BYTES);
  return head === undefined || namesFormat(head, CHECKPOINT_FORMAT); // unreadable: the message about an earlier run's checkpoint is the safer one
}

function writesInPlace(path: string): boolean {
  try {
    return outputTarget(path).inPlace;
  } catch {
    return false; // checkWritable says why
  }
}

/** The --init model against the training data: same channels (count, names, order) and the same classes. */
export function checkInit(init: Model, ds: DataSet, file: string): void {
  checkSameChannels(ds.channels, file, init.channels, 'the --init model');
  const unknown = ds.classes.filter((c) => !init.classes.includes(c));
  if (unknown.length > 0) {
    throw new UserError(
      `classes [${nameList(ds.classes)}] differ from the --init model's [${nameList(init.classes)}]: it has no class ${nameList(unknown.map(show))}; ` +
        'train on data of the model\'s classes, or start without --init',
      { file },
    );
  }
}

/** A line where the training data hold only some of the --init model's classes (checkInit: none other). */
export function initClassesWarning(init: Model, ds: DataSet): string | null {
  const missing = init.classes.filter((c) => !ds.classes.includes(c)).map(show);
  if (missing.length === 0) return null;
  return `the training data hold ${ds.classes.length} of the --init model's ${init.classes.length} classes (none of ${nameList(missing)}): ` +
    `it goes on learning from those alone, and may come to answer ${missing.length === 1 ? 'that one' : 'the others'} less often`;
}

/** A --test file read, and the layout of its rows (for the warnings evaluate gives of it). */
export interface TestSet {
  readonly data: DataSet; // as read
  readonly layout: 'wide' | 'long' | undefined; // none for the archive's .ts or ARFF
}

/**
 * Parses every --test file now (each on its own) and checks its channels against the training data, so that a
 * bad test file fails before training rather than after it. Returns the data sets, which evaluation then
 * scores without parsing the files again.
 */
export async function checkTestFiles(files: readonly string[] | undefined, load: LoadOptions, train: DataSet): Promise<TestSet[]> {
  const sets: TestSet[] = [];
  for (const file of files ?? []) {
    let layout: TestSet['layout'];
    const data = await readDataSet([file], { ...load, requireLabels: true, modelClasses: train.classes, modelChannels: train.channels, onLayout: (_f, l) => { layout = l; } });
    checkSameChannels(data.channels, file, train.channels, 'the training data');
    checkSomeLabelKnown(data.classes, file, train.classes, 'the training data');
    sets.push({ data, layout });
  }
  return sets;
}

/** The options an --init model or a checkpoint fixes, as train() takes them (undefined: not fixed). */
export interface FixedOptions {
  readonly hidden?: number;
  readonly cell?: Cell;
  readonly bidirectional?: boolean;
  readonly layers?: 1 | 2;
  readonly readout?: Readout;
  readonly stride?: number;
  readonly resample?: number;
  readonly normalize?: 'zscore' | 'none';
  readonly differences?: boolean;
  readonly sequenceNorm?: boolean;
}

/** What an --init model fixes: its whole shape and how it reads its inputs. */
export function fixedByModel(m: Model): FixedOptions {
  return {
    hidden: m.shape.H, cell: cellOf(m.shape), bidirectional: directionsOf(m.shape) === 2, layers: layersOf(m.shape), readout: m.readout, stride: strideOf(m),
    resample: resampleOf(m), normalize: m.normalization ? 'zscore' : 'none', differences: differencesOf(m), sequenceNorm: sequenceNormOf(m),
  };
}

/**
 * A resumed or --init run follows its checkpoint or model in what that fixes: an option given otherwise is
 * refused rather than ignored ('auto' is no choice).
 */
export function checkFollows(o: HyperparameterOptions & { normalize?: 'zscore' | 'none'; differences?: boolean | 'auto'; sequenceNorm?: boolean | 'auto' }, fixed: FixedOptions, whose: string, file?: string, members = 1): void {
  const given: FixedOptions = {
    hidden: o.hidden, cell: o.cell, bidirectional: o.bidirectional, layers: o.layers, normalize: o.normalize,
    readout: o.readout === 'auto' ? undefined : o.readout, stride: o.stride === 'auto' ? undefined : o.stride,
    resample: o.resample === 'auto' ? undefined : o.resample, differences: o.differences === 'auto' ? undefined : o.differences,
    sequenceNorm: o.sequenceNorm === 'auto' ? undefined : o.sequenceNorm,
  };
  for (const key of Object.keys(fixed) as (keyof FixedOptions)[]) {
    const [now, was] = [given[key], fixed[key]];
    if (now === undefined || was === undefined || now === was) continue;
    const typed = asFlagWithValue(key, now);
    // An ensemble's members are one model of their hidden units side by side, which trains on as one.
    const ensemble = key === 'hidden' && members > 1 ? ` (${members} members of ${(was as number) / members}, which train on as one model of ${was as number})` : '';
    throw new UserError(`${typed}, but ${whose} has ${asFlagWithValue(key, was)}${ensemble}; leave out ${typed.split(' ')[0]} (it follows ${whose})`, file === undefined ? {} : { file });
  }
}
