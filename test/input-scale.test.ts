// Values far from the training data's (src/eval/input-scale.ts): a file whose channels, normalized with the
// training statistics, have a root mean square of 30 or more (another unit, raw values for a model trained on
// normalized ones) is warned of by train (--test), evaluate and predict.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import { evaluate, predict, scaleWarning } from '../src/index.js';
import { countValues, scaleTally } from '../src/eval/input-scale.js';
import { saveModel } from '../src/io/model-file.js';
import { cliHere } from './helpers/cli-here.js';
import { tempDir } from './helpers/temp.js';

const TINY = { hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 } as const;
const FAR = 'its values lie far from the training data\'s: normalized with the training statistics (which put the training data\'s at 1, a channel constant in training excepted), their root mean square is';
const ADVICE = '; check that the file is in the training files\' units and prepared as they were (such as raw values given to a model trained on values normalized one sequence at a time, or the reverse)';
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const model = (channels: string[], more: { sequenceNorm?: true; differences?: true } = {}) => ({ channels, normalization: { mean: [0], std: [1] }, ...more });

test('the root mean square of each normalized input channel over a file; 30 or more is warned of, naming the channel, its level or scale, or their differences', () => {
  const tally = scaleTally(2);
  countValues(tally, [3, 40, -4, 30, 0, 0, 9, 9], 2, 2); // steps 1 and 2 of [4][2]
  assert.deepEqual([tally.steps, Array.from(tally.squares)], [2, [16, 900]]);
  assert.equal(scaleWarning('f.csv', tally, model(['a', 'b'])), null, 'a root mean square of 21.2: not far');
  countValues(tally, [0, 80], 0, 1);
  assert.equal(scaleWarning('f.csv', tally, model(['a', 'b'])), `f.csv: ${FAR} 49 for "b"${ADVICE}`);
  assert.equal(scaleWarning('f.csv', tally, { ...model(['a', 'b']), normalization: null }), null, 'a model that does not normalize: no training scale to compare with');
  assert.equal(scaleWarning('f.csv', scaleTally(2), model(['a', 'b'])), null, 'no values');
  // Each sequence on its own scale (value, level, log scale), then the first differences of all three: 12 inputs of 2 channels.
  const wide = scaleTally(12);
  countValues(wide, [0, 0, 1000, 0, 0, Math.sqrt(3e4), 0, 0, 30, Math.sqrt(950), 0, 0], 0, 1);
  assert.equal(scaleWarning('f.csv', wide, model(['a', 'b'], { sequenceNorm: true, differences: true })),
    `f.csv: ${FAR} 1000 for "a"'s level, 173 for "b"'s log scale, 31 for "b"'s level (its first differences) and 1 more far out${ADVICE}`);
  // Differences without the sequence's own scale: the second half of the inputs.
  const differenced = scaleTally(2);
  countValues(differenced, [0, 100], 0, 1);
  assert.equal(scaleWarning('f.csv', differenced, model(['a'], { differences: true })), `f.csv: ${FAR} 100 for "a" (its first differences)${ADVICE}`);
  const tied = scaleTally(3);
  countValues(tied, [30, 0, -30], 0, 1);
  assert.equal(scaleWarning('f.csv', tied, model(['a', 'b', 'c'])), `f.csv: ${FAR} 30 for "a" and 30 for "c"${ADVICE}`, 'equal figures in channel order');
  const escaped = scaleTally(1);
  countValues(escaped, [100], 0, 1);
  assert.equal(scaleWarning('f\u001b[2J.csv', escaped, model(['\u202ex'])), `f\\u{1b}[2J.csv: ${FAR} 100 for "\\u{202e}x"${ADVICE}`);
});

test('a file in another unit, or shifted far from the training data, is warned of by train (--test), evaluate and predict; the test file of the same kind is not', async () => {
  const dir = tempDir('scale-');
  const write = (name: string, f: (x: number) => number, T = 10) => {
    const path = join(dir, name);
    const lines = Array.from({ length: 8 }, (_, k) => [k % 2 ? 'a' : 'b', ...Array.from({ length: T }, (_, t) => f(Math.sin(t * (1 + (k % 2)) + k)))].join(','));
    writeFileSync(path, ['label,' + Array.from({ length: T }, (_, t) => `t${t}`).join(','), ...lines].join('\n') + '\n');
    return path;
  };
  const [trainFile, same, milli, shifted] = [write('train.csv', (x) => x), write('same.csv', (x) => 0.9 * x), write('milli.csv', (x) => 1000 * x), write('shifted.csv', (x) => x + 50)];
  const short = write('short.csv', (x) => 1000 * x, 5);
  const trainWarnings: string[] = [];
  const { model: m } = await train({ files: [trainFile], test: [same, short, milli], ...TINY, differences: true, onWarning: (w) => trainWarnings.push(w) });
  // Each --test file's warnings together, lengths first, as evaluate gives them, once the model is trained.
  assert.deepEqual(trainWarnings.map((w) => w.replace(/: .*/, '')), [short, short, milli]);
  assert.match(trainWarnings[0], /differ in length/);
  assert.match(trainWarnings[2], new RegExp(`^.*milli\\.csv: ${esc(FAR)} \\d+ for "value" and \\d+ for "value" \\(its first differences\\)${esc(ADVICE)}$`));
  const lines: string[] = [];
  await evaluate(m, { files: [same, milli, shifted], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines.map((w) => w.replace(/: .*/, '')), [milli, shifted]);
  assert.equal(lines[0], trainWarnings[2], 'train and evaluate say the same of the same file');
  assert.match(lines[1], new RegExp(`: ${esc(FAR)} \\d+ for "value"${esc(ADVICE)}$`), 'a shift leaves the differences as they were');
  // The library's predict tallies each file, streamed or (a long file whose sequences interleave) read whole; the
  // line is scaleWarning's. The CLI prints it, --quiet does not; one legitimate sequence alone is no warning.
  const summaryOf = async (model: typeof m, files: string[]) => {
    const it = predict(model, { files });
    let next = await it.next();
    while (!next.done) next = await it.next();
    return next.value;
  };
  assert.deepEqual((await summaryOf(m, [same, milli])).files.map((f) => scaleWarning(f.file, f.scale, m)), [null, lines[0]]);
  // One value far out names its sequence (its row, its line), read whole or streamed; a file in a thousandth of the unit is flat.
  const marker = join(dir, 'marker.csv');
  const rows = readFileSync(same, 'utf8').split('\n');
  rows[2] = rows[2].replace(/,[^,]*/, ',9999'); // the second sequence's first value
  writeFileSync(marker, rows.join('\n'));
  const thousandth = write('thousandth.csv', (x) => 0.001 * x);
  const later: string[] = [];
  await evaluate(m, { files: [marker, thousandth], onWarning: (w) => later.push(w) });
  assert.equal(later.length, 2, later.join('\n'));
  assert.match(later[0], /marker\.csv: 1 of its 8 sequences holds values far from the training data's: .*, the root mean square of it, "2" \(line 3\), is \d+ for "value"( \(its first differences\))?; check it for values that are no readings/);
  assert.match(later[1], /thousandth\.csv: its values hardly vary: .*their standard deviation over the file is at most 0\.00\d+ on every channel; /);
  assert.deepEqual((await summaryOf(m, [marker, thousandth])).files.map((f) => scaleWarning(f.file, f.scale, m)), later, 'predict says the same');
  const longTrain = join(dir, 'long.csv');
  const interleaved = join(dir, 'interleaved.csv');
  const longRows = (scale: number, order: number[]) => 'id,label,value\n' + order.map((k, r) => `s${k},${k % 2 ? 'a' : 'b'},${scale * Math.sin(r + k)}`).join('\n') + '\n';
  writeFileSync(longTrain, longRows(1, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]));
  writeFileSync(interleaved, longRows(1000, [0, 0, 1, 1, 0, 1]));
  const { model: longModel } = await train({ files: [longTrain], ...TINY });
  const whole = (await summaryOf(longModel, [interleaved])).files[0];
  assert.equal(whole.streamed, false);
  assert.match(scaleWarning(whole.file, whole.scale, longModel) ?? '', new RegExp(`${esc(FAR)} \\d+ for "value"`));
  const modelFile = join(dir, 'm.json');
  saveModel(modelFile, m);
  const run = cliHere(['predict', '--model', modelFile, same, shifted, '--out', join(dir, 'p.csv')]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stderr.split('\n').filter((l) => l.includes('warning')), [`train-signals: warning: ${lines[1]}`]);
  const both = cliHere(['predict', '--model', modelFile, short, '--out', join(dir, 'b.csv')]);
  assert.deepEqual(both.stderr.split('\n').filter((l) => l.includes('warning')).map((l) => /differ in length|lie far/.exec(l)?.[0]), ['differ in length', 'lie far'], 'lengths, then values, as evaluate');
  assert.equal(cliHere(['predict', '--model', modelFile, shifted, '--out', join(dir, 'q.csv'), '--quiet']).stderr, '');
  assert.ok(readFileSync(join(dir, 'q.csv'), 'utf8').split('\n').length > 8, 'predicted all the same');
  const one = join(dir, 'one.csv');
  writeFileSync(one, readFileSync(same, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
  const single: string[] = [];
  await evaluate(m, { files: [one], onWarning: (w) => single.push(w) });
  assert.deepEqual(single, [], 'one sequence of the same kind');
});

test('one sequence far out is named as such, not taken for the file\'s unit, however large the file; a file that hardly varies is warned of too', () => {
  const m = model(['a', 'b']);
  const tally = scaleTally(2);
  for (let n = 0; n < 999; n++) countValues(tally, [1, -1, -1, 1], 0, 2, { id: String(n + 1), line: n + 2 });
  countValues(tally, [9999, 0, 0, 0], 0, 2, { id: 'r7', line: 1002 });
  countValues(tally, [1, 0, 0, 900], 0, 2, { id: 'r8', line: 1003 });
  assert.equal(scaleWarning('f.csv', tally, m),
    'f.csv: 2 of its 1001 sequences hold values far from the training data\'s: normalized with the training statistics (which put the training data\'s at 1, a channel constant in training excepted), ' +
    'the root mean square of the first, "r7" (line 1002), is 7070 for "a"; check them for values that are no readings (a marker such as 9999 or -999) or in another unit, since the model\'s answers there mean little');
  const once = scaleTally(2);
  countValues(once, [1, -1, 3e30, 1], 0, 2, { id: 'x', line: 0 });
  countValues(once, [1, -1, -1, 1], 0, 2);
  countValues(once, [1, -1, -1, 1], 0, 2);
  assert.match(scaleWarning('f.csv', once, m) ?? '', /^f\.csv: 1 of its 3 sequences holds values .*, the root mean square of it, "x", is 2\.1e\+30 for "a"; check it for .* since the model's answer there means little$/);
  // Half the sequences far out on a channel: the file is.
  const half = scaleTally(2);
  countValues(half, [1, 50, -1, 50], 0, 2);
  countValues(half, [1, 1, -1, -1], 0, 2);
  assert.match(scaleWarning('f.csv', half, m) ?? '', new RegExp(`^f\\.csv: ${esc(FAR)} 35 for "b"${esc(ADVICE)}$`));
  // Every channel within a hundredth of the training spread: flat, whatever its offset.
  const flat = scaleTally(2);
  for (let n = 0; n < 5; n++) countValues(flat, [0.003, 2, -0.003, 2.01], 0, 2);
  assert.equal(scaleWarning('f.csv', flat, m), 'f.csv: its values hardly vary: normalized with the training statistics (which put the training data\'s at 1, a channel constant in training excepted), ' +
    'their standard deviation over the file is at most 0.005 on every channel; check that the file is in the training files\' units (such as V given to a model trained on mV), unless it is a recording in which nothing moved');
  countValues(flat, [0.003, 2, -0.003, 2.3], 0, 2);
  assert.equal(scaleWarning('f.csv', flat, m), null, 'one channel that varies');
  assert.throws(() => scaleWarning('f.csv', { steps: 1, squares: new Float64Array(1) } as never, m), /scaleWarning\(\) takes a file's tally as predict\(\) returns it/);
  const step = scaleTally(2);
  countValues(step, [0, 0], 0, 1);
  assert.equal(scaleWarning('f.csv', step, m), null, 'a single step has no spread to speak of');
});

test('a model that puts each sequence on its own scale: a large change of unit shows in its level', async () => {
  const dir = tempDir('scale-');
  const write = (name: string, scale: number, phase = 0) => {
    const path = join(dir, name);
    const lines = Array.from({ length: 8 }, (_, k) => [k % 2 ? 'a' : 'b', ...Array.from({ length: 10 }, (_, t) => scale * (3 + k + Math.sin(t * (1 + (k % 2)) + k + phase)))].join(','));
    writeFileSync(path, ['label,' + Array.from({ length: 10 }, (_, t) => `t${t}`).join(','), ...lines].join('\n') + '\n');
    return path;
  };
  const { model } = await train({ files: [write('train.csv', 1)], ...TINY, sequenceNorm: true, differences: false });
  const lines: string[] = [];
  await evaluate(model, { files: [write('same.csv', 1, 0.5), write('kilo.csv', 1000)], onWarning: (w) => lines.push(w) });
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], new RegExp(`kilo\\.csv: ${esc(FAR)} \\d+ for "value"'s level and \\d+ for "value"'s log scale${esc(ADVICE)}$`));
});
