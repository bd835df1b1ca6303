// The public library API: everything the CLI does, a program can do by import.

export { train, type TrainOptions, type TrainResult } from './train/train.js';
export { TRAIN_DEFAULTS } from './train/defaults.js';
export { fit, type FitOptions, type FitResult, type EpochRecord } from './train/fit.js';
export { tune, type TuneFilesOptions } from './train/train.js';
export { tuneThreads, formatTune, type TuneOptions, type TuneResult, type TuneRow } from './train/tune.js';
export { evaluate, evaluateFile, totalMetrics, type EvaluateOptions, type FileEvaluation } from './eval/evaluate.js';
export { writeReport, renderReport, type ReportInput, type ReportEvaluation } from './eval/report.js';
export { score, type Scores } from './eval/score.js';
export { predictions as predict, type Prediction, type PredictOptions, type PredictSummary } from './eval/predict.js';
export { loadModel, saveModel, parseModel, serializeModel } from './io/model-file.js';
export { exportOnnx, saveOnnx, ONNX_OPSET, ONNX_IR_VERSION } from './io/onnx.js';
export { exportSafetensors, saveSafetensors, parseSafetensors, loadSafetensors, loadInitModel } from './io/safetensors.js';
export { loadDataSet, type LoadOptions } from './data/csv.js';
export type { DataSet } from './data/dataset.js';
export { channelStatistics, applyNormalization, type Normalization } from './data/normalize.js';
export { modelInputs } from './data/inputs.js';
export { timeLikeChannels } from './data/time-like.js';
export { farOutValues, type FarOutValue } from './data/far-out.js';
export { widelyScaledChannels, WIDE_SCALES, type ScaleSpread } from './data/scale-spread.js';
export type { Model } from './model/model.js';
export type { Shape, Cell } from './model/layout.js';
export type { Readout } from './model/rnn.js';
export { UserError, InterruptedError, DivergedError, isUserError, isInterrupted } from './errors.js';
export { loadCheckpoint, saveCheckpoint, parseCheckpoint, serializeCheckpoint, type Checkpoint } from './io/checkpoint.js';
export type { FitState, Member } from './model/state.js';
export { mergeMembers, memberSeed, ensembleShape, membersOf } from './model/ensemble.js';
export { writeFileAtomic } from './io/atomic.js';
