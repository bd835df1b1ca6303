// train(): the library entry point the CLI's `train` command is a shell over. Loads the training files,
// checks them, normalizes, fits, writes the model file atomically and evaluates the held-out files.
// Everything that can be checked is checked before the first step (preflight.ts): outputs writable, test
// files parsed, --init and --resume compatible. A checkpoint is written at the first epoch end checkpointEvery
// seconds after the last, at each member's end and on interrupt; the default one (`<out>.ckpt`) is removed once
// the model is written.

import { eventLoopTurn } from '../engine/turns.js';
import { DEFAULT_LAYOUT, LOAD_OPTION_KEYS, fileName, layoutOptions, type LoadOptions } from '../data/csv.js';
import type { DataSet } from '../data/dataset.js';
import type { Normalization } from '../data/normalize.js';
import { DivergedError, InterruptedError, UserError, isInterrupted } from '../errors.js';
import { shellQuote } from '../data/visible.js';
import { type Checkpoint, loadCheckpoint, removeCheckpoint, saveCheckpoint, weightsFingerprint } from '../io/checkpoint.js';
import { saveModel } from '../io/model-file.js';
import { writeFailure } from '../io/atomic.js';
import type { Model } from '../model/model.js';
import { ensembleShape, memberSeed, membersOf, mergeMembers, splitMembers } from '../model/ensemble.js';
import type { EpochRecord, FitState, FoldScore, Member, SelectionState } from '../model/state.js';
import { kernelRecord } from '../engine/kernels.js';
import type { KernelName } from '../engine/kernel-name.js';
import { lossWarning } from './warnings.js';
import { checkpointProgress } from '../eval/checkpoint-summary.js';
import { type FileEvaluation, evaluateDataSet, readingWarnings, respelledLabels, totalMetrics, valuesWarnings } from '../eval/evaluate.js';
import { writeReport } from '../eval/report.js';
import { lengthsRecord } from '../eval/lengths.js';
import { wholeLengths } from '../data/cut-short.js';
import { MAX_DIGESTS, encodeDigests, sequenceDigests } from '../data/digests.js';
import {
  HYPERPARAMETER_KEYS, type HyperparameterOptions, type Hyperparameters, TRAIN_DEFAULTS, defaultThreadCounts, defaultThreads,
  resolveHyperparameters,
} from './defaults.js';
import { type BatchProgress, type FitResult, fitOnce, oneFit, shapeFor } from './fit.js';
import { loadForTraining } from './load.js';
import { layoutOf } from '../model/layout.js';
import { type TuneResult, measureThreads } from './tune.js';
import { asFlagWithValue, checkOptions, recordedProblem } from './option-checks.js';
import { checkDataArgument } from '../data/data-argument.js';
import { type NamesExactly, checkCallbacks, checkFileList, checkKnownOptions, checkModelArgument, checkOptionsObject, checkPathOptions, checkSignal, ownOptions, shownOption } from '../data/arguments.js';
import { buildForRun } from '../engine/wasm.js';
import { perThreadGiB, selectionThreadsWithinCap, threadsWithinCap } from '../engine/address-space.js';
import { type OutputPaths, type TestSet, autoResumeWarning, resumeOf, changedOnResume, claimRun, fileSizeProblem, checkOutputs, checkResume, checkResumeInit, checkResumeSelection, checkSelectionResumed, keptOnResume, withUnrecorded, asCheckpointRecorded } from './preflight.js';
import { type Selection, type StageProgress, type TaskCounts, budgetOf, plannedTasks, selectModel, taskKey, whySelectionSkips, withCandidate, withVaried, withoutSelection } from './select.js';

/** train()'s options: the flags of `train-signals train` in camelCase, the files, and the callbacks. */
export interface TrainOptions extends LoadOptions, HyperparameterOptions {
  /** the training files; or, instead of them, `data` */
  readonly files?: readonly string[] | undefined;
  /** the training data in memory, as loadDataSet() gives it or a program builds it (a copy is trained on) */
  readonly data?: DataSet | undefined;
  readonly test?: readonly string[] | undefined;
  readonly out?: string | undefined;
  /** 'auto': measure briefly (as `tune`) and use the recommended count */
  readonly threads?: number | 'auto' | undefined;
  /** 'wasm' (default) or 'ts', the reference kernel */
  readonly kernel?: KernelName | undefined;
  /** write the HTML report here */
  readonly report?: string | undefined;
  /** the command that started this run, for the report to show */
  readonly commandLine?: string | undefined;
  readonly normalize?: 'zscore' | 'none' | undefined;
  /** every sample's first differences as channels too (auto: on raw recordings) */
  readonly differences?: boolean | 'auto' | undefined;
  /** each sequence on its own scale, its level and scale as channels (auto: where scales lie decades apart) */
  readonly sequenceNorm?: boolean | 'auto' | undefined;
  readonly onEpoch?: ((e: EpochRecord) => void) | undefined;
  readonly onBatch?: ((b: BatchProgress) => void) | undefined;
  /** a resumed run's checkpoint is checked: how far its run got (checkpointProgress) */
  readonly onResumed?: ((progress: string) => void) | undefined;
  /** before the first epoch */
  readonly onStart?: ((hp: Hyperparameters) => void) | undefined;
  /** before member m's first epoch (0-based; only when M > 1) */
  readonly onMember?: ((m: number, M: number) => void) | undefined;
  /** where to write the checkpoint (default: `${out}.ckpt`) */
  readonly checkpoint?: string | undefined;
  /** seconds between epoch-end checkpoints (0: every epoch end); a member's end and a stop always write one */
  readonly checkpointEvery?: number | undefined;
  /** a checkpoint to continue from; 'auto': the run's own checkpoint where there is one, else a fresh run */
  readonly resume?: string | undefined;
  /** when aborted: finish the step, write the checkpoint, throw InterruptedError (aborted as training ends or while the test files are scored: the result, `stopped`, without the test files' scores or the report) */
  readonly signal?: AbortSignal | undefined;
  /** training is over (the model is written); evaluation follows */
  readonly onTrained?: (() => void) | undefined;
  /** model selection starts (from here on, `signal` stops it with a checkpoint) */
  readonly onSelecting?: (() => void) | undefined;
  /** model selection: after each candidate's fold */
  readonly onSelection?: ((p: SelectionProgress) => void) | undefined;
  /** model selection: about once a second while a stage trains, and at its end */
  readonly onSelectionSteps?: ((p: StageProgress) => void) | undefined;
  /** model selection is over: every score, and the choice */
  readonly onSelected?: ((s: Selection) => void) | undefined;
  /** selection cannot run or too few sequences for --select auto (select.ts), with what trains instead */
  readonly onSelectionSkipped?: ((why: string, hp: Hyperparameters) => void) | undefined;
  /** `threads: 'auto'` has measured and chosen */
  readonly onTuned?: ((t: TuneResult) => void) | undefined;
  /** the training data are loaded and every input checked (before normalization) */
  readonly onLoaded?: ((ds: DataSet) => void) | undefined;
  /** what the data or the options suggest is not what was meant (warnings.ts), a line each */
  readonly onWarning?: ((line: string) => void) | undefined;
}

export { TRAIN_DEFAULTS };

/** Every key of TrainOptions (checked whole at compile time): train() refuses any other. */
const TRAIN_OPTION_KEYS = [
  ...LOAD_OPTION_KEYS, ...HYPERPARAMETER_KEYS,
  'files', 'data', 'test', 'out', 'threads', 'kernel', 'report', 'commandLine', 'normalize', 'differences', 'sequenceNorm', 'onEpoch', 'onBatch', 'onStart',
  'onMember', 'checkpoint', 'checkpointEvery', 'resume', 'onResumed', 'onTrained', 'onSelecting', 'onSelection', 'onSelectionSteps', 'onSelected',
  'onSelectionSkipped', 'onTuned', 'onLoaded', 'onWarning',
] as const;
const trainKeysWhole: NamesExactly<keyof TrainOptions, typeof TRAIN_OPTION_KEYS> = true;
void trainKeysWhole;

/** One finished task of model selection. */
export interface SelectionProgress extends TaskCounts {
  /** `<candidate>/<fold>` */
  readonly key: string;
  readonly score: FoldScore;
  // finished of total: the tasks of the stages so far (a later stage may add more); stage, from 1 (select.ts),
  // and stageFinished of stageTotal: its own tasks
}

/** train()'s options as a run goes on with them: the training files, none where the data came in memory. */
export type TrainRun = TrainOptions & { readonly files: readonly string[] };

/** What train() gives back: the model, its first member's history, and the test files' evaluations. */
export interface TrainResult extends Omit<FitResult, 'computeMs' | 'reduceMs' | 'updateMs'> {
  readonly test: FileEvaluation[];
  /** the final fits merged into the model (seconds: all of them) */
  readonly members: number;
  /** `signal` aborted as training ended, after its last check, or while the test files were scored: the model is whole (and written), no test file's scores are given and no report was written */
  readonly stopped?: true;
}

/**
 * Trains a model on the training files (with model selection, an ensemble, checkpoints and a resume, as the
 * options say), writes it to `out` if given, and evaluates the `test` files: what `train-signals train` does.
 */
export async function train(given: TrainOptions): Promise<TrainResult> {
  checkOptionsObject(given, 'train()');
  const o = ownOptions(given, TRAIN_OPTION_KEYS);
  checkKnownOptions(o ?? {}, TRAIN_OPTION_KEYS, 'train()');
  if (o?.data === undefined) {
    if (o?.files === undefined) throw new UserError('train() needs its training data: files (an array of file paths) or data (a data set in memory, as loadDataSet() gives it)');
    checkFileList(o.files, 'files');
  } else if (o.files !== undefined) {
    throw new UserError('train() takes its training data as files or as data, not both');
  } else if (Array.isArray(o.data) || typeof o.data === 'string') {
    throw new UserError('train() data is a data set in memory, as loadDataSet() gives it; file paths go in files: [...]');
  } else checkDataArgument(o.data, 'train() data', { dataSet: true });
  if (o.test !== undefined) checkFileList(o.test, 'test');
  checkPathOptions(o, ['out', 'checkpoint', 'report', 'resume'], ['out', 'checkpoint', 'report']);
  checkCallbacks(o, TRAIN_OPTION_KEYS.filter((k) => /^on[A-Z]/.test(k)));
  if (o.commandLine !== undefined && typeof o.commandLine !== 'string') throw new UserError(`commandLine must be a string, the command the report names (got ${shownOption(o.commandLine)})`);
  checkSignal(o.signal);
  if (o.init !== undefined) checkModelArgument(o.init, 'init');
  checkOptions(o);
  buildForRun(); // TRAIN_SIGNALS_KERNEL and WebAssembly SIMD checked before any work (inference needs the kernel with --kernel ts too)
  if (o.init && (o.members ?? 1) > 1) {
    throw new UserError(`--members ${o.members} cannot be combined with --init: the members would start from the same weights; leave out --members (with --init, the members are the model's: an ensemble's go on each from its own)`);
  }
  const run: TrainRun = { ...o, files: o.files ?? [], resume: resumeOf(o) };
  const autoFile = autoResumeWarning(o, run.resume);
  if (autoFile !== null) o.onWarning?.(autoFile);
  const outputs = checkOutputs(run);
  const claim = claimRun(outputs, run.resume); // held until the run ends, however it ends
  try {
    return await trainClaimed(run, outputs, claim.check);
  } finally {
    claim.release();
  }
}

/** train() once its outputs are checked and its checkpoint path is its own; `stillOurs` throws where another run has taken them over since. */
async function trainClaimed(given: TrainRun, outputs: OutputPaths, stillOurs: () => void): Promise<TrainResult> {
  const d = TRAIN_DEFAULTS;
  const resume = given.resume !== undefined ? loadRecordedCheckpoint(given.resume) : undefined;
  let o = resume ? withUnrecorded(resume, given, given.resume!) : given;
  // A resumed run's warnings wait until its checkpoint is checked: a refusal after a warning would say two things.
  const held: string[] = [];
  let holding = resume !== undefined;
  const warn = given.onWarning;
  if (resume && warn) o = { ...o, onWarning: (w) => (holding ? held.push(w) : warn(w)) };
  // An ensemble goes on from --init as its members, each from its own weights, merged again at the end (but
  // with --members 1, or resuming a run that went on as one network, as an earlier version did).
  const asOne = o.members === 1 || resume?.hyperparameters['members'] === 1;
  const initMembers = o.init && !asOne ? initEnsemble(o.init) : undefined;
  if (initMembers) o = { ...o, init: initMembers.member, members: initMembers.weights.length };
  // Continuing from a model reads the data the way its training files were read, as evaluate does.
  const load = o.init ? layoutOptions(o.init, o) : o;
  // Stopped before training: the checkpoint to go on from is the one this run resumes, if any.
  const fromResumed = (e: unknown): never => {
    if (isInterrupted(e)) e.checkpoint ??= o.resume;
    throw e;
  };
  const { loaded, ds, normalization, differences, sequenceNorm, testSets, csvRead, fileFingerprints, testTwins, fingerprint } =
    await loadForTraining(o, load, resume, outputs.checkpoint !== undefined).catch(fromResumed);
  let hp = resolveHyperparameters(ds, o);
  if (resume) {
    // What a resumed run leaves out of --epochs, --lr, --clip and --patience is its interrupted run's.
    const kept = keptOnResume(resume, o, hp);
    if (Object.keys(kept).length > 0) hp = resolveHyperparameters(ds, o = { ...o, ...kept });
  }
  // Said once the checkpoint is known to resume with them (a refusal after a warning would say two things).
  let changed = resume ? changedOnResume(resume, o, hp) : [];
  let toSay = resume;
  const sayResumed = () => {
    if (toSay) o.onResumed?.(checkpointProgress(toSay));
    toSay = undefined;
  };
  const resumeChecked = () => {
    sayResumed();
    holding = false;
    for (const w of [...held.splice(0), ...changed]) o.onWarning?.(w);
    changed = [];
  };
  const { threads, tuned } = await threadsFor(o, ds, hp).catch(fromResumed);
  const path = outputs.checkpoint;
  const shape = shapeFor(ds, hp, o.init);
  const P = layoutOf(shape).size;
  const tooLarge = fileSizeProblem(P, hp.members, hp.hidden, {
    saving: outputs.out !== undefined, checkpointing: path !== undefined, inputWeights: P - layoutOf({ ...shape, D: 1 }).size, merged: layoutOf(ensembleShape(shape, hp.members)).size,
  });
  if (tooLarge !== null) throw new UserError(tooLarge);
  // An --init model is where the run starts, as its data are what it trains on: a resume checks both.
  const initFingerprint = o.init ? weightsFingerprint(initMembers?.weights ?? [o.init.parameters]) : undefined;
  if (resume) checkResumeInit(resume, o.resume!, initFingerprint);
  const data = { sequences: ds.lengths.length, steps: ds.values.length / ds.D, fingerprint, ...(initFingerprint ? { init: initFingerprint } : {}) };
  const kernel = kernelRecord(o.kernel ?? d.kernel);
  const recordOf = (h: Hyperparameters) => ({ ...h, normalize: normalization ? 'zscore' : 'none', differences, sequenceNorm, init: o.init ? true : false, kernel });
  const modelRecordOf = (h: Hyperparameters): Checkpoint['model'] => ({
    shape: shapeFor(ds, h, o.init), readout: h.readout, ...(h.stride > 1 ? { stride: h.stride } : {}), ...(h.resample > 0 ? { resample: h.resample } : {}),
    ...(sequenceNorm ? { sequenceNorm } : {}), ...(differences ? { differences } : {}), classes: ds.classes, channels: loaded.channels, normalization,
  });
  const host = hostCallbacks(o);
  const chosen = await selectForRun(hp, { o, ds, resume, path, threads, host, data, recordOf, modelRecordOf, resumeChecked, sayResumed, stillOurs });
  const { scores, skipped, selection } = chosen;
  const selectionCheckpoint = chosen.checkpoint;
  hp = chosen.hp;
  const dropSelectionCheckpoint = () => {
    if (selectionCheckpoint !== undefined) removeCheckpoint(selectionCheckpoint);
  };
  if (selection?.chosen) hp = withCandidate(hp, selection.chosen);
  if (resume?.state) hp = { ...hp, readout: resume.model.readout };
  const recorded = recordOf(hp);
  if (resume?.state) checkResume(resume, o.resume!, recorded, selectionLeftOut(o));
  resumeChecked();
  if (o.signal?.aborted) throw new InterruptedError(0, 0, selectionCheckpoint ?? o.resume); // selection's scores stay to resume from
  const ckModel = modelRecordOf(hp);
  const state0 = resume?.state;
  const after = (epoch: number, m: number) => `epoch ${epoch}` + (hp.members > 1 ? ` of member ${m + 1} of ${hp.members}` : '');
  // Its weights thrown out already (lossWarning's ten times chance): no place to go on from with a smaller --lr.
  const farOut = (s: FitState) => lossWarning(s.history.at(-1)?.loss ?? 0, ds.classes.length, hp.lr, hp.clip) !== undefined;
  let last: LastCheckpoint | undefined = state0 ? { path: o.resume!, after: after(state0.history.length, resume?.members?.length ?? 0), farOut: farOut(state0) } : undefined;
  // A checkpoint is a file of the whole state, synced to disk: written at every epoch end of a small set, where an
  // epoch is a step or two, it would cost more than the steps; so fit() offers one only every checkpointEvery
  // seconds (and at each member's end and a stop).
  const onCheckpoint = path === undefined ? undefined : (state: FitState, members: readonly Member[]) => {
    stillOurs();
    saveCheckpoint(path, { model: ckModel, hyperparameters: asCheckpointRecorded(resume, recorded), data, ...(selection ? { selection } : {}), members, state });
    last = { path, after: after(state.history.length, members.length), farOut: farOut(state) };
  };
  // Before the final fit's first checkpoint, the last good one is selection's scores (this run's, or resumed from).
  const selected = selectionCheckpoint ?? (resume && !state0 ? o.resume : undefined);
  o.onStart?.({ ...hp }); // callbacks get copies: what a host changes in them changes nothing of the run
  const { members, seconds, seen, ran } = await fitMembers(ds, normalization, hp, {
    threads, init: o.init, initWeights: initMembers?.weights, kernel: o.kernel, ...host.callbacks, signal: o.signal,
    finished: resume?.members ?? [], state: state0, onCheckpoint, checkpointEvery: o.checkpointEvery ?? d.checkpointEvery,
    failed: (e) => {
      // A callback's own error goes back to the program as it was thrown.
      if (host.threw(e)) return e;
      // Diverged before any checkpoint of the final fit: selection's, chosen with this --lr, is no place to go on from.
      if (e instanceof DivergedError && last === undefined) {
        dropSelectionCheckpoint();
        return withCheckpoint(e, undefined, path !== undefined);
      }
      return withCheckpoint(e, last ?? (selected === undefined ? undefined : { path: selected, after: 'model selection' }), path !== undefined);
    },
  });
  const first = members[0];
  const history = [...first.history];
  const thrownOut = lossWarning(history.at(-1)?.loss ?? 0, ds.classes.length, hp.lr, hp.clip);
  if (thrownOut !== undefined) o.onWarning?.(thrownOut);
  const sequencesPerSecond = seconds > 0 ? seen / seconds : 0;
  const model: Model = {
    ...ckModel,
    shape: ensembleShape(ckModel.shape, hp.members),
    parameters: hp.members === 1 ? first.weights : mergeMembers(ckModel.shape, members.map((x) => x.weights)),
    layout: layoutRecord(load, csvRead, o.init),
    training: {
      // the files (stdin as such), and their fingerprints evaluate warns on (null: stdin, a pipe); none for data in memory
      ...(o.data === undefined ? { files: o.files.map(fileName), fingerprints: fileFingerprints } : {}),
      sequences: ds.lengths.length,
      // the values missing inside its sequences that the loader filled (data/gaps.ts): info says so
      ...(loaded.gaps !== undefined ? { filledGaps: { values: loaded.gaps.values, sequences: loaded.gaps.sequences } } : {}),
      lengths: lengthsRecord(wholeLengths(loaded)), // evaluate and predict warn of files of lengths not among these (a cut training sequence is not)
      // evaluate warns of a file that holds training sequences, whatever its bytes
      ...(loaded.lengths.length <= MAX_DIGESTS ? { sequenceDigests: encodeDigests(sequenceDigests(loaded)) } : {}),
      hyperparameters: recorded,
      ...(scores ? { selection: selectionRecord(scores) } : skipped ? { selection: { skipped } } : {}),
      bestEpoch: first.bestEpoch,
      history: history.map(({ seconds: _s, sequencesPerSecond: _q, ...rest }) => rest),
      ...(hp.members > 1 ? { members: members.map((x, m) => ({ seed: memberSeed(hp.seed, m), bestEpoch: x.bestEpoch, epochs: x.history.length, ...finalRecord(x.history) })) } : {}),
      timing: { threads, ...(ran > 0 && ran < threads ? { threadsRan: ran } : {}), seconds, sequencesPerSecond, kernel, ...(tuned ? { tuned: true } : {}), ...(resume ? { resumed: true } : {}) },
    },
  };
  stillOurs();
  if (o.out) saveTrained(o.out, model, last);
  if (o.out && path !== undefined && outputs.checkpointIsDefault) removeCheckpoint(path); // the model is the result now
  o.onTrained?.();
  const result = { model, history, bestEpoch: first.bestEpoch, seconds, sequencesPerSecond, threads: ran > 0 ? ran : threads, members: members.length };
  // A stop that came as the last fit ended, after its last check: the training is over and the model whole, so it
  // is the result, and the stop leaves the test files and the report, as a stop while they are made does.
  if (o.signal?.aborted) return { ...result, test: [], stopped: true };
  // Not stopped by the signal: the model is written by now, and the result is the program's to have.
  const test = await evaluateTests(model, testSets, testTwins, o);
  // A signal that came while the test files were scored is handled before the report is written (the CLI
  // stops there), not after; the scoring itself stops at its next slice.
  await eventLoopTurn();
  if (test === undefined || o.signal?.aborted) return { ...result, test: [], stopped: true };
  if (o.report) {
    stillOurs();
    writeRunReport(o.report, o.out, { model, history, train: ds, evaluations: test, total: totalMetrics(test), seconds, sequencesPerSecond, commandLine: o.commandLine });
  }
  return { ...result, test };
}

/**
 * How the model reads the CSV files it will score: as the training files were read (`csvRead`: some were CSV, or
 * data in memory with the column options given), else as its --init model does, or by default.
 */
function layoutRecord(load: LoadOptions, csvRead: boolean, init: Model | undefined): Model['layout'] {
  if (!csvRead) return { ...(init?.layout ?? DEFAULT_LAYOUT) };
  return {
    format: load.format ?? DEFAULT_LAYOUT.format, labelColumn: load.labelColumn ?? DEFAULT_LAYOUT.labelColumn,
    idColumn: load.idColumn ?? DEFAULT_LAYOUT.idColumn, timeColumn: load.timeColumn ?? DEFAULT_LAYOUT.timeColumn,
    ...(load.channels !== undefined ? { channels: [...load.channels] } : {}),
  };
}

/** The checkpoint at `path`, refused where a hyperparameter it records is out of bounds (edited by hand, or damaged). */
function loadRecordedCheckpoint(path: string): Checkpoint {
  const c = loadCheckpoint(path);
  const problem = recordedProblem(c.hyperparameters);
  if (problem !== null) throw new UserError(`${problem}, which this version cannot resume (the checkpoint was edited or is damaged, or an earlier version took the value); train afresh without --resume`, { file: path });
  return c;
}

/** What fixes each choice selection makes, where none is left to it: the options given, or data of one length. */
function fixedForSelection(o: TrainOptions, hp: Hyperparameters): string {
  const given = (['noise', 'warp', 'mixup'] as const).filter((k) => o[k] !== undefined).map((k) => `--${k} ${o[k]}`);
  const augmentation = `${given.length > 1 ? `${given.slice(0, -1).join(', ')} and ${given.at(-1)} fix` : `${given[0]} fixes`} the augmentation`;
  const readout = `--readout ${o.readout ?? TRAIN_DEFAULTS.readout} the readout`;
  if (o.resample !== undefined && o.resample !== 'auto') return `${augmentation}, ${readout}, and --resample ${o.resample === 0 ? 'off' : o.resample} the resampling`;
  return `${augmentation} and ${readout}${hp.resample === 0 ? ', and the training sequences are all of one length (nothing to resample)' : ''}`;
}

/**
 * What keeps this run's model selection from choosing all a default run's does, for a resume's refusal: --init,
 * --select off, or the options given that it would choose; undefined where there is none.
 */
function selectionLeftOut(o: TrainOptions): string | undefined {
  if (o.init) return 'it starts from --init';
  if (o.select === 'off') return '--select off';
  const given = (['noise', 'warp', 'mixup', 'weightDecay', 'layers', 'readout', 'resample'] as const)
    .filter((k) => o[k] !== undefined && o[k] !== 'auto').map((k) => asFlagWithValue(k, o[k]));
  return given.length > 0 ? `${given.join(', ')} given` : undefined;
}

/** Writes the trained model to `out`; a failure says the training is kept in its last checkpoint, if any. */
function saveTrained(out: string, model: Model, last: LastCheckpoint | undefined): void {
  try {
    saveModel(out, model);
  } catch (e) {
    // The training is in the last checkpoint (written at the end of the last member): no need to train again.
    if (!(e instanceof UserError) || last === undefined) throw e;
    // Not "run again": a run beside the checkpoint is refused, and the training need not be done again.
    const why = writeFailure(e.cause, e.file ?? out) ?? e.detail;
    throw new UserError(`${why}; the model was not written, but the training is kept in ${last.path}: once the model can be written, train … --resume ${shellQuote(last.path)} writes it without training again`, { file: e.file, line: e.line, column: e.column, cause: e });
  }
}

/**
 * The trained model's evaluation on each --test file, with evaluate's warnings, now that the model (its lengths,
 * its resampling) is known; a file of a training file's bytes (`twins`) was said to be so, not also of its sequences.
 * Undefined where `signal` stopped the scoring.
 */
async function evaluateTests(model: Model, testSets: readonly TestSet[], twins: readonly (string | undefined)[], o: TrainRun): Promise<FileEvaluation[] | undefined> {
  const test: FileEvaluation[] = [];
  for (const [i, t] of testSets.entries()) {
    const file = fileName(o.test![i]);
    // A file of a training file's bytes had its gaps and merged ids said with the training data's, and is said to be that file.
    const said = twins[i] === undefined ? t.data : { ...t.data, gaps: undefined, restarts: undefined };
    if (o.onWarning) for (const w of readingWarnings(model, file, said, t.layout, o, twins[i] === undefined)) o.onWarning(w);
    let r: FileEvaluation;
    try {
      r = await evaluateDataSet(model, file, t.data, o.signal);
    } catch (e) {
      if (e instanceof InterruptedError) return undefined; // stopped while scoring: the model stays the result
      throw e;
    }
    if (o.onWarning) for (const w of [...valuesWarnings(model, r), ...respelledLabels(r, model.classes)]) o.onWarning(w);
    test.push(r);
  }
  return test;
}

/** Writes the run's report; a failure says the model itself (`out`) was written. */
function writeRunReport(report: string, out: string | undefined, contents: Parameters<typeof writeReport>[1]): void {
  try {
    writeReport(report, contents);
  } catch (e) {
    // The model is the run's result and stays: the message must not let "nothing was written" stand for it.
    if (!(e instanceof UserError) || !out) throw e;
    // Not "run again (nothing was written)": the training need not be done again for its report.
    const why = writeFailure(e.cause, e.file ?? report) ?? e.detail;
    throw new UserError(
      `${why}; the report was not written, but the model was, to ${out}: once that is mended, ` +
        `train-signals evaluate --model ${shellQuote(out)} <files> --report ${shellQuote(report)} writes a report of it (its learning curves too), without training again`,
      { file: e.file, line: e.line, column: e.column, cause: e },
    );
  }
}

/** The threads train runs on: as given, within a cap on address space, or (auto) measured as tune does. */
async function threadsFor(o: TrainOptions, ds: DataSet, hp: Hyperparameters): Promise<{ threads: number; tuned?: TuneResult }> {
  const d = TRAIN_DEFAULTS;
  let threads = o.threads === 'auto' ? 0 : o.threads ?? defaultThreads();
  // Under a cap on address space more threads would end the process in V8; fewer give the same bits.
  const room = threadsWithinCap();
  if (threads > room) {
    o.onWarning?.(`${threads} threads do not fit this process's cap on address space (ulimit -v; each thread reserves about ${perThreadGiB()} GiB): training on ${room} (the same results${room < defaultThreads() ? ', more slowly' : ''})`);
    threads = room;
  }
  let tuned: TuneResult | undefined;
  if (threads === 0) {
    tuned = await measureThreads(ds, {
      ...hp, steps: d.autoTuneSteps, warmupSteps: d.autoTuneWarmupSteps, kernel: o.kernel, threads: defaultThreadCounts(true).filter((n) => n <= room), signal: o.signal,
    });
    threads = tuned.recommended;
    o.onTuned?.(structuredClone(tuned));
  }
  return { threads, tuned };
}

/** What selectForRun needs of the run: its options and data, the checkpoint it resumes and its own, and how it records a candidate. */
interface SelectionContext {
  readonly o: TrainOptions;
  readonly ds: DataSet;
  readonly resume: Checkpoint | undefined;
  readonly path: string | undefined; // the run's checkpoint
  readonly threads: number;
  readonly host: HostCallbacks;
  readonly data: Checkpoint['data'];
  readonly recordOf: (h: Hyperparameters) => Record<string, unknown>;
  readonly modelRecordOf: (h: Hyperparameters) => Checkpoint['model'];
  readonly resumeChecked: () => void; // says what the resumed run changes, once its checkpoint is checked
  readonly sayResumed: () => void; // says how far the resumed run got, once (before selection replays its scores)
  readonly stillOurs: () => void; // throws where another run has taken the run's outputs over
}

/** The outcome of model selection in a run: hp with the chosen candidate's options, and what the run records of it. */
interface SelectionOutcome {
  readonly hp: Hyperparameters;
  readonly scores?: Selection; // every candidate's scores, where selection ran
  readonly skipped?: string; // why it did not, where it was to run
  readonly selection?: SelectionState; // what the final fit's checkpoints record of it
  readonly checkpoint?: string; // the checkpoint this run's selection wrote (not one it resumed from)
}

/**
 * Model selection as a run does it (select.ts compares the candidates): whether it runs, its checkpoint of the
 * scores so far, a resumed run's scores taken up, and the refusals a resume meets before any candidate trains.
 */
async function selectForRun(hp: Hyperparameters, c: SelectionContext): Promise<SelectionOutcome> {
  const { o, ds, resume, path, threads, host, data, recordOf, modelRecordOf, resumeChecked, sayResumed, stillOurs } = c;
  const d = TRAIN_DEFAULTS;
  const vary = {
    augmentation: o.noise === undefined && o.warp === undefined && o.mixup === undefined, weightDecay: o.weightDecay === undefined, readout: (o.readout ?? d.readout) === 'auto',
    resample: (o.resample ?? d.resample) === 'auto' && hp.resample > 0,
    layers: o.layers === undefined && hp.bptt === 0,
  };
  let selection: SelectionState | undefined;
  let selectionCheckpoint: string | undefined; // written by this run's model selection (not resumed from)
  let scores: Selection | undefined;
  // A resumed run selects again from the scores its checkpoint holds: only the missing tasks train.
  const select = o.select ?? d.select;
  const selecting = select !== 'off' && !o.init && (vary.augmentation || vary.readout || vary.resample);
  if (select === 'on' && !selecting) {
    o.onWarning?.(o.init
      ? '--select on does nothing with --init: the model fixes its shape, and training goes on with the options given (or the defaults)'
      : `--select on has nothing to compare: ${fixedForSelection(o, hp)}; selection compares the regularization where none of --noise, --warp and --mixup is given, and the readout with --readout auto`);
  }
  if (select === 'auto' && o.init && (vary.augmentation || vary.readout || vary.resample)) {
    o.onSelectionSkipped?.('it starts from --init, whose model fixes the network', { ...hp }); // what trains, said as where selection cannot run
  }
  const skipped = selecting ? whySelectionSkips(ds.labels, ds.classes.length, hp.seed, select === 'on') : undefined;
  if (resume) checkSelectionResumed(resume, o.resume!, selecting ? skipped : select === 'off' ? '--select off' : o.init ? 'it starts from --init' : 'there is nothing to compare');
  if (skipped) {
    hp = withoutSelection(hp, vary);
    o.onSelectionSkipped?.(skipped, { ...hp });
  } else if (selecting) {
    const budget = budgetOf(o.epochs ?? d.epochs, hp, ds.lengths.length);
    if (resume && resume.state === undefined) {
      checkResume(resume, o.resume!, recordOf(hp), selectionLeftOut(o));
      resumeChecked();
    }
    if (resume?.state) {
      const chosen = resume.selection?.chosen;
      const planned = plannedTasks(ds, hp, { vary, budget, kernel: o.kernel }, resume.selection?.scores ?? {});
      checkResumeSelection(resume, o.resume!, planned.tasks.map(taskKey), recordOf(chosen ? withVaried(hp, chosen, vary) : hp), selectionLeftOut(o));
    }
    const before = hp;
    const done: Record<string, FoldScore> = { ...resume?.selection?.scores };
    const onSelection = host.marked(o.onSelection); // once: a task's failure in it is the program's own error
    sayResumed();
    o.onSelecting?.();
    // Its fits may start threads of their own beside the pool's: fewer at once within a cap (the same scores).
    const room = selectionThreadsWithinCap();
    if (threads > room) o.onWarning?.(`model selection runs on ${room} of the ${threads} threads within this process's cap on address space (ulimit -v; a fit may start threads of its own beside them): the same results, more slowly`);
    try {
      scores = await selectModel(ds, hp, {
        vary, budget, threads: Math.min(threads, room), kernel: o.kernel, signal: o.signal, done, onProgress: host.marked(o.onSelectionSteps),
        onTask: (key, s, counts) => {
          done[key] = s;
          // A checkpoint past selection holds every task (checkResumeSelection above), so none trains and
          // none of its scores is written here; the guard keeps it that way should that ever change.
          if (path !== undefined && !resume?.state) {
            stillOurs();
            saveCheckpoint(path, { model: modelRecordOf(before), hyperparameters: asCheckpointRecorded(resume, recordOf(before)), data, selection: { scores: done, chosen: null } });
            if (resume === undefined) selectionCheckpoint = path;
          }
          onSelection?.({ key, score: { ...s }, ...counts });
        },
      });
    } catch (e) {
      if (o.signal?.aborted) throw new InterruptedError(0, 0, path !== undefined && Object.keys(done).length > 0 ? path : o.resume);
      // A failure of the machine or its surroundings (memory, disk): the scores so far stay, to resume from.
      const scored = selectionCheckpoint ?? (resume ? o.resume : undefined);
      if (host.threw(e) || scored === undefined) throw e;
      throw withCheckpoint(e, { path: scored, after: `${Object.keys(done).length} of model selection's fits` }, true);
    }
    if (scores.scores.every((s) => !(s.logLoss < Number.MAX_VALUE))) {
      // Its scores say nothing: a rerun with a smaller --lr must not be asked to resume it.
      if (selectionCheckpoint !== undefined) removeCheckpoint(selectionCheckpoint);
      throw new DivergedError(
        `model selection: every candidate diverged on every fold; try a smaller --lr (now ${hp.lr})` +
          `${hp.clip > 0 ? '' : ' or gradient clipping, e.g. --clip 1'}; no model or checkpoint was written`, 0, 0,
      );
    }
    selection = { scores: done, chosen: scores.chosen };
    o.onSelected?.(structuredClone(scores));
  }
  return { hp, scores, skipped, selection, checkpoint: selectionCheckpoint };
}

interface MembersOptions extends Pick<TrainOptions, 'init' | 'kernel' | 'onEpoch' | 'onBatch' | 'onMember' | 'signal' | 'checkpointEvery'> {
  readonly initWeights?: readonly Float32Array[] | undefined; // an ensemble --init's: each member's starting weights
  readonly threads: number;
  readonly finished: readonly Member[]; // a resumed run's finished members …
  readonly state?: FitState; // … and the state of the one in progress
  readonly onCheckpoint?: (state: FitState, finished: readonly Member[]) => void;
  readonly failed: (e: unknown) => unknown; // what to throw when a fit fails
}

/** The hp.members fits from the member seeds, one after the other on all the threads (those finished skipped). */
async function fitMembers(ds: DataSet, normalization: Normalization | null, hp: Hyperparameters, o: MembersOptions) {
  const members = [...o.finished];
  let seconds = 0;
  let seen = 0;
  let ran = 0; // the computing threads a fit's engine ran (0: none ran, every member was resumed finished)
  for (let m = members.length; m < hp.members; m++) {
    if (hp.members > 1) o.onMember?.(m, hp.members);
    const done = members.slice();
    let r: FitResult;
    try {
      r = await fitOnce(ds, normalization, {
        ...oneFit(hp), seed: memberSeed(hp.seed, m), threads: o.threads, onEpoch: o.onEpoch, onBatch: o.onBatch, kernel: o.kernel,
        init: o.init && o.initWeights ? { ...o.init, parameters: o.initWeights[m] } : o.init,
        resume: m === o.finished.length ? o.state : undefined, onCheckpoint: o.onCheckpoint && ((state) => o.onCheckpoint!(state, done)),
        checkpointEvery: o.checkpointEvery, signal: o.signal,
      });
    } catch (e) {
      // Which member the stop came in: the epoch and step alone are the member's own.
      if (isInterrupted(e) && e.epoch > 0 && hp.members > 1) e.message = `interrupted in epoch ${e.epoch} of member ${m + 1} of ${hp.members} after step ${e.step}`;
      throw o.failed(e);
    }
    members.push({ weights: r.model.parameters, bestEpoch: r.bestEpoch, history: r.history });
    seconds += r.seconds;
    seen += r.sequencesPerSecond * r.seconds;
    ran = Math.max(ran, r.threads);
  }
  return { members, seconds, seen, ran };
}

/** A member's last epoch: its training (and validation) loss and accuracy. */
function finalRecord(history: readonly EpochRecord[]) {
  const e = history[history.length - 1];
  return e === undefined ? {} : { loss: e.loss, accuracy: e.accuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy };
}

/**
 * What the model file's training record says of model selection: every candidate's scores, and the choice. A
 * fold whose fit diverged is recorded as such, with no score (the number it was ranked by is a placeholder).
 */
function selectionRecord(s: Selection) {
  const fold = (f: FoldScore) => (f.diverged ? { diverged: true } : { accuracy: f.accuracy, logLoss: f.logLoss });
  return {
    chosen: s.chosen.name,
    folds: s.folds,
    ...(s.classWeighted ? { classWeighted: true } : {}),
    candidates: s.scores.map((c) => (c.diverged
      ? { name: c.name, accuracy: c.accuracy, logLoss: null, diverged: true, folds: c.folds.map(fold) }
      : { name: c.name, accuracy: c.accuracy, logLoss: c.logLoss, folds: c.folds.map(fold) })),
  };
}

type HostCallbacks = ReturnType<typeof hostCallbacks>;

/**
 * The program's callbacks that fit() and model selection call, each marking what it throws, so that a failure can be told
 * for the program's own error (given back as it is) rather than the run's.
 */
function hostCallbacks(o: Pick<TrainOptions, 'onEpoch' | 'onBatch' | 'onMember'>) {
  const thrown = new WeakSet<object>();
  const marked = <A extends unknown[]>(f: ((...a: A) => void) | undefined) => f && ((...a: A) => {
    try {
      f(...a);
    } catch (e) {
      if (typeof e === 'object' && e !== null) thrown.add(e);
      throw e;
    }
  });
  return {
    callbacks: { onEpoch: marked(o.onEpoch), onBatch: marked(o.onBatch), onMember: marked(o.onMember) },
    marked,
    threw: (e: unknown) => typeof e === 'object' && e !== null && thrown.has(e),
  };
}

/** The last checkpoint written: where, after what, and whether its weights were thrown out already (a loss far above chance). */
interface LastCheckpoint {
  readonly path: string;
  readonly after: string;
  readonly farOut?: boolean;
}

/**
 * A failure of fit() with where the last good checkpoint is, so that no one loses the epochs behind it.
 * `checkpointing`: whether the run writes checkpoints at all (not without an output file).
 */
function withCheckpoint(e: unknown, last: LastCheckpoint | undefined, checkpointing: boolean): unknown {
  if (isInterrupted(e)) {
    e.checkpoint = last?.path;
    return e;
  }
  const where = last !== undefined ? `the last ${last.farOut ? '' : 'good '}checkpoint (after ${last.after}) is ${last.path}`
    : checkpointing ? 'no checkpoint was written (it stopped before the first)'
      : 'no checkpoint was written (a run without an output file or a checkpoint path, or with a --checkpoint such as /dev/null, writes none)';
  if (e instanceof DivergedError) {
    const how = last === undefined ? ''
      : last.farOut ? `, but its weights were far out already (a training loss ten times chance's); delete it and train afresh with a smaller --lr`
        : `; continue from it with --resume ${shellQuote(last.path)} and a smaller --lr`;
    return new DivergedError(`${e.detail}; no model was written; ${where}${how}`, e.epoch, e.step);
  }
  if (e instanceof UserError) {
    // Disk full while writing a checkpoint, say: the run is to be resumed, not started again.
    if (last === undefined) return e;
    return new UserError(`${e.detail}; ${where} (continue from it with --resume ${shellQuote(last.path)})`, { file: e.file, line: e.line, column: e.column, cause: e });
  }
  if (!(e instanceof Error)) return e;
  const how = last === undefined ? '' : ` (continue from it with --resume ${shellQuote(last.path)})`;
  return new Error(`${e.message}; training stopped; ${where}${how}`, { cause: e });
}

/**
 * An ensemble model given as --init, as its members: the model one member is (its shape, its first weights)
 * and each member's weights; undefined for a model of one member, or one trained on as one model (its units
 * no longer apart by member).
 */
function initEnsemble(init: Model): { member: Model; weights: Float32Array[] } | undefined {
  const M = membersOf(init);
  if (M === 1) return undefined;
  const shape = { ...init.shape, H: init.shape.H / M };
  const weights = splitMembers(shape, init.parameters, M);
  if (weights === null) return undefined;
  const hyperparameters = { ...(init.training['hyperparameters'] as object | undefined), members: 1 };
  return { member: { ...init, shape, parameters: weights[0], training: { ...init.training, hyperparameters } }, weights };
}
