import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeWinner } from '../src/train/train.js';

test('readout probe: the lower training loss wins while a readout still misclassifies training sequences', () => {
  assert.equal(probeWinner({ mean: { loss: 0.30, accuracy: 0.86 }, last: { loss: 0.24, accuracy: 0.9 } }), 'last');
  assert.equal(probeWinner({ mean: { loss: 0.22, accuracy: 0.92 }, last: { loss: 0.56, accuracy: 0.7 } }), 'mean');
  assert.equal(probeWinner({ mean: { loss: 0.08, accuracy: 0.98 }, last: { loss: 0.01, accuracy: 1 } }), 'last');
  assert.equal(probeWinner({ mean: { loss: Infinity, accuracy: 0 }, last: { loss: 0.5, accuracy: 0.8 } }), 'last'); // a diverged probe loses
});

test('readout probe: when both readouts fit every training sequence, mean wins whatever the losses', () => {
  assert.equal(probeWinner({ mean: { loss: 0.0166, accuracy: 1 }, last: { loss: 0.0128, accuracy: 1 } }), 'mean');
  assert.equal(probeWinner({ mean: { loss: 0.0121, accuracy: 1 }, last: { loss: 0.0224, accuracy: 1 } }), 'mean');
});
