// Learning: with the default flags, the bundled CBF data trains to ≥ 0.90 held-out accuracy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

test('default flags reach ≥ 0.90 test accuracy on the bundled CBF data', () => {
  const out = join(tempDir('ts-learn-'), 'cbf.json');
  // On one thread: the threads change no bit (cli.test.ts: the same model file with 1 and 3 threads), and beside
  // the suite's other test file a second engine thread only waits for a core (more CPU, no sooner done).
  const r = cli(['train', 'datasets/cbf/train.csv', '--test', 'datasets/cbf/test.csv', '--out', out, '--quiet', '--threads', '1']);
  assert.equal(r.code, 0, r.stderr);
  const m = /datasets\/cbf\/test\.csv\s+(\d+)\s+([\d.]+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(Number(m[1]), 300);
  assert.ok(Number(m[2]) >= 0.9, `test accuracy ${m[2]}`);
});
