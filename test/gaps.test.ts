// Values missing inside a sequence: filled by every reader as gaps.ts says (linearly between the read values
// beside a gap, the nearest read value at an end), counted, warned of on every path a file is read, and refused
// with --gaps refuse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillGaps, gapsWarning } from '../src/data/gaps.js';
import { loadDataSet, streamFile } from '../src/data/csv.js';
import type { StreamedSequence } from '../src/data/builder.js';
import { NotContiguousError } from '../src/data/long-stream.js';
import { dataWarnings } from '../src/data/warnings.js';
import { UserError } from '../src/errors.js';
import { createRng, randInt } from '../src/model/rng.js';
import { tempDir } from './helpers/temp.js';
import { cliHere } from './helpers/cli-here.js';
import { fillReference } from './helpers/fill-reference.js';
import { shortEndsWarning } from '../src/data/short-ends.js';
import { train } from '../src/train/train.js';

const dir = tempDir('gaps-');
let fileNo = 0;
function fileWith(text: string, ext = 'csv'): string {
  const path = join(dir, `f${fileNo++}.${ext}`);
  writeFileSync(path, text);
  return path;
}

test('fillGaps equals its formula value by value, bit for bit, over random gaps in 1–3 channels', () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 300; trial++) {
    const T = 1 + randInt(rng, 40);
    const D = 1 + randInt(rng, 3);
    const x = Float32Array.from({ length: T * D }, () => Math.fround((rng.next() - 0.5) * 10 ** randInt(rng, 6)));
    const share = rng.next();
    for (let i = 0; i < x.length; i++) if (rng.next() < share) x[i] = NaN;
    const want = Float32Array.from(x);
    const count = fillReference(want, T, D);
    const got = Float32Array.from(x);
    const { filled, empty } = fillGaps(got, T, D);
    assert.deepEqual(got, want, `T ${T} D ${D}`);
    const emptyWant = Array.from({ length: D }, (_, d) => d).find((d) => Array.from({ length: T }, (_, t) => x[t * D + d]).every(Number.isNaN)) ?? -1;
    assert.equal(empty, emptyWant);
    assert.equal(filled, count);
  }
});

test('fillGaps: between two values linearly, the nearest value at either end, nothing where nothing is missing', () => {
  const x = Float32Array.from([NaN, 1, NaN, NaN, 4, NaN]);
  assert.deepEqual(fillGaps(x, 6, 1), { filled: 4, empty: -1 });
  assert.deepEqual(Array.from(x), [1, 1, 2, 3, 4, 4]);
  // [T][D]: channel 1's gap is filled from channel 1's values only.
  const two = Float32Array.from([0, 10, NaN, NaN, 2, 30]);
  assert.deepEqual(fillGaps(two, 3, 2), { filled: 2, empty: -1 });
  assert.deepEqual(Array.from(two), [0, 10, 1, 20, 2, 30]);
  const whole = Float32Array.from([1, 2, 3]);
  assert.deepEqual(fillGaps(whole, 3, 1), { filled: 0, empty: -1 });
  assert.deepEqual(Array.from(whole), [1, 2, 3]);
  const none = Float32Array.from([1, NaN, 2, NaN]);
  assert.equal(fillGaps(none, 2, 2).empty, 1);
});

test('every reader fills a gap as a file with the filled values written in reads, counts it, and refuses it under gaps: refuse', async () => {
  const cases: Array<[string, string, string, string, number]> = [
    // [what, file with gaps, the same with the filled values, its extension, values missing]
    ['wide: NaN, NA, an empty cell, a gap first', 'label,t0,t1,t2,t3,t4\na,1,NaN,NA,4,5\nb,,,3,,1\n', 'label,t0,t1,t2,t3,t4\na,1,2,3,4,5\nb,3,3,3,2,1\n', 'csv', 5],
    ['wide, ragged: a trailing NaN still ends the row', 'label,t0,t1,t2,t3\na,1,,3,NaN\nb,1,2,3,4\n', 'label,t0,t1,t2,t3\na,1,2,3\nb,1,2,3,4\n', 'csv', 1],
    ['long: rows out of time order, a gap at a sequence end', 'id,t,label,x,y\ns,2,a,3,\ns,0,a,1,10\ns,1,a,,20\nr,0,b,5,NA\nr,1,b,6,7\n', 'id,t,label,x,y\ns,0,a,1,10\ns,1,a,2,20\ns,2,a,3,20\nr,0,b,5,7\nr,1,b,6,7\n', 'csv', 3],
    ['.ts', '@problemName p\n@classLabel true a b\n@data\n1,?,3:a\nNaN,2,3,4:b\n', '@problemName p\n@classLabel true a b\n@data\n1,2,3:a\n2,2,3,4:b\n', 'ts', 2],
    ['.ts, two channels', '@classLabel true a b\n@data\n1,?,5:10,?,30:a\n', '@classLabel true a b\n@data\n1,3,5:10,20,30:a\n', 'ts', 2],
    ['.ts, a channel\'s tail missing', '@classLabel true a b\n@data\n1,2,3:4,?,?:a\n', '@classLabel true a b\n@data\n1,2,3:4,4,4:a\n', 'ts', 2],
    ['ARFF, multivariate, a channel\'s tail missing', "@relation R\n@attribute dims relational\n@attribute t0 numeric\n@attribute t1 numeric\n@end dims\n@attribute class {a,b}\n@data\n'1,2\\n3,?',a\n", "@relation R\n@attribute dims relational\n@attribute t0 numeric\n@attribute t1 numeric\n@end dims\n@attribute class {a,b}\n@data\n'1,2\\n3,3',a\n", 'arff', 1],
    ['ARFF', '@relation R\n@attribute t0 numeric\n@attribute t1 numeric\n@attribute t2 numeric\n@attribute class {a,b}\n@data\n?,2,3,a\n1,?,2,b\n', '@relation R\n@attribute t0 numeric\n@attribute t1 numeric\n@attribute t2 numeric\n@attribute class {a,b}\n@data\n2,2,3,a\n1,1.5,2,b\n', 'arff', 2],
  ];
  for (const [what, gappy, filled, ext, missing] of cases) {
    const file = fileWith(gappy, ext);
    const ds = await loadDataSet([file]);
    const twin = await loadDataSet([fileWith(filled, ext)]);
    assert.deepEqual(Array.from(ds.values), Array.from(twin.values), what);
    assert.deepEqual(Array.from(ds.lengths), Array.from(twin.lengths), what);
    assert.equal(twin.gaps, undefined, what);
    assert.equal(ds.gaps?.values, missing, what);
    assert.equal(ds.gaps?.file, file, what);
    assert.ok(ds.precision?.every((p) => Number.isFinite(p.spread) && Number.isFinite(p.level)), what); // a gap is no value of the channel's
    // Streamed (predict) alike, sequence by sequence.
    const streamed: StreamedSequence[] = [];
    await streamFile(file, {}, (s) => streamed.push(s));
    assert.deepEqual(streamed.flatMap((s) => Array.from(s.values)), Array.from(ds.values), what);
    assert.equal(streamed.reduce((n, s) => n + s.filled, 0), missing, what);
    await assert.rejects(loadDataSet([file], { gaps: 'refuse' }), (e: unknown) => e instanceof UserError && /missing|empty cell/.test(e.message), what);
  }
});

test('a row with every channel read empty is a gap beside a column that holds a value on every row (a subject); an event row where that column is empty on samples\' rows, but not before the first sample', async () => {
  // The review of a device audit's fix: a subject column made a dropped sample an "event row".
  const subject = await loadDataSet([fileWith('id,t,label,subject,ax,ay\ns,0,a,alice,1,10\ns,1,a,alice,,\ns,2,a,alice,3,30\n')], { channels: ['ax', 'ay'] });
  assert.deepEqual(Array.from(subject.values), [1, 10, 2, 20, 3, 30]);
  assert.equal(subject.gaps?.values, 2);
  await assert.rejects(loadDataSet([fileWith('id,t,label,ax,Elements\ns,0,a,1,\ns,1,a,,/muse/elements/blink\ns,2,a,3,\n')], { channels: ['ax'] }), /:3:5: no value in any channel read, but "\/muse\/elements\/blink" in column "Elements": an event or marker row/);
  // An age empty for some sequences and given for others: a gap in one that gives it (the second review's find).
  const age = await loadDataSet([fileWith('id,t,label,age,ax\nr,0,a,,1\nr,1,a,,2\ns,0,b,33,1\ns,1,b,33,\ns,2,b,33,3\n')], { channels: ['ax'] });
  assert.equal(age.gaps?.values, 1);
  // A row without values before a sequence's first sample is a gap, beside a subject on every row or written on
  // the sequence's first row only (a review's find: refusing it as an event row refused such files): an event row
  // there cannot be told from the latter.
  for (const content of ['id,t,label,subject,ax\ns,0,a,alice,\ns,1,a,alice,3\ns,2,a,alice,4\n', 'id,t,label,subject,ax\ns,0,a,alice,\ns,1,a,,3\ns,2,a,,4\n']) {
    const lead = await loadDataSet([fileWith(content)], { channels: ['ax'] });
    assert.deepEqual(Array.from(lead.values), [3, 3, 4], content);
  }
});

test('the tally: values and sequences filled, and the first sequence with a gap by file and line, across files', async () => {
  const clean = fileWith('label,t0,t1\na,1,2\n');
  const gappy = fileWith('label,t0,t1,t2\na,1,2,3\nb,1,,3\na,,,1\n');
  const ds = await loadDataSet([clean, gappy]);
  assert.deepEqual(ds.gaps, { values: 3, sequences: 2, file: gappy, line: 3 });
  assert.equal(dataWarnings(ds)[0], gapsWarning(ds.gaps!));
  assert.match(gapsWarning(ds.gaps!), /^3 values missing inside 2 sequences were filled \(the first in .*f\d+\.csv, the sequence from line 3\): linearly between the values beside each gap, with the nearest value at a sequence's start or end; --gaps refuse refuses such files instead$/);
  assert.match(gapsWarning({ values: 1, sequences: 1, file: 'x.csv', line: 2 }), /^a value missing inside a sequence was filled \(in x\.csv, the sequence from line 2\)/);
  assert.equal((await loadDataSet([clean])).gaps, undefined);
});

test('train({ data }) of a loaded data set warns of its gaps and records them; the library exports the fill and the line', async () => {
  const lib = await import('../src/index.js');
  assert.equal(lib.fillGaps, fillGaps);
  assert.equal(lib.gapsWarning, gapsWarning);
  const data = await loadDataSet([fileWith('label,t0,t1,t2\na,1,,3\nb,3,2,1\na,1,2,3\nb,,2,1\n')]);
  const warnings: string[] = [];
  const { model } = await lib.train({ data, epochs: 1, hidden: 2, select: 'off', members: 1, threads: 1, onWarning: (w) => warnings.push(w) });
  assert.ok(warnings.includes(gapsWarning(data.gaps!)), warnings.join('\n'));
  assert.deepEqual(model.training['filledGaps'], { values: 2, sequences: 2 });
});

test('a channel with no value in a whole sequence cannot be filled: refused naming the sequence, the channel and what to do', async () => {
  const file = fileWith('id,t,label,x,y\ns,0,a,1,2\ns,1,a,2,3\nr,0,b,1,\nr,1,b,2,NA\n');
  await assert.rejects(loadDataSet([file]), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.message, `${file}:4: sequence "r" has no value in channel "y", every one missing, so its gaps cannot be filled; if the column is no channel (a note, a name), leave it out: --channels x; if it is, leave the sequence out`);
    return true;
  });
  await assert.rejects(loadDataSet([file], { gaps: 'nope' as 'refuse' }), /^UserError: gaps must be interpolate or refuse, not "nope"/);
});

test('streamed, a run of rows with a channel empty is refused only once the file ends without its id back: else the file is read whole', async () => {
  // s's first run has no y; its second does: not contiguous, so predict reads the file whole, which fills it.
  const apart = fileWith('id,t,label,x,y\ns,0,a,1,\nr,0,b,1,2\ns,1,a,2,3\n');
  await assert.rejects(streamFile(apart, {}, () => {}), NotContiguousError);
  assert.deepEqual(Array.from((await loadDataSet([apart])).values), [1, 3, 2, 3, 1, 2]);
  const empty = fileWith('id,t,label,x,y\ns,0,a,1,\ns,1,a,2,\nr,0,b,1,2\n');
  const seen: string[] = [];
  await assert.rejects(streamFile(empty, {}, (q) => seen.push(q.id)), /:2: sequence "s" has no value in channel "y"/);
  assert.deepEqual(seen, ['r'], 'read to the end first');
});

test('training sequences a step or two shorter than nearly all others (a wide row\'s missing last cells end it) are said to be so', async () => {
  const L = (full: number, short: number[]) => Int32Array.from([...Array<number>(full).fill(30), ...short]);
  assert.match(shortEndsWarning(L(18, [29, 29]))!, /^2 of the 20 training sequences end a step before the others' 30: if their last readings are missing rather than the recordings shorter/);
  assert.match(shortEndsWarning(L(95, [29, 28, 28]))!, /^3 of the 98 training sequences end 1 to 2 steps before/);
  assert.equal(shortEndsWarning(L(20, [])), null, 'all alike');
  assert.equal(shortEndsWarning(L(8, [29])), null, 'too few to tell');
  assert.equal(shortEndsWarning(L(18, [29, 20])), null, 'one much shorter: recordings of other lengths');
  assert.equal(shortEndsWarning(L(10, [29, 29, 28, 27, 29])), null, 'not nearly all at the longest');
  const rows = Array.from({ length: 12 }, (_, n) => `${'ab'[n % 2]},${[1, 2, 3, 4, 5].map((v) => v * (n % 2 ? -1 : 1)).join(',')}`);
  rows[3] = rows[3].replace(/,[^,]*$/, ',');
  const warnings: string[] = [];
  await train({ files: [fileWith(`label,t0,t1,t2,t3,t4\n${rows.join('\n')}\n`)], epochs: 1, hidden: 2, select: 'off', members: 1, threads: 1, onWarning: (w) => warnings.push(w) });
  assert.ok(warnings.some((w) => w.startsWith('1 of the 12 training sequences end a step before the others\' 5')), warnings.join('\n'));
});

test('the CLI: train, evaluate, predict and tune fill and warn, info says so, --gaps refuse exits 2 writing nothing', () => {
  const rng = createRng(3);
  const rows = Array.from({ length: 16 }, (_, n) => {
    const cells = Array.from({ length: 12 }, (_, t) => (Math.sin(t * (1 + (n % 2))) + rng.next() * 0.1).toFixed(3));
    if (n % 4 === 1) cells[3 + (n % 5)] = '';
    return `${'ab'[n % 2]},${cells.join(',')}`;
  });
  const data = fileWith(`label,${Array.from({ length: 12 }, (_, t) => `t${t}`).join(',')}\n${rows.join('\n')}\n`);
  const model = join(dir, 'gaps-model.json');
  const warning = /train-signals: warning: 4 values missing inside 4 sequences were filled \(the first in .*, the sequence from line 3\)/;
  // The training file as its --test file too: its gaps were said as it trained, so once.
  const train = cliHere(['train', data, '--test', data, '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1']);
  assert.equal(train.code, 0, train.stderr);
  assert.equal(train.stderr.split('\n').filter((l) => warning.test(l)).length, 1, train.stderr);
  assert.deepEqual(JSON.parse(readFileSync(model, 'utf8')).training.filledGaps, { values: 4, sequences: 4 });
  assert.match(cliHere(['info', model]).stdout, /trained on: .* \(16 sequences of 12 samples; 4 value\(s\) missing inside 4 of them filled\)/);
  const report = join(dir, 'gaps-report.html');
  const evaluate = cliHere(['evaluate', '--model', model, data, '--report', report]);
  assert.equal(evaluate.code, 0, evaluate.stderr);
  assert.match(evaluate.stderr, warning);
  assert.match(readFileSync(report, 'utf8'), /: 16 sequences, 1 channel\(s\) \(value\) and their first differences, 2 classes; .*\(192 steps in all\); 4 value\(s\) missing inside 4 sequence\(s\) filled \(linearly between the values beside them; the nearest value at a sequence's start or end\)\./);
  const predict = cliHere(['predict', '--model', model, data]);
  assert.equal(predict.code, 0, predict.stderr);
  assert.match(predict.stderr, warning);
  assert.equal(predict.stdout.trim().split('\n').length, 17);
  const out = join(dir, 'refused.json');
  const refused = cliHere(['train', data, '--gaps', 'refuse', '--out', out, '--epochs', '1']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /:3:\d+: empty cell in column "t\d+" before the last value of the row; .*fill the gap/);
  assert.throws(() => readFileSync(out));
  assert.equal(cliHere(['predict', '--model', model, data, '--gaps', 'refuse']).code, 2);
  const tune = cliHere(['tune', data, '--threads', '1', '--steps', '1', '--hidden', '4']);
  assert.equal(tune.code, 0, tune.stderr);
  assert.match(tune.stderr, warning);
  assert.equal(cliHere(['tune', data, '--threads', '1', '--steps', '1', '--hidden', '4', '--gaps', 'refuse']).code, 2);
});
