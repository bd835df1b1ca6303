// The command line as shown in the report and in the resume hint: words a POSIX shell would split or expand are
// quoted, the rest left bare; the shell reads each back as the word it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { programWords, shellCommand, shellQuote } from '../src/cli/command-line.js';

test('plain words stay bare; anything a shell would touch is single-quoted', () => {
  assert.equal(shellCommand(['train-signals', 'train', 'data/a.csv', '--test=t.csv', '--lr', '0.001']), 'train-signals train data/a.csv --test=t.csv --lr 0.001');
  assert.equal(shellQuote('my data.csv'), "'my data.csv'");
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('$HOME*'), "'$HOME*'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
});

test('sh reads every quoted word back unchanged', { skip: process.platform === 'win32' }, () => {
  const words = ['a b', "it's", '', '$(rm -rf x)', '*.csv', 'tab\there', 'line\nbreak', '~/x', 'ok-1.csv', '"q"', '\\'];
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${shellCommand(words)}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), words);
});

test('run through npx, the command to run again starts with npx: train-signals is then not on the PATH', () => {
  assert.deepEqual(programWords({ npm_command: 'exec' }), ['npx', 'train-signals']);
  assert.deepEqual(programWords({ npm_command: 'test' }), ['train-signals']);
  assert.deepEqual(programWords({}), ['train-signals']);
});
