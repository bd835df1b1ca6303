// The learning-rate schedule's values (src/train/schedule.ts), and that fit() steps with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COSINE_FLOOR, scheduledLr } from '../src/train/schedule.js';
import { fit } from '../src/train/fit.js';
import { syntheticDataSet } from './helpers/synthetic.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b));

test('cosine: linear warmup from lr/W to lr, then a half cosine down to 1 % of lr at the last step', () => {
  const lr = 2e-3;
  const S = 101;
  const W = 5;
  const at = (s: number) => scheduledLr(lr, 'cosine', s, S, W);
  for (let s = 0; s < W; s++) assert.ok(close(at(s), (lr * (s + 1)) / W), `warmup step ${s}: ${at(s)}`);
  assert.ok(close(at(W), lr), 'the peak right after the warmup');
  assert.ok(close(at(S - 1), lr * COSINE_FLOOR), 'the last step at the floor');
  assert.equal(COSINE_FLOOR, 0.01);
  const mid = W + (S - 1 - W) / 2; // halfway through the decay: the mean of the peak and the floor
  assert.ok(close(at(mid), lr * (COSINE_FLOOR + (1 - COSINE_FLOOR) / 2)));
  for (let s = W; s < S - 1; s++) assert.ok(at(s + 1) < at(s), `decreasing at ${s}`);
  assert.ok(close(scheduledLr(lr, 'cosine', 0, 1, 5), lr * COSINE_FLOOR), 'one step in all: no warmup to make, and it is the last step');
  for (const s of [0, 7, 100]) assert.equal(scheduledLr(lr, 'constant', s, S, W), lr);
});

test('fit records the scheduled rate of each epoch’s last step', async () => {
  const ds = syntheticDataSet(28, 1, 2);
  const r = await fit(ds, null, { hidden: 4, epochs: 6, batchSize: 7, lr: 1e-2, schedule: 'cosine', warmup: 0.1, threads: 1, seed: 2, valSplit: 0, noise: 0, stride: 1 });
  const steps = 6 * 4; // 28 sequences, batches of 7
  const W = Math.round(0.1 * steps);
  r.history.forEach((e, i) => assert.ok(close(e.lr, scheduledLr(1e-2, 'cosine', 4 * (i + 1) - 1, steps, W)), `epoch ${i + 1}: ${e.lr}`));
  assert.ok(close(r.history.at(-1)!.lr, 1e-2 * COSINE_FLOOR));
});
