// What must agree between a checkpoint and the run that resumes it, so that the resumed run ends bit-identical
// to one never stopped: the hyperparameters (but the few a resume may change), the data, the --init model and
// model selection's tasks; and what a resumed run keeps of its checkpoint's options. Each refusal says how to
// resume, or to start afresh.

import type { DataSet } from '../data/dataset.js';
import { UserError } from '../errors.js';
import type { Checkpoint } from '../io/checkpoint.js';
import { BEFORE_THE_OPTION } from '../eval/training-record.js';
import { asFlagWithValue } from './option-checks.js';

/** Hyperparameters that may change on resume; every other one must equal the checkpoint's. */
const RESUMABLE_CHANGES = new Set(['epochs', 'lr', 'clip', 'patience', 'threads']);

/** The resumable changes that change what a fit computes: refused once an ensemble has finished members. */
const TRAINING_CHANGES = new Set(['epochs', 'lr', 'clip', 'patience']);

/** How to resume with the kernel a checkpoint recorded (its name as kernelRecord gives it). */
function kernelFor(was: unknown): string {
  if (was === 'ts') return 'resume it with --kernel ts';
  if (was === 'wasm-plain') return 'resume it with TRAIN_SIGNALS_KERNEL=plain';
  if (was === 'wasm-fma') return 'resume it with TRAIN_SIGNALS_KERNEL unset, on a CPU with FMA (where Node compiles relaxed SIMD)';
  return 'resume it with the kernel it names';
}

/** The options model selection chooses where they are not given (select.ts), or the defaults set where it is skipped. */
const SELECTED = new Set(['noise', 'warp', 'mixup', 'weightDecay', 'readout', 'resample', 'layers']);

const resumeError = (file: string, what: string) =>
  new UserError(`${what}; resume with the command that started the run (or start afresh without --resume, deleting ${file} first where this run writes its checkpoint there)`, { file });

/**
 * o with the options ck's version did not have as that version ran (BEFORE_THE_OPTION); one that o gives
 * otherwise is refused, as checkResume refuses a recorded one.
 */
export function withUnrecorded<O extends Partial<Record<keyof typeof BEFORE_THE_OPTION | 'select', unknown>>>(ck: Checkpoint, o: O, file: string): O {
  const out: Record<string, unknown> = { ...o };
  for (const [key, value] of Object.entries(BEFORE_THE_OPTION)) {
    if (ck.hyperparameters[key] !== undefined) continue;
    if (out[key] !== undefined && JSON.stringify(out[key]) !== JSON.stringify(value)) {
      throw resumeError(file, `this run has ${asFlagWithValue(key, out[key])} but the checkpoint was written by a version without it, which trained as with ${asFlagWithValue(key, value)}`);
    }
    out[key] = value;
  }
  // A run in training that selected nothing, of a version without some augmentation selection compares: that
  // version did not select, and its run goes on as it ran.
  const withoutSelection = ck.state !== undefined && ck.selection === undefined && ['noise', 'warp', 'mixup'].some((k) => ck.hyperparameters[k] === undefined);
  if (withoutSelection && out.select === undefined) out.select = 'off';
  return out as O;
}

/**
 * A record as the checkpoint of a resumed run writes it: without the options ck's version did not have
 * (withUnrecorded filled them in), so that resuming it again, with the same command line, fills them in again
 * rather than holding it to values the command line does not give.
 */
export function asCheckpointRecorded(ck: Checkpoint | undefined, recorded: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...recorded };
  if (ck !== undefined) for (const key of Object.keys(BEFORE_THE_OPTION)) if (ck.hyperparameters[key] === undefined) delete out[key];
  return out;
}

/** The options a resumed run may change that change what it trains (RESUMABLE_CHANGES but --threads). */
const KEPT_ON_RESUME = ['epochs', 'lr', 'clip', 'patience'] as const;

/**
 * The options of KEPT_ON_RESUME that `o` leaves out and the checkpoint's run had otherwise than they resolve to
 * now (`hp`): that run's, so that a resume continues it (one whose value is what the defaults give stays unset, so
 * that model selection's budget is the same 'auto').
 */
export function keptOnResume(ck: Checkpoint, o: Partial<Record<(typeof KEPT_ON_RESUME)[number], unknown>>, hp: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of KEPT_ON_RESUME) {
    const was = ck.hyperparameters[key];
    if (o[key] === undefined && was !== undefined && JSON.stringify(was) !== JSON.stringify(hp[key])) kept[key] = was;
  }
  return kept;
}

/** A line for each option of KEPT_ON_RESUME that this resumed run gives otherwise than the checkpoint's run had it. */
export function changedOnResume(ck: Checkpoint, o: Partial<Record<(typeof KEPT_ON_RESUME)[number], unknown>>, hp: Readonly<Record<string, unknown>>): string[] {
  return KEPT_ON_RESUME.flatMap((key) => {
    const was = ck.hyperparameters[key];
    if (o[key] === undefined || was === undefined || JSON.stringify(was) === JSON.stringify(hp[key])) return [];
    return [`resuming with ${asFlagWithValue(key, hp[key])} where the interrupted run had ${asFlagWithValue(key, was)}: the model will not be the one that run would have written`];
  });
}

/**
 * A checkpoint written during model selection (scores, no training state) resumes only a run that selects:
 * `why` says why this one does not (undefined: it selects), and none of the scores would then be used.
 */
export function checkSelectionResumed(ck: Checkpoint, file: string, why: string | undefined): void {
  if (ck.state !== undefined || why === undefined) return;
  throw resumeError(file, `the checkpoint holds model selection's scores, but this run does not select (${why}), so none of them would be used`);
}

/**
 * The checkpoint was trained on these data (as loaded): checked before anything is trained or written.
 * `fingerprints`: this version's, and an earlier version's (dataFingerprints).
 */
export function checkResumeData(ck: Checkpoint, file: string, ds: DataSet, fingerprints: readonly string[]): void {
  if (ck.data.sequences !== ds.lengths.length || !fingerprints.includes(ck.data.fingerprint)) {
    const counts = ck.data.sequences === ds.lengths.length ? `the same ${ds.lengths.length} sequences in number, other values or labels` : `${ck.data.sequences} sequences then, ${ds.lengths.length} now`;
    throw resumeError(file, `the training data differ from the data this checkpoint was trained on (${counts})`);
  }
}

/** Refuses to resume `ck` from another --init model than its run started from (`init`: this run's weights' fingerprint). */
export function checkResumeInit(ck: Checkpoint, file: string, init: string | undefined): void {
  if (ck.data.init === undefined || init === undefined || ck.data.init === init) return; // an earlier version's records none
  throw resumeError(file, `the --init model's weights differ from those the checkpoint's run started from (fingerprint ${init}, then ${ck.data.init}); give the model it started from`);
}

/**
 * The members of an ensemble a checkpoint holds finished: those it lists, and the one its state holds where that
 * state is a member's end (its last epoch trained, or stopped early), the checkpoint written as a member ends.
 */
function finishedMembers(ck: Checkpoint): number {
  const listed = ck.members?.length ?? 0;
  const M = ck.hyperparameters['members'];
  const s = ck.state;
  const ended = s !== undefined && (s.stopped || s.epoch > Number(ck.hyperparameters['epochs']));
  return listed + (typeof M === 'number' && M > 1 && ended ? 1 : 0);
}

/**
 * Refuses to resume `ck` with other hyperparameters than the run that wrote it (apart from RESUMABLE_CHANGES):
 * resuming would then not continue that run. (Its data: checkResumeData, first.)
 */
export function checkResume(ck: Checkpoint, file: string, hp: Readonly<Record<string, unknown>>, leftOut?: string): void {
  const finished = finishedMembers(ck);
  // Fewer epochs than trained: the run would end at once with a history longer than its epochs say.
  const trained = ck.state?.history.length ?? 0;
  if (typeof hp.epochs === 'number' && hp.epochs < trained) {
    throw new UserError(`--epochs ${hp.epochs} is fewer than the ${trained} epochs this checkpoint's run has trained; give ${trained} or more to resume it`, { file });
  }
  for (const [key, was] of Object.entries(ck.hyperparameters)) {
    // An ensemble's finished members trained with the old value: a change would make its members unlike.
    if (RESUMABLE_CHANGES.has(key) && (finished === 0 || !TRAINING_CHANGES.has(key))) continue;
    if (!Object.prototype.hasOwnProperty.call(hp, key)) {
      throw resumeError(file, `the checkpoint records ${JSON.stringify(key)} among its hyperparameters, which train has no option for (a checkpoint of another version, or edited)`);
    }
    const now = hp[key];
    if (JSON.stringify(now) !== JSON.stringify(was)) {
      if (key === 'init') throw resumeError(file, now ? '--init was given but the checkpoint\'s run started without one' : 'the checkpoint\'s run started from an --init model; give the same --init');
      if (key === 'kernel') {
        throw new UserError(
          `the kernel here is ${JSON.stringify(now)} but the checkpoint was trained with ${JSON.stringify(was)}, which rounds otherwise, so the model would be neither run's; ` +
            `${kernelFor(was)}, or start afresh without --resume (deleting ${file} first where this run writes its checkpoint there)`,
          { file },
        );
      }
      const then = asFlagWithValue(key, was);
      const why = RESUMABLE_CHANGES.has(key) ? `${finished} finished member(s) of this ensemble were trained with ${then}` : `the checkpoint was trained with ${then}`;
      // Options model selection sets where they are not given: the difference may be that this run selects otherwise.
      const selected = !SELECTED.has(key) ? ''
        : ck.selection?.chosen !== undefined && leftOut !== undefined ? ` (the checkpoint's run chose it by model selection, which this run leaves out or narrows: ${leftOut})`
          : ' (an option model selection sets where it is not given: the run that started it may have had another --select)';
      throw resumeError(file, `this run has ${asFlagWithValue(key, now)} but ${why}${selected}`);
    }
  }
}

/**
 * A checkpoint past model selection resumes only where selection would score the same tasks (`keys`; its scores
 * hold them all): otherwise the options differ, and selection would train before checkResume could tell.
 * `recorded`: the hyperparameters the resumed run would have, for a message naming the option that differs.
 */
export function checkResumeSelection(ck: Checkpoint, file: string, keys: readonly string[], recorded: Readonly<Record<string, unknown>>, leftOut?: string): void {
  const missing = keys.find((k) => ck.selection?.scores[k] === undefined);
  if (missing === undefined) return;
  checkResume(ck, file, recorded, leftOut);
  throw resumeError(file, `model selection would now compare candidates this checkpoint's run did not (such as ${JSON.stringify(missing.replace(/\/\d+$/, ''))})`);
}
