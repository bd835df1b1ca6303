// The bounds of every option train(), fit() and tune() take, checked before any work starts, so that a program
// calling the library is refused as the command line is: one UserError naming the option, never a hang
// (a batch size of 0) or a model trained on nonsense (a negative learning rate, 0 hidden units). The CLI
// checks its flags by the same rules, naming them as flags; what it parses from text (--epochs 1e9, --stride,
// --threads) it checks first itself.

import { UserError } from '../errors.js';
import { isResampleLength, MAX_RESAMPLE } from '../model/resample.js';
import { READOUTS } from '../model/rnn.js';
import { CELLS, layersOf } from '../model/layout.js';
import { OPTIMIZERS } from '../model/optimizer.js';
import { CLASS_WEIGHTS } from './class-weights.js';
import { LR_SCHEDULES } from './schedule.js';
import {
  type HyperparameterOptions, MAX_BATCH, MAX_EPOCHS, MAX_HIDDEN, MAX_STRIDE, MAX_THREADS, MAX_TUNE_STEPS, TRAIN_DEFAULTS,
} from './defaults.js';

/** How an error names an option: as the library does (batchSize) or as a flag (--batch-size). */
export type Naming = (option: string) => string;

export const asOption: Naming = (o) => o;
export const asFlag: Naming = (o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The option with value v as it is typed on the command line: `--hidden 8`, `--resample off` (0),
 * `--differences on`, `--no-bidirectional` (a yes/no flag said no), `--bidirectional`.
 */
export function asFlagWithValue(option: string, v: unknown): string {
  const flag = asFlag(option);
  if (typeof v === 'boolean') return option === 'differences' || option === 'sequenceNorm' ? `${flag} ${v ? 'on' : 'off'}` : v ? flag : `--no-${flag.slice(2)}`;
  if (option === 'resample' && v === 0) return `${flag} off`;
  return `${flag} ${typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v)}`;
}

/** The options checked here: the hyperparameters, and how the run uses threads and writes checkpoints. */
export interface CheckedOptions extends HyperparameterOptions {
  readonly threads?: number | 'auto' | readonly number[]; // train: a count or auto; fit: a count; tune: a list
  readonly checkpointEvery?: number;
  readonly steps?: number; // tune's timed steps
  readonly kernel?: string;
  readonly normalize?: string;
  readonly differences?: boolean | 'auto';
  readonly sequenceNorm?: boolean | 'auto';
}

const isWhole = (v: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const isAtLeast = (v: unknown, lo: number): boolean => typeof v === 'number' && Number.isFinite(v) && v >= lo;
const isFraction = (v: unknown): boolean => isAtLeast(v, 0) && (v as number) < 1; // [0, 1)
const oneOf = (xs: readonly unknown[]) => (v: unknown) => xs.includes(v);
const list = (xs: readonly unknown[]) => xs.map(String).join(', ');

type Rule = readonly [option: keyof CheckedOptions, ok: (v: unknown) => boolean, what: string];

const RULES: readonly Rule[] = [
  ['hidden', (v) => isWhole(v, 1, MAX_HIDDEN), `a whole number from 1 to ${MAX_HIDDEN}`],
  ['bptt', (v) => isWhole(v, 0), 'a whole number ≥ 0'],
  ['stride', (v) => v === 'auto' || isWhole(v, 1, MAX_STRIDE), `auto or a whole number from 1 to ${MAX_STRIDE}`],
  ['resample', (v) => v === 'auto' || v === 0 || isResampleLength(v), `auto, 0 (off) or a whole number from 2 to ${MAX_RESAMPLE}`],
  ['epochs', (v) => v === 'auto' || isWhole(v, 1, MAX_EPOCHS), `auto or a whole number from 1 to ${MAX_EPOCHS}`],
  ['batchSize', (v) => isWhole(v, 1, MAX_BATCH), `a whole number from 1 to ${MAX_BATCH}`],
  ['lr', (v) => isAtLeast(v, 0) && (v as number) > 0, 'a number > 0'],
  ['clip', (v) => isAtLeast(v, 0), 'a number ≥ 0'],
  // The generators read a seed as 32 bits: over a wider range, two seeds 2^32 apart would give one run.
  ['seed', (v) => isWhole(v, -(2 ** 31), 2 ** 31 - 1), 'a whole number from -2147483648 to 2147483647'],
  ['valSplit', (v) => v === 'auto' || isFraction(v), 'auto or a number in [0, 1)'],
  ['patience', (v) => isWhole(v, 0), 'a whole number ≥ 0'],
  ['warmup', isFraction, 'a number in [0, 1)'],
  ['minSteps', (v) => isWhole(v, 1, MAX_EPOCHS), `a whole number from 1 to ${MAX_EPOCHS}`],
  ['weightDecay', (v) => isAtLeast(v, 0), 'a number ≥ 0'],
  ['noise', (v) => isAtLeast(v, 0), 'a number ≥ 0'],
  ['warp', isFraction, 'a number in [0, 1)'],
  ['mixup', (v) => isAtLeast(v, 0), 'a number ≥ 0'],
  ['guidedWarp', isFraction, 'a number in [0, 1)'],
  ['chunkSize', (v) => isWhole(v, 1, MAX_BATCH), `a whole number from 1 to ${MAX_BATCH}`],
  ['checkpointEvery', (v) => isAtLeast(v, 0), 'a number of seconds ≥ 0'],
  ['steps', (v) => isWhole(v, 1, MAX_TUNE_STEPS), `a whole number from 1 to ${MAX_TUNE_STEPS}`],
  ['readout', oneOf(['auto', ...READOUTS]), `one of ${list(['auto', ...READOUTS])}`],
  ['cell', oneOf(CELLS), `one of ${list(CELLS)}`],
  ['layers', oneOf([1, 2]), '1 or 2'],
  ['optimizer', oneOf(OPTIMIZERS), `one of ${list(OPTIMIZERS)}`],
  ['schedule', oneOf(LR_SCHEDULES), `one of ${list(LR_SCHEDULES)}`],
  ['classWeights', oneOf(CLASS_WEIGHTS), `one of ${list(CLASS_WEIGHTS)}`],
  ['select', oneOf(['auto', 'on', 'off']), 'one of auto, on, off'],
  ['bidirectional', oneOf([true, false]), 'true or false'],
  ['differences', oneOf([true, false, 'auto']), 'true, false or auto'],
  ['sequenceNorm', oneOf([true, false, 'auto']), 'true, false or auto'],
  ['normalize', oneOf(['zscore', 'none']), 'one of zscore, none'],
  ['kernel', oneOf(['wasm', 'ts']), 'one of wasm, ts'],
];

const shown = (v: unknown): string => {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(shown).join(', ')}]` : String(v); // ["2"]: a string inside, shown as one
  } catch {
    return `a value of type ${typeof v} that has no text`; // an object without a prototype, and what holds one
  }
};

/**
 * The first hyperparameter a checkpoint or model records out of its option's bounds, as a message naming it; null
 * where every one is within them (the kernel is recorded as the build that ran, not as the option). What train
 * writes is within them: one that is not was edited or damaged, or written by an earlier version that took it
 * (a seed beyond 32 bits); a run resumed from it would fail later, naming an option the user never gave.
 */
export function recordedProblem(hp: Readonly<Record<string, unknown>>): string | null {
  for (const [option, ok, what] of RULES) {
    if (option === 'kernel' || !Object.hasOwn(hp, option) || ok(hp[option])) continue;
    return `its "hyperparameters.${option}" must be ${what} (got ${shown(hp[option])})`;
  }
  if (!Object.hasOwn(hp, 'members')) return null;
  if (!isWhole(hp.members, 1, MAX_HIDDEN)) return `its "hyperparameters.members" must be a whole number from 1 to ${MAX_HIDDEN} (got ${shown(hp.members)})`;
  const units = (hp.members as number) * ((hp.hidden as number | undefined) ?? 1);
  if (units > MAX_HIDDEN) return `its "hyperparameters.members" × "hyperparameters.hidden" must be at most ${MAX_HIDDEN} (got ${shown(hp.members)} × ${shown(hp.hidden)})`;
  return null;
}

/** The thread counts a run takes: train auto or a count, fit a count, tune a list of counts. */
const THREADS = {
  train: [(v: unknown) => v === 'auto' || isWhole(v, 1, MAX_THREADS), `auto or a whole number from 1 to ${MAX_THREADS}`],
  fit: [(v: unknown) => isWhole(v, 1, MAX_THREADS), `a whole number from 1 to ${MAX_THREADS}`],
  tune: [(v: unknown) => Array.isArray(v) && v.length > 0 && v.every((n) => isWhole(n, 1, MAX_THREADS)), `a list of whole numbers from 1 to ${MAX_THREADS}`],
} as const;

/**
 * Throws a UserError naming the first option given out of its bounds (an option left out takes its default);
 * `run` says which threads option the caller takes.
 */
export function checkOptions(o: CheckedOptions, name: Naming = asOption, run: keyof typeof THREADS = 'train'): void {
  for (const [option, ok, what] of [...RULES, ['threads', ...THREADS[run]] as const]) {
    const v = o[option];
    if (v !== undefined && !ok(v)) throw new UserError(`${name(option)} must be ${what} (got ${shown(v)})`);
  }
  const layers = o.init ? layersOf(o.init.shape) : o.layers ?? TRAIN_DEFAULTS.layers;
  if (layers === 2 && o.bptt !== undefined && o.bptt > 0) {
    const whose = o.init ? `the ${name('init')} model has two layers, and ` : '';
    throw new UserError(`${name('bptt')} ${o.bptt}: ${whose}a model of two layers trains with full backpropagation through time; leave out ${name('bptt')} (or give 0)`);
  }
  const H = o.hidden ?? TRAIN_DEFAULTS.hidden;
  if (o.members !== undefined && !(isWhole(o.members, 1) && o.members * H <= MAX_HIDDEN)) {
    const product = isWhole(o.members, 1) ? ` × ${H} = ${o.members * H}` : '';
    throw new UserError(`${name('members')} must be a whole number ≥ 1 with ${name('members')} × ${name('hidden')} at most ${MAX_HIDDEN} (got ${shown(o.members)}${product})`);
  }
  const M = TRAIN_DEFAULTS.members;
  if (run === 'train' && o.members === undefined && !o.init && H * M > MAX_HIDDEN) {
    throw new UserError(
      `${name('hidden')} ${H} with the default ${name('members')} ${M} makes ${H * M} hidden units, more than ${MAX_HIDDEN}; ` +
        `lower ${name('hidden')} (to ${Math.floor(MAX_HIDDEN / M)} at most) or give ${name('members')} 1`,
    );
  }
}
