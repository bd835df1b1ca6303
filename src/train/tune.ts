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
// The machine's speed drifts over seconds, which a rate measured for one thread count after another's inherits;
// so every count's engine is built and warmed first, and then timed in BLOCKS rounds of short blocks, the counts
// in alternating order, each count's rate the median of its blocks with their range as the interval. More
// threads are recommended only when their slowest block beats the fewer threads' fastest.
//
// Legend: N threads, B batch size, P parameters.

import type { DataSet } from '../data/dataset.js';
import { resampledDataSet } from '../data/resample.js';
import { layoutOf } from '../model/layout.js';
import { createRng, shuffle } from '../model/rng.js';
import { inputNoise } from '../model/noise.js';
import { clipScale } from '../model/optimizer.js';
import { type Engine, createEngine } from '../engine/engine.js';
import type { KernelName } from '../engine/kernel-name.js';
import { buildForRun } from '../engine/wasm.js';
import { threadsWithinCap } from '../engine/address-space.js';
import { longestWindow } from '../model/frames.js';
import { drawInitialWeights, shapeFor } from './fit.js';
import { asOption, checkOptions } from './option-checks.js';
import { tuneWarnings } from './warnings.js';
import { HYPERPARAMETER_KEYS, type HyperparameterOptions, TRAIN_DEFAULTS, defaultThreadCounts, differencesFor, median, resolveHyperparameters, sequenceNormFor } from './defaults.js';
import { type NamesExactly, checkCallbacks, checkFileList, checkFilesOptions, checkKnownOptions, checkOptionsObject, checkSignal, ownOptions } from '../data/arguments.js';
import { LOAD_OPTION_KEYS, type LoadOptions, readDataSet } from '../data/csv.js';
import { inputsOf } from '../data/inputs.js';
import { gapsWarning } from '../data/gaps.js';
import { checkOnce } from '../io/paths.js';
import { checkDataArgument } from '../data/data-argument.js';
import { InterruptedError, UserError } from '../errors.js';

/** The model's options as train() takes them (hidden, readout, stride, …), and how to measure. */
export interface TuneOptions extends HyperparameterOptions {
  /** default 1 .. available cores */
  readonly threads?: readonly number[] | undefined;
  /** timed steps per thread count */
  readonly steps?: number | undefined;
  /** untimed steps first */
  readonly warmupSteps?: number | undefined;
  /** and untimed for at least this long: a fresh worker's code is still tiering up */
  readonly warmupMs?: number | undefined;
  /** and then on while the step rate still rises, up to this long */
  readonly warmupMaxMs?: number | undefined;
  /** timed for at least this long, whatever `steps` says */
  readonly measureMs?: number | undefined;
  readonly kernel?: KernelName | undefined;
  /** once aborted, the measurement stops after the step in progress (InterruptedError) */
  readonly signal?: AbortSignal | undefined;
  /** thread counts past the cores here or past a cap on address space, and (tune()) the files' filled gaps: a line each */
  readonly onWarning?: ((line: string) => void) | undefined;
}

/** Every key of TuneOptions, checked whole at compile time. */
const TUNE_KEYS = [...HYPERPARAMETER_KEYS, 'threads', 'steps', 'warmupSteps', 'warmupMs', 'warmupMaxMs', 'measureMs', 'kernel', 'signal', 'onWarning'] as const;
const tuneOptionKeysWhole: NamesExactly<keyof TuneOptions, typeof TUNE_KEYS> = true;
void tuneOptionKeysWhole;

/** One thread count's measurement: its median rate and range, speedup, efficiency, and where a step's time goes. */
export interface TuneRow {
  readonly threads: number;
  /** median over the blocks */
  readonly sequencesPerSecond: number;
  /** the slowest and the fastest block's seq/s: the interval */
  readonly low: number;
  readonly high: number;
  /** against the first row (1 thread when measured) */
  readonly speedup: number;
  /** speedup / (threads / first row's threads) */
  readonly efficiency: number;
  /** mean wall time per step */
  readonly stepMs: number;
  /** mean per step: the slowest thread's own compute */
  readonly computeMs: number;
  /** mean per step: parallel phase beyond that */
  readonly waitingMs: number;
  /** mean per step: reduce + clip + optimizer */
  readonly reduceUpdateMs: number;
}

/** tune's measurements: a row per thread count, the recommended count, and whether it is sure. */
export interface TuneResult {
  readonly rows: TuneRow[];
  readonly recommended: number;
  /** the recommended count's slowest block beat every fewer count's fastest, and no more threads were faster by the median */
  readonly sure: boolean;
  readonly batchSize: number;
  /** chunks per batch: no more threads than this can be busy */
  readonly chunks: number;
  /** the frame stacking timed, as train resolves it on these data */
  readonly stride: number;
  /** the length every sequence was resampled to (0: none), likewise */
  readonly resample: number;
  /** whether the data timed had their first differences added (tune on files) */
  readonly differences?: boolean;
  /** whether each sequence timed was put on its own scale, likewise */
  readonly sequenceNorm?: boolean;
}

/** Rounds of timed blocks per thread count. */
const BLOCKS = 5;

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
    signal: o.signal,
  };
}

/** An engine at `threads` threads with seeded weights, over `ds` in a seeded order. */
async function engineFor(ds: DataSet, s: Settings, threads: number) {
  const N = ds.lengths.length;
  const shape = shapeFor(ds, s);
  const capacity = longestWindow(ds.lengths, s.bptt, s.stride);
  const rng = createRng(s.seed);
  const init = new Float32Array(layoutOf(shape).size);
  await drawInitialWeights(init, shape, rng, s.signal); // as fit draws them
  const engine = createEngine({
    shape, readout: s.readout, k: s.bptt, stride: s.stride, threads, chunkSize: s.chunkSize, maxBatch: Math.min(s.batchSize, N), params: init,
    capacity, classWeight: null, kernel: s.kernel, noise: inputNoise(s.noise, s.seed, s.warp, s.mixup),
    data: { D: ds.D, values: ds.values, offsets: ds.offsets, lengths: ds.lengths, labels: ds.labels },
  });
  const order = Int32Array.from({ length: N }, (_, i) => i);
  shuffle(rng, order);
  engine.setOrder(order);
  return engine;
}

/** One thread count's engine, warmed up, and its timed blocks. */
interface Timed {
  readonly threads: number;
  readonly engine: Engine;
  readonly opt: ReturnType<Engine['optimizer']>;
  at: number; // the next batch's first sequence
  readonly rates: number[]; // seq/s of each block
  ms: number; // timed wall time in all
  steps: number;
  compute: number;
  waiting: number;
  serial: number;
}

/** One training step on t's engine; its parts' times go to the sums when `timed`. */
async function step(ds: DataSet, s: Settings, t: Timed, timed: boolean): Promise<void> {
  if (s.signal?.aborted) throw new InterruptedError(0, 0);
  const B = s.batchSize;
  if (t.at + B > ds.lengths.length) t.at = 0;
  const r = await t.engine.gradient(t.at, t.at + B);
  t.at += B;
  const tu = performance.now();
  t.engine.update(clipScale(t.engine.norm(), s.clip), t.opt, s.lr);
  if (!timed) return;
  t.serial += r.reduceMs + (performance.now() - tu);
  t.compute += r.slowestMs;
  t.waiting += r.waitMs;
}

/** Untimed steps until the step rate is steady (warmupWindows), at least s.warmupSteps of them. */
async function warmUp(ds: DataSet, s: Settings, t: Timed): Promise<void> {
  const warming = warmupWindows(s.warmupMs, s.warmupMaxMs);
  const t0 = performance.now();
  for (let i = 0; i < s.warmupSteps || !warming.steady(performance.now() - t0); i++) {
    await step(ds, s, t, false);
    warming.step();
  }
}

/** One timed block: at least `steps` steps and `ms` milliseconds. */
async function block(ds: DataSet, s: Settings, t: Timed, steps: number, ms: number): Promise<void> {
  const t0 = performance.now();
  let n = 0;
  while (n < steps || performance.now() - t0 < ms) {
    await step(ds, s, t, true);
    n++;
  }
  const took = performance.now() - t0;
  t.rates.push((n * s.batchSize) / (took / 1000));
  t.ms += took;
  t.steps += n;
}

/** Times training steps at each thread count on `ds` (already normalized), and recommends one. */
export async function tuneThreads(given: DataSet, options: TuneOptions = {}): Promise<TuneResult> {
  checkOptionsObject(options, 'tuneThreads()');
  const o = ownOptions(options, TUNE_KEYS);
  checkKnownOptions(o ?? {}, TUNE_KEYS, 'tuneThreads()');
  buildForRun();
  return measureThreads(given, o);
}

/** tuneThreads() for callers whose options hold more than TuneOptions (train's resolved hyperparameters, tune's files). */
export async function measureThreads(given: DataSet, o: TuneOptions = {}): Promise<TuneResult> {
  checkOptions(o, asOption, 'tune');
  checkSignal(o.signal);
  checkCallbacks(o, ['onWarning']);
  checkDataArgument(given, 'tuneThreads() data', { dataSet: true });
  const s = settingsOf(given, o);
  const ds = resampledDataSet(given, s.resample); // as fit() trains
  // An engine runs no more threads than a batch has chunks, so larger counts would time the same engine again.
  const chunks = Math.ceil(s.batchSize / s.chunkSize);
  // Under a cap on address space, more threads than fit would end the process in V8 (address-space.ts threadsWithinCap).
  const room = threadsWithinCap();
  if (o.onWarning) for (const w of tuneWarnings(o.threads, room, { chunks, batchSize: s.batchSize })) o.onWarning(w);
  const counts = [...new Set((o.threads ?? defaultThreadCounts()).map((t) => Math.min(t, chunks, room)))].sort((a, b) => a - b);
  const all: Timed[] = [];
  try {
    for (const threads of counts) {
      const engine = await engineFor(ds, s, threads);
      const t: Timed = { threads, engine, opt: engine.optimizer(s.optimizer), at: 0, rates: [], ms: 0, steps: 0, compute: 0, waiting: 0, serial: 0 };
      all.push(t);
      await warmUp(ds, s, t);
    }
    const steps = Math.ceil(s.steps / BLOCKS);
    const ms = s.measureMs / BLOCKS;
    for (let r = 0; r < BLOCKS; r++) {
      for (const t of r % 2 === 0 ? all : [...all].reverse()) await block(ds, s, t, steps, ms);
    }
  } finally {
    // Every engine closes, even where another's close fails: its workers would keep the process alive.
    const failed = (await Promise.allSettled(all.map((t) => t.engine.close()))).find((c) => c.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
  const rows = all.map((t) => ({
    threads: t.threads,
    sequencesPerSecond: median(t.rates),
    low: Math.min(...t.rates),
    high: Math.max(...t.rates),
    stepMs: t.ms / t.steps,
    computeMs: t.compute / t.steps,
    waitingMs: t.waiting / t.steps,
    reduceUpdateMs: t.serial / t.steps,
  }));
  const base = rows[0];
  const full = rows.map((r) => {
    const speedup = r.sequencesPerSecond / base.sequencesPerSecond;
    return { ...r, speedup, efficiency: speedup / (r.threads / base.threads) };
  });
  return { rows: full, ...recommend(full), batchSize: s.batchSize, chunks, stride: s.stride, resample: s.resample };
}

/**
 * The thread count to use, from rows in increasing thread count: more threads only where their slowest block
 * beats the fastest block of every fewer count (extra threads that buy nothing certain only take cores away).
 * Sure: no more threads faster by their median.
 */
export function recommend(rows: readonly Pick<TuneRow, 'threads' | 'sequencesPerSecond' | 'low' | 'high'>[]): { recommended: number; sure: boolean } {
  let rec = rows[0];
  let fastest = rows[0].high; // the fastest block of every count below r
  for (const r of rows.slice(1)) {
    if (r.low > fastest) rec = r;
    fastest = Math.max(fastest, r.high);
  }
  const sure = rows.every((r) => r === rec || (r.threads < rec.threads ? rec.low > r.high : r.sequencesPerSecond <= rec.sequencesPerSecond));
  return { recommended: rec.threads, sure };
}

/** The table `tune` prints. */
export function formatTune(t: TuneResult): string {
  if (typeof t !== 'object' || t === null || !Array.isArray(t.rows)) throw new UserError('formatTune() takes a result as tune() or tuneThreads() gives it');
  const head = ['threads', 'seq/s', 'range', 'speedup', 'efficiency', 'step ms', 'compute', 'waiting', 'reduce+update'];
  const lines = t.rows.map((r) => [
    String(r.threads), r.sequencesPerSecond.toFixed(0), `${r.low.toFixed(0)}–${r.high.toFixed(0)}`, r.speedup.toFixed(2), r.efficiency.toFixed(2), r.stepMs.toFixed(3),
    r.computeMs.toFixed(3), r.waitingMs.toFixed(3), r.reduceUpdateMs.toFixed(3),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padStart(w[i])).join('  ');
  return [fmt(head), ...lines.map(fmt), '',
    `recommended: --threads ${t.recommended}  (batch ${t.batchSize} = ${t.chunks} chunk${t.chunks === 1 ? '' : 's'}; no more threads than chunks are timed or run)`,
    t.sure
      ? t.recommended === t.rows[0].threads // the fewest timed: there is no fewer count to beat
        ? `sure: no more threads were faster by the median of ${BLOCKS} alternating blocks`
        : `sure: its slowest of ${BLOCKS} alternating blocks beat the fastest of every fewer thread count, and no more threads were faster`
      : `not sure: more threads were faster by the median but not in every block (the ranges overlap); rerun on a quieter machine, or with more --steps`,
    `timed with --stride ${t.stride} --resample ${t.resample > 0 ? t.resample : 'off'}${t.sequenceNorm === undefined ? '' : ` --sequence-norm ${t.sequenceNorm ? 'on' : 'off'}`}${t.differences === undefined ? '' : ` --differences ${t.differences ? 'on' : 'off'}`} (as train --select off resolves them on these data; selection may choose otherwise)`].join('\n') + '\n';
}

export interface TuneFilesOptions extends LoadOptions, Omit<TuneOptions, 'signal'> {
  readonly files: readonly string[];
  readonly normalize?: 'zscore' | 'none' | undefined;
  readonly differences?: boolean | 'auto' | undefined;
  readonly sequenceNorm?: boolean | 'auto' | undefined;
}

/** Every key of TuneFilesOptions (checked whole at compile time): tune() refuses any other. */
const TUNE_OPTION_KEYS = [...LOAD_OPTION_KEYS, ...TUNE_KEYS, 'files', 'normalize', 'differences', 'sequenceNorm'] as const;
const tuneKeysWhole: NamesExactly<keyof TuneFilesOptions, typeof TUNE_OPTION_KEYS> = true;
void tuneKeysWhole;

/** `tune` on files: loads them, adds their differences and normalizes as train() does, then tuneThreads() with the same flags. */
export async function tune(given: TuneFilesOptions): Promise<TuneResult> {
  const d = TRAIN_DEFAULTS;
  checkFilesOptions(given, 'tune()');
  const o = ownOptions(given, TUNE_OPTION_KEYS);
  checkKnownOptions(o ?? {}, TUNE_OPTION_KEYS, 'tune()');
  buildForRun();
  checkFileList(o?.files, 'files');
  checkOnce(o.files, 'the files to measure on');
  checkOptions(o, asOption, 'tune');
  const loaded = await readDataSet(o.files, { ...o, requireLabels: true });
  // Timing does not depend on them, but the data measured on are not the files as written.
  if (o.onWarning && loaded.gaps !== undefined) o.onWarning(gapsWarning(loaded.gaps));
  const differences = differencesFor(o.differences ?? d.differences, loaded);
  const sequenceNorm = sequenceNormFor(o.sequenceNorm ?? d.sequenceNorm, loaded);
  const { inputs } = inputsOf(loaded, { sequenceNorm, differences }, (o.normalize ?? d.normalize) === 'zscore' ? 'zscore' : null);
  return { ...await measureThreads(inputs, o), differences, sequenceNorm };
}
