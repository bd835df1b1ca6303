// The training record of a model file is informational: a hand-edited one may leave things out of the report
// and of evaluate's warnings, but never make a command fail.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliHere } from './helpers/cli-here.js';
import { tempDir } from './helpers/temp.js';
import { threadsText, trainingRecord } from '../src/eval/training-record.js';
import { modelSummary } from '../src/eval/model-summary.js';
import { randomModel } from './helpers/models.js';
import { createRng } from '../src/model/rng.js';

test('trainingRecord keeps the fields of the form train() writes and leaves out the rest', () => {
  const sha = 'ab'.repeat(32);
  const r = trainingRecord({
    files: ['a.csv', 'b.csv'], fingerprints: [{ bytes: 10, sha256: sha }, null, { bytes: 'x' }, 5],
    history: [{ epoch: 1, loss: 0.5, accuracy: 0.9, valLoss: null, valAccuracy: null }, null, { epoch: 'x' }, { epoch: 2, loss: 0.4, accuracy: 1, valLoss: 0.3, valAccuracy: 0.8, lr: 1e-3 }],
    bestEpoch: 'x', sequences: 30, hyperparameters: 'x', timing: { seconds: 'x', threads: 2, kernel: 5 },
    selection: { chosen: 'a', folds: 2, candidates: [null, { name: 'a', accuracy: 0.5, logLoss: 1 }, { name: 5 }] },
    members: [{ seed: 1, bestEpoch: 3, epochs: 4, loss: 0.2, accuracy: 0.9, valLoss: null }, 'x', { bestEpoch: 'x', epochs: 4, loss: 'x' }],
  });
  const none = { loss: undefined, accuracy: undefined, valLoss: null, valAccuracy: null };
  assert.deepEqual(r.members, [{ bestEpoch: 3, epochs: 4, ...none, loss: 0.2, accuracy: 0.9 }, { bestEpoch: undefined, epochs: undefined, ...none }, { bestEpoch: undefined, epochs: 4, ...none }]);
  assert.deepEqual(r.files, ['a.csv', 'b.csv']);
  assert.deepEqual(r.fingerprints, [{ bytes: 10, sha256: sha }, null, null, null]);
  assert.deepEqual(r.history.map((e) => e.epoch), [1, 2]);
  assert.equal(r.history[1].lr, 1e-3);
  assert.equal(r.bestEpoch, undefined);
  assert.equal(r.sequences, 30);
  assert.equal(r.hyperparameters, undefined);
  // A record of an earlier version without options it did not have: read as that version ran.
  assert.deepEqual(trainingRecord({ hyperparameters: { hidden: 8 } }).hyperparameters?.cell, 'rnn');
  assert.equal(Object.keys(trainingRecord({ hyperparameters: { hidden: 8, readout: 'mean' } }).hyperparameters!).slice(0, 2).join(), 'hidden,readout', 'in the record\'s order, the rest after');
  assert.deepEqual(r.timing, { seconds: undefined, sequencesPerSecond: undefined, threads: 2, kernel: undefined });
  // The threads that computed, where fewer than asked; a count that is not a number is left out.
  assert.equal(trainingRecord({ timing: { threads: 16, threadsRan: 8 } }).timing.threadsRan, 8);
  assert.equal('threadsRan' in trainingRecord({ timing: { threads: 16, threadsRan: 'x' } }).timing, false);
  assert.equal(threadsText(trainingRecord({ timing: { threads: 16, threadsRan: 8 } }).timing), '8 of the 16 thread(s) asked');
  assert.equal(threadsText(trainingRecord({ timing: { threads: 2 } }).timing), '2 thread(s)');
  assert.equal(threadsText(trainingRecord({ timing: { threads: 2, threadsRan: 5 } }).timing), '2 thread(s)', 'a hand-edited count above the asked is not said');
  assert.deepEqual(r.selection, { chosen: 'a', folds: 2, candidates: [{ name: 'a', accuracy: 0.5, logLoss: 1 }] });
  assert.deepEqual(trainingRecord({ filledGaps: { values: 3, sequences: 2 } }).filledGaps, { values: 3, sequences: 2 });
  assert.equal(trainingRecord({ filledGaps: { values: 'x', sequences: 2 } }).filledGaps, undefined);
  // info on a selection of one held-out split (1000 training sequences or more) says so, not "over 1 folds".
  const model = { ...randomModel(createRng(1), 2, 4, 2, 'mean', true), training: { selection: { chosen: 'a', folds: 1, candidates: [{ name: 'a', accuracy: 0.5, logLoss: 1 }] }, history: [] } };
  assert.match(modelSummary(model), /selection: a \(held-out accuracy 0\.5, the best of 1 candidates on one held-out split\)/);
  // hyperparameters a hand-edited record lacks are shown as '-', never "undefined"
  const partial = { ...model, training: { hyperparameters: { members: 1, epochs: 2, lr: 0.01 }, history: [] } };
  assert.match(modelSummary(partial), /training: 1 member\(s\) × 2 epochs, batch -, optimizer -, lr 0\.01 \(constant\), noise 0, clip -, seed -/);
  assert.doesNotMatch(modelSummary(partial), /undefined/);
  assert.deepEqual(trainingRecord(null), { files: undefined, fingerprints: [], history: [], bestEpoch: undefined, sequences: undefined, filledGaps: undefined, hyperparameters: undefined, timing: { seconds: undefined, sequencesPerSecond: undefined, threads: undefined, kernel: undefined }, selection: undefined, members: undefined });
});

test('evaluate --report and info on a model whose training record was edited by hand: exit 0', () => {
  const dir = tempDir('ts-record-');
  const model = join(dir, 'm.json');
  assert.equal(cliHere(['train', 'datasets/cbf/train.csv', '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet']).code, 0);
  const doc = JSON.parse(readFileSync(model, 'utf8'));
  const edits: Array<(t: Record<string, unknown>) => void> = [
    (t) => (t.fingerprints = [{ bytes: 'x' }, 5, null]),
    (t) => (t.history = [1, null, { epoch: 'a' }]),
    (t) => (t.selection = { chosen: 5, candidates: 'x', scores: null }),
    (t) => (t.timing = { seconds: 'x', sequencesPerSecond: {} }),
    (t) => (t.files = 'train.csv'),
    (t) => (t.filledGaps = { values: 'x' }),
  ];
  for (const [i, edit] of edits.entries()) {
    const training = structuredClone(doc.training);
    edit(training);
    const bad = join(dir, `bad${i}.json`);
    writeFileSync(bad, JSON.stringify({ ...doc, training }));
    const e = cliHere(['evaluate', '--model', bad, 'datasets/cbf/test.csv', '--report', join(dir, `r${i}.html`)]);
    assert.equal(e.code, 0, `edit ${i}: ${e.stderr}`);
    assert.match(readFileSync(join(dir, `r${i}.html`), 'utf8'), /<\/html>/);
    assert.equal(cliHere(['info', bad]).code, 0, `edit ${i}`);
  }
});
