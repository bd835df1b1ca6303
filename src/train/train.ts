// train(): the library entry point the CLI's `train` command is a shell over. Loads the training files,
// checks them, normalizes, fits, writes the model file atomically and evaluates the held-out files.
// Everything that can be checked is checked before the first step: outputs writable, test files parsed, --init
// compatible (preflight.ts), a --resume's checkpoint agreeing with the run (resume-checks.ts). A checkpoint is
// written at the first epoch end checkpointEvery seconds after the last, at each member's end and on interrupt;
// the default one (`<out>.ckpt`) is removed once the model is written.

import { eventLoopTurn } from '../engine/turns.js';
import { layoutOptions, type LoadOptions } from '../data/csv.js';
import { fileName } from '../data/stdin.js';
import type { DataSet } from '../data/dataset.js';
import { DivergedError, InterruptedError, UserError, isInterrupted } from '../errors.js';
import { type Checkpoint, loadCheckpoint, removeCheckpoint, saveCheckpoint, weightsFingerprint } from '../io/checkpoint.js';
import { DEFAULT_LAYOUT, type Model } from '../model/model.js';
import { ensembleShape, memberSeed, mergeMembers } from '../model/ensemble.js';
import type { FitState, Member } from '../model/state.js';
import { layoutOf } from '../model/layout.js';
import { kernelRecord } from '../engine/kernels.js';
import { buildForRun } from '../engine/wasm.js';
import { perThreadGiB, threadsWithinCap } from '../engine/address-space.js';
import { checkpointProgress } from '../eval/checkpoint-summary.js';
import { type FileEvaluation, evaluateDataSet, readingWarnings, respelledLabels, totalMetrics, valuesWarnings } from '../eval/evaluate.js';
import { lengthsRecord } from '../eval/lengths.js';
import { wholeLengths } from '../data/cut-short.js';
import { MAX_DIGESTS, encodeDigests, sequenceDigests } from '../data/digests.js';
import { checkDataArgument } from '../data/data-argument.js';
import { checkCallbacks, checkFileList, checkKnownOptions, checkModelArgument, checkOptionsObject, checkPathOptions, checkSignal, ownOptions, shownOption } from '../data/arguments.js';
import { type Hyperparameters, TRAIN_DEFAULTS, defaultThreadCounts, defaultThreads, resolveHyperparameters } from './defaults.js';
import { shapeFor } from './fit.js';
import { loadForTraining } from './load.js';
import { lossWarning } from './warnings.js';
import { type TuneResult, measureThreads } from './tune.js';
import { checkOptions, recordedProblem } from './option-checks.js';
import { type OutputPaths, type TestSet, autoResumeWarning, checkOutputs, claimRun, fileSizeProblem, resumeOf } from './preflight.js';
import { asCheckpointRecorded, changedOnResume, checkResume, checkResumeInit, keptOnResume, withUnrecorded } from './resume-checks.js';
import { withCandidate } from './select.js';
import { TRAIN_OPTION_KEYS, type TrainOptions, type TrainResult, type TrainRun } from './train-options.js';
import { selectForRun, selectionLeftOut, selectionRecord } from './run-selection.js';
import { type LastCheckpoint, hostCallbacks, saveTrained, withCheckpoint, writeRunReport } from './run-failures.js';
import { finalRecord, fitMembers, initEnsemble } from './members.js';

export type { TrainOptions, TrainResult, SelectionProgress, TrainRun } from './train-options.js';
export { TRAIN_DEFAULTS };

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
