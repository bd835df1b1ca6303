// A file whose values, normalized with the training statistics, lie far from the training data's: another unit
// (mV for V), raw values given to a model trained on values normalized one sequence at a time (or the reverse),
// another sensor. On the training data every normalized channel has a root mean square of 1, and on real held-out
// recordings a single sequence's stays under about 8; at 30 or more over a whole file the model is reading values
// it never saw, and answers with whatever its saturated units say. A channel constant in training has a standard
// deviation of 1 taken for it, so there the figure is in the channel's units. A warning, never a refusal. Pure.

import type { Model } from '../model/model.js';
import { sequenceNormOf } from '../model/model.js';
import { visible } from '../data/visible.js';

/** The root mean square, over a file, of a normalized channel from which on the file is warned of. */
export const FAR_RMS = 30;

/** Σ z² of every input channel over a file's steps (z: the values as the network reads them, normalized). */
export interface ScaleTally {
  steps: number;
  readonly squares: Float64Array;
}

export function scaleTally(D: number): ScaleTally {
  return { steps: 0, squares: new Float64Array(D) };
}

/** Counts `steps` steps of normalized values [steps][D] from `at` into the tally. */
export function countValues(tally: ScaleTally, values: ArrayLike<number>, at: number, steps: number): void {
  const D = tally.squares.length;
  for (let t = 0; t < steps; t++) {
    for (let d = 0; d < D; d++) {
      const z = values[at + t * D + d];
      tally.squares[d] += z * z;
    }
  }
  tally.steps += steps;
}

/** The tally of normalized values [steps][D] (every step of a data set's values). */
export function tallyValues(values: ArrayLike<number>, D: number): ScaleTally {
  const tally = scaleTally(D);
  countValues(tally, values, 0, values.length / D);
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

const fmt = (x: number) => String(x >= 100 ? Math.round(x) : Number(x.toPrecision(2)));

/**
 * The warning for `file`, whose normalized values `tally` counted, read by `model`; null where the model does not
 * normalize or every channel's root mean square is under FAR_RMS.
 */
export function scaleWarning(file: string, tally: ScaleTally, model: Pick<Model, 'channels' | 'sequenceNorm' | 'differences' | 'normalization'>): string | null {
  if (model.normalization === null || tally.steps === 0) return null;
  const far = Array.from(tally.squares, (s, i) => ({ i, rms: Math.sqrt(s / tally.steps) }))
    .filter((c) => c.rms >= FAR_RMS)
    .sort((a, b) => b.rms - a.rms || a.i - b.i);
  if (far.length === 0) return null;
  const named = far.slice(0, 3).map((c) => `${fmt(c.rms)} for ${inputName(model, c.i)}`);
  if (far.length > 3) named.push(`${far.length - 3} more at ${FAR_RMS} or more`);
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
  return visible(`${file}: its values lie far from the training data's: normalized with the training statistics (which put the training data's at 1, ` +
    `a channel constant in training excepted), their root mean square is ${list}; check that the file is in the training files' units and prepared as ` +
    'they were (such as raw values given to a model trained on values normalized one sequence at a time, or the reverse)');
}
