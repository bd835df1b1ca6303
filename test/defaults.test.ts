// The documented 'auto' rules (README, --help): readout, stride, validation split and epochs, at their boundaries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoEpochs, autoReadout, autoStride, autoValSplit, defaultLr, defaultThreadCounts, resolveHyperparameters } from '../src/train/defaults.js';
import { syntheticDataSet } from './helpers/synthetic.js';

const lengths = (...xs: number[]) => Int32Array.from(xs);

test('readout auto: last when the median length is at most 30, else mean', () => {
  assert.equal(autoReadout(lengths(30)), 'last');
  assert.equal(autoReadout(lengths(31)), 'mean');
  assert.equal(autoReadout(lengths(5, 30, 1000)), 'last'); // the median, not the mean
  assert.equal(autoReadout(lengths(30, 31)), 'mean'); // an even count: the middle two averaged, 30.5
  assert.equal(autoReadout(lengths(29, 31)), 'last');
});

test('stride auto: the median sequence becomes about 32 steps, 1 to 16 samples a step', () => {
  assert.equal(autoStride(lengths(5)), 1);
  assert.equal(autoStride(lengths(47)), 1);
  assert.equal(autoStride(lengths(48)), 2); // 1.5 rounds up
  assert.equal(autoStride(lengths(96)), 3);
  assert.equal(autoStride(lengths(512)), 16);
  assert.equal(autoStride(lengths(100_000)), 16);
  assert.equal(autoStride(lengths(10, 96, 100_000)), 3);
});

test('val-split auto: 0.1 when that holds out at least 100 sequences, else 0', () => {
  assert.equal(autoValSplit(999), 0);
  assert.equal(autoValSplit(1000), 0.1);
  assert.equal(autoValSplit(10), 0);
});

test('epochs auto: at least 60 epochs and at least the minimum number of optimizer steps', () => {
  assert.equal(autoEpochs(10, 32, 1500), 1500); // one step an epoch
  assert.equal(autoEpochs(50, 32, 1500), 750); // two
  assert.equal(autoEpochs(900, 32, 1500), 60); // 29 steps an epoch: 52 epochs would do, 60 is the floor
  assert.equal(autoEpochs(3200, 32, 1500), 60);
});

test('--threads auto measures 1 .. the cores, at most six counts on a large machine', () => {
  const counts = defaultThreadCounts(true);
  assert.ok(counts.length >= 1 && counts.length <= 8 && counts[0] === 1);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b));
  assert.deepEqual(defaultThreadCounts(false), Array.from({ length: defaultThreadCounts(false).length }, (_, i) => i + 1));
});

test('the default learning rate: Adam 6e-3 for the GRU and 1e-3 for the tanh RNN; sgd and momentum 1e-2 for both', () => {
  const ds = syntheticDataSet(20, 2, 8);
  const lr = (o: Parameters<typeof resolveHyperparameters>[1]) => resolveHyperparameters(ds, o).lr;
  assert.equal(lr({}), 6e-3); // the default cell is the GRU
  assert.equal(lr({ cell: 'rnn' }), 1e-3);
  assert.equal(lr({ cell: 'gru', optimizer: 'sgd' }), 1e-2);
  assert.equal(lr({ cell: 'rnn', optimizer: 'momentum' }), 1e-2);
  assert.equal(lr({ cell: 'rnn', lr: 0.5 }), 0.5);
  assert.equal(defaultLr('adam', 'gru'), 6e-3);
});
