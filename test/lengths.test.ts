// Lengths the model never trained on (src/eval/lengths.ts): the model records its training sequences' shortest and
// longest, and evaluate, predict and train's --test warn of a file whose sequences lie outside them (one length
// trained: any other; lengths that differed: under half the shortest or over twice the longest).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import { evaluate, predict, trainedLengths, unseenLengthsWarning } from '../src/index.js';
import { lengthBand, lengthsRecord, tallyLengths } from '../src/eval/lengths.js';
import { saveModel } from '../src/io/model-file.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const TINY = { hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 } as const;
const ADVICE = 'check that it holds the same kind of recording as the training files (the same columns, sampling rate and span), since a model learns the lengths it is trained on';

test('the band of lengths read without a warning: the one training length, or half the shortest to twice the longest', () => {
  assert.deepEqual(lengthsRecord([128, 128, 128]), { shortest: 128, longest: 128 });
  assert.deepEqual(lengthsRecord(Int32Array.from([40, 80, 55])), { shortest: 40, longest: 80 });
  assert.deepEqual(lengthBand({ shortest: 128, longest: 128 }), { low: 128, high: 128 });
  assert.deepEqual(lengthBand({ shortest: 29, longest: 361 }), { low: 14.5, high: 722 });
  const equal = { shortest: 128, longest: 128 };
  assert.deepEqual(tallyLengths([128, 127, 128, 129, 64], equal), { sequences: 5, unseen: 3, unseenShortest: 64, unseenLongest: 129 });
  const ragged = { shortest: 40, longest: 80 };
  assert.deepEqual(tallyLengths([20, 160, 30, 19, 161, 100], ragged), { sequences: 6, unseen: 2, unseenShortest: 19, unseenLongest: 161 }, 'the band\'s ends are inside it');
  assert.deepEqual(tallyLengths([5, 500], null), { sequences: 2, unseen: 0, unseenShortest: 0, unseenLongest: 0 }, 'no record: nothing unseen');
});

test('the warning says how many sequences, their lengths and the training lengths; none where all are within them or the model records none', () => {
  const equal = { shortest: 128, longest: 128 };
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([63, 63], equal), equal), `t.csv: its 2 sequences have 63 samples, where every training sequence has 128: ${ADVICE}`);
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([129], equal), equal), `t.csv: its sequence has 129 samples, where every training sequence has 128: ${ADVICE}`);
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([128, 100, 140], equal), equal), `t.csv: 2 of its 3 sequences have 100–140 samples, where every training sequence has 128: ${ADVICE}`);
  const ragged = { shortest: 29, longest: 361 };
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([30, 800, 900], ragged), ragged),
    `t.csv: 2 of its 3 sequences have 800–900 samples, under half the shortest or over twice the longest training sequence (29–361 samples): ${ADVICE}`);
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([15, 722, 361], ragged), ragged), null);
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([128, 128], equal), equal), null);
  assert.equal(unseenLengthsWarning('t.csv', tallyLengths([5], null), null), null);
  assert.equal(unseenLengthsWarning('a\u001b[2Jb.csv', tallyLengths([5], equal), equal)?.startsWith('a\\u{1b}[2Jb.csv: '), true, 'a file name cannot act on the terminal');
  // A record of another form than train() writes (a file edited by hand, a model of an earlier version) is no record.
  for (const lengths of [undefined, null, 128, { shortest: 128 }, { shortest: 0, longest: 4 }, { shortest: 5, longest: 4 }, { shortest: 1.5, longest: 4 }, { shortest: '1', longest: 4 }]) {
    assert.equal(trainedLengths({ training: { lengths } }), null, JSON.stringify(lengths));
  }
  assert.deepEqual(trainedLengths({ training: { lengths: { shortest: 3, longest: 7 } } }), { shortest: 3, longest: 7 });
});

test('a file of other lengths than the training data is warned of by train (--test), evaluate and predict, and info shows the lengths (a file cut to half its samples, or with one column too many, scored with no word)', async () => {
  const dir = tempDir('lengths-');
  const rows = (T: number, n: number) => Array.from({ length: n }, (_, k) => [k % 2 ? 'a' : 'b', ...Array.from({ length: T }, (_, t) => Math.sin(t * (1 + (k % 2)) + k))].join(','));
  const header = (T: number) => ['label', ...Array.from({ length: T }, (_, t) => `t${t}`)].join(',');
  const file = (name: string, T: number, n: number) => {
    const path = join(dir, name);
    writeFileSync(path, [header(T), ...rows(T, n)].join('\n') + '\n');
    return path;
  };
  const [trainFile, same, half, extra] = [file('train.csv', 12, 8), file('same.csv', 12, 4), file('half.csv', 6, 4), file('extra.csv', 13, 4)];
  const trainWarnings: string[] = [];
  const { model } = await train({ files: [trainFile], test: [same, half], ...TINY, onWarning: (w) => trainWarnings.push(w) });
  assert.deepEqual(model.training['lengths'], { shortest: 12, longest: 12 });
  assert.deepEqual(trainWarnings, [`--test ${half}: its 4 sequences have 6 samples, where every training sequence has 12: ${ADVICE}`]);
  const lines: string[] = [];
  await evaluate(model, { files: [same, half, extra], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines, [
    `${half}: its 4 sequences have 6 samples, where every training sequence has 12: ${ADVICE}`,
    `${extra}: its 4 sequences have 13 samples, where every training sequence has 12: ${ADVICE}`,
  ]);
  // The library's predict gives each file's tally; the line is unseenLengthsWarning's.
  const it = predict(model, { files: [same, extra] });
  let next = await it.next();
  while (!next.done) next = await it.next();
  const summary = next.value;
  assert.deepEqual(summary.files.map((f) => unseenLengthsWarning(f.file, f.lengths, trainedLengths(model))), [null, `${extra}: its 4 sequences have 13 samples, where every training sequence has 12: ${ADVICE}`]);
  // The CLI: predict warns, --quiet does not; info says the lengths; a model without the record warns of nothing.
  const modelFile = join(dir, 'm.json');
  saveModel(modelFile, model);
  const run = cli(['predict', '--model', modelFile, same, half, '--out', join(dir, 'p.csv')]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`^train-signals: warning: .*half\\.csv: its 4 sequences have 6 samples, where every training sequence has 12: `, 'm'));
  assert.doesNotMatch(run.stderr, /same\.csv: its/);
  assert.deepEqual(cli(['predict', '--model', modelFile, half, '--out', join(dir, 'q.csv'), '--quiet']).stderr, '');
  assert.match(cli(['info', modelFile]).stdout, /trained on: .*train\.csv \(8 sequences of 12 samples\)/);
  const old = JSON.parse(readFileSync(modelFile, 'utf8'));
  delete old.training.lengths;
  delete old.checksum;
  const oldFile = join(dir, 'old.json');
  writeFileSync(oldFile, JSON.stringify(old));
  const quiet: string[] = [];
  await evaluate({ ...model, training: old.training }, { files: [half], onWarning: (w) => quiet.push(w) });
  assert.deepEqual(quiet, [], 'an older model records no lengths');
  assert.match(cli(['info', oldFile]).stdout, /trained on: .*train\.csv \(8 sequences\)\n/);
});

test('ragged training data: lengths a little past their range are no warning, half the shortest or twice the longest are', async () => {
  const dir = tempDir('lengths-');
  const write = (name: string, lengths: number[]) => {
    const path = join(dir, name);
    const lines = lengths.flatMap((T, k) => Array.from({ length: T }, (_, t) => `s${k},${k % 2 ? 'a' : 'b'},${Math.sin(t / (1 + (k % 2)))}`));
    writeFileSync(path, ['id,label,value', ...lines].join('\n') + '\n');
    return path;
  };
  const { model } = await train({ files: [write('train.csv', [10, 14, 20, 12])], ...TINY });
  assert.deepEqual(trainedLengths(model), { shortest: 10, longest: 20 });
  const lines: string[] = [];
  await evaluate(model, { files: [write('near.csv', [5, 9, 25, 40]), write('far.csv', [4, 12, 41])], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines, [`${join(dir, 'far.csv')}: 2 of its 3 sequences have 4–41 samples, under half the shortest or over twice the longest training sequence (10–20 samples): ${ADVICE}`]);
});
