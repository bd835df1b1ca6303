// A file whose sequences have lengths the model never trained on: most likely another kind of recording (another
// sampling rate or span, a column too many or too few read as a time step), since a recurrence reads a length it
// has not seen as a signal it has not seen. Where every training sequence had one length, any other is unseen;
// where the lengths differed, one under half the shortest or over twice the longest (a little past the range is
// what ragged data do). A warning, never a refusal: the lengths may be what was meant. Pure.

import type { Model } from '../model/model.js';
import { visible } from '../data/visible.js';

/** The lengths (samples, as the files hold them) of a model's training sequences, from its training record. */
export interface TrainedLengths {
  readonly shortest: number;
  readonly longest: number;
}

/** What a file's lengths were, against a model's training lengths. */
export interface LengthTally {
  sequences: number;
  /** how many lie outside the lengths the model reads without a warning (lengthBand) */
  unseen: number;
  /** the unseen ones' shortest and longest (0 while there are none) */
  unseenShortest: number;
  unseenLongest: number;
}

/** The record train() writes for training sequences of these lengths. */
export function lengthsRecord(lengths: ArrayLike<number>): TrainedLengths {
  let [shortest, longest] = [Infinity, 0];
  for (let n = 0; n < lengths.length; n++) [shortest, longest] = [Math.min(shortest, lengths[n]), Math.max(longest, lengths[n])];
  return { shortest: lengths.length > 0 ? shortest : 0, longest };
}

/** The model's training lengths, or null where its record has none of the form train() writes (an older model, an export). */
export function trainedLengths(model: Pick<Model, 'training'>): TrainedLengths | null {
  const l = (model.training as Record<string, unknown> | undefined)?.['lengths'];
  if (typeof l !== 'object' || l === null) return null;
  const { shortest, longest } = l as Record<string, unknown>;
  const whole = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
  return whole(shortest) && whole(longest) && shortest <= longest ? { shortest, longest } : null;
}

/** The lengths read without a warning: the one training length, or half the shortest to twice the longest. */
export function lengthBand(t: TrainedLengths): { readonly low: number; readonly high: number } {
  return t.shortest === t.longest ? { low: t.shortest, high: t.longest } : { low: t.shortest / 2, high: 2 * t.longest };
}

export function lengthTally(): LengthTally {
  return { sequences: 0, unseen: 0, unseenShortest: 0, unseenLongest: 0 };
}

/** Counts one sequence of `length` samples into `tally` (against t; none: nothing is unseen). */
export function countLength(tally: LengthTally, length: number, t: TrainedLengths | null): void {
  tally.sequences++;
  if (t === null) return;
  const { low, high } = lengthBand(t);
  if (length >= low && length <= high) return;
  tally.unseenShortest = tally.unseen === 0 ? length : Math.min(tally.unseenShortest, length);
  tally.unseenLongest = Math.max(tally.unseenLongest, length);
  tally.unseen++;
}

/** The tally of every length of `lengths`. */
export function tallyLengths(lengths: ArrayLike<number>, t: TrainedLengths | null): LengthTally {
  const tally = lengthTally();
  for (let n = 0; n < lengths.length; n++) countLength(tally, lengths[n], t);
  return tally;
}

const span = (a: number, b: number) => (a === b ? `${a}` : `${a}–${b}`);

/** The warning for `file`, whose lengths `tally` counted against the training lengths t; null where none is unseen. */
export function unseenLengthsWarning(file: string, tally: LengthTally, t: TrainedLengths | null): string | null {
  if (t === null || tally.unseen === 0) return null;
  const { sequences: n, unseen: k } = tally;
  const these = span(tally.unseenShortest, tally.unseenLongest);
  const which = k === n ? `${n === 1 ? 'its sequence has' : `its ${n} sequences have`} ${these} samples` : `${k} of its ${n} sequences have ${these} samples`;
  const trained = t.shortest === t.longest
    ? `where every training sequence has ${t.shortest}`
    : `under half the shortest or over twice the longest training sequence (${span(t.shortest, t.longest)} samples)`;
  return `${visible(file)}: ${which}, ${trained}: check that it holds the same kind of recording as the training files ` +
    '(the same columns, sampling rate and span), since a model learns the lengths it is trained on';
}
