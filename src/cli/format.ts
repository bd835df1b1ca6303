// Plain-text presentation of evaluation results: aligned tables for the terminal. Strings in, strings out; the
// commands decide where they go.

import { MAX_MATRIX_CLASSES, type Metrics } from '../eval/metrics.js';
import { visible } from '../data/visible.js';
import { maxOf } from '../data/extent.js';

/** Rows of cells as aligned columns: the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = ''): string {
  const all = [header, ...rows].map((r) => r.map(visible));
  const width = header.map((_, c) => maxOf(all.map((r) => columns(r[c] ?? ''))));
  const pad = (cell: string, c: number) => ' '.repeat(width[c] - columns(cell));
  return all
    .map((r) => indent + r.map((cell, c) => (c === 0 ? cell + pad(cell, c) : pad(cell, c) + cell)).join('  ').trimEnd())
    .join('\n') + '\n';
}

// Code points a terminal draws two columns wide: East Asian wide and fullwidth (CJK, kana, Hangul, fullwidth
// forms) and emoji; and those it draws over the one before (combining marks, zero-width format characters).
const WIDE = [[0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x20000, 0x3fffd]];
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

/** The columns s takes in a terminal (a close estimate: grapheme clusters such as joined emoji count per part). */
export function columns(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x300) n += 1; // ASCII and Latin-1: one column each (visible() has escaped the control characters)
    else if (ZERO_WIDTH.test(ch)) n += 0;
    else if (WIDE.some(([a, b]) => cp >= a && cp <= b) || (cp >= 0x1f000 && PICTOGRAPH.test(ch))) n += 2;
    else n += 1;
  }
  return n;
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
  if (C > MAX_MATRIX_CLASSES || m.confusion === null) out += `${indent}confusion matrix: ${C} classes, too many to print; --json holds it\n`;
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
