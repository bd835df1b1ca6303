// The kernel's serial step (src/engine/update.ts over assembly/update.ts) against the reference in
// src/model/optimizer.ts, bit for bit: the gradient's norm, and every optimizer with and without clipping and
// weight decay over several steps, for lengths that exercise the two-lane loops' remainders; the finiteness
// check; and the engine's fast path (its own gradient buffer and moments) against the reference path.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createRng, normal } from '../src/model/rng.js';
import { type OptimizerName, clipGlobalNorm, clipScale, createOptimizerState, globalNorm, optimizerStep } from '../src/model/optimizer.js';
import { fastNorm, fastOptimizerStep } from '../src/engine/update.js';
import { type KernelBuild, instantiate, kernelModule, sharedMemory } from '../src/engine/wasm.js';
import { createEngine } from '../src/engine/engine.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../src/data/shared.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';

const BUILDS: KernelBuild[] = ['plain', 'fma'];
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));

/** The kernel over a fresh memory with params, grad, m and v [P] at 64-byte-aligned offsets. */
function kernelArrays(build: KernelBuild, P: number) {
  const stride = Math.ceil((P * 8) / 64) * 64;
  const at = { params: 65536, grad: 65536 + stride, m: 65536 + 2 * stride, v: 65536 + 3 * stride };
  const memory = sharedMemory(65536 + 4 * stride);
  const ex = instantiate(kernelModule(build), memory);
  return {
    ex, at,
    params: new Float32Array(memory.buffer, at.params, P),
    grad: new Float64Array(memory.buffer, at.grad, P),
    m: new Float32Array(memory.buffer, at.m, P),
    v: new Float32Array(memory.buffer, at.v, P),
  };
}

test('the kernel norm is globalNorm to the bit', () => {
  const rng = createRng(3);
  for (const build of BUILDS) {
    for (const P of [1, 2, 3, 4, 5, 6, 7, 9, 4483]) {
      const k = kernelArrays(build, P);
      for (let i = 0; i < P; i++) k.grad[i] = normal(rng) * 10 ** Math.floor(rng.next() * 6 - 3);
      assert.equal(fastNorm(k.ex, k.at, P), globalNorm(Float64Array.from(k.grad)), `${build} P=${P}`);
    }
  }
});

test('the kernel update is optimizerStep to the bit: every optimizer, clipping, weight decay, odd lengths', () => {
  const rng = createRng(4);
  for (const build of BUILDS) {
    for (const name of ['sgd', 'momentum', 'adam'] as OptimizerName[]) {
      for (const P of [1, 2, 5, 38]) {
        for (const [maxNorm, wd] of [[0, 0], [0.5, 0], [0, 0.01], [0.5, 0.01]]) {
          const k = kernelArrays(build, P);
          const ref = { params: new Float32Array(P), state: createOptimizerState(name, P) };
          for (let i = 0; i < P; i++) ref.params[i] = k.params[i] = normal(rng);
          const fast = { ...createOptimizerState(name, P), m: k.m, v: k.v };
          for (let step = 0; step < 4; step++) {
            for (let i = 0; i < P; i++) k.grad[i] = normal(rng) * 0.3;
            const g = Float64Array.from(k.grad);
            const norm = globalNorm(g);
            const s = clipScale(norm, maxNorm);
            if (s !== 1) for (let i = 0; i < P; i++) g[i] *= s;
            optimizerStep(ref.params, g, ref.state, 1e-2, wd);
            assert.equal(fastOptimizerStep(k.ex, k.at, P, s, fast, 1e-2, wd), true);
            const what = `${build} ${name} P=${P} clip ${maxNorm} wd ${wd} step ${step}`;
            assert.deepEqual(bits(k.params), bits(ref.params), what);
            if (name !== 'sgd') assert.deepEqual(bits(k.m), bits(ref.state.m), what);
            if (name === 'adam') assert.deepEqual(bits(k.v), bits(ref.state.v), what);
            assert.equal(fast.step, ref.state.step);
          }
        }
      }
    }
  }
});

test('the kernel update reports a weight that overflowed, in the paired loop and in the odd one', () => {
  for (const P of [4, 5]) {
    for (const bad of [0, P - 1]) {
      const k = kernelArrays('fma', P);
      k.params.fill(1);
      k.grad.fill(0);
      k.grad[bad] = -1e300; // sgd: θ − lr·g overflows float32
      assert.equal(fastOptimizerStep(k.ex, k.at, P, 1, createOptimizerState('sgd', P), 1), false, `P=${P} at ${bad}`);
    }
  }
});

test("the engine's fast update (its gradient buffer and moments) gives the reference path's bits", async () => {
  const shape = { D: 2, H: 13, C: 3 };
  const N = 12;
  const T = 9;
  const rng = createRng(5);
  const values = sharedFloat32(N * T * shape.D).map(() => normal(rng));
  const offsets = sharedFloat64(N).map((_, n) => n * T);
  const lengths = sharedInt32(N).fill(T);
  const labels = sharedInt32(N).map((_, n) => n % shape.C);
  const init = new Float32Array(layoutOf(shape).size);
  initParameters(init, shape, createRng(6));
  const run = async (fast: boolean) => {
    const e = createEngine({
      shape, readout: 'last', k: 0, threads: 1, chunkSize: 4, maxBatch: N, params: init, capacity: T, classWeight: null,
      data: { D: shape.D, values, offsets, lengths, labels },
    });
    e.setOrder(Int32Array.from({ length: N }, (_, i) => i));
    // The reference path: the same gradients, clipped and applied by model/optimizer.ts to the engine's weights.
    const opt = fast ? e.optimizer('adam') : createOptimizerState('adam', init.length);
    try {
      for (let s = 0; s < 5; s++) {
        await e.gradient(0, N);
        if (fast) {
          assert.equal(e.update(clipScale(e.norm(), 0.05), opt, 1e-2, 0.01), true);
        } else {
          const g = Float64Array.from(e.grad);
          clipGlobalNorm(g, 0.05);
          optimizerStep(e.params, g, opt, 1e-2, 0.01);
        }
      }
      return bits(e.params);
    } finally {
      await e.close();
    }
  };
  assert.deepEqual(await run(true), await run(false));
});
