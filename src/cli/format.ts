// Plain-text presentation of evaluation results: aligned tables for the terminal. Strings in, strings out; the
// commands decide where they go.

import { MAX_MATRIX_CLASSES, type Metrics } from '../eval/metrics.js';
import { visible } from '../eval/visible.js';

/** Rows of cells as aligned columns: the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string {
  const all = [header, ...rows].map((r) => r.map(visible));
  const width = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all
    .map((r) => indent + r.map((cell, c) => (c === 0 ? cell.padEnd(width[c]) : cell.padStart(width[c]))).join('  ').trimEnd())
    .join('\n') + '\n';
}

export const fixed = (x: number, p = 4) => (Number.isFinite(x) ? x.toFixed(p) : '-');

export interface SummaryRow {
  readonly name: string;
  readonly metrics: Metrics;
}

/** One line per file (and the total): sequences, accuracy, balanced accuracy, macro-F1, log-loss. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  return table(
    ['file', 'sequences', 'accuracy', 'balanced acc', 'macro-F1', 'log-loss'],
    rows.map(({ name, metrics: m }) => [name, String(m.sequences), fixed(m.accuracy), fixed(m.balancedAccuracy), fixed(m.macroF1), fixed(m.logLoss)]),
  );
}

/** Per-class precision / recall / F1 / support, then the confusion matrix with class names on both axes. */
export function detailTables(m: Metrics, indent = '  '): string {
  const known = m.classes.length - m.unknownLabels.labels.length;
  const perClass = table(
    ['class', 'precision', 'recall', 'F1', 'support'],
    m.perClass.map((c, i) => [c.class + (i >= known ? ' (unknown)' : ''), fixed(c.precision), fixed(c.recall), fixed(c.f1), String(c.support)]),
    indent,
  );
  const C = m.classes.length;
  let out = perClass + '\n';
  if (C > MAX_MATRIX_CLASSES) out += `${indent}confusion matrix: ${C} classes, too many to print; --json holds it\n`;
  else {
    const confusion = table(['true \\ predicted', ...m.classes], m.confusion.map((row, r) => [m.classes[r], ...row.map(String)]), indent);
    out += `${indent}confusion matrix (rows: true class, columns: predicted class)\n` + confusion;
  }
  if (m.unknownLabels.count > 0) {
    out += `${indent}${m.unknownLabels.count} sequence(s) with labels the model never saw ` +
      `(${m.unknownLabels.labels.map(visible).join(', ')}), counted as errors\n`;
  }
  return out;
}
