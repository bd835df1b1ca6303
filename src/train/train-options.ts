// train()'s options and result: the flags of `train-signals train` in camelCase, the files and the callbacks, and
// what a run gives back. The types a program writes against; train.ts runs them.

import { LOAD_OPTION_KEYS, type LoadOptions } from '../data/csv.js';
import type { DataSet } from '../data/dataset.js';
import type { NamesExactly } from '../data/arguments.js';
import type { EpochRecord, FoldScore } from '../model/state.js';
import type { KernelName } from '../engine/kernel-name.js';
import type { FileEvaluation } from '../eval/evaluate.js';
import { HYPERPARAMETER_KEYS, type HyperparameterOptions, type Hyperparameters } from './defaults.js';
import type { BatchProgress, FitResult } from './fit.js';
import type { TuneResult } from './tune.js';
import type { Selection, StageProgress, TaskCounts } from './select.js';

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

/** Every key of TrainOptions (checked whole at compile time): train() refuses any other. */
export const TRAIN_OPTION_KEYS = [
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
