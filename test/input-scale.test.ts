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
const ADVICE = 'where the training data\'s is 1; check that the file is in the training files\' units and prepared as they were ' +
  '(raw values given to a model trained on values normalized one sequence at a time, or the reverse, read so)';
const model = (channels: string[], more: { sequenceNorm?: true; differences?: true } = {}) => ({ channels, normalization: { mean: [0], std: [1] }, ...more });

test('the root mean square of each normalized input channel over a file; 30 or more is warned of, naming the channel, its level or scale, or their differences', () => {
  const tally = scaleTally(2);
  countValues(tally, [3, 40, -4, 30, 0, 0, 9, 9], 2, 2); // steps 1 and 2 of [4][2]
  assert.deepEqual([tally.steps, Array.from(tally.squares)], [2, [16, 900]]);
  assert.equal(scaleWarning('f.csv', tally, model(['a', 'b'])), null, 'a root mean square of 21.2: not far');
  countValues(tally, [0, 80], 0, 1);
  assert.equal(scaleWarning('f.csv', tally, model(['a', 'b'])), `f.csv: its values lie far from the training data's: normalized with the training statistics, their root mean square is 49 for "b", ${ADVICE}`);
  assert.equal(scaleWarning('f.csv', tally, { ...model(['a', 'b']), normalization: null }), null, 'a model that does not normalize: no training scale to compare with');
  assert.equal(scaleWarning('f.csv', scaleTally(2), model(['a', 'b'])), null, 'no values');
  // Each sequence on its own scale (value, level, log scale), then the first differences of all three: 12 inputs of 2 channels.
  const wide = scaleTally(12);
  wide.steps = 1;
  wide.squares.set([0, 0, 1e6, 0, 0, 3e4, 0, 0, 900, 950, 0, 0]);
  assert.equal(scaleWarning('f.csv', wide, model(['a', 'b'], { sequenceNorm: true, differences: true })),
    `f.csv: its values lie far from the training data's: normalized with the training statistics, their root mean square is 1000 for "a"'s level, 173 for "b"'s log scale, ` +
    `31 for "b"'s level (its first differences) and 30 or more for 1 more, ${ADVICE}`);
  const escaped = scaleTally(1);
  countValues(escaped, [100], 0, 1);
  assert.equal(scaleWarning('f\u001b[2J.csv', escaped, model(['\u202ex'])), `f\\u{1b}[2J.csv: its values lie far from the training data's: normalized with the training statistics, their root mean square is 100 for "\\u{202e}x", ${ADVICE}`);
});

test('a file in another unit, or shifted far from the training data, is warned of by train (--test), evaluate and predict; the test file of the same kind is not', async () => {
  const dir = tempDir('scale-');
  const write = (name: string, f: (x: number) => number) => {
    const path = join(dir, name);
    const lines = Array.from({ length: 8 }, (_, k) => [k % 2 ? 'a' : 'b', ...Array.from({ length: 10 }, (_, t) => f(Math.sin(t * (1 + (k % 2)) + k)))].join(','));
    writeFileSync(path, ['label,' + Array.from({ length: 10 }, (_, t) => `t${t}`).join(','), ...lines].join('\n') + '\n');
    return path;
  };
  const [trainFile, same, milli, shifted] = [write('train.csv', (x) => x), write('same.csv', (x) => 0.9 * x), write('milli.csv', (x) => 1000 * x), write('shifted.csv', (x) => x + 50)];
  const trainWarnings: string[] = [];
  const { model: m } = await train({ files: [trainFile], test: [same, milli], ...TINY, onWarning: (w) => trainWarnings.push(w) });
  assert.deepEqual(trainWarnings.map((w) => w.replace(/ is .*/, '')), [`--test ${milli}: its values lie far from the training data's: normalized with the training statistics, their root mean square`]);
  assert.match(trainWarnings[0], /root mean square is \d+ for "t0"|root mean square is \d+ for "value"/);
  const lines: string[] = [];
  await evaluate(m, { files: [same, milli, shifted], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines.map((w) => w.replace(/:.*/, '')), [milli, shifted]);
  assert.ok(lines.every((w) => w.endsWith(ADVICE)), lines.join('\n'));
  // The library's predict tallies each file; the line is scaleWarning's. The CLI prints it, --quiet does not.
  const it = predict(m, { files: [same, milli] });
  let next = await it.next();
  while (!next.done) next = await it.next();
  assert.deepEqual(next.value.files.map((f) => scaleWarning(f.file, f.scale, m)), [null, lines[0]]);
  const modelFile = join(dir, 'm.json');
  saveModel(modelFile, m);
  const run = cli(['predict', '--model', modelFile, same, shifted, '--out', join(dir, 'p.csv')]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stderr.split('\n').filter((l) => l.includes('warning')), [`train-signals: warning: ${lines[1]}`]);
  assert.equal(cli(['predict', '--model', modelFile, shifted, '--out', join(dir, 'q.csv'), '--quiet']).stderr, '');
  assert.ok(readFileSync(join(dir, 'q.csv'), 'utf8').split('\n').length > 8, 'predicted all the same');
});
