// The command line as shown in the report and in the resume hint: words a POSIX shell would split or expand are
// quoted, the rest left bare; the shell reads each back as the word it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lineReadsStdin, programWords, resumeCommand, shellCommand, shellQuote } from '../src/cli/command-line.js';

test('plain words stay bare; anything a shell would touch is single-quoted', () => {
  assert.equal(shellCommand(['train-signals', 'train', 'data/a.csv', '--test=t.csv', '--lr', '0.001']), 'train-signals train data/a.csv --test=t.csv --lr 0.001');
  assert.equal(shellQuote('my data.csv'), "'my data.csv'");
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('$HOME*'), "'$HOME*'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
});

test('sh reads every quoted word back unchanged', { skip: process.platform === 'win32' }, () => {
  const words = ['a b', "it's", '', '$(rm -rf x)', '*.csv', '~/x', 'ok-1.csv', '"q"', '\\'];
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${shellCommand(words)}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
});

test('a word with control or bidirectional characters is written as $\'…\' escapes, which bash reads back unchanged (raw, they acted on the terminal)', { skip: process.platform === 'win32' }, () => {
  const words = ['tab\there', 'line\nbreak', 'e\u001b]0;PWNED\u0007\u001b[2J.csv', "it's\u009b31m", 'back\\slash\u202e', 'zero\u200bwidth'];
  const line = shellCommand(words);
  assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f\u200b\u202e]/);
  assert.equal(shellQuote('e\u001b[2J.csv'), "$'e\\x1b[2J.csv'");
  const r = spawnSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
});

test('the command to run again: npx when run through it, the bare name only where the PATH finds this script, else node and the script', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ts-path-'));
  const script = path.join(dir, 'main.js');
  writeFileSync(script, '');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(script, path.join(bin, 'train-signals'));
  assert.deepEqual(programWords({ npm_command: 'exec' }, script), ['npx', 'train-signals']);
  assert.deepEqual(programWords({ PATH: ['/nonexistent', bin].join(path.delimiter) }, script), ['train-signals']);
  const elsewhere = path.join(dir, 'other.js');
  writeFileSync(elsewhere, '');
  const words = programWords({ PATH: bin, npm_command: 'test' }, elsewhere, []);
  assert.equal(words[0], 'node');
  assert.equal(path.resolve(words[1]), elsewhere, 'the script, relative to the working directory or absolute');
  assert.deepEqual(programWords({}, script).slice(0, 1), ['node'], 'no PATH: the bare name would not be found');
  // Node's own flags go with it (a run that needed --max-old-space-size needs it again).
  assert.deepEqual(programWords({}, elsewhere, ['--max-old-space-size=300']).slice(0, 2), ['node', '--max-old-space-size=300']);
  // Another program of the name earlier on the PATH is what the shell would run: not this one.
  const other = path.join(dir, 'other-bin');
  mkdirSync(other);
  writeFileSync(path.join(other, 'train-signals'), '#!/bin/sh\n');
  assert.equal(programWords({ PATH: [other, bin].join(path.delimiter) }, script, [])[0], 'node');
  assert.deepEqual(programWords({ PATH: [bin, other].join(path.delimiter) }, script, []), ['train-signals']);
});

test('the resume line: --resume replaces any given and goes before `--` (after it every word is a file); a run that read stdin is told so', () => {
  const tail = (line: string) => line.slice(line.indexOf(' train ') + 1);
  assert.equal(tail(resumeCommand(['train', 'a.csv', '--resume', 'old.ckpt', '--out', 'm.json'], 'm.json.ckpt')), 'train a.csv --out m.json --resume m.json.ckpt');
  assert.equal(tail(resumeCommand(['train', '--out', 'm.json', '--', '--resume', 'b.csv'], 'm.json.ckpt')), 'train --out m.json --resume m.json.ckpt -- --resume b.csv');
  assert.equal(lineReadsStdin(['train', '-', '--out', 'm.json']), true);
  assert.equal(lineReadsStdin(['train', '--init', '/dev/stdin', 'a.csv']), true);
  assert.equal(lineReadsStdin(['train', '--', '-']), false, 'after --, - is a file of that name');
  assert.equal(lineReadsStdin(['train', 'a.csv']), false);
});

test('a missing checkpoint is never "meant" as the run\'s own lock or a temp file beside it', async () => {
  const { didYouMeanFile } = await import('../src/data/suggest.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'suggest-'));
  writeFileSync(path.join(dir, 'm.json.ckpt.lock'), '1\nhost\n');
  writeFileSync(path.join(dir, '.m.json.ckpt.123.1700000000000.1.tmp'), '');
  assert.equal(didYouMeanFile(path.join(dir, 'm.json.ckpt')), '');
  writeFileSync(path.join(dir, 'm.json.ckp'), '');
  assert.equal(didYouMeanFile(path.join(dir, 'm.json.ckpt')), `; did you mean ${path.join(dir, 'm.json.ckp')}?`);
});

test('a missing file whose name is there in other Unicode (an accent composed otherwise) is told so, not "did you mean" the same-looking name', async () => {
  const { didYouMeanFile } = await import('../src/data/suggest.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'suggest-'));
  writeFileSync(path.join(dir, 'caf\u00e9.csv'), ''); // NFC, as typed
  assert.match(didYouMeanFile(path.join(dir, 'cafe\u0301.csv')), /caf\u00e9\.csv is there, its name the same letters written otherwise in Unicode/);
});
