// The engine's step doorbell: a worker that throws or exits mid-training ends the step with a clear error (no
// hang, no orphan threads), and idle extra workers (more threads than chunks) are harmless.

import { test } from 'node:test';
import assert from 'node:assert/strict';
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

for (const kind of ['throw', 'exit'] as const) {
  test(`a worker that ${kind === 'throw' ? 'throws' : 'exits'} fails the step with a clear message`, async () => {
    process.env.TRAIN_SIGNALS_TEST_FAIL = `${kind}@1`; // read by the fixture worker as it starts
    const e = engineFor(2, 16, FAILING_WORKER);
    const ok = engineFor(1, 16);
    await e.gradient(0, 16);
    await ok.gradient(0, 16);
    assert.deepEqual(e.grad, ok.grad, 'a step the fixture serves is right (the coordinator computed every chunk)');
    await assert.rejects(e.gradient(0, 16), kind === 'throw' ? /a gradient worker failed: injected fault/ : /a gradient worker failed: .*exited/);
    await assert.rejects(e.gradient(0, 16), /closed engine/, 'the failed engine is closed');
    await e.close();
    await ok.close();
  });
}

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
