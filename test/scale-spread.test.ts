// Channels whose sequences' scales lie orders of magnitude apart (src/data/scale-spread.ts): what counts as wide,
// and train's warning naming them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSet } from '../src/data/dataset.js';
import { WIDE_SCALES, widelyScaledChannels } from '../src/data/scale-spread.js';
import { createRng, normal } from '../src/model/rng.js';
import { tempDir } from './helpers/temp.js';
import { cliHere } from './helpers/cli-here.js';

/** N sequences of T steps; channel d of sequence n is a standard normal walk times scales[d](n). */
function scaledDataSet(N: number, T: number, scales: ((n: number) => number)[]): DataSet {
  const rng = createRng(5);
  const D = scales.length;
  const values = new Float32Array(N * T * D);
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) values[(n * T + t) * D + d] = scales[d](n) * normal(rng);
  return {
    D, channels: scales.map((_, d) => `c${d}`), classes: ['a'], values, offsets: Float64Array.from({ length: N }, (_, n) => n * T),
    lengths: new Int32Array(N).fill(T), labels: new Int32Array(N), ids: Array.from({ length: N }, (_, n) => String(n)), sources: [],
  };
}

test('a channel is widely scaled from two decades between the 10th and 90th percentile of its sequences\' deviations, widest first', () => {
  const N = 100;
  const ds = scaledDataSet(N, 50, [
    (n) => 10 ** (4 * n / N), // four decades
    (n) => 1 + n / N, // a factor of two
    (n) => 10 ** (3 * n / N), // three decades
    (n) => 10 ** (1.5 * n / N), // under two
  ]);
  const wide = widelyScaledChannels(ds);
  assert.deepEqual(wide.map((w) => w.channel), ['c0', 'c2']);
  assert.ok(Math.abs(wide[0].decades - 4 * 0.8) < 0.1, String(wide[0].decades)); // 90th over 10th percentile of 10^(4n/N)
  assert.ok(Math.abs(wide[1].decades - 3 * 0.8) < 0.1, String(wide[1].decades));
  assert.ok(wide.every((w) => w.decades >= WIDE_SCALES));
});

test('constant sequences have no scale: they are left out, and a channel with fewer than two others is never wide', () => {
  const N = 40;
  // Half the sequences constant (zero or a level of their own), the others at one scale: not wide.
  const ds = scaledDataSet(N, 20, [(n) => (n % 2 === 0 ? 0 : 1), (n) => (n === 0 ? 1 : 0)]);
  for (let n = 0; n < N; n += 2) for (let t = 0; t < 20; t++) ds.values[(n * 20 + t) * 2] = n;
  assert.deepEqual(widelyScaledChannels(ds), []);
});

test('train says when the sequences\' scales lie decades apart (a warning with --sequence-norm off), and nothing on data at one scale', () => {
  const dir = tempDir('scale-spread');
  const rng = createRng(9);
  const rows = ['label,' + Array.from({ length: 30 }, (_, t) => `t${t}`).join(',')];
  for (let n = 0; n < 40; n++) {
    const scale = 10 ** (5 * ((n * 7) % 40) / 40); // counts from 1 to 100 000
    rows.push(`${n % 2},` + Array.from({ length: 30 }, (_, t) => (scale * (1 + (n % 2 ? t : -t) / 60 + 0.1 * normal(rng))).toFixed(3)).join(','));
  }
  writeFileSync(join(dir, 'counts.csv'), rows.join('\n') + '\n');
  const r = cliHere(['train', 'counts.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'm.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^the sequences' scales lie \d\.\d decades apart in channel "value" \(10th to 90th percentile of their standard deviations\): each sequence is put on its own scale \(--sequence-norm auto\)$/m);
  // A resumed run's checkpoint fixes it (one of a version before --sequence-norm has none): no choice is said.
  const run = ['train', 'counts.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'r.json', '--checkpoint', 'r.ckpt'];
  assert.equal(cliHere(run, { cwd: dir }).code, 0);
  const resumed = cliHere([...run, '--resume', 'r.ckpt'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /going on from the checkpoint r\.ckpt/);
  assert.doesNotMatch(resumed.stderr, /own scale/);
  const off = cliHere(['train', 'counts.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--sequence-norm', 'off', '--out', 'o.json'], { cwd: dir });
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stderr, /^train-signals: warning: the sequences' scales lie \d\.\d decades apart in channel "value" .*, and --sequence-norm off leaves the small ones nearly flat once normalized$/m);
  const flat = cliHere(['train', 'datasets/cbf/train.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', join(dir, 'n.json')]);
  assert.equal(flat.code, 0, flat.stderr);
  assert.doesNotMatch(flat.stderr, /scales lie/);
});
