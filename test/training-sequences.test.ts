// Training sequences in a scored file, whatever its bytes (src/data/digests.ts): the model records a digest of
// each training sequence as read, and evaluate (and train's --test) say how many of a file's sequences are
// among them, once, beside the same-bytes warning where that one applies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/eval/evaluate.js';
import { loadDataSet } from '../src/data/csv.js';
import { decodeDigests, encodeDigests, sequenceDigests } from '../src/data/digests.js';
import { tempDir } from './helpers/temp.js';

const TINY = { hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 } as const;

test('a file of training sequences is said to be one, compressed, with other line ends, reordered, or mixed with new ones; a held-out file is not', async () => {
  const dir = tempDir('ts-trained-');
  const [head, ...rows] = readFileSync('datasets/cbf/train.csv', 'utf8').trim().split('\n');
  const tests = readFileSync('datasets/cbf/test.csv', 'utf8').trim().split('\n').slice(1);
  const file = (name: string, lines: string[], eol = '\n') => {
    const path = join(dir, name);
    writeFileSync(path, [head, ...lines].join(eol) + eol);
    return path;
  };
  const trainFile = file('train.csv', rows.slice(0, 40));
  const { model } = await train({ files: [trainFile], ...TINY });
  assert.equal(decodeDigests(model.training['sequenceDigests'])?.size, 40);
  const gz = join(dir, 'train.csv.gz');
  writeFileSync(gz, gzipSync(readFileSync(trainFile)));
  const cases: Array<[string, string[]]> = [
    [gz, ['every one of the 40 sequences of']],
    [file('crlf.csv', rows.slice(0, 40).reverse(), '\r\n'), ['every one of the 40 sequences of']],
    [file('mixed.csv', [...rows.slice(30, 40), ...tests.slice(0, 20)]), ['10 of the 30 sequences of']],
    [file('held-out.csv', tests.slice(0, 20)), []],
    [file('one.csv', [rows[5], ...tests.slice(0, 20)]), ['1 of the 21 sequences of', 'is a training sequence of the model']],
    [trainFile, ['holds the same bytes as a file the model was trained on']], // said once, by its bytes
  ];
  for (const [path, want] of cases) {
    const warnings: string[] = [];
    await evaluate(model, { files: [path], onWarning: (w) => warnings.push(w) });
    const said = warnings.filter((w) => /training sequence|same bytes/.test(w));
    assert.equal(said.length, Math.min(want.length, 1), `${path}: ${said.join(' | ')}`);
    want.forEach((w) => assert.ok(said[0].includes(w), `${path}: ${said[0]}`));
  }
  // train's --test: the same check, once a file.
  const testWarnings: string[] = [];
  await train({ files: [trainFile], test: [gz, trainFile], ...TINY, onWarning: (w) => testWarnings.push(w) });
  assert.deepEqual(testWarnings.filter((w) => /training sequence|same bytes/.test(w)).map((w) => w.replace(/^.*(every one of|holds the same bytes).*$/, '$1')),
    ['holds the same bytes', 'every one of']);
});

test('a sequence\'s digest is of its label, length and values as read: the same in either layout, -0 as 0; sorted and base64 in the model', async () => {
  const dir = tempDir('ts-digests-');
  const wide = join(dir, 'wide.csv');
  writeFileSync(wide, 'label,t0,t1,t2\na,1.5,-0,2\nb,1.5,0,2\nb,1.50,0.0,2e0\n');
  const long = join(dir, 'long.csv');
  writeFileSync(long, 'id,t,label,x\ns,0,a,1.5\ns,1,a,0\ns,2,a,2\nr,0,b,1.5\nr,1,b,0\nr,2,b,2\n');
  const [w, l] = [sequenceDigests(await loadDataSet([wide])), sequenceDigests(await loadDataSet([long]))];
  assert.deepEqual(Array.from(w.subarray(0, 4)), Array.from(l));
  assert.deepEqual(Array.from(w.subarray(2, 4)), Array.from(w.subarray(4, 6)), 'numbers written otherwise: the same');
  assert.notDeepEqual(Array.from(w.subarray(0, 2)), Array.from(w.subarray(2, 4)), 'another label: another digest');
  assert.deepEqual(decodeDigests(encodeDigests(l)), new Set([`${l[0]}:${l[1]}`, `${l[2]}:${l[3]}`]));
  assert.equal(decodeDigests('not base64!'), null);
  assert.equal(decodeDigests(undefined), null);
});

test('flat sequences (two steps or more, every one the first) alone make no file training data; beside other training sequences, or as a whole file of more than one kind, they count; one step is a recording', async () => {
  const dir = tempDir('ts-flat-');
  const row = (label: string, values: number[]) => [label, ...values].join(',');
  const head = `label,${Array.from({ length: 8 }, (_, t) => `t${t}`).join(',')}`;
  const wave = (k: number) => Array.from({ length: 8 }, (_, t) => Math.round(100 * Math.sin(t + k)) / 100);
  const rows = Array.from({ length: 20 }, (_, k) => row(k % 2 ? 'up' : 'flat', k % 2 ? wave(k) : wave(k).map((v) => -v)));
  const [zero, five] = [row('flat', Array(8).fill(0)), row('up', Array(8).fill(5))];
  const trainFile = join(dir, 'train.csv');
  writeFileSync(trainFile, [head, ...rows, zero, five].join('\n') + '\n');
  const { model } = await train({ files: [trainFile], ...TINY });
  const testFile = join(dir, 'test.csv');
  const said = async (lines: string[], m = model, header = head) => {
    writeFileSync(testFile, [header, ...lines].join('\n') + '\n');
    const warnings: string[] = [];
    await evaluate(m, { files: [testFile], onWarning: (w) => warnings.push(w) });
    return warnings.filter((w) => /training sequence/.test(w));
  };
  assert.deepEqual(await said([zero, row('up', wave(50)), row('flat', wave(51))]), [], 'a flat training sequence beside new ones');
  assert.deepEqual(await said([zero, zero, zero]), [], 'days of no cases alone');
  const one = await said([row('up', wave(50)), rows[3], row('flat', wave(51))]);
  assert.equal(one.length, 1);
  assert.match(one[0], /1 of the 3 sequences of .* is a training sequence of the model/);
  assert.match((await said([zero, rows[3], row('flat', wave(51))]))[0], /2 of the 3 sequences of .* are training sequences/);
  assert.match((await said([zero, five]))[0], /every one of the 2 sequences of .* is a training sequence/);
  assert.match((await said([rows[3]]))[0], /the one sequence of .* is a training sequence of the model/);
  // Sequences of one step are whole recordings: one of them known is a leak.
  const steps = join(dir, 'steps.csv');
  writeFileSync(steps, ['label,x', ...Array.from({ length: 20 }, (_, k) => `${k % 2 ? 'up' : 'flat'},${(k * 0.37).toFixed(2)}`)].join('\n') + '\n');
  const single = (await train({ files: [steps], ...TINY })).model;
  assert.match((await said(['flat,0.00', 'up,9.91', 'flat,9.92'], single, 'label,x'))[0], /1 of the 3 sequences of .* is a training sequence/);
});
