// train()'s inputs: the training files read and checked (against a resumed checkpoint or an --init model too),
// the test files read and checked against them, and the data as the network reads them (differences, each
// sequence on its own scale, normalized). Everything here happens before anything is trained or written.

import { type LoadOptions, checkReadable, readDataSet } from '../data/csv.js';
import { isGapTally } from '../data/gaps.js';
import { type DataSet, classSizes } from '../data/dataset.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../data/shared.js';
import type { Normalization } from '../data/normalize.js';
import { checkInputs, inputsOf } from '../data/inputs.js';
import { STDIN } from '../data/stdin.js';
import { withClasses } from '../data/subset.js';
import { sameNames } from '../data/names.js';
import { InterruptedError, UserError } from '../errors.js';
import { type Checkpoint, dataFingerprints } from '../io/checkpoint.js';
import { type FileFingerprint, fileIdentity, sameBytes } from '../io/fingerprint.js';
import { type Model, differencesOf, sequenceNormOf } from '../model/model.js';
import { membersOf } from '../model/ensemble.js';
import { TRAIN_DEFAULTS, differencesFor, sequenceNormFor } from './defaults.js';
import { trainingWarnings } from './warnings.js';
import { type TestSet, checkClassesRecur, checkFollows, checkInit, checkTestFiles, fixedByModel, initClassesWarning } from './preflight.js';
import { checkResumeData } from './resume-checks.js';
import type { TrainRun } from './train-options.js';
import { packed } from '../data/packed.js';

/** What train() trains on, and what it records of it. */
export interface TrainingInputs {
  readonly loaded: DataSet; // as read (the channels' names, the classes)
  readonly ds: DataSet; // as the network reads it
  readonly normalization: Normalization | null;
  readonly differences: boolean;
  readonly sequenceNorm: boolean;
  readonly testSets: TestSet[]; // as read, checked against the training data
  readonly csvRead: boolean; // some training file was a CSV file (the layout the model records is how it was read)
  readonly fileFingerprints: (FileFingerprint | null)[]; // of each training file, where it is still the one read
  /** for each --test file, the training file whose bytes it holds, if any: said once, and then not also of its sequences */
  readonly testTwins: (string | undefined)[];
  readonly fingerprint: string; // of the data as read, where a checkpoint records or checks it ('' otherwise)
}

/**
 * A program's data set as train() trains on it: a copy in shared memory (train normalizes its inputs in place,
 * and the engine's threads read them), the program's own left as it is; ids the program gave, or its indices.
 */
function inMemory(given: DataSet): DataSet {
  const data = packed(given); // its sequences alone, one after another (a copy only where they lie otherwise)
  const own = data !== given; // that copy is the run's already
  const N = data.lengths.length;
  const ids = Array.isArray(data.ids) && data.ids.length === N && data.ids.every((id) => typeof id === 'string') ? [...data.ids] : Array.from({ length: N }, (_, n) => String(n));
  return {
    D: data.D, channels: [...data.channels], classes: [...data.classes],
    values: own ? data.values : copied(sharedFloat32, data.values), offsets: own ? data.offsets : copied(sharedFloat64, data.offsets),
    lengths: copied(sharedInt32, data.lengths), labels: copied(sharedInt32, data.labels),
    ids, sources: [], // no file lines to name
    ...(data.precision !== undefined ? { precision: data.precision } : {}), // as loadDataSet() read it, for its warnings
    ...(isGapTally(data.gaps) ? { gaps: data.gaps } : {}), // the gaps it filled, for the warning and the model's record
  };
}

/** A shared array of `make` holding xs. */
function copied<A extends Float32Array | Float64Array | Int32Array>(make: (n: number) => A, xs: ArrayLike<number>): A {
  const a = make(xs.length);
  a.set(xs);
  return a;
}

/**
 * Reads and checks the training and test files of `o` (read as `load` says: an --init model's layout), against
 * the checkpoint it resumes, if any; `checkpointing`: whether the run writes checkpoints (which record the data).
 */
export async function loadForTraining(
  o: TrainRun & { init?: Model }, load: LoadOptions, resume: Checkpoint | undefined, checkpointing: boolean,
): Promise<TrainingInputs> {
  const d = TRAIN_DEFAULTS;
  let archives = 0; // training files in the archive's .ts or ARFF format, which no column option reads
  checkReadable([...o.files, ...(o.test ?? [])]); // before a line is said of the first
  const identities = o.files.map(fileIdentity);
  const digests = new Map<string, FileFingerprint>(); // of each training file's bytes as read
  const onDigest = (f: string, d: FileFingerprint) => void digests.set(f, d);
  const loaded = o.data !== undefined ? inMemory(o.data) : await readDataSet(o.files, { ...load, requireLabels: true, onArchive: () => archives++, onDigest });
  // The layout a model records is how CSV files were read (for data in memory, the column options given, which
  // read its --test files and will read the files it scores); from archive files alone, none was: the defaults.
  const csvRead = o.data !== undefined || archives < o.files.length;
  const named = o.data !== undefined ? ['train() data'] : o.files; // what messages about the data name
  // Of the bytes read (hashed as they were), and only for a file that is still the one read (not replaced while
  // it was read): the record is of what was read, and of the file at that path.
  const fileFingerprints = o.files.map((f, i) => (identities[i] !== null && fileIdentity(f) === identities[i] ? digests.get(f) ?? null : null));
  const fingerprints = resume !== undefined || checkpointing ? dataFingerprints(loaded) : ['', ''];
  const fingerprint = fingerprints[0];
  if (resume) checkResumeData(resume, o.resume!, loaded, fingerprints); // before selection could write a checkpoint
  // Classes with sequences: a data set built by hand may name classes none of its labels is.
  const sizes = classSizes(loaded.labels, loaded.classes.length);
  const present = loaded.classes.filter((_, c) => sizes[c] > 0);
  if (present.length < 2) {
    throw new UserError(
      `only one class (${JSON.stringify(present[0])}) in the training data${present.length < loaded.classes.length ? ` (of the ${loaded.classes.length} it names)` : ''}; a classifier needs at least two: give sequences of two classes or more, and check that the label column holds their classes`,
      { file: named.join(', ') },
    );
  }
  checkClassesRecur(loaded, named, o.data !== undefined);
  if (o.init) checkInit(o.init, loaded, named[0]);
  // Data of an --init model's classes (some of them, or in another order) train with all of them, in its order.
  const initWarning = o.init ? initClassesWarning(o.init, loaded) : null;
  const data = o.init && !sameNames(loaded.classes, o.init.classes) ? withClasses(loaded, o.init.classes) : loaded;
  const testSets = await checkTestFiles(o.test, load, loaded);
  if (o.signal?.aborted) throw new InterruptedError(0, 0, o.resume);
  o.onLoaded?.(loaded); // every input checked
  // Column options read no training file of the archive's formats, nor --test files when there are none.
  const unread = !csvRead && (o.test ?? []).length === 0;
  const testTwins = (o.test ?? []).map((t) => testTwinOf(t, o.files));
  if (o.onWarning) for (const w of trainingWarnings(loaded, { ...o, fingerprints: fileFingerprints, testTwins, fromModel: o.init !== undefined, archivesOnly: unread })) o.onWarning(w);
  if (initWarning !== null) o.onWarning?.(initWarning);
  // A checkpoint of an earlier version, which read no differences: resuming it keeps to that.
  const differences = resume ? differencesOf(resume.model) : o.init ? differencesOf(o.init) : differencesFor(o.differences ?? d.differences, loaded);
  const sequenceNorm = resume ? sequenceNormOf(resume.model) : o.init ? sequenceNormOf(o.init) : sequenceNormFor(o.sequenceNorm ?? d.sequenceNorm, loaded);
  const reading = { sequenceNorm, differences };
  if (resume) {
    const m = resume.model;
    checkFollows(o, { readout: resume.state ? m.readout : undefined, normalize: m.normalization ? 'zscore' : 'none', differences, sequenceNorm }, 'the checkpoint', o.resume);
  } else if (o.init) checkFollows(o, fixedByModel(o.init), 'the --init model', undefined, membersOf(o.init));
  const normalize = resume ? resume.model.normalization : o.init ? o.init.normalization : (o.normalize ?? d.normalize) === 'zscore' ? 'zscore' : null;
  const { inputs: ds, normalization } = inputsOf(data, reading, normalize);
  for (const t of testSets) checkInputs(t.data, reading, normalization); // a test value that overflows once normalized is refused
  return { loaded, ds, normalization, differences, sequenceNorm, testSets, csvRead, fileFingerprints, testTwins, fingerprint };
}

/** The training file whose bytes the file `test` holds, if any (stdin redirected from a file is that file: /dev/stdin opens it afresh, from its start). */
function testTwinOf(test: string, files: readonly string[]): string | undefined {
  return files.find((f) => sameBytes(test, f === STDIN ? '/dev/stdin' : f));
}
