// A file whose values, normalized with the training statistics, lie far from the training data's: another unit
// (mV for V), raw values given to a model trained on values normalized one sequence at a time (or the reverse),
// another sensor. On the training data every normalized channel has a root mean square of 1, and on real held-out
// recordings a single sequence's stays under about 8; at 30 or more the model is reading values it never saw, and
// answers with whatever its saturated units say. Counted a sequence at a time, so that one reading far out (a "no
// reading" marker) is named as that sequence's, not taken for the file's unit, whatever the file's size. The other
// side: a file in which every input varies less than a hundredth of what it did in training (V for mV, on data
// centred on 0) reads as nearly flat, and the model answers for a signal in which nothing happens. A channel
// constant in training has a standard deviation of 1 taken for it, so there the figures are in its units. A
// warning, never a refusal. Pure.

import type { Model } from '../model/model.js';
import { sequenceNormOf } from '../model/model.js';
import { visible } from '../data/visible.js';
import { UserError } from '../errors.js';
import { maxOf } from '../data/extent.js';

/** The root mean square of a normalized channel over a sequence from which on the sequence is far out. */
export const FAR_RMS = 30;
/** The standard deviation over a file under which, on every input channel, the file is warned of as nearly flat. */
export const FLAT_SD = 0.01;

/** A sequence far out: where it is, and its channel furthest out. */
export interface FarSequence {
  readonly id: string;
  readonly line: number;
  readonly channel: number;
  readonly rms: number;
}

/** The normalized values of a file's sequences, counted for scaleWarning. */
export interface ScaleTally {
  steps: number;
  sequences: number;
  /** [D] Σ z and Σ z² of every input channel over the file's steps (z: the values as the network reads them, normalized) */
  readonly sums: Float64Array;
  readonly squares: Float64Array;
  /** [D] the sequences far out on each channel (their own root mean square there FAR_RMS or more) */
  readonly farOn: Int32Array;
  /** the sequences far out on some channel, and the first of them */
  far: number;
  first: FarSequence | null;
}

export function scaleTally(D: number): ScaleTally {
  return { steps: 0, sequences: 0, sums: new Float64Array(D), squares: new Float64Array(D), farOn: new Int32Array(D), far: 0, first: null };
}

/** Counts one sequence of `steps` steps of normalized values [steps][D] from `at` into the tally. */
export function countValues(tally: ScaleTally, values: ArrayLike<number>, at: number, steps: number, where: { readonly id: string; readonly line: number } = { id: '', line: 0 }): void {
  const D = tally.squares.length;
  let worst = -1;
  let worstRms = 0;
  for (let d = 0; d < D; d++) { // a channel at a time: the sequence's own sums, with nothing allocated per sequence
    let sum = 0;
    let squares = 0;
    for (let t = 0; t < steps; t++) {
      const z = values[at + t * D + d];
      sum += z;
      squares += z * z;
    }
    tally.sums[d] += sum;
    tally.squares[d] += squares;
    const rms = steps > 0 ? Math.sqrt(squares / steps) : 0;
    if (rms >= FAR_RMS) {
      tally.farOn[d]++;
      if (rms > worstRms) [worst, worstRms] = [d, rms];
    }
  }
  tally.steps += steps;
  tally.sequences++;
  if (worst < 0) return;
  tally.far++;
  tally.first ??= { id: where.id, line: where.line, channel: worst, rms: worstRms };
}

/** The tally of a data set's normalized values, a sequence at a time. */
export function tallyValues(ds: { readonly D: number; readonly values: ArrayLike<number>; readonly offsets: ArrayLike<number>; readonly lengths: ArrayLike<number>; readonly ids?: readonly string[]; readonly sources?: readonly { readonly line: number }[] }): ScaleTally {
  const tally = scaleTally(ds.D);
  for (let n = 0; n < ds.lengths.length; n++) {
    countValues(tally, ds.values, ds.offsets[n] * ds.D, ds.lengths[n], { id: ds.ids?.[n] ?? String(n + 1), line: ds.sources?.[n]?.line ?? 0 });
  }
  return tally;
}

/** How a message names input channel i of the model: a channel, its level or log scale, or their first differences. */
function inputName(model: Pick<Model, 'channels' | 'sequenceNorm' | 'differences'>, i: number): string {
  const D0 = model.channels.length;
  const W = sequenceNormOf(model) ? 3 * D0 : D0; // the inputs before the differences
  const differenced = i >= W;
  const j = i % W;
  const channel = JSON.stringify(model.channels[j % D0]);
  const what = j < D0 ? channel : j < 2 * D0 ? `${channel}'s level` : `${channel}'s log scale`;
  return differenced ? `${what} (its first differences)` : what;
}

const fmt = (x: number) => (x >= 1e6 ? x.toPrecision(2) : String(x >= 100 ? Math.round(x) : Number(x.toPrecision(2))));

/** "a", "a and b", "a, b and c". */
const listed = (xs: string[]) => (xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

const SCALE = 'normalized with the training statistics (which put the training data\'s at 1, a channel constant in training excepted)';

/**
 * The warning for `file`, whose normalized values `tally` counted, read by `model`; null where the model does not
 * normalize or nothing is far out or flat. Half the sequences or more far out on a channel: the file is (its
 * unit, its preparation); fewer: those sequences are (a marker, a recording of another kind among the others).
 */
export function scaleWarning(file: string, tally: ScaleTally, model: Pick<Model, 'channels' | 'sequenceNorm' | 'differences' | 'normalization'>): string | null {
  const t = tally as Partial<ScaleTally> | null;
  if (typeof t !== 'object' || t === null || !(t.squares instanceof Float64Array) || !(t.sums instanceof Float64Array) || !(t.farOn instanceof Int32Array)) {
    throw new UserError('scaleWarning() takes a file\'s tally as predict() returns it (its summary\'s files[i].scale)');
  }
  if (model.normalization === null || tally.steps === 0) return null;
  const rms = (d: number) => Math.sqrt(tally.squares[d] / tally.steps);
  const D = tally.squares.length;
  const wide = Array.from({ length: D }, (_, d) => d).filter((d) => tally.farOn[d] > 0 && 2 * tally.farOn[d] >= tally.sequences);
  if (wide.length > 0) {
    const named = wide.sort((a, b) => rms(b) - rms(a) || a - b).slice(0, 3).map((d) => `${fmt(rms(d))} for ${inputName(model, d)}`);
    if (wide.length > 3) named.push(`${wide.length - 3} more far out`);
    return visible(`${file}: its values lie far from the training data's: ${SCALE}, their root mean square is ${listed(named)}; check that the file is in the ` +
      'training files\' units and prepared as they were (such as raw values given to a model trained on values normalized one sequence at a time, or the reverse)');
  }
  if (tally.first !== null) {
    const f = tally.first;
    const which = tally.far === 1 ? `1 of its ${tally.sequences} sequences holds` : `${tally.far} of its ${tally.sequences} sequences hold`;
    const at = `${tally.far === 1 ? 'it' : 'the first'}, ${JSON.stringify(f.id)}${f.line > 0 ? ` (line ${f.line})` : ''}`;
    return visible(`${file}: ${which} values far from the training data's: ${SCALE}, the root mean square of ${at}, is ${fmt(f.rms)} for ` +
      `${inputName(model, f.channel)}; check ${tally.far === 1 ? 'it' : 'them'} for values that are no readings (a marker such as 9999 or -999) or in another unit, ` +
      `since the model's answer${tally.far === 1 ? '' : 's'} there mean${tally.far === 1 ? 's' : ''} little`);
  }
  const sd = (d: number) => Math.sqrt(Math.max(0, tally.squares[d] / tally.steps - (tally.sums[d] / tally.steps) ** 2));
  const widest = maxOf(Array.from({ length: D }, (_, d) => sd(d)));
  if (tally.steps < 2 || widest >= FLAT_SD) return null;
  return visible(`${file}: its values hardly vary: ${SCALE}, their standard deviation over the file is at most ${fmt(widest)} on every channel; ` +
    'check that the file is in the training files\' units (such as V given to a model trained on mV), unless it is a recording in which nothing moved');
}
