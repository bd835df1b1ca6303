// The coordinator: shards each mini-batch's fixed chunks across N piscina workers (or runs them on this
// thread when N = 1), waits for all of them, and sums the chunk gradients in chunk order. The sum order is
// the same for every N, which is what makes training bit-identical across thread counts.
//
// Legend: P parameters, B batch size, K chunks in the batch.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Shape } from '../model/layout.js';
import type { Readout } from '../model/rnn.js';
import type { Sequences } from '../model/batch.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../data/dataset.js';
import { type GradTask, type SharedState, STATS_WIDTH, createWorkspaceFor, runGradTask } from './shared-state.js';

const WORKER_URL = new URL('../../workers/grad-worker.js', import.meta.url);

export interface EngineOptions {
  readonly shape: Shape;
  readonly readout: Readout;
  readonly k: number;
  readonly threads: number;
  readonly chunkSize: number;
  readonly maxBatch: number;
  readonly params: Float32Array; // over a SharedArrayBuffer
  readonly data: Sequences; // over SharedArrayBuffers
  readonly capacity: number;
  readonly classWeight: Float64Array | null;
}

export interface BatchResult {
  loss: number; // weighted mean cross-entropy of the batch
  correct: number;
  count: number;
  computeMs: number; // wall time until the last worker finished
  reduceMs: number; // summing the slots
}

export interface GradientEngine {
  readonly state: SharedState;
  readonly threads: number;
  /** The averaged gradient of order[batchStart, batchEnd) at the current params into grad ([P], float64). */
  gradient(batchStart: number, batchEnd: number, grad: Float64Array): Promise<BatchResult>;
  close(): Promise<void>;
  /** Test hook: make the next task of worker `index` fail. */
  injectFault?(kind: 'throw' | 'exit'): void;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Chunk ranges [from, to) for each of `threads` shards of K chunks, contiguous and balanced. */
export function shardChunks(K: number, threads: number): Array<[number, number]> {
  const n = Math.min(threads, K);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push([Math.floor((i * K) / n), Math.floor(((i + 1) * K) / n)]);
  return out;
}

export function createEngine(o: EngineOptions): GradientEngine {
  const P = o.params.length;
  const maxChunks = Math.ceil(o.maxBatch / o.chunkSize);
  const state: SharedState = {
    shape: o.shape,
    readout: o.readout,
    k: o.k,
    chunkSize: o.chunkSize,
    capacity: o.capacity,
    params: o.params,
    slots: sharedFloat32(maxChunks * P),
    stats: sharedFloat64(maxChunks * STATS_WIDTH),
    order: sharedInt32(o.data.lengths.length),
    data: o.data,
    classWeight: o.classWeight,
  };
  const threads = Math.max(1, o.threads);
  const pool = threads > 1
    ? new Piscina({ filename: WORKER_URL.href, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, workerData: state })
    : null;
  const ws = pool === null ? createWorkspaceFor(state) : null;
  let fault: 'throw' | 'exit' | undefined;
  let closed = false;

  async function gradient(batchStart: number, batchEnd: number, grad: Float64Array): Promise<BatchResult> {
    const B = batchEnd - batchStart;
    const K = Math.ceil(B / o.chunkSize);
    if (K > maxChunks) throw new Error(`bug: batch of ${B} exceeds the engine's ${o.maxBatch}`);
    const t0 = performance.now();
    const shards = shardChunks(K, threads);
    if (pool === null) {
      runGradTask(state, { batchStart, batchEnd, from: 0, to: K }, ws!);
    } else {
      const tasks = shards.map(([from, to], i) => {
        const task: GradTask & { fault?: string } = { batchStart, batchEnd, from, to };
        if (fault !== undefined && i === 0) {
          task.fault = fault;
          fault = undefined;
        }
        return pool.run(task);
      });
      try {
        await Promise.all(tasks);
      } catch (e) {
        await Promise.allSettled(tasks);
        await close();
        throw new Error(`a gradient worker failed: ${(e as Error).message}`, { cause: e });
      }
    }
    const t1 = performance.now();
    // Fixed-order reduction: chunk 0, 1, ..., K−1, whatever shard computed them.
    grad.fill(0);
    let loss = 0;
    let weight = 0;
    let correct = 0;
    for (let c = 0; c < K; c++) {
      const base = c * P;
      for (let i = 0; i < P; i++) grad[i] += state.slots[base + i];
      loss += state.stats[c * STATS_WIDTH];
      weight += state.stats[c * STATS_WIDTH + 1];
      correct += state.stats[c * STATS_WIDTH + 2];
    }
    const inv = weight > 0 ? 1 / weight : 0;
    for (let i = 0; i < P; i++) grad[i] *= inv;
    const t2 = performance.now();
    return { loss: loss * inv, correct, count: B, computeMs: t1 - t0, reduceMs: t2 - t1 };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (pool !== null) await pool.destroy();
  }

  return {
    state,
    threads,
    gradient,
    close,
    injectFault(kind) {
      fault = kind;
    },
  };
}
