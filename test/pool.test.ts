import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTaskPool, workerStartError } from '../src/engine/pool.js';
import { UserError } from '../src/errors.js';
import type { EchoTask } from './helpers/echo-worker.js';

const ECHO = new URL(import.meta.resolve('./helpers/echo-worker.js'));
const tasks = (n: number, f: (i: number) => Partial<EchoTask> = () => ({})): EchoTask[] => Array.from({ length: n }, (_, i) => ({ i, ...f(i) }));

test('results come back in task order, each task reported once', async () => {
  const pool = createTaskPool<EchoTask, number>(ECHO, 2, null);
  try {
    const seen: number[] = [];
    const r = await pool.run(tasks(50), (i, v) => { assert.equal(v, i); seen.push(i); });
    assert.deepEqual(r, tasks(50).map((t) => t.i));
    assert.deepEqual(seen.sort((a, b) => a - b), r);
  } finally {
    await pool.close();
  }
});

test('an abort stops the tasks in flight and those not begun; the run rejects with its reason once all have ended', async () => {
  // Many quick tasks on warm workers: the abort lands while results are on their way (piscina threw those as
  // error events when the pool was destroyed under them); tasks that wait for the stop flag must see it.
  for (let round = 0; round < 20; round++) {
    const ac = new AbortController();
    const pool = createTaskPool<EchoTask, number>(ECHO, 2, null, ac.signal);
    try {
      await pool.run(tasks(2));
      let done = 0;
      const reason = new Error('stop');
      await assert.rejects(
        pool.run(tasks(200, (i) => ({ untilStop: i % 7 === 6 })), () => { if (++done === 1 + (round % 5)) ac.abort(reason); }),
        (e) => e === reason,
      );
      await assert.rejects(pool.run(tasks(1)), (e) => e === reason, 'a run after the abort does not start');
    } finally {
      await pool.close();
    }
  }
});

test('a failing task stops the others, and the run rejects with its error rather than theirs', async () => {
  const pool = createTaskPool<EchoTask, number>(ECHO, 2, null);
  try {
    await assert.rejects(pool.run(tasks(6, (i) => (i === 1 ? { fail: true } : { untilStop: true }))), /task 1 failed/);
  } finally {
    await pool.close();
  }
});

test('workers that fail as they start: the run rejects with the failure, for any thread count (an error event on the pool ended the process; tasks queued with no worker left waited forever)', { timeout: 30_000 }, async () => {
  const UNLOADABLE = new URL(import.meta.resolve('./helpers/unloadable-worker.js'));
  for (const threads of [1, 2, 3, 4]) {
    const pool = createTaskPool<EchoTask, number>(UNLOADABLE, threads, null);
    try {
      await assert.rejects(pool.run(tasks(6)), /this worker could not load/);
    } finally {
      await pool.close();
    }
  }
});

test('a worker that could not start for want of file descriptors (EMFILE) is the user\'s condition, named', () => {
  const inWorker = Object.assign(new Error("EMFILE: too many open files, open '/x/node_modules/piscina/dist/worker.js'"), { code: 'EMFILE' });
  const atInit = Object.assign(new Error('Worker initialization failure: EMFILE'), { code: 'ERR_WORKER_INIT_FAILED' });
  const node24 = new Error('Cannot read package config /x/node_modules/piscina/package.json: too many open files.');
  for (const e of [inWorker, atInit, node24]) {
    const r = workerStartError(e, 8) as Error;
    assert.ok(r instanceof UserError);
    assert.equal(r.message, 'could not start 8 computing thread(s) (EMFILE: this process has as many files open as its limit allows, ulimit -n); run with fewer (--threads 1) or raise the limit');
  }
  const system = workerStartError(Object.assign(new Error('ENFILE: file table overflow'), { code: 'ENFILE' }), 2) as Error;
  assert.match(system.message, /\(ENFILE: the system has as many files open as it allows\)/);
});

test('a task\'s UserError reaches the run as a UserError, file and line kept (thrown across the thread it would read as a bug)', async () => {
  const pool = createTaskPool<EchoTask, number>(ECHO, 2, null);
  try {
    await assert.rejects(pool.run(tasks(4, (i) => ({ userError: i === 2 }))), (e: unknown) => e instanceof UserError && e.message === 'data.csv:3: task 2 was given too much');
  } finally {
    await pool.close();
  }
});

test('a worker thread that cannot start (ulimit -u reached: Node\'s ERR_WORKER_INIT_FAILED, EAGAIN) is the user\'s condition, named; other errors pass as they are', () => {
  const refused = Object.assign(new Error('EAGAIN'), { code: 'ERR_WORKER_INIT_FAILED' });
  const e = workerStartError(refused, 4);
  assert.ok(e instanceof UserError, String(e));
  assert.equal(e.message, 'could not start 4 computing thread(s) (EAGAIN: the limit on processes and threads, ulimit -u, is reached); run with fewer (--threads 1) or raise the limit');
  const other = new Error('x');
  assert.equal(workerStartError(other, 4), other);
});
