// A file whose sequences have lengths the model never trained on: most likely another kind of recording (another
// sampling rate or span, a column too many or too few read as a time step), since a recurrence reads a length it
// has not seen as a signal it has not seen. Where every training sequence had one length, any other is unseen;
// where the lengths differed, one under half the shortest or over twice the longest (a little past the range is
// what ragged data do), or, in a file of three sequences or more, half or more a quarter past the range (a file
// recorded at another rate: a held-out sequence of the same kind lies past the range of N training sequences with
// odds of about 2/(N + 1), and rarely far past it). A warning, never a refusal: the lengths may be what was meant. Pure.

import { type Model, resampleOf } from '../model/model.js';
import { visible } from '../data/visible.js';
import { UserError } from '../errors.js';

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

/**
 * What a file's lengths were, against a model's training lengths: the sequences below and above lengthBand, and
 * (training lengths that differed) those a quarter or more shorter than the shortest or longer than the longest.
 */
export interface LengthTally {
  sequences: number;
  below: LengthSide;
  above: LengthSide;
  shorter: LengthSide;
  longer: LengthSide;
}

/** Whether t is a LengthTally (a program may pass what it likes to lengthsWarning). */
function isLengthTally(t: unknown): t is LengthTally {
  if (typeof t !== 'object' || t === null) return false;
  const r = t as Record<string, unknown>;
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const side = (s: unknown) => typeof s === 'object' && s !== null && count((s as LengthSide).count);
  return count(r['sequences']) && ['below', 'above', 'shorter', 'longer'].every((k) => side(r[k]));
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

const noSide = (): LengthSide => ({ count: 0, shortest: 0, longest: 0 });

/** How far past the training range (a factor) a sequence counts towards a file recorded at another rate. */
const PAST = 1.25;
/** The fewest such sequences that make a file recorded at another rate (half of its sequences or more). */
const PAST_FEWEST = 3;

export function lengthTally(): LengthTally {
  return { sequences: 0, below: noSide(), above: noSide(), shorter: noSide(), longer: noSide() };
}

function addTo(side: LengthSide, length: number): void {
  side.shortest = side.count === 0 ? length : Math.min(side.shortest, length);
  side.longest = Math.max(side.longest, length);
  side.count++;
}

/** Counts one sequence of `length` samples into `tally` (against t; none: nothing is unseen). */
export function countLength(tally: LengthTally, length: number, t: TrainedLengths | null): void {
  tally.sequences++;
  if (t === null) return;
  const { low, high } = lengthBand(t);
  if (length < low) addTo(tally.below, length);
  else if (length > high) addTo(tally.above, length);
  if (t.shortest === t.longest) return;
  if (length * PAST < t.shortest) addTo(tally.shorter, length);
  else if (length > PAST * t.longest) addTo(tally.longer, length);
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
  if (t === null) return null;
  const n = tally.sequences;
  const equal = t.shortest === t.longest;
  const far = tally.below.count + tally.above.count;
  const past = tally.shorter.count + tally.longer.count;
  // Beyond the band; or, training lengths that differed, half a file of PAST_FEWEST or more a quarter past the range.
  const band = far > 0;
  if (!band && !(!equal && past >= PAST_FEWEST && 2 * past >= n)) return null;
  const [below, above] = band ? [tally.below, tally.above] : [tally.shorter, tally.longer];
  const k = below.count + above.count;
  const one = k === 1;
  const who = k === n ? (n === 1 ? 'its sequence' : `all ${n} of its sequences`) : `${k} of its ${n} sequences`;
  const what = equal
    ? `${one ? 'differs' : 'differ'} in length from the training sequences, which all have ${samples(t.shortest)}`
    : `${one ? 'lies' : 'lie'} ${band ? 'far' : 'well'} outside the training lengths (${samples(t.shortest, t.longest)})`;
  const [under, over] = equal ? ['shorter', 'longer'] : band ? ['under half the shortest', 'over twice the longest'] : ['a quarter or more shorter than the shortest', 'a quarter or more longer than the longest'];
  const sides = [
    ...(below.count > 0 ? [`${below.count} ${under} (${samples(below.shortest, below.longest)})`] : []),
    ...(above.count > 0 ? [`${above.count} ${over} (${samples(above.shortest, above.longest)})`] : []),
  ];
  const why = resample > 0
    ? `every sequence is resampled to ${samples(resample)}, so a recording of another span reaches the model at another speed than the training data did`
    : 'a model learns the lengths it is trained on';
  return `${visible(file)}: ${who} ${what}: ${sides.join(', ')}; check that it holds the same kind of recording as the training files ` +
    `(the same columns, sampling rate and span), since ${why}`;
}

/** unseenLengthsWarning for a file predict() or evaluate tallied against `model` (its summary's `lengths`). */
export function lengthsWarning(file: string, tally: LengthTally, model: Pick<Model, 'training' | 'resample'>): string | null {
  if (!isLengthTally(tally) || typeof model !== 'object' || model === null) {
    throw new UserError("lengthsWarning(file, tally, model) takes a file's tally as predict() returns it (its summary's files[i].lengths) and the model");
  }
  return unseenLengthsWarning(file, tally, trainedLengths(model), resampleOf(model));
}
