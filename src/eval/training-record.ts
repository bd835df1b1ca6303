// A model file's training record as the report reads it. The record is informational (io/model-file.ts does
// not check it), so a field of another form than train() writes (a file edited by hand) is left out here
// rather than trusted: the report then shows less, and never fails for it. Pure.

import { type FileFingerprint, recordedFingerprints } from '../io/fingerprint.js';

/** One epoch of the learning curves. */
export interface ReportEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly lr?: number;
}

/** What the record holds of model selection (train.ts selectionRecord). */
export interface SelectionRecord {
  readonly chosen?: string;
  readonly folds?: number;
  /** why selection did not run (train.ts) */
  readonly skipped?: string;
  /** the held-out scores weigh each sequence by its class's weight in the loss (--class-weights balanced) */
  readonly classWeighted?: boolean;
  /** logLoss null: diverged */
  readonly candidates?: readonly { readonly name: string; readonly accuracy: number; readonly logLoss: number | null }[];
}

export interface TrainingRecord {
  readonly files?: readonly string[];
  /** one per file, in order */
  readonly fingerprints: ReadonlyArray<FileFingerprint | null>;
  readonly history: readonly ReportEpoch[];
  readonly bestEpoch?: number;
  readonly sequences?: number;
  /** the values missing inside the training sequences that were filled, and the sequences they were in */
  readonly filledGaps?: { readonly values: number; readonly sequences: number };
  readonly hyperparameters?: Readonly<Record<string, unknown>>;
  /** threads: the count asked for; threadsRan: the count that computed, where fewer */
  readonly timing: { readonly seconds?: number; readonly sequencesPerSecond?: number; readonly threads?: number; readonly threadsRan?: number; readonly kernel?: string; readonly resumed?: true };
  readonly selection?: SelectionRecord;
  // An ensemble's, in order (`history` is the first's), each with its last epoch's figures.
  readonly members?: readonly {
    readonly bestEpoch?: number; readonly epochs?: number; readonly loss?: number; readonly accuracy?: number; readonly valLoss: number | null; readonly valAccuracy: number | null;
  }[];
}

/**
 * The options a checkpoint of an earlier version does not record, because that version had no such option: it
 * ran without them, so its run goes on without them rather than with today's defaults. Shape options among them
 * keep the checkpoint's weights' shape.
 */
export const BEFORE_THE_OPTION = {
  resample: 0, members: 1, stride: 1, cell: 'rnn', bidirectional: false, layers: 1, schedule: 'constant', warmup: 0, weightDecay: 0,
  noise: 0, warp: 0, mixup: 0, guidedWarp: 0, classWeights: 'none',
} as const;

/** A recorded set of hyperparameters with those its version did not have as that version ran (BEFORE_THE_OPTION). */
function withOptionsBefore(recorded: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...recorded }; // in the record's order, those it lacks after them
  for (const [key, value] of Object.entries(BEFORE_THE_OPTION)) if (!(key in out)) out[key] = value;
  return out;
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const numOrNull = (v: unknown): number | null | undefined => (v === null ? null : num(v));

/** The threads a run computed on, as train's model line, info and the report say it: "8 of the 16 thread(s) asked" where fewer ran. */
export function threadsText(timing: TrainingRecord['timing']): string {
  const asked = timing.threads === undefined ? '-' : String(timing.threads);
  return timing.threadsRan !== undefined && timing.threads !== undefined && timing.threadsRan < timing.threads
    ? `${timing.threadsRan} of the ${asked} thread(s) asked` : `${asked} thread(s)`;
}

/** The fields of `training` that have the form train() writes. */
export function trainingRecord(training: unknown): TrainingRecord {
  const t: Json = isObject(training) ? training : {};
  const timing: Json = isObject(t.timing) ? t.timing : {};
  return {
    files: Array.isArray(t.files) && t.files.every((f) => typeof f === 'string') ? t.files : undefined,
    fingerprints: recordedFingerprints(t),
    history: Array.isArray(t.history) ? t.history.map(epochOf).filter((e) => e !== null) : [],
    bestEpoch: num(t.bestEpoch),
    sequences: num(t.sequences),
    filledGaps: filledGapsOf(t.filledGaps),
    // A model of an earlier version records none of the options it did not have (it ran without them).
    hyperparameters: isObject(t.hyperparameters) && Object.keys(t.hyperparameters).length > 0 ? withOptionsBefore(t.hyperparameters) : undefined,
    timing: {
      seconds: num(timing.seconds), sequencesPerSecond: num(timing.sequencesPerSecond), threads: num(timing.threads),
      ...(num(timing.threadsRan) !== undefined ? { threadsRan: num(timing.threadsRan) } : {}), kernel: str(timing.kernel), ...(timing.resumed === true ? { resumed: true as const } : {}),
    },
    selection: selectionOf(t.selection),
    members: Array.isArray(t.members) ? t.members.map((x) => {
      const m: Json = isObject(x) ? x : {};
      return { bestEpoch: num(m.bestEpoch), epochs: num(m.epochs), loss: num(m.loss), accuracy: num(m.accuracy), valLoss: numOrNull(m.valLoss) ?? null, valAccuracy: numOrNull(m.valAccuracy) ?? null };
    }) : undefined,
  };
}

function filledGapsOf(g: unknown): TrainingRecord['filledGaps'] {
  if (!isObject(g)) return undefined;
  const [values, sequences] = [num(g.values), num(g.sequences)];
  return values !== undefined && sequences !== undefined ? { values, sequences } : undefined;
}

function epochOf(e: unknown): ReportEpoch | null {
  if (!isObject(e)) return null;
  const [epoch, loss, accuracy, valLoss, valAccuracy, lr] = [num(e.epoch), num(e.loss), num(e.accuracy), numOrNull(e.valLoss), numOrNull(e.valAccuracy), num(e.lr)];
  if (epoch === undefined || loss === undefined || accuracy === undefined) return null;
  return { epoch, loss, accuracy, valLoss: valLoss ?? null, valAccuracy: valAccuracy ?? null, ...(lr !== undefined ? { lr } : {}) };
}

function selectionOf(s: unknown): SelectionRecord | undefined {
  if (!isObject(s)) return undefined;
  const skipped = str(s.skipped);
  if (skipped !== undefined) return { skipped };
  if (!Array.isArray(s.candidates)) return undefined;
  type Candidate = NonNullable<SelectionRecord['candidates']>[number];
  const candidates = s.candidates.flatMap((c): Candidate[] => {
    if (!isObject(c)) return [];
    const [name, accuracy, logLoss] = [str(c.name), num(c.accuracy), num(c.logLoss)];
    if (name !== undefined && c.diverged === true) return [{ name, accuracy: 0, logLoss: null }];
    return name !== undefined && accuracy !== undefined && logLoss !== undefined ? [{ name, accuracy, logLoss }] : [];
  });
  return { chosen: str(s.chosen), folds: num(s.folds), ...(s.classWeighted === true ? { classWeighted: true } : {}), candidates };
}
