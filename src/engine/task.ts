// What the coordinator and its workers share, and the one loop every computing thread runs on a step: claim
// the next chunk of the batch, compute its gradient into its own slot, record its stats. The state is typed
// arrays over SharedArrayBuffers (and the kernel's shared memory), handed to each worker once in workerData
// and never copied per step. Only the coordinator writes the weights and the order, and only between steps; a
// thread writes only the slots and stats rows of the chunks it claimed.
//
// Legend: P parameters, B batch size, K = ceil(B / chunkSize) chunks per batch.

import type { ChunkStats } from '../model/batch.js';
import { type StepTask, awaitRing, claim, report, taskOf } from './doorbell.js';
import { type ChunkInputs, type ChunkKernel, chunkKernel } from './kernels.js';

export interface SharedState extends ChunkInputs {
  readonly chunkSize: number; // sequences per chunk: fixed, independent of the thread count
  readonly stats: Float64Array; // [K][STATS_WIDTH] per chunk: loss sum, weight sum, correct count
  readonly bell: Int32Array; // the step doorbell (doorbell.ts)
  readonly chunkGen: Int32Array; // [K] the generation of the step whose chunk c was last finished
  readonly workerMs: Float64Array; // [workers] each worker's compute time in the current step
}

/** The fields of a chunk's stats row, and the row's width. */
const LOSS = 0;
const WEIGHT = 1;
const CORRECT = 2;
export const STATS_WIDTH = 3;

/** Adds chunk c's stats, as the thread that computed it recorded them, to `total`. */
export function addChunkStats(total: ChunkStats, st: SharedState, c: number): void {
  const o = c * STATS_WIDTH;
  total.loss += st.stats[o + LOSS];
  total.weight += st.stats[o + WEIGHT];
  total.correct += st.stats[o + CORRECT];
}

/**
 * Computes chunks of the step's batch order[batchStart, batchEnd) into their slots: all of them in order, or
 * with `gen` those this thread claims from the doorbell (each finished chunk is then stamped with gen in
 * chunkGen, which is how the coordinator sums it early). Calls afterChunk after each. Synchronous: nothing is
 * left pending.
 */
export function runChunks(st: SharedState, kernel: ChunkKernel, task: StepTask, gen?: number, afterChunk?: () => void): void {
  kernel.prepare();
  for (let next = 0; ; next++) {
    const c = gen === undefined ? next : claim(st.bell);
    if (c >= task.chunks) break;
    const lo = task.batchStart + c * st.chunkSize;
    const hi = Math.min(lo + st.chunkSize, task.batchEnd);
    const s = kernel.chunk(c, lo, hi, task.epoch);
    const o = c * STATS_WIDTH;
    st.stats[o + LOSS] = s.loss;
    st.stats[o + WEIGHT] = s.weight;
    st.stats[o + CORRECT] = s.correct;
    // Sequentially consistent: whoever sees the generation here also sees the slot and stats written above.
    if (gen !== undefined) Atomics.store(st.chunkGen, c, gen);
    afterChunk?.();
  }
}

/** How long a worker spins for the next step before it sleeps (ms). */
const SPIN_MS = 1;

/** A worker's one task for an engine's life: worker w of `workers` (1-based; the coordinator is 0). */
export interface ServeTask {
  readonly w: number;
  readonly workers: number;
}

/**
 * Serves every step of an engine as worker w, on its own scratch region w: sleeps until the doorbell rings,
 * claims and computes chunks, records its compute time, reports. Returns the steps served once the coordinator
 * stops it. Synchronous, so nothing is ever pending on the worker's thread.
 */
export function serve(st: SharedState, { w, workers }: ServeTask): number {
  const kernel = chunkKernel(st, w);
  let steps = 0;
  for (let gen = 0; ;) {
    gen = awaitRing(st.bell, gen, SPIN_MS);
    if (gen < 0) return steps;
    const t0 = performance.now();
    runChunks(st, kernel, taskOf(st.bell), gen);
    st.workerMs[w - 1] = performance.now() - t0;
    steps++;
    report(st.bell, workers);
  }
}
