// What the coordinator and its workers share: typed arrays over SharedArrayBuffers, handed to each worker
// once (in workerData) and never copied per step, plus the one function both sides run on a task. Only the
// coordinator writes params and order, and only between steps; a worker writes only the gradient slots and
// stats rows of the chunks it was given.
//
// Legend: P parameters, B batch size, K = ceil(B / chunkSize) chunks per batch.

import type { Shape } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import { type Sequences, chunkGradient } from '../model/batch.js';
import { createWorkspace, type Workspace } from '../model/rnn.js';

export interface SharedState {
  readonly shape: Shape;
  readonly readout: Readout;
  readonly k: number; // BPTT horizon, 0 = full
  readonly chunkSize: number; // sequences per chunk: fixed, independent of the thread count
  readonly capacity: number; // longest window any sequence needs
  readonly params: Float32Array; // [P]
  readonly slots: Float32Array; // [K][P] one gradient per chunk
  readonly stats: Float64Array; // [K][3] loss sum, weight sum, correct count per chunk
  readonly order: Int32Array; // [N] the epoch's permutation of the training sequences
  readonly data: Sequences;
  readonly classWeight: Float64Array | null; // [C]
}

/** A task: chunks [from, to) of the batch order[batchStart, batchEnd). */
export interface GradTask {
  readonly batchStart: number;
  readonly batchEnd: number;
  readonly from: number;
  readonly to: number;
}

export const STATS_WIDTH = 3;

export function createWorkspaceFor(st: SharedState): Workspace<Float32Array> {
  return createWorkspace((n) => new Float32Array(n), st.shape, st.capacity);
}

/** Computes chunks [from, to) of a batch into their slots. Synchronous: nothing is left pending. */
export function runGradTask(st: SharedState, task: GradTask, ws: Workspace<Float32Array>): void {
  const P = st.params.length;
  for (let c = task.from; c < task.to; c++) {
    const lo = task.batchStart + c * st.chunkSize;
    const hi = Math.min(lo + st.chunkSize, task.batchEnd);
    const G = st.slots.subarray(c * P, (c + 1) * P);
    G.fill(0);
    const s = chunkGradient(G, st.params, st.shape, st.readout, st.k, st.data, st.order, lo, hi, st.classWeight, ws);
    st.stats[c * STATS_WIDTH] = s.loss;
    st.stats[c * STATS_WIDTH + 1] = s.weight;
    st.stats[c * STATS_WIDTH + 2] = s.correct;
  }
}
