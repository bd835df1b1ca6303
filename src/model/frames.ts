// Frame stacking (`--stride s`): step f of the recurrence reads s consecutive samples of every channel as one
// input of D·s values, so a sequence of T samples is F = ⌈T/s⌉ steps long and the gradient crosses s times
// fewer Jacobians. Frame f holds samples f·s − pad … f·s − pad + s − 1 in time order (channels inner), where
// pad = F·s − T: the T mod s samples that do not fill a whole frame go into the first frame, behind `pad`
// zeros, so no sample is dropped and every sequence has at least one step. In the time-major,
// channel-contiguous layout [T][D] a frame is the memory of its s samples as it is: the kernels read frames
// straight from the data set, zero-filling the first frame's padding. Pure.
//
// PyTorch: x [T, D] → F.pad(x, (0, 0, pad, 0)) → reshape(F, s·D).
//
// Legend: T samples of one sequence, D channels, s stride, F frames.

import type { Sequences } from './batch.js';
import { windowLength } from './rnn.js';
import { mixScratch, mixedOf } from './mixup.js';
import { type ChunkScratch, chunkCopy } from './noise.js';

/** F = ⌈T / s⌉: the recurrence's steps for a sequence of T samples. */
export function frameCount(T: number, s: number): number {
  return Math.ceil(T / s);
}

/** The zeros before the first sample: F·s − T. */
export function framePad(T: number, s: number): number {
  return frameCount(T, s) * s - T;
}

/** The longest window (in steps) that horizon k keeps of sequences of these lengths (in samples) at stride s; at least 1. */
export function longestWindow(lengths: ArrayLike<number>, k: number, s: number): number {
  let w = 1;
  for (let n = 0; n < lengths.length; n++) w = Math.max(w, windowLength(frameCount(lengths[n], s), k));
  return w;
}

/**
 * The sequences order[from..to) as frames of width D·s ([F][D·s] each, the padding written out), copied into
 * scratch as sequences 0 .. to−from: what the reference kernel reads. O(chunk length) memory.
 */
export function framedChunk(
  scratch: ChunkScratch, data: Sequences, order: ArrayLike<number>, from: number, to: number, s: number,
): { data: Sequences; order: Int32Array } {
  const n = to - from;
  const D = data.D;
  let L = 0;
  for (let i = 0; i < n; i++) L += frameCount(data.lengths[order[from + i]], s) * s;
  const c = chunkCopy(scratch, n, L * D, D * s);
  const { values, offsets, lengths, labels } = c.data;
  let at = 0; // in samples
  for (let i = 0; i < n; i++) {
    const q = order[from + i];
    const T = data.lengths[q];
    const pad = framePad(T, s);
    offsets[i] = at / s;
    lengths[i] = frameCount(T, s);
    labels[i] = data.labels[q];
    values.fill(0, at * D, (at + pad) * D);
    values.set(data.values.subarray(data.offsets[q] * D, (data.offsets[q] + T) * D), (at + pad) * D);
    at += (T + pad);
  }
  if (!data.mixed) return c;
  scratch.mix ??= mixScratch();
  return { data: { ...c.data, mixed: mixedOf(scratch.mix, data.mixed, order, from, n) }, order: c.order };
}
