// The held-out sequences worth looking at by eye: the mistakes the model was surest of, and the sequences it was
// least sure of (right or wrong). Pure: labels and probability rows in, a few indices out. Only `limit` candidates
// are kept while reading the rows, so the memory does not grow with N.
//
// Legend: N sequences, C classes.

import { argmax } from '../model/rnn.js';
import { UNKNOWN_LABEL } from './score.js';

export interface HardCase {
  readonly index: number; // the sequence, 0-based in its file
  readonly label: number; // its model class index, UNLABELLED or UNKNOWN_LABEL (as Scores.labels)
  readonly predicted: number; // the model class with the highest probability
  readonly confidence: number; // that probability
}

export interface HardCases {
  readonly misclassified: HardCase[]; // highest confidence first
  readonly leastConfident: HardCase[]; // lowest confidence first
}

/**
 * Up to `limit` misclassified sequences, most confident first, and up to `limit` least-confident sequences, least
 * confident first; ties keep file order. `labels` are model class indices [N] (as Scores.labels): a label the
 * model does not know is always a mistake, an unlabelled sequence never is. `probabilities` is [N][C].
 */
export function hardCases(labels: Int32Array, probabilities: Float32Array, C: number, limit = 6): HardCases {
  const misclassified: HardCase[] = [];
  const leastConfident: HardCase[] = [];
  for (let n = 0; n < labels.length; n++) {
    const row = probabilities.subarray(n * C, (n + 1) * C);
    const predicted = argmax(row);
    const c: HardCase = { index: n, label: labels[n], predicted, confidence: row[predicted] };
    const wrong = c.label === UNKNOWN_LABEL || (c.label >= 0 && c.label !== predicted);
    if (wrong) keepFirst(misclassified, c, limit, (a, b) => a.confidence > b.confidence);
    keepFirst(leastConfident, c, limit, (a, b) => a.confidence < b.confidence);
  }
  return { misclassified, leastConfident };
}

/** The `k` classes of a probability row with the highest probabilities, highest first (ties: lower index first). */
export function topClasses(row: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < row.length; c++) keepFirst(out, c, k, (a, b) => row[a] > row[b]);
  return out;
}

/**
 * Inserts `item` into `list` (kept ordered by `before`, at most `limit` long), after any item it does not come
 * strictly before, so that equal items stay in arrival order; drops what falls off the end.
 */
function keepFirst<T>(list: T[], item: T, limit: number, before: (a: T, b: T) => boolean): void {
  if (limit <= 0 || (list.length === limit && !before(item, list[limit - 1]))) return;
  let i = list.length;
  while (i > 0 && before(item, list[i - 1])) i--;
  list.splice(i, 0, item);
  if (list.length > limit) list.pop();
}
