// Compares the float32 kernel (src/model/rnn.ts) with PyTorch: the loss and every gradient element of a small
// batch, for readouts last/mean/max × full/truncated BPTT, against fixtures written by tools/torch_reference.py (see
// its header for how to regenerate them): test/fixtures/torch-reference.json (one-directional) and
// torch-reference-bidirectional.json (bidirectional, frames of 3 samples: its raw sequences go through our
// framing, src/model/frames.ts, which the fixture's F.pad + reshape defines) and torch-reference-gru.json (the
// GRU cell, bidirectional, frames of 3 samples, PyTorch's biases folded into our b_h and b_hn by the script) and
// torch-reference-gru-2layers.json (the same as nn.GRU(num_layers=2, bidirectional=True): full BPTT only).
// Needs no Python.
//
// Legend: N sequences, T samples, F steps (frames), D inputs per step, H hidden, C classes, k BPTT horizon (0 = full).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import type { Sequences } from '../src/model/batch.js';
import { frameCount, framedChunk } from '../src/model/frames.js';
import { PARAM_NAMES, type ParamName, type Shape, cellOf, layersOf, layoutOf, viewsOf } from '../src/model/layout.js';
import { chunkScratch } from '../src/model/noise.js';
import { type Readout, backward, createWorkspace, forward, windowLength } from '../src/model/rnn.js';

interface Fixture {
  torch_version: string;
  shape: Shape;
  stride?: number; // frames of this many samples (absent: 1)
  channels?: number; // samples are [channels] each (absent: D)
  params: Record<ParamName, number[]>;
  sequences: number[][]; // [N] of raw samples [T][channels] row-major
  lengths: number[]; // [N] in samples
  labels: number[]; // [N]
  cases: { readout: Readout; k: number; loss: number; grad: Record<ParamName, number[]> }[];
}

// Tests run from dist/test/; the fixtures stay in the source tree.
const FIXTURES = ['torch-reference.json', 'torch-reference-bidirectional.json', 'torch-reference-gru.json', 'torch-reference-gru-2layers.json'];

/** Within float32 rounding of PyTorch's float32 value. */
const ok = (got: number, want: number) => Math.abs(got - want) <= 1e-7 + 1e-6 * Math.abs(want);

/** The fixture's raw sequences as frames of width D (offsets and lengths in frames), through frames.ts. */
function framed(fx: Fixture): Sequences {
  const s = fx.stride ?? 1;
  const channels = fx.channels ?? fx.shape.D;
  assert.equal(channels * s, fx.shape.D, 'fixture: D is not channels × stride');
  const offsets: number[] = [];
  let at = 0;
  for (let n = 0; n < fx.lengths.length; n++) {
    assert.equal(fx.sequences[n].length, fx.lengths[n] * channels, `fixture sequence ${n}: length mismatch`);
    offsets.push(at);
    at += fx.lengths[n];
  }
  const raw: Sequences = {
    D: channels, values: new Float32Array(fx.sequences.flat()), offsets: Float64Array.from(offsets),
    lengths: Int32Array.from(fx.lengths), labels: Int32Array.from(fx.labels),
  };
  const order = Int32Array.from(fx.lengths, (_, n) => n);
  return framedChunk(chunkScratch(), raw, order, 0, order.length, s).data;
}

for (const file of FIXTURES) {
  const fx = JSON.parse(readFileSync(new URL(`../../test/fixtures/${file}`, import.meta.url), 'utf8')) as Fixture;
  const { shape } = fx;
  const s = fx.stride ?? 1;
  describe(`rnn kernel against PyTorch ${fx.torch_version} (float32): ${file}, cell ${cellOf(shape)}, directions ${shape.directions ?? 1}, layers ${layersOf(shape)}, stride ${s}`, () => {
    const size = layoutOf(shape).size;
    const theta = new Float32Array(size);
    const P = viewsOf(theta, shape);
    const names = PARAM_NAMES.filter((name) => P[name].length > 0);
    // Every parameter the fixture holds is one this shape has (a GRU fixture read as a tanh one would not be).
    assert.deepEqual(Object.keys(fx.params).sort(), [...names].sort(), 'fixture params: not the shape\'s parameters');
    for (const name of names) {
      assert.equal(fx.params[name]?.length, P[name].length, `fixture params.${name}: wrong length for shape`);
      P[name].set(fx.params[name]);
    }
    const x = framed(fx);
    const N = fx.lengths.length;
    const steps = fx.lengths.map((T) => frameCount(T, s));

    if (layersOf(shape) === 2) {
      it('covers every readout with full BPTT (two layers do not truncate), and sequences of one frame and more', () => {
        const seen = new Set(fx.cases.map((c) => `${c.readout}/${c.k > 0 ? 'trunc' : 'full'}`));
        assert.deepEqual([...seen].sort(), ['last/full', 'max/full', 'mean/full']);
        assert.ok(steps.includes(1) && steps.some((F) => F > 4));
      });
    } else {
      it('covers every readout, full and truncated, with some sequences shorter than k', () => {
        const seen = new Set(fx.cases.map((c) => `${c.readout}/${c.k > 0 ? 'trunc' : 'full'}`));
        assert.deepEqual([...seen].sort(), ['last/full', 'last/trunc', 'max/full', 'max/trunc', 'mean/full', 'mean/trunc']);
        const k = Math.max(...fx.cases.map((c) => c.k));
        assert.ok(steps.some((F) => F > k) && steps.some((F) => F <= k));
      });
    }

    for (const c of fx.cases) {
      it(`readout ${c.readout}, k = ${c.k}: loss and every gradient element`, () => {
        const grad = new Float32Array(size);
        const G = viewsOf(grad, shape);
        const ws = createWorkspace((n) => new Float32Array(n), shape, Math.max(...steps.map((F) => windowLength(F, c.k))));
        let loss = 0;
        for (let n = 0; n < N; n++) {
          const xo = x.offsets[n] * shape.D;
          loss -= forward(ws, P, shape, c.readout, c.k, x.values, xo, x.lengths[n], x.labels[n]);
          backward(G, ws, P, shape, c.readout, c.k, x.values, xo, x.lengths[n], x.labels[n], 1 / N);
        }
        loss /= N;
        assert.ok(ok(loss, c.loss), `loss ${loss}, PyTorch ${c.loss}`);
        for (const name of names) {
          const want = c.grad[name];
          assert.equal(want.length, G[name].length, `fixture grad.${name}: wrong length`);
          for (let i = 0; i < want.length; i++) {
            assert.ok(ok(G[name][i], want[i]), `d${name}[${i}]: ours ${G[name][i]}, PyTorch ${want[i]}`);
          }
        }
      });
    }
  });
}
