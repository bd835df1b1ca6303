// Compares the float32 kernel (src/model/rnn.ts) with PyTorch: the loss and every gradient element of a small
// batch, for readouts last/mean × full/truncated BPTT, against test/fixtures/torch-reference.json written by
// tools/torch_reference.py (see its header for how to regenerate it). Needs no Python.
//
// Legend: N sequences, T steps, D channels, H hidden, C classes, k BPTT horizon (0 = full).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { PARAM_NAMES, type ParamName, type Shape, layoutOf, viewsOf } from '../src/model/layout.js';
import { type Readout, backward, createWorkspace, forward, windowLength } from '../src/model/rnn.js';

interface Fixture {
  torch_version: string;
  shape: Shape;
  params: Record<ParamName, number[]>;
  sequences: number[][]; // [N] of [T][D] row-major
  lengths: number[]; // [N]
  labels: number[]; // [N]
  cases: { readout: Readout; k: number; loss: number; grad: Record<ParamName, number[]> }[];
}

// Tests run from dist/test/; the fixture stays in the source tree.
const FIXTURE_URL = new URL('../../test/fixtures/torch-reference.json', import.meta.url);
const fx = JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as Fixture;

/** Within float32 rounding of PyTorch's float32 value. */
const ok = (got: number, want: number) => Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want);

describe(`rnn kernel against PyTorch ${fx.torch_version} (float32)`, () => {
  const { shape } = fx;
  const size = layoutOf(shape).size;
  const theta = new Float32Array(size);
  const P = viewsOf(theta, shape);
  const names = PARAM_NAMES.filter((name) => P[name].length > 0);
  for (const name of names) {
    assert.equal(fx.params[name].length, P[name].length, `fixture params.${name}: wrong length for shape`);
    P[name].set(fx.params[name]);
  }
  const x = new Float32Array(fx.sequences.flat()); // [Σ T][D]
  const offsets: number[] = [];
  let at = 0;
  for (let n = 0; n < fx.lengths.length; n++) {
    assert.equal(fx.sequences[n].length, fx.lengths[n] * shape.D, `fixture sequence ${n}: length mismatch`);
    offsets.push(at);
    at += fx.sequences[n].length;
  }

  it('covers both readouts, full and truncated, with some sequences shorter than k', () => {
    const seen = new Set(fx.cases.map((c) => `${c.readout}/${c.k > 0 ? 'trunc' : 'full'}`));
    assert.deepEqual([...seen].sort(), ['last/full', 'last/trunc', 'mean/full', 'mean/trunc']);
    const k = Math.max(...fx.cases.map((c) => c.k));
    assert.ok(fx.lengths.some((T) => T > k) && fx.lengths.some((T) => T <= k));
  });

  for (const c of fx.cases) {
    it(`readout ${c.readout}, k = ${c.k}: loss and every gradient element`, () => {
      const N = fx.lengths.length;
      const grad = new Float32Array(size);
      const G = viewsOf(grad, shape);
      const ws = createWorkspace((n) => new Float32Array(n), shape, Math.max(...fx.lengths.map((T) => windowLength(T, c.k))));
      let loss = 0;
      for (let n = 0; n < N; n++) {
        loss -= forward(ws, P, shape, c.readout, c.k, x, offsets[n], fx.lengths[n], fx.labels[n]);
        backward(G, ws, P, shape, c.readout, c.k, x, offsets[n], fx.lengths[n], fx.labels[n], 1 / N);
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
