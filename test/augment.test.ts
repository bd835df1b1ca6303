import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addInputNoise, augmentInputs, noiseSeed, warpRng, warpSequence } from '../src/model/noise.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { createEngine } from '../src/engine/engine.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';
import { createRng } from '../src/model/rng.js';

test('input noise depends only on (seed, epoch, sequence): the same whatever the order of the sequences', () => {
  const ds = syntheticDataSet(12, 3, 2);
  const clean = Float32Array.from(ds.values);
  const a = new Float32Array(clean.length);
  const b = new Float32Array(clean.length);
  addInputNoise(a, clean, ds.D, ds.offsets, ds.lengths, Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 0.2, 1, 3);
  addInputNoise(b, clean, ds.D, ds.offsets, ds.lengths, Int32Array.from([11, 4, 7, 0, 2, 9, 1, 3, 5, 8, 6, 10]), 0.2, 1, 3);
  assert.deepEqual(a, b);
  const c = new Float32Array(clean.length);
  addInputNoise(c, clean, ds.D, ds.offsets, ds.lengths, Int32Array.from(ds.labels.keys()), 0.2, 1, 4);
  assert.notDeepEqual(c, a); // another epoch, other noise
  assert.notEqual(noiseSeed(1, 3, 5), noiseSeed(2, 3, 5));
  assert.notEqual(noiseSeed(1, 3, 5), noiseSeed(1, 5, 3));
});

test('input noise touches only the given sequences and has standard deviation σ', () => {
  const ds = syntheticDataSet(200, 2, 2, 7, 40, 60);
  const clean = Float32Array.from(ds.values);
  const out = Float32Array.from(clean);
  const some = Int32Array.from({ length: 100 }, (_, i) => 2 * i); // the even sequences
  addInputNoise(out, clean, ds.D, ds.offsets, ds.lengths, some, 0.3, 9, 1);
  let s = 0, s2 = 0, k = 0;
  for (let n = 0; n < 200; n++) {
    for (let i = ds.offsets[n] * ds.D; i < (ds.offsets[n] + ds.lengths[n]) * ds.D; i++) {
      const e = out[i] - clean[i];
      if (n % 2 === 1) assert.equal(e, 0);
      else { s += e; s2 += e * e; k++; }
    }
  }
  const mean = s / k;
  const sd = Math.sqrt(s2 / k - mean * mean);
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.3) < 0.01, `sd ${sd}`);
});

test('the kernels add the noise as they read a chunk: the same bits as noising the data first, any kernel, any thread count, and the data set is left clean', async () => {
  // Long enough (k = 8 with lengths up to 600) that the fast kernel streams the prefix in several blocks.
  const ds = syntheticDataSet(22, 2, 3, 5, 3, 600);
  const clean = Float32Array.from(ds.values);
  const shape = { D: 2, H: 9, C: 3 };
  const params = new Float32Array(layoutOf(shape).size);
  initParameters(params, shape, createRng(4));
  const order = Int32Array.from({ length: 22 }, (_, i) => (i * 5) % 22);
  const sigma = 0.25, seed = 17, epoch = 6, k = 8;
  const run = async (kernel: 'ts' | 'wasm', threads: number, noisy: boolean) => {
    const e = createEngine({
      shape, readout: 'mean', k, threads, chunkSize: 4, maxBatch: 22, params, capacity: k, classWeight: null, data: ds, kernel,
      noise: noisy ? { sigma, seed } : null,
    });
    e.setOrder(order);
    const r = await e.gradient(0, 22, epoch);
    const g = Float64Array.from(e.grad);
    await e.close();
    return { g, loss: r.loss };
  };
  for (const kernel of ['ts', 'wasm'] as const) {
    const streamed = [await run(kernel, 1, true), await run(kernel, 2, true)];
    assert.deepEqual(ds.values, clean, 'the data set is never written');
    addInputNoise(ds.values, clean, ds.D, ds.offsets, ds.lengths, order, sigma, seed, epoch);
    const materialized = await run(kernel, 1, false);
    ds.values.set(clean);
    for (const s of streamed) {
      assert.deepEqual(s.g, materialized.g, kernel);
      assert.equal(s.loss, materialized.loss);
    }
    const noiseless = await run(kernel, 1, false);
    assert.notDeepEqual(noiseless.g, materialized.g);
  }
});

test('window warping: endpoints kept, a ramp stays monotone, a window plays at half or double speed, seeded', () => {
  const T = 40;
  const D = 2;
  const x = Float32Array.from({ length: T * D }, (_, i) => (i % 2 === 0 ? i / 2 : -i / 2)); // channel 0 rises, 1 falls
  const seen = new Set<string>();
  for (let n = 0; n < 20; n++) {
    const out = new Float32Array(T * D);
    warpSequence(out, 0, x, 0, T, D, 0.25, warpRng(3, 1, n));
    assert.equal(out[0], x[0]);
    assert.equal(out[(T - 1) * D], x[(T - 1) * D]);
    for (let t = 1; t < T; t++) {
      assert.ok(out[t * D] >= out[(t - 1) * D], 'channel 0 still rises');
      assert.ok(out[t * D + 1] <= out[(t - 1) * D + 1], 'channel 1 still falls');
    }
    assert.notDeepEqual(out, x);
    seen.add(Array.from(out).join());
    const again = new Float32Array(T * D);
    warpSequence(again, 0, x, 0, T, D, 0.25, warpRng(3, 1, n));
    assert.deepEqual(again, out, 'seeded by (seed, epoch, sequence)');
  }
  assert.ok(seen.size > 10, 'the window and the speed differ between sequences');
  const short = new Float32Array(3 * D);
  warpSequence(short, 0, x, 0, 3, D, 0.25, warpRng(3, 1, 0));
  assert.deepEqual(short, x.subarray(0, 3 * D), 'fewer than 4 samples: unchanged');
});

test('the kernels warp (and add noise to) a chunk as they read it: the bits of augmenting the data first, any kernel, any thread count', async () => {
  const ds = syntheticDataSet(22, 2, 3, 5, 3, 60);
  const clean = Float32Array.from(ds.values);
  const shape = { D: 4, H: 7, C: 3, directions: 2 as const };
  const params = new Float32Array(layoutOf(shape).size);
  initParameters(params, shape, createRng(4));
  const order = Int32Array.from({ length: 22 }, (_, i) => (i * 5) % 22);
  const epoch = 3;
  for (const noise of [{ sigma: 0.2, seed: 9, warp: 0.2 }, { sigma: 0, seed: 9, warp: 0.3 }]) {
    const run = async (kernel: 'ts' | 'wasm', threads: number, augmented: boolean) => {
      const e = createEngine({
        shape, readout: 'mean', k: 5, stride: 2, threads, chunkSize: 4, maxBatch: 22, params, capacity: 30, classWeight: null, data: ds, kernel,
        noise: augmented ? noise : null,
      });
      e.setOrder(order);
      await e.gradient(0, 22, epoch);
      const g = Float64Array.from(e.grad);
      await e.close();
      return g;
    };
    for (const kernel of ['ts', 'wasm'] as const) {
      const streamed = [await run(kernel, 1, true), await run(kernel, 2, true)];
      assert.deepEqual(ds.values, clean, 'the data set is never written');
      augmentInputs(ds.values, clean, ds.D, ds.offsets, ds.lengths, order, noise, epoch);
      const materialized = await run(kernel, 1, false);
      ds.values.set(clean);
      for (const s of streamed) assert.deepEqual(s, materialized, `${kernel}, warp ${noise.warp}, σ ${noise.sigma}`);
      assert.notDeepEqual(await run(kernel, 1, false), materialized, 'warping changes the gradient');
    }
  }
});
