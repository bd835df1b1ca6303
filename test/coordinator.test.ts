// The coordinator's step doorbell: a worker that throws or exits mid-training ends the step with a clear
// error (no hang, no orphan threads), and idle extra workers (more threads than chunks) are harmless.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../src/train/coordinator.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';
import { createRng } from '../src/model/rng.js';
import { syntheticDataSet } from './helpers/synthetic.js';

function engineFor(threads: number, batch: number) {
  const ds = syntheticDataSet(20, 1, 2);
  const shape = { D: 1, H: 6, C: 2 };
  const params = new Float32Array(layoutOf(shape).size);
  initParameters(params, shape, createRng(1));
  const e = createEngine({ shape, readout: 'mean', k: 0, threads, chunkSize: 4, maxBatch: batch, params, capacity: 30, classWeight: null, data: ds });
  e.state.order.set(Int32Array.from({ length: 20 }, (_, i) => i));
  return e;
}

for (const kind of ['throw', 'exit'] as const) {
  test(`a worker that ${kind === 'throw' ? 'throws' : 'exits'} fails the step with a clear message`, async () => {
    const e = engineFor(2, 16);
    const g = new Float64Array(e.params.length);
    await e.gradient(0, 16, g);
    e.injectFault!(kind);
    await assert.rejects(e.gradient(0, 16, g), /a gradient worker failed/);
    await e.close();
  });
}

test('more threads than chunks: the idle workers report and the gradient equals one thread\'s', async () => {
  const a = engineFor(1, 8);
  const b = engineFor(4, 8); // 2 chunks, 3 workers
  const ga = new Float64Array(a.params.length);
  const gb = new Float64Array(b.params.length);
  for (let s = 0; s < 3; s++) {
    await a.gradient(s * 4, s * 4 + 8, ga);
    await b.gradient(s * 4, s * 4 + 8, gb);
    assert.deepEqual(gb, ga);
  }
  await a.close();
  await b.close();
});
