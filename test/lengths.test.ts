// Lengths the model never trained on (src/eval/lengths.ts): the model records its training sequences' shortest and
// longest, and evaluate, predict and train's --test warn of a file whose sequences lie outside them (one length
// trained: any other; lengths that differed: under half the shortest or over twice the longest).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { train } from '../src/train/train.js';
import { evaluate, lengthsWarning, loadDataSet, predict, trainedLengths } from '../src/index.js';
import { cutShortWarnings } from '../src/data/cut-short.js';
import { lengthBand, lengthsRecord, tallyLengths, unseenLengthsWarning } from '../src/eval/lengths.js';
import { saveModel } from '../src/io/model-file.js';
import { cliHere } from './helpers/cli-here.js';
import { tempDir } from './helpers/temp.js';

const TINY = { hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 } as const;
const ADVICE = 'check that it holds the same kind of recording as the training files (the same columns, sampling rate and span), since a model learns the lengths it is trained on';
const side = (count: number, shortest: number, longest: number) => ({ count, shortest, longest });
const NONE = side(0, 0, 0);

test('the band of lengths read without a warning: the one training length, or half the shortest to twice the longest', () => {
  assert.deepEqual(lengthsRecord([128, 128, 128]), { shortest: 128, longest: 128 });
  assert.deepEqual(lengthsRecord(Int32Array.from([40, 80, 55])), { shortest: 40, longest: 80 });
  assert.deepEqual(lengthBand({ shortest: 128, longest: 128 }), { low: 128, high: 128 });
  assert.deepEqual(lengthBand({ shortest: 29, longest: 361 }), { low: 14.5, high: 722 });
  const equal = { shortest: 128, longest: 128 };
  assert.deepEqual(tallyLengths([128, 127, 128, 129, 64], equal), { sequences: 5, below: side(2, 64, 127), above: side(1, 129, 129), shorter: NONE, longer: NONE });
  const ragged = { shortest: 40, longest: 80 };
  assert.deepEqual(tallyLengths([20, 160, 30, 19, 161, 100, 33, 101], ragged), { sequences: 8, below: side(1, 19, 19), above: side(1, 161, 161), shorter: side(3, 19, 30), longer: side(3, 101, 161) }, 'the band\'s ends are inside it; a quarter past the range counts, not less');
  assert.deepEqual(tallyLengths([5, 500], null), { sequences: 2, below: NONE, above: NONE, shorter: NONE, longer: NONE }, 'no record: nothing unseen');
});

test('the warning says how many sequences, their lengths and the training lengths; none where all are within them or the model records none', () => {
  const equal = { shortest: 128, longest: 128 };
  const warn = (lengths: number[], t: { shortest: number; longest: number } | null, resample = 0) => unseenLengthsWarning('t.csv', tallyLengths(lengths, t), t, resample);
  assert.equal(warn([63, 63], equal), `t.csv: all 2 of its sequences differ in length from the training sequences, which all have 128 samples: 2 shorter (63 samples); ${ADVICE}`);
  assert.equal(warn([129], equal), `t.csv: its sequence differs in length from the training sequences, which all have 128 samples: 1 longer (129 samples); ${ADVICE}`);
  assert.equal(warn([128, 100, 140, 128], equal), `t.csv: 2 of its 4 sequences differ in length from the training sequences, which all have 128 samples: 1 shorter (100 samples), 1 longer (140 samples); ${ADVICE}`);
  assert.equal(warn([150, 1], { shortest: 150, longest: 150 }), `t.csv: 1 of its 2 sequences differs in length from the training sequences, which all have 150 samples: 1 shorter (1 sample); ${ADVICE}`);
  assert.equal(warn([2, 2], { shortest: 1, longest: 1 }), `t.csv: all 2 of its sequences differ in length from the training sequences, which all have 1 sample: 2 longer (2 samples); ${ADVICE}`);
  const ragged = { shortest: 29, longest: 361 };
  assert.equal(warn([30, 800, 900, 3], ragged),
    `t.csv: 3 of its 4 sequences lie far outside the training lengths (29–361 samples): 1 under half the shortest (3 samples), 2 over twice the longest (800–900 samples); ${ADVICE}`);
  assert.equal(warn([800], ragged), `t.csv: its sequence lies far outside the training lengths (29–361 samples): 1 over twice the longest (800 samples); ${ADVICE}`);
  assert.equal(warn([64], equal, 128), 't.csv: its sequence differs in length from the training sequences, which all have 128 samples: 1 shorter (64 samples); check that it holds the same kind of recording ' +
    'as the training files (the same columns, sampling rate and span), since every sequence is resampled to 128 samples, so a recording of another span reaches the model at another speed than the training data did');
  assert.equal(warn([15, 722, 361, 100, 200], ragged), null);
  // A quarter past the range but within the band: half or more of a file of three or more (another sampling rate),
  // not a few, nor one or two alone (a held-out sequence lies past the range of N training sequences with odds 2/(N + 1)).
  const motion = { shortest: 40, longest: 80 };
  const well = (k: string, n: string) => `t.csv: ${k} of its ${n} sequences lie well outside the training lengths (40–80 samples): `;
  assert.equal(warn([101, 110, 120, 60], motion), `${well('3', '4')}3 a quarter or more longer than the longest (101–120 samples); ${ADVICE}`);
  assert.equal(warn([30, 150, 120], motion), `t.csv: all 3 of its sequences lie well outside the training lengths (40–80 samples): 1 a quarter or more shorter than the shortest (30 samples), 2 a quarter or more longer than the longest (120–150 samples); ${ADVICE}`);
  assert.equal(warn([90, 95, 99, 100], motion), null, 'past the range, not a quarter past it');
  assert.equal(warn([101, 105], motion), null, 'two alone');
  assert.equal(warn([101, 105, 110, 60, 60, 60, 60], motion), null, 'fewer than half');
  assert.equal(warn([200, 100, 60, 60], motion), `t.csv: 1 of its 4 sequences lies far outside the training lengths (40–80 samples): 1 over twice the longest (200 samples); ${ADVICE}`, 'beyond the band: those alone');
  assert.equal(warn([128, 128], equal), null);
  assert.equal(warn([5], null), null);
  assert.equal(unseenLengthsWarning('a\u001b[2Jb.csv', tallyLengths([5], equal), equal)?.startsWith('a\\u{1b}[2Jb.csv: '), true, 'a file name cannot act on the terminal');
  // A record of another form than train() writes (a file edited by hand, a model of an earlier version) is no record.
  for (const lengths of [undefined, null, 128, [1, 2], { shortest: 128 }, { shortest: 0, longest: 4 }, { shortest: 5, longest: 4 }, { shortest: 1.5, longest: 4 }, { shortest: '1', longest: 4 }, { shortest: 1, longest: 1e21 }]) {
    assert.equal(trainedLengths({ training: { lengths } }), null, JSON.stringify(lengths));
  }
  assert.deepEqual(trainedLengths({ training: { lengths: { shortest: 3, longest: 7 } } }), { shortest: 3, longest: 7 });
});

test('a file of other lengths than the training data is warned of by train (--test), evaluate and predict, and info shows the lengths (a file cut to half its samples, or with one column too many, was scored without a word)', async () => {
  const dir = tempDir('lengths-');
  // Each file its own phase: no file holds a training sequence (evaluate's warning of those is not this test's).
  const rows = (T: number, n: number, phase: number) => Array.from({ length: n }, (_, k) => [k % 2 ? 'a' : 'b', ...Array.from({ length: T }, (_, t) => Math.sin(t * (1 + (k % 2)) + k + phase))].join(','));
  const header = (T: number) => ['label', ...Array.from({ length: T }, (_, t) => `t${t}`)].join(',');
  let files = 0;
  const file = (name: string, T: number, n: number) => {
    const path = join(dir, name);
    writeFileSync(path, [header(T), ...rows(T, n, files++ / 10)].join('\n') + '\n');
    return path;
  };
  const [trainFile, same, half, extra] = [file('train.csv', 12, 8), file('same.csv', 12, 4), file('half.csv', 6, 4), file('extra.csv', 13, 4)];
  const differ = (f: string, n: number, side: string) => `${f}: all ${n} of its sequences differ in length from the training sequences, which all have 12 samples: ${side}; ${ADVICE}`;
  const trainWarnings: string[] = [];
  const { model } = await train({ files: [trainFile], test: [same, half], ...TINY, onWarning: (w) => trainWarnings.push(w) });
  assert.deepEqual(model.training['lengths'], { shortest: 12, longest: 12 });
  assert.deepEqual(trainWarnings, [differ(half, 4, '4 shorter (6 samples)')]);
  const lines: string[] = [];
  await evaluate(model, { files: [same, half, extra], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines, [differ(half, 4, '4 shorter (6 samples)'), differ(extra, 4, '4 longer (13 samples)')]);
  // A sequence cut short (its file's last line, without a line end) has its own warning, not this one too.
  const cut = join(dir, 'cut.csv');
  writeFileSync(cut, readFileSync(same, 'utf8').replace(/(,[^,\n]*){3}\n$/, ''));
  const cutLines: string[] = [];
  await evaluate(model, { files: [cut], onWarning: (w) => cutLines.push(w) });
  assert.deepEqual(cutLines.map((w) => w.replace(/:.*/, '')), [cut], 'one warning');
  assert.match(cutLines[0], /its last line \(5\) has no line end/);
  // Told as the file is read, so of a gzip file too (its last byte is none of the text's; so are a pipe's and stdin's).
  const gz = `${cut}.gz`;
  writeFileSync(gz, gzipSync(readFileSync(cut)));
  const gzLines: string[] = [];
  await evaluate(model, { files: [gz], onWarning: (w) => gzLines.push(w) });
  assert.deepEqual(gzLines, cutLines.map((w) => w.replace(cut, gz)));
  // Cut short and of other lengths: the cut sequence counts among the file's, not among those of other lengths.
  const halfCut = join(dir, 'half-cut.csv');
  writeFileSync(halfCut, readFileSync(half, 'utf8').replace(/(,[^,\n]*){3}\n$/, ''));
  const both: string[] = [];
  await evaluate(model, { files: [halfCut], onWarning: (w) => both.push(w) });
  assert.deepEqual(both.map((w) => /its last line \(5\) has no line end|3 of its 4 sequences differ in length .*: 3 shorter \(6 samples\)/.exec(w)?.[0] ?? w), [
    'its last line (5) has no line end', '3 of its 4 sequences differ in length from the training sequences, which all have 12 samples: 3 shorter (6 samples)',
  ]);
  // train's --test says of a file what evaluate says, once the model is trained: a sequence cut short as such.
  const testCut: string[] = [];
  await train({ files: [trainFile], test: [halfCut], ...TINY, onWarning: (w) => testCut.push(w) });
  assert.deepEqual(testCut, both);
  // With --resample given, or chosen by auto on training lengths that differ, it says why as evaluate does.
  const resampled: string[] = [];
  await train({ files: [trainFile], test: [half], ...TINY, resample: 24, onWarning: (w) => resampled.push(w) });
  assert.deepEqual(resampled.map((w) => w.replace(/^.*, since /, '')), ['every sequence is resampled to 24 samples, so a recording of another span reaches the model at another speed than the training data did']);
  const long = file('long.csv', 30, 4);
  const auto: string[] = [];
  const { model: autoModel } = await train({ files: [trainFile, half], test: [long], ...TINY, onWarning: (w) => auto.push(w) });
  assert.equal(autoModel.resample, 12);
  assert.deepEqual(auto.map((w) => w.replace(/^.*, since /, '')), ['every sequence is resampled to 12 samples, so a recording of another span reaches the model at another speed than the training data did']);
  // A training file cut short: its cut sequence is not among the lengths the model records.
  const trainCut = join(dir, 'train-cut.csv');
  writeFileSync(trainCut, readFileSync(trainFile, 'utf8').replace(/(,[^,\n]*){3}\n$/, ''));
  const { model: cutModel } = await train({ files: [trainCut], ...TINY, resample: 0 });
  assert.deepEqual(cutModel.training['lengths'], { shortest: 12, longest: 12 });
  // The library's predict gives each file's tally, streamed or (a long file whose sequences interleave) read whole;
  // the line is lengthsWarning's.
  const interleaved = join(dir, 'interleaved.csv');
  writeFileSync(interleaved, 'id,label,value\n' + [...[0, 1, 2].map((t) => `s0,a,${t}`), ...[0, 1].map((t) => `s1,b,${t}`), 's0,a,3'].join('\n') + '\n');
  const { model: longModel } = await train({ files: [interleaved], ...TINY, epochs: 1 });
  assert.deepEqual(trainedLengths(longModel), { shortest: 2, longest: 4 });
  const summaryOf = async (m: typeof model, files: string[]) => {
    const it = predict(m, { files });
    let next = await it.next();
    while (!next.done) next = await it.next();
    return next.value;
  };
  const summary = await summaryOf(model, [same, extra]);
  assert.deepEqual(summary.files.map((f) => lengthsWarning(f.file, f.lengths, model)), [null, differ(extra, 4, '4 longer (13 samples)')]);
  const whole = await summaryOf({ ...longModel, training: { lengths: { shortest: 1, longest: 1 } } }, [interleaved]);
  assert.deepEqual([whole.files[0].streamed, whole.files[0].lengths], [false, { sequences: 2, below: NONE, above: side(2, 2, 4), shorter: NONE, longer: NONE }]);
  // The CLI: predict warns (to a file or to stdout), --quiet does not; info says the lengths; a model without the
  // record warns of nothing.
  const modelFile = join(dir, 'm.json');
  saveModel(modelFile, model);
  const run = cliHere(['predict', '--model', modelFile, same, half, '--out', join(dir, 'p.csv')]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr.split('\n').filter((l) => l.startsWith('train-signals: warning: ')).join('\n'), `train-signals: warning: ${differ(half, 4, '4 shorter (6 samples)')}`);
  const toStdout = cliHere(['predict', '--model', modelFile, extra]);
  assert.match(toStdout.stderr, /^train-signals: warning: .*extra\.csv: all 4 of its sequences differ in length/m);
  assert.deepEqual(cliHere(['predict', '--model', modelFile, half, '--out', join(dir, 'q.csv'), '--quiet']).stderr, '');
  assert.match(cliHere(['info', modelFile]).stdout, /trained on: .*train\.csv \(8 sequences of 12 samples\)/);
  const old = JSON.parse(readFileSync(modelFile, 'utf8'));
  delete old.training.lengths;
  delete old.checksum;
  const oldFile = join(dir, 'old.json');
  writeFileSync(oldFile, JSON.stringify(old));
  const quiet = cliHere(['evaluate', '--model', oldFile, half]);
  assert.deepEqual([quiet.code, quiet.stderr], [0, ''], 'an older model records no lengths');
  assert.match(cliHere(['info', oldFile]).stdout, /trained on: .*train\.csv \(8 sequences\)\n/);
});

test('ragged training data: lengths a little past their range are no warning, most of a file well past it or any under half the shortest or over twice the longest are', async () => {
  const dir = tempDir('lengths-');
  const write = (name: string, lengths: number[]) => {
    const path = join(dir, name);
    const phase = name.length / 10; // no file holds a training sequence
    const lines = lengths.flatMap((T, k) => Array.from({ length: T }, (_, t) => `s${k},${k % 2 ? 'a' : 'b'},${Math.sin(t / (1 + (k % 2)) + phase)}`));
    writeFileSync(path, ['id,label,value', ...lines].join('\n') + '\n');
    return path;
  };
  const { model } = await train({ files: [write('train.csv', [10, 14, 20, 12])], ...TINY });
  assert.deepEqual(trainedLengths(model), { shortest: 10, longest: 20 });
  const lines: string[] = [];
  await evaluate(model, { files: [write('near.csv', [5, 15, 25, 12, 18]), write('far.csv', [4, 12, 41]), write('faster.csv', [26, 30, 35, 15])], onWarning: (w) => lines.push(w) });
  // Ragged lengths and no selection: --resample auto resamples to their median.
  const why = 'check that it holds the same kind of recording as the training files (the same columns, sampling rate and span), since every sequence is resampled to 13 samples, ' +
    'so a recording of another span reaches the model at another speed than the training data did';
  assert.deepEqual(lines, [
    `${join(dir, 'far.csv')}: 2 of its 3 sequences lie far outside the training lengths (10–20 samples): 1 under half the shortest (4 samples), 1 over twice the longest (41 samples); ${why}`,
    `${join(dir, 'faster.csv')}: 3 of its 4 sequences lie well outside the training lengths (10–20 samples): 3 a quarter or more longer than the longest (26–35 samples); ${why}`,
  ]);
});

// A review's finds: a file that ends with a line end and then a Ctrl-Z, blanks, or a comment line without one was
// said to be cut short; a long file's warning named its last sequence's first line as the file's last.
test('cut short: only a last line of data without a line end counts, and the warning names that line', async () => {
  const dir = tempDir('ts-cut-');
  const rows = Array.from({ length: 6 }, (_, k) => `${'ab'[k % 2]},${Array.from({ length: 10 }, (_, t) => (k % 2 ? 9 - t : t)).join(',')}`);
  const header = `label,${Array.from({ length: 10 }, (_, t) => `t${t}`).join(',')}`;
  const warned = async (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return cutShortWarnings(await loadDataSet([path]));
  };
  const whole = [...rows, 'a,1,2,3'];
  assert.deepEqual(await warned('ctrl-z.csv', `${header}\r\n${whole.join('\r\n')}\r\n\x1a`), []);
  assert.deepEqual(await warned('blanks.csv', `${header}\n${whole.join('\n')}\n   `), []);
  const series = whole.map((r) => `${r.slice(2)}:${r[0]}`);
  assert.deepEqual(await warned('comment.ts', `@classLabel true a b\n@data\n${series.join('\n')}\n# a comment`), []);
  assert.match((await warned('cut.ts', `@classLabel true a b\n@data\n${series.join('\n')}`))[0], /cut\.ts: its last line \(9\) has no line end/);
  const attributes = Array.from({ length: 10 }, (_, t) => `@attribute t${t} numeric\n`).join('');
  const arff = whole.map((r) => { const [label, ...v] = r.split(','); return [...v, ...Array(10 - v.length).fill('?'), label].join(','); });
  assert.deepEqual(await warned('comment.arff', `@relation x\n${attributes}@attribute class {a,b}\n@data\n${arff.join('\n')}\n% a comment`), []);
  const long = ['id,t,x,label', ...[0, 1, 2, 3].flatMap((k) => [0, 1, 2, 3, 4, 5].map((t) => `s${k},${t},${t * k},${'ab'[k % 2]}`)), 's4,0,1,a', 's4,1,2,a'];
  assert.deepEqual(await warned('long.csv', long.join('\n')), [
    `${join(dir, 'long.csv')}: its last line (27) has no line end, and its sequence is shorter than every other in the file (2 steps, the others 6 or more): is the file cut short? Complete it, or end the line if it is whole`,
  ]);
});
