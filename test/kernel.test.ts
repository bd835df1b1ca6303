// The fast WebAssembly kernel (src/engine/fast.ts over assembly/rnn.ts) against the reference kernel
// (src/model/batch.ts): chunk loss, stats and every gradient element, for both readouts, full and truncated
// BPTT, D > 1, H not a multiple of 8, mixed lengths in a chunk, chunks not a multiple of 4 rows. The
// reference runs in float64 (the truth); the fast float32 result must be as close to it as the reference's
// own float32 result is, within a small factor. Also: the vectorized tanh, and batched inference.
//
// Legend: N sequences, T steps, D channels, H hidden, C classes, k BPTT horizon (0 = full).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { initParameters } from '../src/model/init.js';
import { layoutOf, viewsOf } from '../src/model/layout.js';
import { createRng, normal } from '../src/model/rng.js';
import { RESERVED, defaultBuild, fusesMultiplyAdd, kernelModule, instantiate, sharedMemory } from '../src/engine/wasm.js';
import { arrange, contextOver, forwardChunk, head, packWeights } from '../src/engine/fast.js';
import { createPredictor, rowsFor, storedPlan } from '../src/engine/predict.js';
import { checkBatchedInference, dataOf, runCase } from './helpers/kernel-case.js';
import { randomModel, referenceProbabilities } from './helpers/models.js';
import { score } from '../src/eval/score.js';
import { checkKernelSizes } from '../src/engine/kernels.js';

describe('fast kernel against the reference kernel', () => {
  it('the default build is the fused one where its multiply-add fuses, and the plain build never fuses', () => {
    assert.equal(fusesMultiplyAdd(kernelModule('plain')), false);
    const fused = fusesMultiplyAdd(kernelModule('fma'));
    assert.equal(defaultBuild(), fused ? 'fma' : 'plain');
    // On Linux x86-64 the CPU says whether it has FMA3; V8 fuses the relaxed multiply-add exactly where it does.
    const flags = process.arch === 'x64' && existsSync('/proc/cpuinfo') ? /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] : undefined;
    if (flags !== undefined) assert.equal(fused, flags.split(/\s+/).includes('fma'));
  });

  it('both builds (fused and plain multiply-adds) pass', () => {
    for (const build of ['fma', 'plain'] as const) {
      for (const readout of ['last', 'mean', 'max'] as const) {
        runCase({ shape: { D: 3, H: 13, C: 4 }, readout, k: 4, lengths: [1, 3, 7, 12, 12, 5, 30, 2, 9, 17, 4], chunk: 4, build });
        runCase({ shape: { D: 2, H: 40, C: 3 }, readout, k: 0, lengths: [20, 3, 20, 19, 8], chunk: 8, build });
      }
    }
  });
  const mixed = [1, 3, 7, 12, 12, 5, 30, 2, 9, 17, 4];
  for (const readout of ['last', 'mean', 'max'] as const) {
    for (const k of [0, 4, 1]) {
      it(`readout ${readout}, k = ${k}, D = 3, H = 13, chunks of 4 and 3, mixed lengths`, () => {
        runCase({ shape: { D: 3, H: 13, C: 4 }, readout, k, lengths: mixed, chunk: 4 });
        runCase({ shape: { D: 3, H: 13, C: 4 }, readout, k, lengths: mixed, chunk: 3 });
      });
    }
  }
  it('mixup\'s targets (two labels per sequence): loss, weights and gradient, both readouts, full and truncated', () => {
    for (const readout of ['last', 'mean', 'max'] as const) {
      for (const k of [0, 4]) runCase({ shape: { D: 3, H: 13, C: 4 }, readout, k, lengths: mixed, chunk: 4, mixed: true });
    }
  });
  it('H = 64, D = 1, equal lengths, chunk of 8, full and truncated', () => {
    for (const k of [0, 16]) runCase({ shape: { D: 1, H: 64, C: 3 }, readout: 'last', k, lengths: Array(16).fill(40), chunk: 8 });
  });
  it('long sequences stream through the prefix in blocks (T > 512 with k = 8)', () => {
    runCase({ shape: { D: 2, H: 8, C: 2 }, readout: 'mean', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4 });
    runCase({ shape: { D: 2, H: 8, C: 2 }, readout: 'max', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4 });
  });
  for (const readout of ['last', 'mean', 'max'] as const) {
    for (const k of [0, 3]) {
      it(`bidirectional, readout ${readout}, k = ${k}, D = 3, mixed lengths, both builds`, () => {
        for (const build of ['fma', 'plain'] as const) {
          runCase({ shape: { D: 3, H: 13, C: 4, directions: 2 }, readout, k, lengths: mixed, chunk: 4, build });
        }
      });
      it(`frame stacking by 3 of 2 channels (D = 6), readout ${readout}, k = ${k}, lengths from 1 (shorter than a frame) to 30`, () => {
        runCase({ shape: { D: 6, H: 13, C: 4 }, readout, k, lengths: mixed, chunk: 4, stride: 3 });
        runCase({ shape: { D: 6, H: 13, C: 4, directions: 2 }, readout, k, lengths: mixed, chunk: 3, stride: 3 });
      });
    }
  }
  it('inputs that saturate the units (values × 10⁶, no normalization): the gradient through a saturated unit is 0, as the reference\'s, both builds', () => {
    for (const build of ['fma', 'plain'] as const) {
      for (const k of [0, 3]) runCase({ shape: { D: 3, H: 13, C: 4 }, readout: 'mean', k, lengths: mixed, chunk: 4, build, scale: 1000000 });
    }
  });
  it('the max readout on a tie gives the gradient to the earliest step, as the reference and PyTorch\'s max do, both builds', () => {
    // A mutation audit's find: the later step winning passed every test. Steps 1 and 3 read the same input
    // (W_hh 0), so their states tie exactly; only the earlier one has h_0 = 0 before it, so dW_hh tells them apart.
    const shape = { D: 1, H: 1, C: 2 };
    const params = new Float32Array(layoutOf(shape).size);
    const P = viewsOf(params, shape);
    P.W_xh[0] = 1;
    P.W_hy.set([1, -1]);
    const data = { D: 1, values: Float32Array.of(2, 0.5, 2), offsets: Float64Array.of(0), lengths: Int32Array.of(3), labels: Int32Array.of(1) };
    for (const build of ['fma', 'plain'] as const) runCase({ shape, readout: 'max', k: 0, lengths: [3], chunk: 1, build, params, data });
  });

  it('bidirectional, frame stacking by 4, long sequences streamed in blocks both ways (k = 8)', () => {
    runCase({ shape: { D: 8, H: 8, C: 2, directions: 2 }, readout: 'mean', k: 8, lengths: [5200, 2800, 9, 4400], chunk: 4, stride: 4 });
    runCase({ shape: { D: 8, H: 8, C: 2, directions: 2 }, readout: 'last', k: 8, lengths: [5200, 2800, 9, 4400], chunk: 4, stride: 4 });
  });
});

describe('fast kernel pieces', () => {
  for (const build of ['fma', 'plain'] as const) {
    it(`tanh is within 2 ulp of Math.tanh (${build} build)`, () => {
      const memory = sharedMemory(65536 * 3);
      const ex = instantiate(kernelModule(build), memory);
      const n = 16384;
      const f = new Float32Array(memory.buffer, 65536, n);
      let worst = 0;
      for (const range of [1e-3, 0.7, 1.3, 3, 12]) { // 1.3: both sides of the polynomial's reach (1.25)
        for (let i = 0; i < n; i++) f[i] = ((i / n) * 2 - 1) * range;
        const x = Float32Array.from(f);
        ex.tanhInPlace(65536, n);
        for (let i = 0; i < n; i++) {
          const ref = Math.tanh(x[i]);
          const ulp = Math.max(Math.abs(ref), 1e-38) * 2 ** -23;
          worst = Math.max(worst, Math.abs(f[i] - ref) / ulp);
        }
      }
      assert.ok(worst <= 2, `worst error ${worst.toFixed(2)} ulp`);
      // Where float32's tanh is ±1 (|x| past 9.01), so is this one: 1 − h², the gradient through the unit, is 0
      // there, as in the reference and PyTorch (at 0.99999994 it was 1.2e-7, times inputs of any size).
      const far = [9.02, 9.5, 10, 17, 88, 1e4, 3e38, Infinity];
      f.set([...far, ...far.map((x) => -x)]);
      ex.tanhInPlace(65536, 2 * far.length);
      assert.deepEqual([...f.subarray(0, 2 * far.length)], [...far.map(() => 1), ...far.map(() => -1)]);
    });
  }

  it('accumulate sums float32 slots into float64 with the bits of the JavaScript loop', () => {
    const memory = sharedMemory(65536 * 3);
    const ex = instantiate(kernelModule(), memory);
    const rng = createRng(8);
    for (const n of [1, 3, 4, 37, 4483]) {
      const acc = new Float64Array(memory.buffer, 65536, n);
      const slot = new Float32Array(memory.buffer, 65536 + 8 * 4496, n);
      const ref = new Float64Array(n);
      acc.fill(0);
      for (let c = 0; c < 5; c++) {
        for (let i = 0; i < n; i++) slot[i] = normal(rng) * 10 ** Math.floor(rng.next() * 12 - 6);
        ex.accumulate(65536, 65536 + 8 * 4496, n);
        for (let i = 0; i < n; i++) ref[i] += slot[i];
      }
      assert.deepEqual(Float64Array.from(acc), ref);
    }
  });

  it('pack lays W_hh out in the documented panels, zeros in every padding position', () => {
    const rng = createRng(9);
    for (const H of [1, 8, 13, 20, 40, 64]) {
      const D = 3;
      const Hp = Math.ceil(H / 8) * 8;
      const memory = sharedMemory(65536 * 4);
      const ex = instantiate(kernelModule(), memory);
      const at = (i: number) => 65536 + i * 4;
      const view = (from: number, n: number) => {
        const v = new Float32Array(memory.buffer, at(from), n);
        for (let i = 0; i < n; i++) v[i] = normal(rng);
        return v;
      };
      const whh = view(0, H * H);
      const wxh = view(H * H, H * D);
      const bh = view(H * H + H * D, H);
      const out = at(H * H + H * D + H + 4);
      const f32 = new Float32Array(memory.buffer, out, 2 * Hp * Hp + D * Hp + Hp).fill(NaN);
      ex.pack(H, D, Hp, at(H * H), at(0), at(H * H + H * D), out, out + 4 * Hp * Hp, out + 8 * Hp * Hp, out + 4 * (2 * Hp * Hp + D * Hp));
      const w = (i: number, j: number) => (i < H && j < H ? whh[i * H + j] : 0);
      for (let jb = 0; jb < Hp; jb += 8) {
        for (let k = 0; k < Hp; k++) {
          for (let jj = 0; jj < 8; jj++) {
            const o = jb * Hp + k * 8 + jj;
            assert.equal(f32[o], w(jb + jj, k), `H ${H}: fwd[${jb / 8}][${k}][${jj}]`);
            assert.equal(f32[Hp * Hp + o], w(k, jb + jj), `H ${H}: bwd[${jb / 8}][${k}][${jj}]`);
          }
        }
      }
      for (let d = 0; d < D; d++) for (let j = 0; j < Hp; j++) assert.equal(f32[2 * Hp * Hp + d * Hp + j], j < H ? wxh[j * D + d] : 0);
      for (let j = 0; j < Hp; j++) assert.equal(f32[2 * Hp * Hp + D * Hp + j], j < H ? bh[j] : 0);
    }
  });

  it('batched inference gives the reference probabilities', () => {
    const rng = createRng(3);
    const shape = { D: 2, H: 10, C: 3 };
    const params = new Float32Array(layoutOf(shape).size);
    initParameters(params, shape, rng);
    const data = dataOf(rng, 2, 3, [5, 40, 1, 33, 33, 7, 600, 2, 19, 25, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    const idx = Int32Array.from([3, 0, 6, 21, 5, 5, 1, 2, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    checkBatchedInference(shape, params, data, idx);
  });

  it('a predictor with constant weights skips reloading them, and reloads after another predictor used the memory', () => {
    const rng = createRng(4);
    const shape = { D: 2, H: 10, C: 3 };
    const a = new Float32Array(layoutOf(shape).size);
    const b = new Float32Array(layoutOf(shape).size);
    initParameters(a, shape, rng);
    initParameters(b, shape, rng);
    const data = dataOf(rng, 2, 3, [5, 40, 9]);
    const idx = [0, 1, 2];
    const run = (p: ReturnType<typeof createPredictor>, w: Float32Array) => {
      const probs = new Float32Array(9);
      p(w, data, idx, probs, new Float64Array(3));
      return probs;
    };
    const constant = createPredictor(shape, 'mean', 1, true);
    const other = createPredictor(shape, 'mean');
    const first = run(constant, a);
    assert.deepEqual(run(constant, a), first);
    const fromB = run(other, b); // loads other weights into the same scoring memory
    assert.notDeepEqual(fromB, first);
    assert.deepEqual(run(constant, a), first, 'the constant predictor saw the memory taken and reloaded its weights');
  });

  it('two predictors of one two-layer model\'s weights, interleaved: each call gives its bits alone (the other\'s longer scratch covers the packed copy)', () => {
    const rng = createRng(5);
    const shape = { D: 2, H: 10, C: 3, layers: 2 as const, cell: 'gru' as const, directions: 2 as const };
    const w = new Float32Array(layoutOf(shape).size);
    initParameters(w, shape, rng);
    const short = dataOf(rng, 2, 3, [6, 9, 4, 7, 8]);
    const long = dataOf(rng, 2, 3, [300, 250]);
    const run = (p: ReturnType<typeof createPredictor>, data: typeof short) => {
      const probs = new Float32Array(data.lengths.length * 3);
      p(w, data, Int32Array.from(data.lengths.keys()), probs, new Float64Array(data.lengths.length));
      return Array.from(probs);
    };
    const streaming = createPredictor(shape, 'mean', 1, true);
    const file = createPredictor(shape, 'mean', 1, true);
    const alone = run(streaming, short);
    const longAlone = run(file, long);
    assert.deepEqual(run(streaming, short), alone, 'after the other predictor scored longer sequences');
    assert.deepEqual(run(file, long), longAlone);
    assert.deepEqual(run(streaming, short), alone);
  });

  it('a run that needed a scoring memory past 64 MiB keeps it from call to call and lets it go as it ends; a model whose weights need it keeps it', async () => {
    const { predictMemoryBytes, releaseScoringMemory } = await import('../src/engine/predict.js');
    const rng = createRng(6);
    const shape = { D: 1, H: 64, C: 2, layers: 2 as const, cell: 'gru' as const, directions: 2 as const };
    const w = new Float32Array(layoutOf(shape).size);
    initParameters(w, shape, rng);
    const data = dataOf(rng, 1, 2, [12_000, 5]); // two sequences: a chunk of 4 rows
    const p = createPredictor(shape, 'last', 1, true);
    const score1 = () => {
      const probs = new Float32Array(4);
      p(w, data, [0, 1], probs, new Float64Array(2));
      return Array.from(probs);
    };
    const first = score1();
    const held = predictMemoryBytes();
    assert.ok(held > 64 * 2 ** 20);
    assert.deepEqual(score1(), first);
    assert.equal(predictMemoryBytes(), held, 'kept between the calls of a run (each one anew piled up until a full collection)');
    releaseScoringMemory();
    assert.equal(predictMemoryBytes(), 0, 'let go as the run ends');
    assert.deepEqual(score1(), first, 'the same bits in a memory made anew');
    releaseScoringMemory();
    // A one-layer model whose weights alone pass 64 MiB: its memory is let go too, and made again by the next run.
    const wide = { D: 1, H: 2100, C: 2 };
    const big = new Float32Array(layoutOf(wide).size).map(() => 0.01 * normal(rng));
    const q = createPredictor(wide, 'last', 1, true);
    const probs = new Float32Array(2);
    q(big, data, [1], probs, new Float64Array(1));
    releaseScoringMemory();
    const again = new Float32Array(2);
    q(big, data, [1], again, new Float64Array(1));
    assert.deepEqual(Array.from(again), Array.from(probs));
  });
});

describe('fast kernel, two layers, against the reference kernel', () => {
  // The first layer's states as the second's inputs, the second's input gradient injected into the first:
  // both cells, one and two directions, every readout, mixed lengths (rows starting late), H not a multiple of 8,
  // frames of 2 samples, mixup's second targets.
  for (const cell of ['gru', 'rnn'] as const) {
    for (const directions of [2, 1] as const) {
      it(`${cell}, ${directions === 2 ? 'bidirectional' : 'one direction'}: every readout, every gradient element`, () => {
        for (const readout of ['last', 'mean', 'max'] as const) {
          const shape = { D: 6, H: 13, C: 4, cell, directions, layers: 2 as const };
          runCase({ shape, readout, k: 0, lengths: [1, 3, 7, 12, 12, 5, 30, 2, 9, 17, 4], chunk: 4, stride: 2 });
          runCase({ shape: { ...shape, D: 3 }, readout, k: 0, lengths: [20, 3, 20, 19, 8], chunk: 8, mixed: true });
        }
      });
    }
  }
});

describe('scoring a model of two layers', () => {
  /** |got − want| ≤ tol for every probability, naming the sequence (want [N][C], got [idx.length][C]). */
  const assertClose = (got: Float32Array, want: Float32Array, idx: ArrayLike<number>, C: number, tol: number) => {
    Array.from(idx).forEach((n, i) => {
      for (let c = 0; c < C; c++) assert.ok(Math.abs(got[i * C + c] - want[n * C + c]) <= tol, `sequence ${n}, class ${c}: ${got[i * C + c]} vs ${want[n * C + c]}`);
    });
  };

  it('gives the reference\'s probabilities, framed, each sequence as alone, in any order of the indices', () => {
    const rng = createRng(5);
    const m = randomModel(rng, 2, 4, 3, 'mean', false, 2, true, 'gru', false, false, 2);
    const lengths = Int32Array.from([5, 1, 12, 8]);
    const offsets = Float64Array.from([0, 5, 6, 18]);
    const data = { D: 2, values: Float32Array.from({ length: 26 * 2 }, () => normal(rng)), offsets, lengths, labels: Int32Array.from([0, 2, 1, -1]) };
    const idx = Int32Array.from([2, 0, 3, 1]);
    const got = score(m, data, idx).probabilities;
    assertClose(got, referenceProbabilities(m, data), idx, 3, 1e-6);
    // The same sequences scored alone, and after a longer batch grew the scratch: the same bits.
    for (const [i, n] of idx.entries()) {
      assert.deepEqual(score(m, data, Int32Array.of(n)).probabilities, got.subarray(i * 3, (i + 1) * 3), `sequence ${n} alone`);
    }
  });

  it('a chunk of 16 rows, one of 8 for the 5 left, and each sequence alone (4 rows): the same bits', () => {
    const rng = createRng(8);
    const m = randomModel(rng, 2, 5, 3, 'max', false, 1, true, 'gru', false, false, 2);
    const lengths = Int32Array.from({ length: 21 }, (_, i) => 1 + ((i * 7) % 23));
    const offsets = Float64Array.from(lengths, (_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
    const total = lengths.reduce((a, b) => a + b, 0);
    const data = { D: 2, values: Float32Array.from({ length: total * 2 }, () => normal(rng)), offsets, lengths, labels: new Int32Array(21).fill(-1) };
    const all = score(m, data).probabilities;
    assertClose(all, referenceProbabilities(m, data), Int32Array.from({ length: 21 }, (_, i) => i), 3, 1e-6);
    for (let n = 0; n < 21; n++) assert.deepEqual(score(m, data, Int32Array.of(n)).probabilities, all.subarray(n * 3, (n + 1) * 3), `sequence ${n} alone`);
  });

  it('rows by the sequences a chunk holds; 16 rows that do not fit fall back to the tile of 4, and less is refused', () => {
    assert.deepEqual([1, 4, 5, 8, 13, 16, 17, 1000].map(rowsFor), [4, 4, 8, 8, 16, 16, 16, 16]);
    const shape = { D: 1, H: 8, C: 3, cell: 'gru' as const, directions: 2 as const, layers: 2 as const };
    assert.equal(storedPlan(shape, 16, 1000, 0).Mc, 16);
    assert.equal(storedPlan(shape, 8, 1000, 0).Mc, 8);
    assert.equal(storedPlan(shape, 16, 1_200_000, 0).Mc, 4, 'sixteen rows of 1,200,000 steps pass 4 GiB');
    assert.throws(() => storedPlan(shape, 16, 5_000_000, 0), /a model of two layers keeps every state of a sequence it scores, and one has 5000000 steps/);
  });

  it('a predictor plans each call for its own rows and longest sequence: many short ones after a long one take no more memory', async () => {
    const { predictMemoryBytes, releaseScoringMemory } = await import('../src/engine/predict.js');
    const rng = createRng(10);
    const m = randomModel(rng, 1, 8, 3, 'mean', false, 1, true, 'rnn', false, false, 2);
    const predict = createPredictor(m.shape, 'mean');
    const run = (lengths: number[]) => {
      const data = dataOf(rng, 1, 3, lengths);
      const probs = new Float32Array(3 * lengths.length);
      predict(m.parameters, data, Int32Array.from(lengths.keys()), probs, new Float64Array(lengths.length));
      assertClose(probs, referenceProbabilities(m, data), Int32Array.from(lengths.keys()), 3, 1e-5);
    };
    releaseScoringMemory();
    run([60_000]);
    const held = predictMemoryBytes();
    run(Array(16).fill(50));
    run(Array(40).fill(90));
    assert.equal(predictMemoryBytes(), held, 'sixteen rows of the long sequence were not planned');
    releaseScoringMemory();
  });

  it('a predictor that refused a sequence too long still grows its scratch for a longer one that fits', () => {
    const rng = createRng(9);
    const m = randomModel(rng, 1, 8, 3, 'last', false, 1, true, 'gru', false, false, 2);
    const predict = createPredictor(m.shape, 'last');
    const run = (T: number) => {
      const data = { D: 1, values: Float32Array.from({ length: T }, () => normal(rng)), offsets: Float64Array.of(0), lengths: Int32Array.of(T), labels: Int32Array.of(-1) };
      const probs = new Float32Array(3);
      predict(m.parameters, data, [0], probs, new Float64Array(1));
      return { probs, data };
    };
    run(100);
    assert.throws(() => run(5_000_000), /one has 5000000 steps/);
    const { probs, data } = run(3_000);
    assertClose(probs, referenceProbabilities(m, data), [0], 3, 1e-5);
  });

  // Every state is kept, so a long sequence's scratch passes 2 GiB: every offset must be read unsigned (>>> 2).
  // A scratch placed past 2 GiB (pages never touched cost nothing) puts all of them there.
  it('a scratch past 2 GiB: the bits of one at the start of memory, the reference\'s probabilities', () => {
    const rng = createRng(6);
    for (const readout of ['mean', 'last', 'max'] as const) {
      const m = randomModel(rng, 2, 8, 3, readout, false, 1, true, 'gru', false, false, 2);
      const T = 3_000;
      const data = { D: 2, values: Float32Array.from({ length: 2 * T }, () => normal(rng)), offsets: Float64Array.of(0), lengths: Int32Array.of(T), labels: Int32Array.of(-1) };
      const sp = storedPlan(m.shape, rowsFor(1), T, 0);
      const base = 2 ** 31 + 65_536;
      const memory = sharedMemory(base + sp.size);
      const cx = contextOver(instantiate(kernelModule(), memory), memory, base, sp, m.shape, RESERVED);
      cx.f32.set(m.parameters, RESERVED >>> 2);
      packWeights(cx);
      const { n, Tmax } = arrange(cx, data, [0], 0, 1);
      forwardChunk(cx, data, readout, n, Tmax, Tmax, true);
      head(cx, readout, 0, cx.frames[0], Tmax, -1);
      const high = Float32Array.from(cx.p);
      assert.deepEqual(high, score(m, data).probabilities, readout);
      assertClose(high, referenceProbabilities(m, data), [0], 3, 1e-5);
    }
  });

  it('too large for the kernel\'s memory, is refused with what helps two layers', () => {
    const shape = { D: 2, H: 64, C: 3, cell: 'gru' as const, directions: 2 as const, layers: 2 as const };
    const sizes = { shape, chunkSize: 4, capacity: 3_000_000, chunks: 8, threads: 2 };
    assert.throws(() => checkKernelSizes('wasm', sizes, layoutOf(shape).size), /more than the 4 GiB WebAssembly can address; a model of two layers keeps every state of its longest sequence: .*--layers 1/);
    assert.throws(() => checkKernelSizes('wasm', { ...sizes, shape: { ...shape, layers: 1 as const } }, layoutOf(shape).size), /truncate BPTT \(--bptt\)$/);
  });
});
