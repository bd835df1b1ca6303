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
import { cli } from './helpers/cli.js';
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
  wide.steps = 1;
  wide.squares.set([0, 0, 1e6, 0, 0, 3e4, 0, 0, 900, 950, 0, 0]);
  assert.equal(scaleWarning('f.csv', wide, model(['a', 'b'], { sequenceNorm: true, differences: true })),
    `f.csv: ${FAR} 1000 for "a"'s level, 173 for "b"'s log scale, 31 for "b"'s level (its first differences) and 1 more at 30 or more${ADVICE}`);
  // Differences without the sequence's own scale: the second half of the inputs.
  const differenced = scaleTally(2);
  differenced.steps = 1;
  differenced.squares.set([0, 1e4]);
  assert.equal(scaleWarning('f.csv', differenced, model(['a'], { differences: true })), `f.csv: ${FAR} 100 for "a" (its first differences)${ADVICE}`);
  const tied = scaleTally(3);
  tied.steps = 1;
  tied.squares.set([900, 0, 900]);
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
  // Each --test file's warnings together, lengths first, as evaluate gives them.
  assert.deepEqual(trainWarnings.map((w) => w.replace(/: .*/, '')), [`--test ${short}`, `--test ${short}`, `--test ${milli}`]);
  assert.match(trainWarnings[0], /differ in length/);
  assert.match(trainWarnings[2], new RegExp(`^--test .*milli\\.csv: ${esc(FAR)} \\d+ for "value" and \\d+ for "value" \\(its first differences\\)${esc(ADVICE)}$`));
  const lines: string[] = [];
  await evaluate(m, { files: [same, milli, shifted], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines.map((w) => w.replace(/: .*/, '')), [milli, shifted]);
  assert.equal(lines[0], trainWarnings[2].replace(`--test ${milli}`, milli), 'train and evaluate say the same of the same file');
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
  const run = cli(['predict', '--model', modelFile, same, shifted, '--out', join(dir, 'p.csv')]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stderr.split('\n').filter((l) => l.includes('warning')), [`train-signals: warning: ${lines[1]}`]);
  const both = cli(['predict', '--model', modelFile, short, '--out', join(dir, 'b.csv')]);
  assert.deepEqual(both.stderr.split('\n').filter((l) => l.includes('warning')).map((l) => /differ in length|lie far/.exec(l)?.[0]), ['differ in length', 'lie far'], 'lengths, then values, as evaluate');
  assert.equal(cli(['predict', '--model', modelFile, shifted, '--out', join(dir, 'q.csv'), '--quiet']).stderr, '');
  assert.ok(readFileSync(join(dir, 'q.csv'), 'utf8').split('\n').length > 8, 'predicted all the same');
  const one = join(dir, 'one.csv');
  writeFileSync(one, readFileSync(same, 'utf8').split('\n').slice(0, 2).join('\n') + '\n');
  const single: string[] = [];
  await evaluate(m, { files: [one], onWarning: (w) => single.push(w) });
  assert.deepEqual(single, [], 'one sequence of the same kind');
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
