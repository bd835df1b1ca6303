// What a cap on address space leaves room for, per Node: the counts the engine's threads and model selection
// keep within, and the refusal below what a Node needs at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capNeeds, capTooLow, selectionThreadsWithinCap, threadsWithinCap } from '../src/engine/address-space.js';

const GiB = 2 ** 30;

test('threads within a cap: none past what it leaves room for; selection at most half, so that its fits\' own threads fit too', () => {
  const { base, perThread } = capNeeds();
  assert.equal(threadsWithinCap(null), Infinity);
  assert.equal(selectionThreadsWithinCap(null), Infinity);
  for (let room = 1; room <= 16; room++) {
    const cap = base + (room + 0.5) * perThread;
    assert.equal(threadsWithinCap(cap), room);
    const n = selectionThreadsWithinCap(cap);
    assert.ok(n >= 1 && (2 * n <= room || n === 1), `room ${room}: selection on ${n}`); // n pool workers, up to n − 1 more, and this thread
  }
  assert.equal(threadsWithinCap(base / 2), 1, 'one thread however tight the cap (the floor refuses below what that needs)');
});

test('Node 20 and 22 need 1.0 GiB to run the kernel, Node 24 and later 1.5 (V8 ended the process below it), Node 26 0.9 GiB a thread; the refusal shows the cap below the need', () => {
  assert.equal(capNeeds(20).floor, GiB);
  assert.equal(capNeeds(22).perThread, 0.6 * GiB);
  assert.equal(capNeeds(24).floor, 1.5 * GiB);
  assert.equal(capNeeds(26).perThread, 0.9 * GiB);
  const node24 = capNeeds(24);
  assert.equal(capTooLow('the kernel', 1.5 * GiB, node24), null);
  assert.equal(capTooLow('the kernel', null, node24), null);
  assert.match(capTooLow('the kernel', 1.499 * GiB, node24)!, /^this process may use 1\.49 GiB of address space \(ulimit -v\), and Node [\d.]+ needs 1\.5 GiB or more to run the kernel; raise the limit \(ulimit -v unlimited\)$/);
  assert.equal(capTooLow('the kernel', GiB, capNeeds(20)), null);
  assert.match(capTooLow('the kernel', 0.96 * GiB, capNeeds(20))!, /^this process may use 0\.96 GiB .* needs 1\.0 GiB or more to run the kernel/);
});
