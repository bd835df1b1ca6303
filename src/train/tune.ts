// Thread-count tuning: real training steps (forward, truncated BPTT, reduce, clip, optimizer step) with the
// caller's model flags on the caller's data, at each thread count, and the count to use. `train-signals tune`
// prints it; `train --threads auto` runs it briefly before training. No I/O.
//
// A step's time splits into: compute (the slowest thread's own compute time: useful work on the critical
// path), waiting (the rest of the parallel phase: ringing the doorbell, waking workers, waiting for their last
// chunks; imbalance between threads counts as compute of the slowest) and reduce+update (the serial part on
// the coordinator: fixed-order sum of the chunk slots, clipping, optimizer step).
// Parallel efficiency at N threads = seq/s(N) / (N · seq/s(1)).
//
// Legend: N threads, B batch size, P parameters.

import type { DataSet } from '../data/dataset.js';
import { initParameters } from '../model/init.js';
import { layoutOf } from '../model/layout.js';
import { createRng, shuffle } from '../model/rng.js';
import { inputNoise } from '../model/noise.js';
import { clipScale } from '../model/optimizer.js';
import { createEngine } from '../engine/engine.js';
import type { KernelName } from '../engine/kernels.js';
import { longestWindow } from '../model/frames.js';
import { shapeFor } from './fit.js';
import { type HyperparameterOptions, TRAIN_DEFAULTS, defaultThreadCounts, resolveHyperparameters } from './defaults.js';

/** The model's options as train() takes them (hidden, readout, stride, …), and how to measure. */
export interface TuneOptions extends HyperparameterOptions {
  readonly threads?: readonly number[]; // default 1 .. available cores
  readonly steps?: number; // timed steps per thread count
  readonly warmupSteps?: number; // untimed steps first
  readonly warmupMs?: number; // and untimed for at least this long: a fresh worker's code is still tiering up
  readonly warmupMaxMs?: number; // and then on while the step rate still rises, up to this long
  readonly measureMs?: number; // timed for at least this long, whatever `steps` says
  readonly kernel?: KernelName;
}

export interface TuneRow {
  readonly threads: number;
  readonly sequencesPerSecond: number;
  readonly speedup: number; // against the first row (1 thread when measured)
  readonly efficiency: number; // speedup / (threads / first row's threads)
  readonly stepMs: number; // mean wall time per step
  readonly computeMs: number; // mean per step: the slowest thread's own compute
  readonly waitingMs: number; // mean per step: parallel phase beyond that
  readonly reduceUpdateMs: number; // mean per step: reduce + clip + optimizer
}

export interface TuneResult {
  readonly rows: TuneRow[];
  readonly recommended: number;
  readonly batchSize: number;
  readonly chunks: number; // chunks per batch: no more threads than this can be busy
}

/** Length of the windows whose step rates tell whether the warm-up is over (ms). */
const WARMUP_WINDOW_MS = 100;

/**
 * The warm-up's end: once past minMs, the first window in which the step rate rose by no more than 3 % over
 * the window before (a fresh process's first multi-thread engine takes about a second to reach full speed, while
 * its workers' code tiers up), and at maxMs whatever the rate does.
 */
function warmupWindows(minMs: number, maxMs: number): { step(): void; steady(elapsedMs: number): boolean } {
  let steps = 0;
  let start = performance.now();
  let last = 0; // steps per ms in the last whole window; 0 before the first
  let steadyNow = false;
  return {
    step() {
      steps++;
      const now = performance.now();
      if (now - start < WARMUP_WINDOW_MS) return;
      const rate = steps / (now - start);
      steadyNow = last > 0 && rate <= 1.03 * last;
      last = rate;
      steps = 0;
      start = now;
    },
    steady(elapsedMs) {
      return elapsedMs >= maxMs || (elapsedMs >= minMs && steadyNow);
    },
  };
}

type Settings = ReturnType<typeof settingsOf>;

/** The options with every one left out taken from the defaults table (the model's as train() resolves them). */
function settingsOf(ds: DataSet, o: TuneOptions) {
  const d = TRAIN_DEFAULTS;
  const hp = resolveHyperparameters(ds, o);
  return {
    ...hp,
    steps: o.steps ?? d.tuneSteps,
    warmupSteps: o.warmupSteps ?? d.tuneWarmupSteps,
    warmupMs: o.warmupMs ?? d.tuneWarmupMs,
    warmupMaxMs: Math.max(o.warmupMs ?? d.tuneWarmupMs, o.warmupMaxMs ?? d.tuneWarmupMaxMs),
    measureMs: o.measureMs ?? d.tuneMeasureMs,
    batchSize: Math.min(hp.batchSize, ds.lengths.length),
    kernel: o.kernel ?? d.kernel,
  };
}

/** An engine at `threads` threads with seeded weights, over `ds` in a seeded order. */
function engineFor(ds: DataSet, s: Settings, threads: number) {
  const N = ds.lengths.length;
  const shape = shapeFor(ds, s);
  const capacity = longestWindow(ds.lengths, s.bptt, s.stride);
  const rng = createRng(s.seed);
  const init = new Float32Array(layoutOf(shape).size);
  initParameters(init, shape, rng);
  const engine = createEngine({
    shape, readout: s.readout, k: s.bptt, stride: s.stride, threads, chunkSize: s.chunkSize, maxBatch: Math.min(s.batchSize, N), params: init,
    capacity, classWeight: null, kernel: s.kernel, noise: inputNoise(s.noise, s.seed, s.warp),
    data: { D: ds.D, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels: ds.labels },
  });
  const order = Int32Array.from({ length: N }, (_, i) => i);
  shuffle(rng, order);
  engine.setOrder(order);
  return engine;
}

/** Warms up, then times at least s.steps training steps (and s.measureMs) at `threads` threads. */
async function timeThreads(ds: DataSet, s: Settings, threads: number): Promise<Omit<TuneRow, 'speedup' | 'efficiency'>> {
  const N = ds.lengths.length;
  const B = s.batchSize;
  const engine = engineFor(ds, s, threads);
  const opt = engine.optimizer(s.optimizer);
  let at = 0;
  let compute = 0;
  let waiting = 0;
  let serial = 0;
  let t0 = performance.now();
  let timed = -1; // steps timed so far; −1 while warming up
  const warming = warmupWindows(s.warmupMs, s.warmupMaxMs);
  try {
    for (let i = 0; timed < s.steps || performance.now() - t0 < s.measureMs; i++) {
      if (timed < 0 && i >= s.warmupSteps && warming.steady(performance.now() - t0)) {
        compute = waiting = serial = 0;
        t0 = performance.now();
        timed = 0;
      }
      if (at + B > N) at = 0;
      const r = await engine.gradient(at, at + B);
      at += B;
      const tu = performance.now();
      engine.update(clipScale(engine.norm(), s.clip), opt, s.lr);
      serial += r.reduceMs + (performance.now() - tu);
      compute += r.slowestMs;
      waiting += r.waitMs;
      if (timed >= 0) timed++;
      else warming.step();
    }
  } finally {
    await engine.close();
  }
  const ms = performance.now() - t0;
  return {
    threads,
    sequencesPerSecond: (timed * B) / (ms / 1000),
    stepMs: ms / timed,
    computeMs: compute / timed,
    waitingMs: waiting / timed,
    reduceUpdateMs: serial / timed,
  };
}

/** Times training steps at each thread count on `ds` (already normalized), and recommends one. */
export async function tuneThreads(ds: DataSet, o: TuneOptions = {}): Promise<TuneResult> {
  const s = settingsOf(ds, o);
  const counts = [...new Set(o.threads ?? defaultThreadCounts())].sort((a, b) => a - b);
  const rows: Omit<TuneRow, 'speedup' | 'efficiency'>[] = [];
  for (const threads of counts) rows.push(await timeThreads(ds, s, threads));
  const base = rows[0];
  const full = rows.map((r) => {
    const speedup = r.sequencesPerSecond / base.sequencesPerSecond;
    return { ...r, speedup, efficiency: speedup / (r.threads / base.threads) };
  });
  // The fewest threads within 5 % of the fastest: extra threads that buy nothing only take cores away.
  const best = Math.max(...full.map((r) => r.sequencesPerSecond));
  const recommended = full.find((r) => r.sequencesPerSecond >= 0.95 * best)!.threads;
  return { rows: full, recommended, batchSize: s.batchSize, chunks: Math.ceil(s.batchSize / s.chunkSize) };
}

/** The table `tune` prints. */
export function formatTune(t: TuneResult): string {
  const head = ['threads', 'seq/s', 'speedup', 'efficiency', 'step ms', 'compute', 'waiting', 'reduce+update'];
  const lines = t.rows.map((r) => [
    String(r.threads), r.sequencesPerSecond.toFixed(0), r.speedup.toFixed(2), r.efficiency.toFixed(2), r.stepMs.toFixed(3),
    r.computeMs.toFixed(3), r.waitingMs.toFixed(3), r.reduceUpdateMs.toFixed(3),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(w[i])).join('  ');
  return [fmt(head), ...lines.map(fmt), '',
    `recommended: --threads ${t.recommended}  (batch ${t.batchSize} = ${t.chunks} chunks; more threads than chunks stay idle)`].join('\n') + '\n';
}
