// Metrics on hand-computed confusion matrices (numbers worked out on paper, as scikit-learn defines them).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addPrediction, createTally, mergeTallies, metricsOf } from '../src/eval/metrics.js';
import { columns, detailTables } from '../src/cli/format.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

/** A tally from a confusion matrix over `classes` (rows true, columns predicted), p[label] = 0.5 throughout. */
function tallyOf(classes: string[], M: number[][]) {
  const t = createTally(classes);
  M.forEach((row, r) => row.forEach((n, c) => { for (let i = 0; i < n; i++) addPrediction(t, classes[r], c, 0.5); }));
  return t;
}

test('two classes: accuracy, balanced accuracy, precision, recall, F1 and macro-F1 by hand', () => {
  // true a: 8 right, 2 called b; true b: 1 called a, 4 right.
  const m = metricsOf(tallyOf(['a', 'b'], [[8, 2], [1, 4]]));
  assert.deepEqual(m.confusion, [[8, 2], [1, 4]]);
  close(m.accuracy, 12 / 15, 'accuracy');
  // recall a = 8/10, recall b = 4/5 → balanced = 0.8
  close(m.balancedAccuracy, (0.8 + 0.8) / 2, 'balanced accuracy');
  // precision a = 8/9, b = 4/6; F1 a = 2·(8/9)(0.8)/((8/9)+0.8) = 16/19, F1 b = 2·(2/3)(0.8)/((2/3)+0.8) = 8/11
  close(m.perClass[0].precision, 8 / 9, 'precision a');
  close(m.perClass[1].precision, 4 / 6, 'precision b');
  close(m.perClass[0].f1, 16 / 19, 'F1 a');
  close(m.perClass[1].f1, 8 / 11, 'F1 b');
  close(m.macroF1, (16 / 19 + 8 / 11) / 2, 'macro-F1');
  assert.deepEqual(m.perClass.map((c) => c.support), [10, 5]);
  close(m.logLoss, Math.log(2), 'log-loss with p = 0.5 everywhere');
});

test('three classes with an imbalanced, never-predicted class', () => {
  // c is never predicted: precision 0 (zero division → 0), recall 0, F1 0; it still counts in the means.
  const m = metricsOf(tallyOf(['a', 'b', 'c'], [[5, 0, 0], [1, 3, 0], [2, 0, 0]]));
  close(m.accuracy, 8 / 11, 'accuracy');
  close(m.balancedAccuracy, (1 + 3 / 4 + 0) / 3, 'balanced accuracy');
  // precision a = 5/8, recall a = 1 → F1 = 10/13; b: precision 1, recall 3/4 → 6/7; c: 0
  close(m.macroF1, (10 / 13 + 6 / 7 + 0) / 3, 'macro-F1');
  assert.equal(m.perClass[2].precision, 0);
});

test('a class predicted but absent from the truth: left out of balanced accuracy (recall over the classes present), in macro-F1 with F1 0 (scikit-learn\'s)', () => {
  // A mutation audit's find: either mean over the other set of classes passed every test.
  const m = metricsOf(tallyOf(['a', 'b', 'c'], [[5, 1, 1], [2, 4, 1], [0, 0, 0]]));
  close(m.balancedAccuracy, (5 / 7 + 4 / 7) / 2, 'balanced accuracy over a and b');
  // a: precision 5/7, recall 5/7 → 5/7; b: precision 4/5, recall 4/7 → 2/3; c: precision 0 → 0
  close(m.macroF1, (5 / 7 + 2 / 3 + 0) / 3, 'macro-F1 over a, b and c');
});

test('a class absent from truth and predictions is left out of the means', () => {
  const m = metricsOf(tallyOf(['a', 'b', 'c'], [[3, 1, 0], [0, 2, 0], [0, 0, 0]]));
  close(m.balancedAccuracy, (3 / 4 + 1) / 2, 'balanced accuracy over a and b');
  // F1 a = 2·1·0.75/1.75 = 6/7; F1 b = 2·(2/3)·1/(5/3) = 4/5
  close(m.macroF1, (6 / 7 + 4 / 5) / 2, 'macro-F1 over a and b');
});

test('labels the model never saw: reported, counted as errors, a zero column, outside the log-loss', () => {
  const t = createTally(['a', 'b']);
  addPrediction(t, 'a', 0, 0.9);
  addPrediction(t, 'b', 1, 0.8);
  addPrediction(t, 'zebra', 0, 0); // unknown: always an error
  addPrediction(t, 'zebra', 1, 0);
  addPrediction(t, 'yak', 1, 0);
  addPrediction(t, null, 0, 0); // unlabelled: not in the matrix
  const m = metricsOf(t);
  assert.deepEqual(m.classes, ['a', 'b', 'zebra', 'yak']);
  assert.deepEqual(m.confusion, [[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 1, 0, 0]]);
  assert.deepEqual(m.unknownLabels, { count: 3, labels: ['zebra', 'yak'] });
  assert.equal(m.sequences, 6);
  assert.equal(m.labelled, 5);
  close(m.accuracy, 2 / 5, 'accuracy');
  close(m.balancedAccuracy, (1 + 1 + 0 + 0) / 4, 'balanced accuracy');
  close(m.logLoss, -(Math.log(0.9) + Math.log(0.8)) / 2, 'log-loss over known labels');
});

test('log-loss clips p at 1e-15, and merged tallies equal one tally of everything', () => {
  const t1 = createTally(['a', 'b']);
  addPrediction(t1, 'a', 1, 0);
  close(metricsOf(t1).logLoss, -Math.log(1e-15), 'clipped');
  const t2 = createTally(['a', 'b']);
  addPrediction(t2, 'b', 1, 0.5);
  addPrediction(t2, 'new', 0, 0);
  const all = createTally(['a', 'b']);
  addPrediction(all, 'a', 1, 0);
  addPrediction(all, 'b', 1, 0.5);
  addPrediction(all, 'new', 0, 0);
  assert.deepEqual(metricsOf(mergeTallies(t1, t2)), metricsOf(all));
});

test('no labelled sequence: rates are NaN, not errors', () => {
  const t = createTally(['a', 'b']);
  addPrediction(t, null, 0, 0);
  const m = metricsOf(t);
  assert.ok(Number.isNaN(m.accuracy) && Number.isNaN(m.balancedAccuracy) && Number.isNaN(m.logLoss));
});

test('the line naming labels the model never saw shows their control characters as escapes, as the tables do', () => {
  const t = createTally(['a', 'b']);
  addPrediction(t, 'a', 0, 0.9);
  addPrediction(t, 'new\nline\u202e', 1, 0);
  const text = detailTables(metricsOf(t));
  assert.match(text, /never saw \(new\\nline\\u\{202e\}\), counted as errors\n$/);
  assert.ok(!text.includes('\u202e'));
});

test('class names of wide characters, combining marks and emoji keep the tables\' columns aligned', () => {
  assert.deepEqual(['abc', '歩行', 'cafe\u0301', '🙂', 'ＡＢ', 'é'].map(columns), [3, 4, 4, 2, 4, 1]);
  const classes = ['歩行', 'cafe\u0301', 'run', '🙂'];
  const text = detailTables(metricsOf(tallyOf(classes, [[3, 1, 0, 0], [0, 4, 0, 0], [0, 0, 5, 0], [1, 0, 0, 9]])));
  // Every table row of the per-class table ends in the same terminal column as its header.
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^\s*class\b/.test(l));
  assert.ok(header >= 0, text);
  const rows = lines.slice(header, header + 1 + classes.length);
  assert.equal(new Set(rows.map(columns)).size, 1, `rows end in different columns:\n${rows.join('\n')}`);
});

test('20,000 classes: memory by the cells that occur, not C²; the matrix as its non-zero cells, the metrics as for a small one', () => {
  const C = 20_000;
  const classes = Array.from({ length: C }, (_, c) => `class-${c}`);
  const t = createTally(classes);
  for (let c = 0; c < C; c++) addPrediction(t, classes[c], c % 4 === 0 ? (c + 1) % C : c, 0.5); // every fourth called the next class
  addPrediction(t, 'never-seen', 3, 0.5);
  const merged = mergeTallies(t, createTally(classes));
  const m = metricsOf(merged);
  assert.equal(m.confusion, null);
  assert.equal(m.confusionCells!.length, C + 1);
  assert.deepEqual(m.confusionCells!.slice(0, 2), [[0, 1, 1], [1, 1, 1]]);
  assert.deepEqual(m.confusionCells!.at(-1), [C, 3, 1], 'the unknown label is the row after the model\'s classes');
  assert.equal(m.correct, C - C / 4);
  close(m.accuracy, (C - C / 4) / (C + 1), 'accuracy');
  assert.equal(m.perClass[1].support, 1);
  close(m.perClass[1].precision, 0.5, 'class 1 is predicted for itself and for class 0');
  assert.deepEqual(m.unknownLabels, { count: 1, labels: ['never-seen'] });
  // At the bound the matrix is whole, as the JSON output has always had it.
  const small = metricsOf(tallyOf(['a', 'b', 'c'], [[1, 0, 0], [0, 2, 1], [0, 0, 3]]));
  assert.deepEqual(small.confusion, [[1, 0, 0], [0, 2, 1], [0, 0, 3]]);
  assert.equal(small.confusionCells, undefined);
});
