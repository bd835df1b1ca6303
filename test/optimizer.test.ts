import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipGlobalNorm, clipScale, createOptimizerState, optimizerStep } from '../src/model/optimizer.js';

test('adam: the first step moves each parameter by lr against the sign of its gradient', () => {
  const p = new Float32Array([1, -1, 0.5]);
  const g = new Float64Array([0.3, -2, 1e-3]);
  const s = createOptimizerState('adam', 3);
  optimizerStep(p, g, s, 0.01);
  // m̂ = g, v̂ = g², so the step is lr · g / (|g| + ε).
  assert.ok(Math.abs(p[0] - Math.fround(1 - 0.01)) < 1e-7);
  assert.ok(Math.abs(p[1] - Math.fround(-1 + 0.01)) < 1e-7);
  assert.ok(Math.abs(p[2] - Math.fround(0.5 - 0.01 * (1e-3 / (1e-3 + 1e-8)))) < 1e-7);
  assert.equal(s.step, 1);
});

test('adam matches a float64 re-implementation over several steps', () => {
  const p = new Float32Array([0.2, -0.7]);
  const s = createOptimizerState('adam', 2);
  const ref = [0.2, -0.7], m = [0, 0], v = [0, 0];
  for (let t = 1; t <= 5; t++) {
    const g = new Float64Array([Math.sin(t), Math.cos(t) * 3]);
    optimizerStep(p, g, s, 1e-2);
    for (let i = 0; i < 2; i++) {
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      ref[i] -= (1e-2 * m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(p[i] - ref[i]) < 1e-6);
});

test('sgd and momentum follow their update rules', () => {
  const p = new Float32Array([1]);
  optimizerStep(p, new Float64Array([2]), createOptimizerState('sgd', 1), 0.1);
  assert.equal(p[0], Math.fround(0.8));
  const q = new Float32Array([1]);
  const s = createOptimizerState('momentum', 1);
  optimizerStep(q, new Float64Array([1]), s, 0.1); // u = 1
  optimizerStep(q, new Float64Array([1]), s, 0.1); // u = 1.9
  assert.ok(Math.abs(q[0] - (1 - 0.1 - 0.19)) < 1e-6);
});

test('global-norm clipping scales the whole gradient to the limit and leaves small ones alone', () => {
  const g = new Float64Array([3, 4]);
  assert.equal(clipGlobalNorm(g, 1), 5);
  assert.ok(Math.abs(Math.hypot(g[0], g[1]) - 1) < 1e-6);
  assert.ok(Math.abs(g[0] / g[1] - 0.75) < 1e-12);
  const h = new Float64Array([0.3, 0.4]);
  clipGlobalNorm(h, 1);
  assert.deepEqual(Array.from(h), [0.3, 0.4]);
  const k = new Float64Array([30, 40]);
  clipGlobalNorm(k, 0);
  assert.deepEqual(Array.from(k), [30, 40]);
  // torch: clip_coef = max_norm / (total_norm + 1e-6), clamped to 1: a norm at the limit, or a hair under it, is scaled.
  assert.equal(clipScale(1, 1), 1 / (1 + 1e-6));
  assert.equal(clipScale(1 - 5e-7, 1), 1 / (1 - 5e-7 + 1e-6));
  assert.equal(clipScale(1 - 2e-6, 1), 1);
  assert.equal(clipScale(5, 1), 1 / (5 + 1e-6));
});

test('decoupled weight decay: every rule first shrinks θ by (1 − lr·λ), as torch.optim.AdamW', () => {
  // sgd with a zero gradient: only the decay acts.
  const p = new Float32Array([2, -4]);
  optimizerStep(p, new Float64Array([0, 0]), createOptimizerState('sgd', 2), 0.1, 0.5);
  assert.deepEqual(Array.from(p), [Math.fround(2 * 0.95), Math.fround(-4 * 0.95)]);
  // adam: decay, then the usual Adam step, over several steps against a float64 re-implementation.
  const q = new Float32Array([0.2, -0.7]);
  const s = createOptimizerState('adam', 2);
  const ref = [0.2, -0.7], m = [0, 0], v = [0, 0];
  const lr = 1e-2, wd = 0.3;
  for (let t = 1; t <= 5; t++) {
    const g = new Float64Array([Math.sin(t), Math.cos(t) * 3]);
    optimizerStep(q, g, s, lr, wd);
    for (let i = 0; i < 2; i++) {
      ref[i] *= 1 - lr * wd;
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      ref[i] -= (lr * m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(q[i] - ref[i]) < 1e-6);
  // λ = 0 is exactly the plain rule.
  const a = new Float32Array([0.5]), b = new Float32Array([0.5]);
  optimizerStep(a, new Float64Array([0.1]), createOptimizerState('adam', 1), 1e-3);
  optimizerStep(b, new Float64Array([0.1]), createOptimizerState('adam', 1), 1e-3, 0);
  assert.equal(a[0], b[0]);
});
