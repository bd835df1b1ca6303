// A file read for a model whose every sequence has a single time step: most likely a file of another layout
// (a long file read as wide, as a model trained with --format wide reads every file; or a wide file whose
// id column made it long), since no model learns a signal from one sample of it.

import type { Model } from '../model/model.js';
import type { LoadOptions } from '../data/csv.js';
import { DEFAULT_LAYOUT } from '../model/model.js';
import { visible } from '../data/visible.js';

/**
 * The warning for `file`, read for `model` with options `o` in `layout` (undefined: the archive's .ts or ARFF),
 * whose `sequences` (≥ 2) all have one step (`longest` 1); null where they do not.
 */
export function singleStepsWarning(
  file: string, sequences: number, longest: number, layout: 'wide' | 'long' | undefined, model: Pick<Model, 'layout'>, o: Pick<LoadOptions, 'format' | 'idColumn'>,
): string | null {
  if (sequences < 2 || longest !== 1) return null;
  const scored = `${visible(file)}: every one of its ${sequences} sequences has a single time step, so each is scored from one sample`;
  if (layout === undefined) return scored; // the archive's .ts or ARFF: no layout of rows to advise on
  const forced = o.format ?? model.layout?.format;
  const why = layout === 'long'
    ? `if each row is a whole sequence (the wide layout), give --format wide (its column ${JSON.stringify(o.idColumn ?? model.layout?.idColumn ?? DEFAULT_LAYOUT.idColumn)} made it the long layout)`
    : forced === 'wide'
      ? `if it holds a row per time step (the long layout, an id column naming each row's sequence), give --format long (it was read with --format wide, ${o.format === 'wide' ? 'as given' : 'the layout the model was trained with'})`
      : 'each row holds one value (if a row is a time step, the long layout, give the file an id column naming its sequence)';
  return `${scored}; ${why}`;
}

/** The steps of the longest sequence (0 for none). */
export function longestOf(lengths: ArrayLike<number>): number {
  let longest = 0;
  for (let n = 0; n < lengths.length; n++) longest = Math.max(longest, lengths[n]);
  return longest;
}
