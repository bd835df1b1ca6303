// The picker of the report's hard cases: worked examples, ties, and agreement with sorting everything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type HardCase, hardCases, topClasses } from '../src/eval/hard-cases.js';
import { UNKNOWN_LABEL, UNLABELLED } from '../src/eval/score.js';

const C = 3;
// Sequence n: its label (model class index) and probability row; the comment says what the picker should see.
const CASES: [number, number[]][] = [
  [0, [0.9, 0.05, 0.05]], // 0: right, sure
  [1, [0.7, 0.2, 0.1]], // 1: wrong (→ 0) at 0.7
  [2, [0.34, 0.33, 0.33]], // 2: wrong (→ 0) at 0.34, the least sure of all
  [0, [0.2, 0.75, 0.05]], // 3: wrong (→ 1) at 0.75
  [UNKNOWN_LABEL, [0.1, 0.1, 0.8]], // 4: a label the model does not know: wrong whatever it says, at 0.8
  [UNLABELLED, [0.4, 0.35, 0.25]], // 5: no label: never wrong, but unsure at 0.4
  [1, [0.1, 0.5, 0.4]], // 6: right, unsure at 0.5
];
const labels = Int32Array.from(CASES, ([l]) => l);
const probabilities = Float32Array.from(CASES.flatMap(([, p]) => p));
const indices = (cs: readonly HardCase[]) => cs.map((c) => c.index);

test('misclassified: wrong or unknown labels only, most confident first; least confident: everyone, least sure first', () => {
  const all = hardCases(labels, probabilities, C, 10);
  assert.deepEqual(indices(all.misclassified), [4, 3, 1, 2]);
  assert.deepEqual(indices(all.leastConfident), [2, 5, 6, 1, 3, 4, 0]);
  assert.deepEqual(all.misclassified[1], { index: 3, label: 0, predicted: 1, confidence: Math.fround(0.75) });
  assert.deepEqual(all.misclassified[0], { index: 4, label: UNKNOWN_LABEL, predicted: 2, confidence: Math.fround(0.8) });
});

test('only `limit` of each kind are kept: the first ones of the full order', () => {
  const few = hardCases(labels, probabilities, C, 2);
  assert.deepEqual(indices(few.misclassified), [4, 3]);
  assert.deepEqual(indices(few.leastConfident), [2, 5]);
  const none = hardCases(labels, probabilities, C, 0);
  assert.deepEqual([none.misclassified, none.leastConfident], [[], []]);
});

test('equal confidences keep file order', () => {
  const same = hardCases(Int32Array.of(1, 1, 0, 1), Float32Array.of(0.6, 0.4, 0.6, 0.4, 0.4, 0.6, 0.6, 0.4), 2, 3);
  assert.deepEqual(indices(same.misclassified), [0, 1, 2]);
  assert.deepEqual(indices(same.leastConfident), [0, 1, 2]);
});

test('the same picks as sorting every sequence (stable sort, then the first `limit`)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 2, max: 5 }).chain((k) => fc.tuple(
      fc.constant(k),
      fc.array(fc.tuple(fc.integer({ min: -2, max: k - 1 }), fc.array(fc.integer({ min: 0, max: 8 }), { minLength: k, maxLength: k })), { maxLength: 40 }),
      fc.integer({ min: 0, max: 8 }),
    )),
    ([k, rows, limit]) => {
      // Small integer weights, normalized: ties are common, which is where an insertion can go wrong.
      const p = Float32Array.from(rows.flatMap(([, w]) => { const s = w.reduce((a, b) => a + b, 0) || 1; return w.map((x) => x / s); }));
      const l = Int32Array.from(rows, ([label]) => label);
      const got = hardCases(l, p, k, limit);
      const every = rows.map((_, n) => {
        const row = Array.from(p.subarray(n * k, (n + 1) * k));
        const predicted = row.indexOf(Math.max(...row));
        return { index: n, label: l[n], predicted, confidence: row[predicted] };
      });
      const wrong = every.filter((c) => c.label === UNKNOWN_LABEL || (c.label >= 0 && c.label !== c.predicted));
      assert.deepEqual(got.misclassified, [...wrong].sort((a, b) => b.confidence - a.confidence).slice(0, limit));
      assert.deepEqual(got.leastConfident, [...every].sort((a, b) => a.confidence - b.confidence).slice(0, limit));
    },
  ), { numRuns: 300 });
});

test('topClasses: the k most probable classes, most probable first, ties by class order', () => {
  assert.deepEqual(topClasses([0.2, 0.5, 0.3], 2), [1, 2]);
  assert.deepEqual(topClasses([0.5, 0, 0.5], 3), [0, 2, 1]);
  assert.deepEqual(topClasses([0.1, 0.9], 5), [1, 0]);
});
