// predict's CSV: a prediction as a row (file, id, label, predicted, each class's probability), its header, and a
// field quoted, or neutralized where a spreadsheet would run it as a formula. Pure.

import { UserError } from '../errors.js';
import { checkModelArgument } from '../data/arguments.js';
import type { Model } from '../model/model.js';

/** One scored sequence: probabilities in the model's class order (model.classes). */
export interface Prediction {
  readonly file: string;
  readonly id: string;
  /** the file's label, when it has one */
  readonly label: string | null;
  readonly predicted: string;
  /** [C] */
  readonly probabilities: Float32Array;
}

/**
 * A CSV field, quoted when it must be. Text that a spreadsheet would run as a formula (it starts with =, +, -,
 * @, a tab or a carriage return and is not a plain number such as -1) gets a leading ' and quotes, as OWASP
 * recommends against CSV injection; plain numbers stay as they are, so labels like -1 read back unchanged.
 * Text that starts with ' gets one more, so that the escape can be undone: a cell that starts with ' had one
 * added (the classes =x and 'x would both be 'x otherwise).
 */
export function csvField(s: string): string {
  if (typeof s !== 'string') throw new UserError(`csvField() takes text (got a ${typeof s}): String(value) it first`);
  const quoted = `"${s.replace(/"/g, '""')}"`;
  if ((/^[=+\-@\t\r]/.test(s) && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) || s.startsWith("'")) return `"'${quoted.slice(1)}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? quoted : s;
}

/** The header of `predict`'s CSV for `model`: file, id, label, predicted and each class's probability. */
export function predictionHeader(model: Model): string {
  checkModelArgument(model, 'predictionHeader() model');
  return ['file', 'id', 'label', 'predicted', ...model.classes.map((c) => `p_${c}`)].map(csvField).join(',') + '\n';
}

/** A prediction as a row of `predict`'s CSV (under predictionHeader): probabilities to six significant digits. */
export function predictionRow(p: Prediction): string {
  const q = p as Partial<Prediction> | null;
  const text = (v: unknown) => typeof v === 'string';
  const probabilities = q?.probabilities as ArrayLike<unknown> | undefined;
  if (!(typeof q === 'object' && q !== null && text(q.file) && text(q.id) && (q.label == null || text(q.label)) && text(q.predicted) &&
    (probabilities instanceof Float32Array || probabilities instanceof Float64Array || (Array.isArray(probabilities) && probabilities.every((x) => typeof x === 'number'))))) {
    throw new UserError('predictionRow() takes a prediction as predict() gives it: { file, id, label (or null), predicted: text; probabilities: numbers }');
  }
  const cells = [p.file, p.id, p.label ?? '', p.predicted].map(csvField);
  for (let c = 0; c < p.probabilities.length; c++) cells.push(String(Number(p.probabilities[c].toPrecision(6))));
  return cells.join(',') + '\n';
}
