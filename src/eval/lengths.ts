// A file whose sequences have lengths the model never trained on: most likely another kind of recording (another
// sampling rate or span, a column too many or too few read as a time step), since a recurrence reads a length it
// has not seen as a signal it has not seen. Where every training sequence had one length, any other is unseen;
// where the lengths differed, one under half the shortest or over twice the longest (a little past the range is
// what ragged data do). A warning, never a refusal: the lengths may be what was meant. Pure.

import { type Model, resampleOf } from '../model/model.js';
import { visible } from '../data/visible.js';

/** The lengths (samples, as the files hold them) of a model's training sequences, from its training record. */
export interface TrainedLengths {
  readonly shortest: number;
  readonly longest: number;
}

/** Sequences on one side of the lengths a model reads without a warning: how many, and their range (0s for none). */
export interface LengthSide {
  count: number;
  shortest: number;
  longest: number;
}

/** What a file's lengths were, against a model's training lengths: the sequences below and above lengthBand. */
export interface LengthTally {
  sequences: number;
  below: LengthSide;
  above: LengthSide;
}

/** The record train() writes for training sequences of these lengths. */
export function lengthsRecord(lengths: ArrayLike<number>): TrainedLengths {
  let [shortest, longest] = [Infinity, 0];
  for (let n = 0; n < lengths.length; n++) [shortest, longest] = [Math.min(shortest, lengths[n]), Math.max(longest, lengths[n])];
  return { shortest: lengths.length > 0 ? shortest : 0, longest };
}

const MOST = 2 ** 31 - 1; // a data set's lengths are int32

/** The model's training lengths, or null where its record has none of the form train() writes (an older model, an export). */
export function trainedLengths(model: Pick<Model, 'training'>): TrainedLengths | null {
  const l = (model.training as Record<string, unknown> | undefined)?.['lengths'];
  if (typeof l !== 'object' || l === null) return null;
  const { shortest, longest } = l as Record<string, unknown>;
  const whole = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MOST;
  return whole(shortest) && whole(longest) && shortest <= longest ? { shortest, longest } : null;
}

/** The lengths read without a warning: the one training length, or half the shortest to twice the longest. */
export function lengthBand(t: TrainedLengths): { readonly low: number; readonly high: number } {
  return t.shortest === t.longest ? { low: t.shortest, high: t.longest } : { low: t.shortest / 2, high: 2 * t.longest };
}

export function lengthTally(): LengthTally {
  return { sequences: 0, below: { count: 0, shortest: 0, longest: 0 }, above: { count: 0, shortest: 0, longest: 0 } };
}

/** Counts one sequence of `length` samples into `tally` (against t; none: nothing is unseen). */
export function countLength(tally: LengthTally, length: number, t: TrainedLengths | null): void {
  tally.sequences++;
  if (t === null) return;
  const { low, high } = lengthBand(t);
  const side = length < low ? tally.below : length > high ? tally.above : null;
  if (side === null) return;
  side.shortest = side.count === 0 ? length : Math.min(side.shortest, length);
  side.longest = Math.max(side.longest, length);
  side.count++;
}

/** The tally of every length of `lengths`. */
export function tallyLengths(lengths: ArrayLike<number>, t: TrainedLengths | null): LengthTally {
  const tally = lengthTally();
  for (let n = 0; n < lengths.length; n++) countLength(tally, lengths[n], t);
  return tally;
}

/** "1 sample", "12 samples", "29–361 samples". */
export const samples = (a: number, b = a) => (a === b ? `${a} sample${a === 1 ? '' : 's'}` : `${a}–${b} samples`);

/**
 * The warning for `file`, whose lengths `tally` counted against the training lengths t (of a model that resamples
 * every sequence to `resample` samples, 0 for none); null where none is unseen.
 */
export function unseenLengthsWarning(file: string, tally: LengthTally, t: TrainedLengths | null, resample = 0): string | null {
  const { below, above } = tally;
  const k = below.count + above.count;
  if (t === null || k === 0) return null;
  const n = tally.sequences;
  const one = k === 1;
  const who = k === n ? (n === 1 ? 'its sequence' : `all ${n} of its sequences`) : `${k} of its ${n} sequences`;
  const equal = t.shortest === t.longest;
  const what = equal
    ? `${one ? 'differs' : 'differ'} in length from the training sequences, which all have ${samples(t.shortest)}`
    : `${one ? 'lies' : 'lie'} far outside the training lengths (${samples(t.shortest, t.longest)})`;
  const sides = [
    ...(below.count > 0 ? [`${below.count} ${equal ? 'shorter' : 'under half the shortest'} (${samples(below.shortest, below.longest)})`] : []),
    ...(above.count > 0 ? [`${above.count} ${equal ? 'longer' : 'over twice the longest'} (${samples(above.shortest, above.longest)})`] : []),
  ];
  const why = resample > 0
    ? `every sequence is resampled to ${samples(resample)}, so a recording of another span reaches the model at another speed than the training data did`
    : 'a model learns the lengths it is trained on';
  return `${visible(file)}: ${who} ${what}: ${sides.join(', ')}; check that it holds the same kind of recording as the training files ` +
    `(the same columns, sampling rate and span), since ${why}`;
}

/** unseenLengthsWarning for a file predict() or evaluate tallied against `model` (its summary's `lengths`). */
export function lengthsWarning(file: string, tally: LengthTally, model: Pick<Model, 'training' | 'resample'>): string | null {
  return unseenLengthsWarning(file, tally, trainedLengths(model), resampleOf(model));
}
