// Scale: nothing in the data path may depend on the call stack or allocate per sequence beyond its size.
// Trains on 600,000 short sequences (wide layout) and on 300,000 one-step sequences (long layout, as many ids),
// and predicts the latter streamed, through the CLI. One epoch each, a small model: the data path is what is
// under test. A call's arguments (`f(...values)`, `push(...rows)`, `apply`) hold about 120,000 values on
// Node's default stack and about 500,000 on a worker thread's, so a data path that spreads a value per
// sequence fails here: the long layout's reading, on the main thread, past the first; training, on the
// engine's threads, past the second.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { trainingWarnings } from '../src/train/warnings.js';
import { table } from '../src/cli/format.js';
import { renderReport } from '../src/index.js';
import { randomModel } from './helpers/models.js';
import { createRng } from '../src/model/rng.js';

const dir = tempDir('ts-scale-');
const FAST = ['--epochs', '1', '--select', 'off', '--members', '1', '--hidden', '8', '--stride', '1', '--batch-size', '4096', '--quiet'];

test('600,000 sequences in the wide layout train (one epoch)', { timeout: 120_000 }, () => {
  const N = 600_000;
  const rows: string[] = ['label,t0,t1,t2,t3'];
  for (let i = 0; i < N; i++) rows.push(`${i % 2 ? 'a' : 'b'},${((i % 2) + Math.sin(i)).toFixed(2)},${Math.cos(i).toFixed(2)},${(i % 2) * 0.5},${i % 7}`);
  const data = join(dir, 'wide.csv');
  writeFileSync(data, rows.join('\n') + '\n');
  const model = join(dir, 'wide.json');
  const r = cli(['train', data, '--out', model, ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(model, 'utf8')).training.sequences, N);
});

test('300,000 one-step sequences in the long layout train, and predict streams them', { timeout: 180_000 }, () => {
  const N = 300_000;
  const rows: string[] = ['id,t,label,x'];
  for (let i = 0; i < N; i++) rows.push(`s${i},0,${i % 2 ? 'a' : 'b'},${((i % 2) + Math.sin(i)).toFixed(2)}`);
  const data = join(dir, 'long.csv');
  writeFileSync(data, rows.join('\n') + '\n');
  const model = join(dir, 'long.json');
  const r = cli(['train', data, '--out', model, ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(model, 'utf8')).training.sequences, N);
  const out = join(dir, 'p.csv');
  const p = cli(['predict', '--model', model, data, '--out', out, '--quiet']);
  assert.equal(p.code, 0, p.stderr);
  const text = readFileSync(out, 'utf8');
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  assert.equal(lines, N + 1);
});

// Past a call's argument room on the main thread: a value per class, row or epoch given to Math.max as arguments
// ended the process (exit 1, a stack overflow) in the training warnings, the text tables and the report's charts.
const MANY = 150_000;

test('150,000 classes, table rows and epochs: the warnings, the tables and the report\'s charts take them', () => {
  const ds = syntheticDataSet(2 * MANY, 1, MANY, 7, 2, 2);
  assert.ok(Array.isArray(trainingWarnings(ds, { files: ['d.csv'], valSplit: 0.01, fromModel: false })));
  const rows = Array.from({ length: MANY }, (_, i) => [`class ${i}`, String(i)]);
  assert.equal(table(['class', 'n'], rows).split('\n').length, MANY + 2);
  const model = randomModel(createRng(3), 2, 4, 2, 'mean', true);
  const history = Array.from({ length: MANY }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1), accuracy: 0.5, valLoss: null, valAccuracy: null }));
  const html = renderReport({ model: { ...model, training: { history, bestEpoch: MANY } }, evaluations: [], total: null });
  assert.match(html, /<\/html>\s*$/);
});
