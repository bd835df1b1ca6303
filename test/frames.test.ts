// Frame stacking (src/model/frames.ts): the definition written out on small cases (the first frame's zeros,
// sequences shorter than a frame, several channels), and the window a horizon keeps in steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameCount, framePad, framedChunk, longestWindow } from '../src/model/frames.js';
import { chunkScratch } from '../src/model/noise.js';

test('F = ⌈T/s⌉ frames, the T mod s leftover samples first behind zeros', () => {
  assert.deepEqual([1, 2, 3, 4, 7, 9].map((T) => frameCount(T, 3)), [1, 1, 1, 2, 3, 3]);
  assert.deepEqual([1, 2, 3, 4, 7, 9].map((T) => framePad(T, 3)), [2, 1, 0, 2, 2, 0]);
  assert.equal(frameCount(5, 1), 5);
  assert.equal(framePad(5, 1), 0);
});

test('framed sequences: each frame s consecutive samples, channels inner, the padding zeros in front', () => {
  // Two channels; sequence 0 has 7 samples (a, b), sequence 1 has 2.
  const T0 = 7;
  const values = new Float32Array(2 * (T0 + 2));
  for (let t = 0; t < T0; t++) {
    values[2 * t] = 10 + t; // channel a
    values[2 * t + 1] = 20 + t; // channel b
  }
  values.set([31, 41, 32, 42], 2 * T0);
  const data = { D: 2, values, offsets: Float64Array.from([0, T0]), lengths: Int32Array.from([T0, 2]), labels: Int32Array.from([0, 1]) };
  const { data: f, order } = framedChunk(chunkScratch(), data, [1, 0], 0, 2, 3);
  assert.equal(f.D, 6);
  assert.deepEqual(Array.from(order.subarray(0, 2)), [0, 1]);
  assert.deepEqual(Array.from(f.lengths.subarray(0, 2)), [1, 3]);
  assert.deepEqual(Array.from(f.labels.subarray(0, 2)), [1, 0]);
  const frames = (i: number) => Array.from({ length: f.lengths[i] }, (_, j) => Array.from(f.values.subarray((f.offsets[i] + j) * 6, (f.offsets[i] + j + 1) * 6)));
  assert.deepEqual(frames(0), [[0, 0, 31, 41, 32, 42]]);
  assert.deepEqual(frames(1), [[0, 0, 0, 0, 10, 20], [11, 21, 12, 22, 13, 23], [14, 24, 15, 25, 16, 26]]);
});

test('the longest window is counted in frames', () => {
  const lengths = Int32Array.from([7, 30, 1]);
  assert.equal(longestWindow(lengths, 0, 1), 30);
  assert.equal(longestWindow(lengths, 0, 4), 8);
  assert.equal(longestWindow(lengths, 5, 4), 5);
  assert.equal(longestWindow(Int32Array.from([]), 0, 4), 1);
});
