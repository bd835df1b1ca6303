// The library's predict (src/index.ts): an AsyncIterable of predictions with the model's normalization and
// framing applied, the same probabilities as the CLI's predict, streamed, and stopping when the loop stops.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Prediction, loadModel, predict } from '../src/index.js';
import { ROOT } from './helpers/cli.js';
import { cliHere } from './helpers/cli-here.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('ts-libpredict-');
const model = join(dir, 'm.json');

test('setup: a small model on the long-layout motion set', () => {
  const r = cliHere(['train', 'datasets/motion/train.csv', '--out', model, '--epochs', '2', '--hidden', '6', '--select', 'off', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
});

test('predict yields every sequence in file order with the CLI predict’s probabilities, normalized and framed', async () => {
  const m = loadModel(model);
  const file = join(ROOT, 'datasets/motion/test.csv');
  const got: Prediction[] = [];
  const it = predict(m, { files: [file] });
  for await (const p of it) got.push(p);
  const csv = cliHere(['predict', '--model', model, file]);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(got.length, rows.length);
  got.forEach((p, i) => {
    assert.equal(p.file, file);
    assert.equal(p.id, rows[i][1]);
    assert.equal(p.label, rows[i][2]);
    assert.equal(p.predicted, rows[i][3]);
    assert.equal(p.probabilities.length, m.classes.length);
    p.probabilities.forEach((x, c) => assert.equal(String(Number(x.toPrecision(6))), rows[i][4 + c]));
    assert.equal(p.predicted, m.classes[p.probabilities.indexOf(Math.max(...p.probabilities))]);
  });
});

test('leaving the loop early stops scoring; errors reach the loop as one-line user errors', async () => {
  const m = loadModel(model);
  const rows = ['id,t,label,ax,ay,az'];
  for (let i = 0; i < 5000; i++) rows.push(`s${i},0,walk,${i % 3},1,2`);
  const big = join(dir, 'big.csv');
  writeFileSync(big, rows.join('\n') + '\n');
  let n = 0;
  for await (const _ of predict(m, { files: [big] })) if (++n === 3) break;
  assert.equal(n, 3);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'id,t,label,ax,ay,az\ns,0,walk,1,x,2\n');
  await assert.rejects(async () => { for await (const _ of predict(m, { files: [bad] })); }, /bad\.csv:2:5: non-numeric value "x"/);
});

test('scoring a loaded set a slice at a time gives score()\'s bits, lets the event loop turn between slices, and stops on an abort', async () => {
  const { score, scoreInSlices } = await import('../src/eval/score.js');
  const { randomModel } = await import('./helpers/models.js');
  const { syntheticDataSet } = await import('./helpers/synthetic.js');
  const { createRng } = await import('../src/model/rng.js');
  const { InterruptedError } = await import('../src/errors.js');
  for (const layers of [1, 2] as const) {
    const model = randomModel(createRng(3), 2, 8, 3, 'mean', false, 2, true, 'gru', false, false, layers);
    const { D, values, offsets, lengths, labels } = syntheticDataSet(3000, 2, 3, 5, 20, 200);
    const ds = { D, values, offsets, lengths, labels };
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const sliced = await scoreInSlices(model, ds).finally(() => clearInterval(ticking));
    const whole = score(model, ds);
    assert.deepEqual(sliced.probabilities, whole.probabilities);
    assert.equal(sliced.loss, whole.loss);
    assert.ok(turns > 0, 'timers ran while it scored');
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    await assert.rejects(scoreInSlices(model, ds, ac.signal), (e: unknown) => e instanceof InterruptedError);
  }
});

test('an abort stops predict\'s loop at the next prediction, whatever scoring queued (a small file gave every row and ended normally)', async () => {
  const { InterruptedError } = await import('../src/errors.js');
  const m = loadModel(model);
  const file = join(ROOT, 'datasets/motion/test.csv');
  const ac = new AbortController();
  let n = 0;
  await assert.rejects(async () => {
    for await (const _ of predict(m, { files: [file], signal: ac.signal })) if (++n === 2) ac.abort();
  }, (e: unknown) => e instanceof InterruptedError);
  assert.equal(n, 2);
});

test('predict --out\'s rows by import: predictionHeader and predictionRow write the CLI\'s CSV byte for byte', async () => {
  const { predictionHeader, predictionRow } = await import('../src/index.js');
  const m = loadModel(model);
  const file = join(ROOT, 'datasets/motion/test.csv');
  let csv = predictionHeader(m);
  for await (const p of predict(m, { files: [file] })) csv += predictionRow(p);
  const cli = cliHere(['predict', '--model', model, file]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(csv, cli.stdout);
});

test('data in memory without labels is predicted: modelInputs takes labels of -1, and score() gives predict\'s probabilities', async () => {
  const { loadDataSet, modelInputs, score } = await import('../src/index.js');
  const m = loadModel(model);
  const file = join(ROOT, 'datasets/motion/test.csv');
  const loaded = await loadDataSet([file], { channels: m.channels });
  const unlabelled = { ...loaded, classes: m.classes, labels: new Int32Array(loaded.labels.length).fill(-1) };
  const s = score(m, modelInputs(m, unlabelled));
  assert.ok(Number.isNaN(s.accuracy));
  const expected: number[] = [];
  for await (const p of predict(m, { files: [file] })) expected.push(...p.probabilities);
  assert.deepEqual([...s.probabilities], expected);
  await assert.rejects(async () => modelInputs(m, { ...unlabelled, labels: new Int32Array(loaded.labels.length).fill(-2) }),
    /labels\[0\] is -2: a label is a class \(0 to \d+\), or -1 for a sequence without one/);
});

test('evaluate, predict and tune given their files where the options go show how they go in; evaluateFile given an array names evaluate', async () => {
  const { evaluate, evaluateFile, tune, UserError } = await import('../src/index.js');
  const m = loadModel(model);
  const refused = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
  const any = (v: unknown) => v as never;
  await assert.rejects(evaluate(m, any(['t.csv'])), refused(/^evaluate\(\) takes its files in its options: \{ files: \["t\.csv"\] \}$/));
  await assert.rejects(evaluate(m, any('t.csv')), refused(/^evaluate\(\) takes its files in its options: \{ files: \["t\.csv"\] \}$/));
  await assert.rejects(async () => { for await (const _ of predict(m, any(['t.csv']))); }, refused(/^predict\(\) takes its files in its options/));
  await assert.rejects(tune(any(['t.csv'])), refused(/^tune\(\) takes its files in its options/));
  await assert.rejects(evaluateFile(m, any(['t.csv'])), refused(/^file is one file path \(got an array\); evaluate\(\) takes several/));
  await assert.rejects(evaluate(m, any(null)), refused(/options must be an object \(got null\)/));
});

test('a model whose forward pass overflows float32 (finite weights near 3e38, no training\'s) is refused in one line naming the sequence, by every way of scoring', async () => {
  const { score } = await import('../src/eval/score.js');
  const { saveModel, evaluate, modelInputs, loadDataSet, UserError } = await import('../src/index.js');
  const m = loadModel(model);
  const huge = { ...m, parameters: new Float32Array(m.parameters.length).fill(3e38) };
  const file = join(ROOT, 'datasets/motion/test.csv');
  const data = modelInputs(huge, await loadDataSet([file], { channels: m.channels }));
  assert.throws(() => score(huge, data), (e: Error) =>
    e instanceof UserError && /^the model's forward pass overflows float32 on sequence 0 of score\(\)'s data, so it gives no probabilities: its weights reach 3\.0e\+38/.test(e.message));
  await assert.rejects(evaluate(huge, { files: [file] }), /test\.csv:2: the model's forward pass overflows float32 on sequence "s001"/);
  const bad = join(dir, 'overflowing.json');
  saveModel(bad, huge);
  const interleaved = join(dir, 'interleaved.csv'); // not streamable: predict loads it whole
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const second = lines.findIndex((l, i) => i > 1 && l.split(',')[0] !== lines[1].split(',')[0]);
  [lines[second - 1], lines[second]] = [lines[second], lines[second - 1]]; // the first sequence's last row after the second's first
  writeFileSync(interleaved, lines.join('\n') + '\n');
  for (const [args, where] of [
    [['predict', '--model', bad, file], 'test.csv:2'],
    [['predict', '--model', bad, interleaved], 'interleaved.csv:2'],
    [['evaluate', '--model', bad, file], 'test.csv:2'],
  ] as const) {
    const out = join(dir, 'never.csv');
    const r = cliHere([...args, ...(args[0] === 'predict' ? ['--out', out] : [])]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^train-signals: [^\\n]*${where.replace('.', '\\.')}: the model's forward pass overflows float32 on sequence "[a-z0-9]+", so it gives no probabilities[^\\n]*restore the model file, or train it again\\n`));
    assert.equal(r.stderr.trim().split('\n').length <= 2, true, r.stderr); // the line, and at most a hint
    assert.equal(existsSync(out), false);
  }
});
