// A memory limit (a cgroup's, as containers and batch schedulers set): a kernel memory it leaves no room for is
// refused in one line before any is allocated, where the kernel's OOM killer ended the process (exit 137, no
// message); runs that fit are unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLimit, memoryTooLow } from '../src/engine/memory-limit.js';
import { CLI, ROOT } from './helpers/cli.js';

const GiB = 2 ** 30;

test('the limit as Node reports it: none as 0 or about 2^64; a kernel memory is refused only where it does not fit beside what the process holds', (t) => {
  for (const [reported, limit] of [[0, null], [2 ** 64, null], [undefined, null], [0.5 * GiB, 0.5 * GiB]] as const) {
    t.mock.method(process, 'constrainedMemory', () => reported);
    assert.equal(memoryLimit(), limit, `reported ${reported}`);
  }
  t.mock.restoreAll();
  assert.equal(memoryTooLow(8 * GiB, 'lower --hidden', null, GiB), null, 'no limit');
  assert.equal(memoryTooLow(0.4 * GiB, 'lower --hidden', GiB, 0.6 * GiB), null, 'just fits');
  assert.equal(
    memoryTooLow(0.94 * GiB, 'lower --hidden', 0.49 * GiB, 0.07 * GiB),
    'this model and data need 0.94 GiB of kernel memory, and this process may use 0.49 GiB in all (its cgroup\'s memory limit), 0.07 GiB of it in use already; lower --hidden, or raise the limit',
  );
});

test('train under a limit too small for its kernel memory: one line, exit 2, no model or checkpoint; a run that fits trains as before', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-memlimit-'));
  try {
    // 8 sequences of 12,000 steps, full BPTT at stride 1: about 0.9 GiB of kernel memory for H 256.
    const header = ['label', ...Array.from({ length: 12000 }, (_, i) => `t${i}`)].join(',');
    const rows = Array.from({ length: 8 }, (_, s) => [`k${s % 2}`, ...Array.from({ length: 12000 }, (_, i) => Math.sin(0.01 * (1 + (s % 2)) * i + s).toFixed(3))].join(','));
    writeFileSync(join(dir, 'long.csv'), [header, ...rows].join('\n') + '\n');
    // Node reads the limit from the cgroup; the preload says what a 300 MiB limit would.
    const limited = (words: string[]) => spawnSync(process.execPath, ['--import', `data:text/javascript,process.constrainedMemory=()=>${300 * 2 ** 20}`, CLI, ...words], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const r = limited(['train', 'long.csv', '--out', 'long.json', '--hidden', '256', '--stride', '1', '--epochs', '1', '--select', 'off', '--members', '1']);
    assert.equal(r.status, 2, r.stderr);
    // A busy machine may take over a second to read its file: a loading line may come first.
    assert.match(r.stderr, /^(loading [^\n]*\n)*8 sequences, 2 classes; channels: value\ntrain-signals: this model and data need 0\.\d\d GiB of kernel memory, and this process may use 0\.29 GiB in all \(its cgroup's memory limit\), 0\.\d\d GiB of it in use already; lower --hidden, --threads or --batch-size, or truncate BPTT \(--bptt\), or raise the limit\n$/);
    assert.deepEqual(readdirSync(dir), ['long.csv'], 'nothing written');
    const ok = limited(['train', join(ROOT, 'datasets/cbf/train.csv'), '--out', 'cbf.json', '--epochs', '1', '--select', 'off', '--members', '1', '--hidden', '8']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(join(dir, 'cbf.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
