// The engine's step doorbell: a worker that throws or exits mid-training ends the step with a clear error (no
// hang, no orphan threads), a stray wake-up is not a step, a long wait leaves the core to other threads, and idle
// extra workers (more threads than chunks) are harmless.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { DONE, GEN, spinUntil } from '../src/engine/doorbell.js';
import { createEngine } from '../src/engine/engine.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';
import { createRng } from '../src/model/rng.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { FAILING_WORKER } from './helpers/cli.js';

function engineFor(threads: number, batch: number, worker?: URL) {
  const ds = syntheticDataSet(20, 1, 2);
  const shape = { D: 1, H: 6, C: 2 };
  const params = new Float32Array(layoutOf(shape).size);
  initParameters(params, shape, createRng(1));
  const e = createEngine({ shape, readout: 'mean', k: 0, threads, chunkSize: 4, maxBatch: batch, params, capacity: 30, classWeight: null, data: ds, worker });
  e.setOrder(Int32Array.from({ length: 20 }, (_, i) => i));
  return e;
}

/** body() on an engine of two threads whose worker is the failing fixture in `mode`; the engine closed after. */
async function withFixtureWorker(mode: string, body: (e: ReturnType<typeof engineFor>) => Promise<void>): Promise<void> {
  process.env.TRAIN_SIGNALS_TEST_FAIL = mode; // read by the fixture worker as it starts
  const e = engineFor(2, 16, FAILING_WORKER);
  try {
    await body(e);
  } finally {
    delete process.env.TRAIN_SIGNALS_TEST_FAIL;
    await e.close();
  }
}

for (const kind of ['throw', 'exit'] as const) {
  test(`a worker that ${kind === 'throw' ? 'throws' : 'exits'} fails the step with a clear message`, () => withFixtureWorker(`${kind}@1`, async (e) => {
    const ok = engineFor(1, 16);
    await e.gradient(0, 16);
    await ok.gradient(0, 16);
    assert.deepEqual(e.grad, ok.grad, 'a step the fixture serves is right (the coordinator computed every chunk)');
    await assert.rejects(e.gradient(0, 16), kind === 'throw' ? /a gradient worker failed: injected fault/ : /a gradient worker failed: .*exited/);
    await assert.rejects(e.gradient(0, 16), /closed engine/, 'the failed engine is closed');
    await ok.close();
  }));
}

test('a notify that arrives after its ring woke the worker is not a ring: the worker sleeps on until the generation moves (it served the step again and reported twice)', async () => {
  // The late notify of the ring of generation 1, sent while the worker, done with that step, waits on it.
  const bell = new Int32Array(new SharedArrayBuffer(4 * 8));
  Atomics.store(bell, GEN, 1);
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     import(workerData.doorbell).then(({ awaitRing }) => parentPort.postMessage(awaitRing(workerData.bell, 1, 0)));`,
    { eval: true, workerData: { bell, doorbell: new URL('../src/engine/doorbell.js', import.meta.url).href } },
  );
  const returned = new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  try {
    while (Atomics.notify(bell, GEN) === 0) await sleep(2); // until one woke the worker from Atomics.wait
    const early = await Promise.race([returned, sleep(200).then(() => null)]);
    assert.equal(early, null, 'awaitRing returned on a notify with the generation unchanged');
    Atomics.add(bell, GEN, 1);
    Atomics.notify(bell, GEN);
    assert.equal(await returned, 2);
  } finally {
    await worker.terminate();
  }
});

test('a spin past its first 0.5 ms naps between checks, leaving the core to threads with work, and still sees the change it waits for', async () => {
  // Counted in checks, not CPU time, which a busy machine would cut for an outright spin too: in 40 ms an outright
  // spin checks some twenty million times, a napping one some hundreds of thousands.
  const bell = new Int32Array(new SharedArrayBuffer(4 * 8));
  let checks = 0;
  const t0 = performance.now();
  assert.equal(spinUntil(() => (checks++, false), 40, { bell, field: DONE }), false);
  const wallMs = performance.now() - t0;
  assert.ok(wallMs >= 40, `the spin gave up after ${wallMs} ms of its 40`);
  assert.ok(checks < 2_000_000, `a 40 ms wait checked ${checks} times (it spun throughout)`);

  // Another thread's store lands while the spin naps (30 ms in): the spin sees it, long before its window ends.
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     setTimeout(() => { Atomics.store(workerData.bell, ${GEN}, 1); Atomics.notify(workerData.bell, ${GEN}); }, 30);`,
    { eval: true, workerData: { bell } },
  );
  try {
    const t1 = performance.now();
    assert.equal(spinUntil(() => Atomics.load(bell, GEN) === 1, 20_000, { bell, field: GEN }), true);
    assert.ok(performance.now() - t1 < 10_000, 'the spin saw the store');
  } finally {
    await worker.terminate();
  }
});

test('a worker that reports a step twice fails the step as a bug, rather than the coordinator summing chunks not yet finished', () => withFixtureWorker('twice@1', async (e) => {
  await e.gradient(0, 16);
  await assert.rejects(e.gradient(0, 16), /bug: 2 reports from 1 gradient worker/);
}));

test('a worker that fails between two steps: the next step rejects with its cause (it said the engine was closed, as a bug)', () => withFixtureWorker('leave@0', async (e) => {
  await e.gradient(0, 16);
  await sleep(300); // the worker's exit is heard before the next step
  await assert.rejects(e.gradient(0, 16), /a gradient worker failed: .*exited/);
}));

test('more threads than chunks: the idle workers report and the gradient equals one thread\'s', async () => {
  const a = engineFor(1, 16);
  const b = engineFor(4, 16); // up to 4 chunks a step, 3 workers; these steps have 2
  assert.equal(b.threads, 4);
  for (let s = 0; s < 3; s++) {
    await a.gradient(s * 4, s * 4 + 8);
    await b.gradient(s * 4, s * 4 + 8);
    assert.deepEqual(b.grad, a.grad);
  }
  await a.close();
  await b.close();
});

test('an engine runs no more threads than its largest batch has chunks', async () => {
  const a = engineFor(1, 8);
  const b = engineFor(16, 8); // 2 chunks at most
  assert.equal(b.threads, 2);
  await a.gradient(0, 8);
  await b.gradient(0, 8);
  assert.deepEqual(b.grad, a.grad);
  await a.close();
  await b.close();
});

test('in lockstep with one thread for 600 steps, with input noise, mixed lengths and pauses between steps, three threads give every step\'s gradient to the bit', async () => {
  const ds = syntheticDataSet(27, 2, 3, 5, 20, 90);
  const shape = { D: 2, H: 24, C: 3 };
  const params = new Float32Array(layoutOf(shape).size);
  initParameters(params, shape, createRng(1));
  const spec = (threads: number) => ({
    shape, readout: 'mean' as const, k: 0, threads, chunkSize: 4, maxBatch: 27, params, capacity: 90, classWeight: null, data: ds, noise: { sigma: 0.1, seed: 1 },
  });
  const one = createEngine(spec(1));
  const three = createEngine(spec(3));
  const [o1, o3] = [one.optimizer('adam'), three.optimizer('adam')];
  const order = Int32Array.from({ length: 27 }, (_, i) => i);
  const rng = createRng(9);
  try {
    for (let s = 0; s < 600; s++) {
      if (s % 9 === 0) {
        for (let i = 26; i > 0; i--) {
          const j = Math.floor(rng.next() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        one.setOrder(order);
        three.setOrder(order);
      }
      const from = s % 3 === 2 ? 13 : 0; // batches of 27 and of 14 chunks' worth
      const [a, b] = [await one.gradient(from, 27, s), await three.gradient(from, 27, s)];
      assert.equal(b.loss, a.loss, `step ${s}: loss`);
      assert.deepEqual(three.grad, one.grad, `step ${s}: gradient`);
      one.update(1, o1, 3e-3);
      three.update(1, o3, 3e-3);
      if (s % 50 === 7) await new Promise((r) => setTimeout(r, 3)); // the workers go back to sleep in Atomics.wait
    }
    assert.deepEqual(three.params, one.params);
  } finally {
    await one.close();
    await three.close();
  }
});

test('workers that fail as they start, before any task: the step rejects and close() returns (an error event on the pool ended the process; a task left queued with no worker hung close)', async () => {
  const UNLOADABLE = new URL(import.meta.resolve('./helpers/unloadable-worker.js'));
  for (const threads of [2, 3, 5]) {
    const e = engineFor(threads, 16, UNLOADABLE);
    await assert.rejects(e.gradient(0, 16), /a gradient worker failed: this worker could not load/);
    await e.close();
  }
});
