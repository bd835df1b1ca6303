// The GRU in the fast WebAssembly kernel (assembly/gru.ts through src/engine/fast.ts) against the reference GRU
// (src/model/gru.ts through src/model/batch.ts): chunk loss, stats and every gradient element for both readouts,
// full and truncated BPTT, one and two directions, both builds, D > 1, H not a multiple of 8, mixed lengths
// (from 1) in a chunk, frame stacking, long sequences streamed through the prefix; batched GRU inference against
// predictSequence, and a sequence scored alone against among others (bits); the engine's GRU gradient, with the
// 'wasm' and 'ts' kernels, bit-identical for 1, 2 and 3 threads.
//
// Legend: N sequences, T steps, D inputs per step, H hidden, C classes, k BPTT horizon (0 = full).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { initParameters } from '../src/model/init.js';
import { type Shape, layoutOf } from '../src/model/layout.js';
import { createRng, normal } from '../src/model/rng.js';
import { createEngine } from '../src/engine/engine.js';
import type { KernelName } from '../src/engine/kernels.js';
import type { Readout } from '../src/model/rnn.js';
import { checkBatchedInference, dataOf, maxRel, runCase } from './helpers/kernel-case.js';
import { syntheticDataSet } from './helpers/synthetic.js';

const mixed = [1, 3, 7, 12, 12, 5, 30, 2, 9, 17, 4];
const gru = (D: number, H: number, C: number, directions: 1 | 2 = 1): Shape => ({ D, H, C, directions, cell: 'gru' });

describe('fast GRU kernel against the reference GRU', () => {
  for (const build of ['fma', 'plain'] as const) {
    for (const readout of ['last', 'mean', 'max'] as const) {
      for (const k of [0, 3]) {
        for (const directions of [1, 2] as const) {
          it(`${build} build, readout ${readout}, k = ${k}, ${directions} direction(s), D = 3, H = 13, mixed lengths from 1`, () => {
            runCase({ shape: gru(3, 13, 4, directions), readout, k, lengths: mixed, chunk: 4, build });
            runCase({ shape: gru(3, 13, 4, directions), readout, k, lengths: mixed, chunk: 3, build });
          });
        }
      }
    }
  }
  it('H = 40 (padded to 48), D = 2, chunk of 8, full and truncated, both builds', () => {
    for (const build of ['fma', 'plain'] as const) {
      for (const k of [0, 5]) runCase({ shape: gru(2, 40, 3), readout: 'last', k, lengths: [20, 3, 20, 19, 8, 1], chunk: 8, build });
    }
  });
  it('inputs that saturate the gates (values × 10⁶, no normalization): their gradient is the reference\'s, both builds', () => {
    for (const build of ['fma', 'plain'] as const) {
      for (const k of [0, 3]) runCase({ shape: gru(3, 13, 4), readout: 'mean', k, lengths: mixed, chunk: 4, build, scale: 1000000 });
    }
  });
  it('k = 1 and H = 64, D = 1, equal lengths', () => {
    runCase({ shape: gru(3, 13, 4), readout: 'mean', k: 1, lengths: mixed, chunk: 4 });
    runCase({ shape: gru(1, 64, 3), readout: 'last', k: 16, lengths: Array(8).fill(40), chunk: 8 });
  });
  for (const readout of ['last', 'mean', 'max'] as const) {
    it(`frame stacking by 3 of 2 channels (D = 6), readout ${readout}, one and two directions, k = 0 and 3, mixup's targets too`, () => {
      for (const k of [0, 3]) {
        runCase({ shape: gru(6, 13, 4), readout, k, lengths: mixed, chunk: 4, stride: 3 });
        runCase({ shape: gru(6, 13, 4, 2), readout, k, lengths: mixed, chunk: 3, stride: 3 });
        runCase({ shape: gru(6, 13, 4, 2), readout, k, lengths: mixed, chunk: 4, stride: 3, mixed: true });
      }
    });
  }
  it('long sequences stream through the prefix in blocks (T > 512 with k = 8), one and two directions, both builds', () => {
    for (const build of ['fma', 'plain'] as const) {
      runCase({ shape: gru(2, 8, 2), readout: 'mean', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4, build });
      runCase({ shape: gru(2, 8, 2, 2), readout: 'last', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4, build });
      runCase({ shape: gru(2, 8, 2, 2), readout: 'max', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4, build });
    }
  });
  it('full BPTT over 600 steps: the gradient decays past 2^-100, where backward flushes it to 0, and still matches', () => {
    runCase({ shape: gru(2, 16, 2), readout: 'last', k: 0, lengths: [600, 450, 2], chunk: 4 });
  });
});

describe('GRU inference', () => {
  for (const directions of [1, 2] as const) {
    it(`batched GRU inference gives the reference probabilities, and a sequence alone the same bits as among others (${directions} direction(s))`, () => {
      const rng = createRng(3);
      const shape = gru(2, 10, 3, directions);
      const params = new Float32Array(layoutOf(shape).size);
      initParameters(params, shape, rng);
      for (let i = 0; i < params.length; i++) params[i] += 0.05 * normal(rng); // non-zero biases, b_hn among them
      const data = dataOf(rng, 2, 3, [5, 40, 1, 33, 33, 7, 600, 2, 19, 25, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
      const idx = Int32Array.from([3, 0, 6, 21, 5, 5, 1, 2, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      checkBatchedInference(shape, params, data, idx);
    });
  }
});

describe('the engine trains a GRU', () => {
  /** Three gradient steps with Adam updates between them; the last gradient and the weights after. */
  async function run(kernel: KernelName, threads: number, shape: Shape, k: number, stride: number, readout: Readout) {
    const ds = syntheticDataSet(40, shape.D / stride, shape.C);
    const params = new Float32Array(layoutOf(shape).size);
    initParameters(params, shape, createRng(4));
    const e = createEngine({
      shape, readout, k, stride, threads, chunkSize: 3, maxBatch: 13, params, capacity: 30, classWeight: null, data: ds, kernel,
    });
    try {
      e.setOrder(Int32Array.from({ length: 40 }, (_, i) => (i * 17) % 40));
      const opt = e.optimizer('adam');
      const losses: number[] = [];
      for (let s = 0; s < 3; s++) {
        const r = await e.gradient(s * 13, s * 13 + 13);
        losses.push(r.loss);
        if (s < 2) e.update(1, opt, 3e-3);
      }
      return { grad: Float64Array.from(e.grad), params: Float32Array.from(e.params), losses };
    } finally {
      await e.close();
    }
  }
  for (const v of [
    { name: 'one direction, full BPTT', shape: gru(2, 8, 3), k: 0, stride: 1, readout: 'mean' as const },
    { name: 'bidirectional, frame stacking by 2, k = 4', shape: gru(4, 8, 3, 2), k: 4, stride: 2, readout: 'mean' as const },
    { name: 'bidirectional, readout max, frame stacking by 2, k = 4', shape: gru(4, 8, 3, 2), k: 4, stride: 2, readout: 'max' as const },
    { name: 'two layers, bidirectional, frame stacking by 2, full BPTT', shape: { ...gru(4, 8, 3, 2), layers: 2 as const }, k: 0, stride: 2, readout: 'last' as const },
  ]) {
    it(`the GRU gradient is bit-identical for 1, 2 and 3 threads, 'wasm' and 'ts' kernels, and they agree (${v.name})`, async () => {
      const byKernel = new Map<KernelName, Awaited<ReturnType<typeof run>>>();
      for (const kernel of ['wasm', 'ts'] as const) {
        const runs = [];
        for (const threads of [1, 2, 3]) runs.push(await run(kernel, threads, v.shape, v.k, v.stride, v.readout));
        for (const r of runs.slice(1)) {
          assert.deepEqual(r.grad, runs[0].grad, `${kernel}: gradient`);
          assert.deepEqual(r.params, runs[0].params, `${kernel}: weights`);
          assert.deepEqual(r.losses, runs[0].losses, `${kernel}: losses`);
        }
        byKernel.set(kernel, runs[0]);
      }
      const w = byKernel.get('wasm')!;
      const t = byKernel.get('ts')!;
      assert.ok(maxRel(w.grad, t.grad) < 1e-4, `wasm vs ts gradient ${maxRel(w.grad, t.grad)}`);
      for (let s = 0; s < 3; s++) assert.ok(Math.abs(w.losses[s] - t.losses[s]) < 1e-5 * t.losses[s]);
    });
  }
});
