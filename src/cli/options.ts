// Flag definitions shared by commands, and the checks that turn out-of-range flags into one-line errors
// before any work starts.

import { UserError } from '../errors.js';
import { MAX_RESAMPLE, MAX_STRIDE, TRAIN_DEFAULTS } from '../train/defaults.js';
import { isResampleLength } from '../model/resample.js';
import { OPTIMIZERS } from '../model/optimizer.js';
import { READOUTS } from '../model/rnn.js';
import { CELLS } from '../model/layout.js';
import { GAP_POLICIES, type GapPolicy } from '../data/gaps.js';

/** What an input file may be, for the files' help (src/data/text.ts, docs/data.md). */
export const FILE_KINDS = "CSV (cells separated by commas, tabs, semicolons or spaces; gzip or UTF-16 too) or the UCR/UEA archive's .ts or ARFF";

/**
 * The data flags: for train and tune (`training`), whose defaults are the built-in names; for evaluate and predict
 * (`model`), whose defaults are the names the model's training files were read with.
 */
export function dataOptionsFor(defaults: 'training' | 'model') {
  const or = (built: string) => (defaults === 'model' ? `the model's training files', else ${built}` : built);
  return {
    format: { choices: ['auto', 'wide', 'long'] as const, describe: `CSV layout [default: ${or('auto-detected')}]` },
    'label-column': { type: 'string', describe: `column holding the class label [default: ${or('label')}]` },
    'id-column': { type: 'string', describe: `long layout: column holding the sequence id [default: ${or('id')}; one given must be in the header]` },
    'time-column': { type: 'string', describe: `long layout: column ordering the steps, numbers or ISO 8601 dates and times [default: ${or('t')}, optional in the file; one given must be in the header]` },
    channels: { type: 'string', describe: `long layout: comma-separated channel columns, one with a comma in its name in double quotes (default: ${defaults === 'model' ? "the model's channels, by name" : 'all others'})` },
    gaps: { choices: GAP_POLICIES, default: 'interpolate' as GapPolicy, describe: "a value missing inside a sequence (an empty cell, NaN or NA; ? in .ts and ARFF): filled linearly between the values beside it (the nearest value at a sequence's start or end), with a warning, or refused" },
  } as const;
}

export interface DataArgs {
  format?: 'auto' | 'wide' | 'long';
  'label-column'?: string;
  'id-column'?: string;
  'time-column'?: string;
  channels?: string;
  gaps?: GapPolicy;
}

/**
 * Comma-separated names, each trimmed; a name with a comma in it is written in double quotes, as in a CSV
 * header (`"x,y",noise`; a quote inside one doubled). Null where a quote is not closed.
 */
function nameListOf(s: string): string[] | null {
  const names: string[] = [];
  const field = /\s*(?:"((?:[^"]|"")*)"|([^,"][^,]*|))\s*(,|$)/y; // a quote inside a bare name is the name's
  for (;;) {
    const start = field.lastIndex;
    const m = field.exec(s);
    if (m === null || (m[0] === '' && start < s.length)) return null;
    names.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].trim());
    if (m[3] === '') return names;
  }
}

/** The column flags as load options; names trimmed, as the header's are. */
export function loadOptionsOf(a: DataArgs) {
  const listed = a.channels === undefined ? undefined : nameListOf(a.channels);
  requireFlag(listed !== null, `--channels ${a.channels}: not a list of names; write a name with a comma in it in double quotes, followed by a comma or the end ("x,y",z), the rest bare`);
  const channels = listed ?? undefined;
  // An empty name is refused, not dropped: `ax,,ay` may have lost a name.
  requireFlag(channels === undefined || channels.every((c) => c !== ''), `--channels ${JSON.stringify(a.channels)}: an empty name (only blanks, two commas together, or one at an end); name each channel, comma-separated`);
  for (const flag of ['label-column', 'id-column', 'time-column'] as const) {
    requireFlag(a[flag] === undefined || a[flag]!.trim() !== '', `--${flag} needs a column name (it was given only blanks)`);
  }
  return {
    format: a.format,
    labelColumn: a['label-column']?.trim(),
    idColumn: a['id-column']?.trim(),
    timeColumn: a['time-column']?.trim(),
    channels,
    gaps: a.gaps,
  };
}

/** Throws a flag error unless `ok`. */
export function requireFlag(ok: boolean, message: string): void {
  if (!ok) throw new UserError(message);
}

export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

/** The flags of a training step, train's and tune's alike: the BPTT horizon, the batch and the optimizer. */
export const stepOptions = {
  bptt: { type: 'number', default: TRAIN_DEFAULTS.bptt, describe: 'truncated-BPTT horizon k in steps (0 = full BPTT)' },
  'batch-size': { type: 'number', default: TRAIN_DEFAULTS.batchSize, describe: 'sequences per optimizer step' },
  optimizer: { choices: OPTIMIZERS, default: TRAIN_DEFAULTS.optimizer },
  lr: {
    type: 'number',
    describe: `learning rate (default: adam ${TRAIN_DEFAULTS.gruAdamLr} for the GRU, ${TRAIN_DEFAULTS.lr.adam} for the tanh RNN; sgd ${TRAIN_DEFAULTS.lr.sgd}, momentum ${TRAIN_DEFAULTS.lr.momentum})`,
  },
  clip: { type: 'number', defaultDescription: String(TRAIN_DEFAULTS.clip), describe: 'global gradient-norm clipping (0 = off)' },
} as const;

/** What stepOptions give. */
export interface StepArgs {
  bptt: number;
  'batch-size': number;
  optimizer: 'adam' | 'sgd' | 'momentum';
  lr?: number;
  clip?: number;
}

/** The --differences flag, train's and tune's alike. */
const differencesOption = {
  choices: ['auto', 'on', 'off'] as const, default: 'auto',
  describe: "every sample's first differences (x_t − x_{t−1}) as channels of their own besides the values, in training, evaluate and predict alike; auto: on, unless most training sequences are z-normalized one by one already (as the UCR archive's univariate sets are)",
} as const;

/** The --sequence-norm flag, train's and tune's alike. */
const sequenceNormOption = {
  choices: ['auto', 'on', 'off'] as const, default: 'auto',
  describe: "each sequence's channels z-normalized by the sequence's own mean and standard deviation, that mean and log deviation as channels too (before the differences), in training, evaluate and predict alike; auto: on where some channel's sequences' scales lie two decades apart or more",
} as const;

/**
 * The model's flags, train's and tune's alike, with the defaults each command gives: train leaves a flag unset
 * where model selection or an --init model decides it (its help names the default), tune measures one fit with
 * the values a fit takes when none is given.
 */
export function modelOptionsFor(command: 'train' | 'tune') {
  const train = command === 'train';
  const d = TRAIN_DEFAULTS;
  const fallback = <T>(value: T, said = String(value)) => (train ? { defaultDescription: said } : { default: value });
  const tuneDefault = <T>(value: T) => (train ? {} : { default: value }); // train's help says its default in words
  const byLength = `last when the median length, in samples before --resample and --stride, is ≤ ${d.shortSequence}, else mean`;
  const augmentation = (value: number, selected: number) => (train ? `; default ${value}, or ${selected} when --select chooses it` : '');
  return {
    hidden: { type: 'number', ...fallback(d.hidden), describe: `hidden units H${train ? " (with --init: the model's)" : ''}` },
    readout: { choices: ['auto', ...READOUTS], default: d.readout, describe: `z = h_T (last), the mean of h_t over time, or each unit's maximum over time (max); auto: ${train ? `chosen by --select (with --select off: ${byLength})` : byLength}` },
    stride: { type: 'string', ...fallback(String(d.stride)), describe: `frame stacking: each step reads this many consecutive samples of every channel; auto: about ${d.autoStrideSteps} steps for the median sequence (at most ${d.maxAutoStride} samples a step)` },
    resample: { type: 'string', ...fallback(String(d.resample)), describe: `resample every sequence to this many samples (linear interpolation) in training, evaluate and predict alike; auto: when the training lengths differ, ${train ? '--select compares resampling to their median length with none (with --select off: resampled)' : 'to their median length'}, else none; off: never` },
    differences: differencesOption,
    'sequence-norm': sequenceNormOption,
    bidirectional: { type: 'boolean', ...fallback(d.bidirectional), describe: 'a second recurrence over reversed time; the classifier reads both (--no-bidirectional: one)' },
    cell: { choices: CELLS, ...fallback(d.cell), describe: "the recurrent cell: rnn, the tanh (Elman) RNN, or gru, PyTorch's gated recurrent unit" },
    layers: { choices: [1, 2] as const, ...fallback(d.layers, `${d.layers}, or 2 where model selection chooses it`), describe: "stacked recurrent layers: 2 adds a second layer that reads the first one's states (PyTorch's num_layers=2; about three times the time a step, full BPTT only)" },
    seed: { type: 'number', default: d.seed, describe: `seed for init, split, shuffling and augmentation${train ? ' (each member of an ensemble derives its own)' : ''}` },
    noise: { type: 'number', ...tuneDefault(d.noise), describe: `augmentation: Gaussian noise of this standard deviation on the normalized training inputs, fresh every epoch (0 = off${train ? `; default ${d.noise}, or 0 when --select chooses no augmentation` : ''})` },
    warp: { type: 'number', ...tuneDefault(d.warp), describe: `augmentation: each epoch, a window of this fraction of every training sequence plays at half or double speed (0 = off${augmentation(d.warp, d.selectWarp)})` },
    mixup: { type: 'number', ...tuneDefault(d.mixup), describe: `augmentation: each epoch, every training sequence is blended with another, λ of its own and 1 − λ of the other (λ from Beta(α, α), its own the larger), and so are their labels in the loss; this is α (0 = off${augmentation(d.mixup, d.selectMixup)})` },
    normalize: { choices: ['zscore', 'none'] as const, ...fallback(d.normalize), describe: 'per-channel input scaling' },
    kernel: { choices: ['wasm', 'ts'] as const, default: d.kernel, hidden: true, describe: 'gradient kernel: wasm (fast) or ts (reference)' },
  } as const;
}

/** What modelOptionsFor and stepOptions give (train leaves some unset, for selection or an --init model to decide). */
export interface ModelArgs extends StepArgs {
  hidden?: number;
  stride?: string;
  resample?: string;
  differences: 'auto' | 'on' | 'off';
  sequenceNorm: 'auto' | 'on' | 'off';
  bidirectional?: boolean;
  cell?: 'rnn' | 'gru';
  layers?: 1 | 2;
  seed: number;
  noise?: number;
  warp?: number;
  mixup?: number;
  normalize?: 'zscore' | 'none';
  kernel: 'wasm' | 'ts';
}

/** The model's and a step's flags, train's and tune's alike, as the library's options (each command maps --readout its own way). */
export function modelArgsOf(a: ModelArgs) {
  return {
    hidden: a.hidden, bptt: a.bptt, stride: strideFlag(a.stride), resample: resampleFlag(a.resample), differences: switchFlag(a.differences),
    sequenceNorm: switchFlag(a.sequenceNorm), bidirectional: a.bidirectional, cell: a.cell, layers: a.layers, batchSize: a['batch-size'],
    optimizer: a.optimizer, lr: a.lr, clip: a.clip, seed: a.seed, noise: a.noise, warp: a.warp, mixup: a.mixup, normalize: a.normalize, kernel: a.kernel,
  };
}

/** --differences or --sequence-norm as train() takes it. */
export function switchFlag(s: 'auto' | 'on' | 'off'): boolean | 'auto' {
  return s === 'auto' ? 'auto' : s === 'on';
}

/** --stride: auto, or a whole number of samples per step. */
export function strideFlag(s: string | undefined): number | 'auto' | undefined {
  if (s === undefined) return undefined;
  requireFlag(s === 'auto' || (/^[0-9]+$/.test(s) && +s >= 1 && +s <= MAX_STRIDE), `--stride must be auto or a whole number from 1 to ${MAX_STRIDE} (got ${s})`);
  return s === 'auto' ? 'auto' : Number(s);
}

/** --resample: auto, off (0), or a whole number of samples. */
export function resampleFlag(s: string | undefined): number | 'auto' | undefined {
  if (s === undefined) return undefined;
  requireFlag(s === 'auto' || s === 'off' || (/^[0-9]+$/.test(s) && isResampleLength(+s)),
    `--resample must be auto, off or a whole number from 2 to ${MAX_RESAMPLE} (got ${s})`);
  return s === 'auto' ? 'auto' : s === 'off' ? 0 : Number(s);
}

/** --quiet of the commands whose stderr holds no more than warnings and progress (train's and predict's are their own). */
export const quietOption = { type: 'boolean', default: false, describe: 'print only results: no warnings or progress on stderr' } as const;
