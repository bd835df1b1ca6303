// The fast kernel against the reference on one configuration (test/kernel.test.ts, test/gru-kernel.test.ts):
// every chunk's loss, stats and gradient element, the reference in float64 as the truth; the fast float32
// result must be as close to it as the reference's own float32 result is, within a small factor.

import assert from 'node:assert/strict';

import { type Sequences, chunkGradient, predictSequence } from '../../src/model/batch.js';
import { createPredictor } from '../../src/engine/predict.js';
import { initParameters } from '../../src/model/init.js';
import { type Shape, layoutOf } from '../../src/model/layout.js';
import { type Readout, createWorkspace, windowLength } from '../../src/model/rnn.js';
import { createRng, normal } from '../../src/model/rng.js';
import { createFastContext, fastChunkGradient, packWeights } from '../../src/engine/fast.js';
import { frameCount, framedChunk } from '../../src/model/frames.js';
import { chunkScratch } from '../../src/model/noise.js';
import { type KernelBuild, kernelModule, memoryPlan, scratchPlan, sharedMemory } from '../../src/engine/wasm.js';

export function dataOf(rng: ReturnType<typeof createRng>, D: number, C: number, lengths: number[]): Sequences {
  const N = lengths.length;
  const offsets = new Float64Array(N);
  let L = 0;
  for (let n = 0; n < N; n++) {
    offsets[n] = L;
    L += lengths[n];
  }
  const values = new Float32Array(L * D).map(() => normal(rng));
  const labels = Int32Array.from(lengths, () => Math.floor(rng.next() * C));
  return { D, values, offsets, lengths: Int32Array.from(lengths), labels };
}

export function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e / Math.max(scale, 1e-12);
}

export interface Case {
  shape: Shape;
  readout: Readout;
  k: number;
  lengths: number[];
  chunk: number;
  build?: KernelBuild;
  stride?: number; // shape.D = channels · stride
  mixed?: boolean; // mixup's targets on every other sequence (model/mixup.ts)
  scale?: number; // the inputs' values multiplied by it (1: standard normal)
  params?: Float32Array; // these parameters instead of random ones
  data?: Sequences; // these sequences instead of random ones (shape.D channels)
}

export function runCase(c: Case): void {
  const rng = createRng(11);
  const { shape } = c;
  const P = layoutOf(shape).size;
  const params = new Float32Array(P);
  initParameters(params, shape, rng);
  for (let i = 0; i < P; i++) params[i] += 0.05 * normal(rng); // non-zero biases
  if (c.params !== undefined) params.set(c.params);
  const s = c.stride ?? 1;
  const raw = c.data ?? dataOf(rng, shape.D / s, shape.C, c.lengths);
  if (c.scale !== undefined) for (let i = 0; i < raw.values.length; i++) raw.values[i] *= c.scale;
  const N = c.lengths.length;
  const mixed = { labels: Int32Array.from(raw.labels, (l) => (l + 1) % shape.C), shares: Float64Array.from(raw.labels, (_, n) => (n % 2 ? 1 : 0.5 + 0.4 * rng.next())) };
  const data = c.mixed ? { ...raw, mixed } : raw;
  const order = Int32Array.from({ length: N }, (_, i) => (i * 7) % N);
  const window = Math.max(...c.lengths.map((T) => windowLength(frameCount(T, s), c.k)));
  const classWeight = Float64Array.from({ length: shape.C }, (_, i) => 1 + 0.5 * i);

  const sp = scratchPlan(shape, c.chunk, window);
  const plan = memoryPlan(P, 1, 1, sp);
  const memory = sharedMemory(plan.bytes);
  const cx = createFastContext(kernelModule(c.build), memory, plan.scratch, sp, shape, plan.params, s);
  const theta = new Float32Array(memory.buffer, plan.params, P);
  theta.set(params);
  packWeights(cx);
  const slot = new Float32Array(memory.buffer, plan.slots, P);

  const params64 = Float64Array.from(params);
  const ws64 = createWorkspace((n) => new Float64Array(n), shape, window);
  const ws32 = createWorkspace((n) => new Float32Array(n), shape, window);
  for (let from = 0; from < N; from += c.chunk) {
    const to = Math.min(N, from + c.chunk);
    slot.fill(NaN); // the fast kernel must write every element
    const fast = fastChunkGradient(cx, plan.slots, c.readout, c.k, data, order, from, to, classWeight);
    // The reference reads the chunk's sequences as frames written out (model/frames.ts).
    const framed = framedChunk(chunkScratch(), data, order, from, to, s);
    const n = to - from;
    const g64 = new Float64Array(P);
    const framed64 = { ...framed.data, values: Float64Array.from(framed.data.values) };
    const ref = chunkGradient(g64, params64, shape, c.readout, c.k, framed64, framed.order, 0, n, classWeight, ws64);
    const g32 = new Float32Array(P);
    chunkGradient(g32, params, shape, c.readout, c.k, framed.data, framed.order, 0, n, classWeight, ws32);
    assert.ok(Math.abs(fast.loss - ref.loss) <= 1e-5 * Math.abs(ref.loss), `loss ${fast.loss} vs ${ref.loss}`);
    assert.equal(fast.weight, ref.weight);
    assert.equal(fast.correct, ref.correct);
    const eFast = maxRel(slot, g64);
    const eRef = maxRel(g32, g64);
    assert.ok(eFast < Math.max(4 * eRef, 2e-6), `gradient error ${eFast.toExponential(2)} (float32 reference: ${eRef.toExponential(2)})`);
  }
}


/**
 * Batched inference (createPredictor) of sequences idx of data against the reference predictSequence, every
 * readout, and each sequence scored alone against the same sequence among the others (bits).
 */
export function checkBatchedInference(shape: Shape, params: Float32Array, data: Sequences, idx: Int32Array): void {
  const { C } = shape;
  for (const readout of ['last', 'mean', 'max'] as const) {
    const probs = new Float32Array(idx.length * C);
    const logp = new Float64Array(idx.length);
    const predict = createPredictor(shape, readout);
    predict(params, data, idx, probs, logp);
    const ws = createWorkspace((n) => new Float32Array(n), shape, 1);
    const p = new Float32Array(C);
    const alone = new Float32Array(C);
    const logpAlone = new Float64Array(1);
    for (let i = 0; i < idx.length; i++) {
      const lp = predictSequence(p, params, shape, readout, data, idx[i], ws);
      assert.ok(Math.abs(lp - logp[i]) < 1e-4, `${readout} seq ${idx[i]}: log p ${logp[i]} vs ${lp}`);
      for (let c = 0; c < C; c++) assert.ok(Math.abs(p[c] - probs[i * C + c]) < 1e-4);
      // Scored on its own (as streaming predict scores), a sequence gets the same bits as among the others.
      predict(params, data, [idx[i]], alone, logpAlone);
      assert.deepEqual(alone, probs.subarray(i * C, (i + 1) * C), `${readout} seq ${idx[i]} alone`);
      assert.equal(logpAlone[0], logp[i]);
    }
  }
}
