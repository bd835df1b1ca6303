// What a run says when it fails or is stopped: where its last checkpoint is (so no one loses the epochs behind
// it), the model kept when its report cannot be written, and the program's own callbacks' errors told apart from
// the run's.

import { DivergedError, UserError, isInterrupted } from '../errors.js';
import { shellQuote } from '../data/visible.js';
import { saveModel } from '../io/model-file.js';
import { writeFailure } from '../io/atomic.js';
import type { Model } from '../model/model.js';
import { writeReport } from '../eval/report.js';
import type { TrainOptions } from './train-options.js';

export type HostCallbacks = ReturnType<typeof hostCallbacks>;

/**
 * The program's callbacks that fit() and model selection call, each marking what it throws, so that a failure can be told
 * for the program's own error (given back as it is) rather than the run's.
 */
export function hostCallbacks(o: Pick<TrainOptions, 'onEpoch' | 'onBatch' | 'onMember'>) {
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
export interface LastCheckpoint {
  readonly path: string;
  readonly after: string;
  readonly farOut?: boolean;
}

/**
 * A failure of fit() with where the last good checkpoint is, so that no one loses the epochs behind it.
 * `checkpointing`: whether the run writes checkpoints at all (not without an output file).
 */
export function withCheckpoint(e: unknown, last: LastCheckpoint | undefined, checkpointing: boolean): unknown {
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

/** Writes the trained model to `out`; a failure says the training is kept in its last checkpoint, if any. */
export function saveTrained(out: string, model: Model, last: LastCheckpoint | undefined): void {
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

/** Writes the run's report; a failure says the model itself (`out`) was written. */
export function writeRunReport(report: string, out: string | undefined, contents: Parameters<typeof writeReport>[1]): void {
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
