// Model selection as a run does it (select.ts compares the candidates): whether it runs, its checkpoint of the
// scores so far, a resumed run's scores taken up, the refusals a resume meets before any candidate trains, and
// what the model file records of it.

import type { DataSet } from '../data/dataset.js';
import { DivergedError, InterruptedError } from '../errors.js';
import { type Checkpoint, removeCheckpoint, saveCheckpoint } from '../io/checkpoint.js';
import type { FoldScore, SelectionState } from '../model/state.js';
import { selectionThreadsWithinCap } from '../engine/address-space.js';
import { type Hyperparameters, TRAIN_DEFAULTS } from './defaults.js';
import { asFlagWithValue } from './option-checks.js';
import { asCheckpointRecorded, checkResume, checkResumeSelection, checkSelectionResumed } from './resume-checks.js';
import { type Selection, budgetOf, plannedTasks, selectModel, taskKey, whySelectionSkips, withVaried, withoutSelection } from './select.js';
import { type HostCallbacks, withCheckpoint } from './run-failures.js';
import type { TrainOptions } from './train-options.js';

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
export function selectionLeftOut(o: TrainOptions): string | undefined {
  if (o.init) return 'it starts from --init';
  if (o.select === 'off') return '--select off';
  const given = (['noise', 'warp', 'mixup', 'weightDecay', 'layers', 'readout', 'resample'] as const)
    .filter((k) => o[k] !== undefined && o[k] !== 'auto').map((k) => asFlagWithValue(k, o[k]));
  return given.length > 0 ? `${given.join(', ')} given` : undefined;
}

/** What selectForRun needs of the run: its options and data, the checkpoint it resumes and its own, and how it records a candidate. */
export interface SelectionContext {
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
export async function selectForRun(hp: Hyperparameters, c: SelectionContext): Promise<SelectionOutcome> {
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

/**
 * What the model file's training record says of model selection: every candidate's scores, and the choice. A
 * fold whose fit diverged is recorded as such, with no score (the number it was ranked by is a placeholder).
 */
export function selectionRecord(s: Selection) {
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
