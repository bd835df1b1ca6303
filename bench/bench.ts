// `npm run bench`: training and inference throughput on the issue's workloads (W1, W2 full and truncated to
// the last 64 steps, W3, and W2 stacked by 8 and bidirectional, whose GFLOP/s are the kernel's on those paths;
// W1-gru and W2-gru, the same shapes with the GRU cell, and W2-gru-2L, that with a second layer) on random data
// of their shapes, with 1 and 2 threads;
// PyTorch (torch_rnn_bench.py of the --anchors folder for nn.RNN, bench/torch_gru_bench.py for nn.GRU, when
// /usr/bin/python3 has torch) and the native C reference
// (rnn_ref.c of the --anchors folder, when gcc is there) measured in the same run, and the ratios; then the two
// memory figures (RSS growth training on 200,000-step sequences with --bptt 64; peak memory loading a
// long-format CSV against the float32 size of its values), each in a fresh child process.
// A script, not a test: it times things. Its flags: USAGE below (`--help`).
//
// Legend: D channels, T steps, H hidden, C classes, B batch, k BPTT horizon.

import { spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import type { DataSet } from '../src/data/dataset.js';
import { sharedFloat32, sharedFloat64, sharedInt32 } from '../src/data/shared.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';
import { createRng, normal } from '../src/model/rng.js';
import { createEngine } from '../src/engine/engine.js';
import { createPredictor } from '../src/engine/predict.js';
import { fit } from '../src/train/fit.js';
import { loadDataSet } from '../src/data/csv.js';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist/bench
const ROOT = resolve(HERE, '../..');
const args = process.argv.slice(2);

const USAGE = `usage: npm run bench -- [flags]
  --anchors DIR       the folder with torch_rnn_bench.py and rnn_ref.c (PyTorch and C columns)
  --quick             shorter timings
  --no-torch, --no-c, --no-memory   skip the PyTorch columns, the C columns, the memory figures
  --json FILE         append the measurements to FILE
  --infer-only        inference, and PyTorch's one-thread inference, only
  --gru-only          the GRU rows, their PyTorch nn.GRU columns and their paired 2-thread efficiency only
  --efficiency-only   the paired 2-thread efficiency of W1 and W2, ours and the C reference's (--pairs N, default 11)
  --scaling LIST      training seq/s at each thread count of LIST (e.g. 1,2,4,8,16), with the speed-up over one
                      thread and PyTorch's at the same counts; --only W1,W2 picks the workloads
  --python PATH       the Python with torch (default /usr/bin/python3)`;
const VALUED = ['--anchors', '--json', '--pairs', '--scaling', '--only', '--python'];
const BARE = ['--quick', '--no-torch', '--no-c', '--no-memory', '--infer-only', '--gru-only', '--efficiency-only'];
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
// The memory figures' children (`--child long|load …`, spawned by child() below) take arguments of their own.
for (let i = args[0] === '--child' ? args.length : 0; i < args.length; i++) {
  if (VALUED.includes(args[i]) && i + 1 < args.length) i++;
  else if (!BARE.includes(args[i])) {
    console.error(`bench: ${VALUED.includes(args[i]) ? `${args[i]} needs a value` : `unknown argument ${JSON.stringify(args[i])}`}\n${USAGE}`);
    process.exit(2);
  }
}
// The reference scripts the team measures against (torch_rnn_bench.py, rnn_ref.c) live outside the repository.
const ANCHORS = args.includes('--anchors') ? resolve(args[args.indexOf('--anchors') + 1] ?? '') : null;

let scratchRoot: string | undefined;

/** A fresh folder for this run's files (PyTorch's figures, the C anchor), all removed when the run exits. */
function scratch(prefix: string): string {
  if (scratchRoot === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'train-signals-bench-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratchRoot = dir;
  }
  return mkdtempSync(join(scratchRoot, prefix));
}

const flag = (f: string) => args.includes(f);
const QUICK = flag('--quick');
const TARGET_S = QUICK ? 0.3 : 0.8;
const REPS = QUICK ? 3 : 5;
const GRU_ONLY = flag('--gru-only');
const PYTHON = args.includes('--python') ? resolve(args[args.indexOf('--python') + 1] ?? '') : '/usr/bin/python3';

// s: frame stacking, dirs: 2 for bidirectional (ours only: torchMode '' skips the PyTorch and C columns), gru: the
// GRU cell (PyTorch's nn.GRU its column, no C reference), layers: 2 for a second layer.
interface Workload {
  id: string; D: number; T: number; H: number; C: number; B: number; k: number; torchMode: string; s?: number; dirs?: 1 | 2; gru?: boolean; layers?: 1 | 2;
}
const WORKLOADS: Workload[] = [
  { id: 'W1', D: 1, T: 128, H: 64, C: 3, B: 32, k: 0, torchMode: 'train_full_bptt' },
  { id: 'W2', D: 3, T: 512, H: 128, C: 6, B: 64, k: 0, torchMode: 'train_full_bptt' },
  { id: 'W2-k64', D: 3, T: 512, H: 128, C: 6, B: 64, k: 64, torchMode: 'train_tbptt_last64' },
  { id: 'W3', D: 1, T: 24, H: 16, C: 2, B: 16, k: 0, torchMode: 'train_full_bptt' },
  { id: 'W2-s8', D: 3, T: 512, H: 128, C: 6, B: 64, k: 0, torchMode: '', s: 8 },
  { id: 'W2-bi', D: 3, T: 512, H: 128, C: 6, B: 64, k: 0, torchMode: '', dirs: 2 },
  { id: 'W1-gru', D: 1, T: 128, H: 64, C: 3, B: 32, k: 0, torchMode: 'train_full_bptt', gru: true },
  { id: 'W2-gru', D: 3, T: 512, H: 128, C: 6, B: 64, k: 0, torchMode: 'train_full_bptt', gru: true },
  { id: 'W2-gru-2L', D: 3, T: 512, H: 128, C: 6, B: 64, k: 0, torchMode: '', gru: true, layers: 2 },
];
const stepsOf = (w: Workload, T: number) => Math.ceil(T / (w.s ?? 1));
const shapeOf = (w: Workload) => ({
  D: w.D * (w.s ?? 1), H: w.H, C: w.C, directions: w.dirs ?? 1, ...(w.gru ? { cell: 'gru' as const } : {}), ...(w.layers === 2 ? { layers: 2 as const } : {}),
});
// The products' multiply-adds, as the anchor counts them; a GRU has 3 gates' worth; a second layer reads the
// first one's directions·H states a step.
const fwdFlops = (w: Workload, T = w.T) => {
  const K = w.dirs ?? 1;
  const layer = (inputs: number) => K * 2 * stepsOf(w, T) * (w.gru ? 3 : 1) * w.H * (inputs + w.H);
  return layer(w.D * (w.s ?? 1)) + (w.layers === 2 ? layer(K * w.H) : 0) + K * 2 * w.H * w.C;
};
const trainFlops = (w: Workload) => (w.k > 0 ? fwdFlops(w) + 2 * fwdFlops(w, w.k) : 3 * fwdFlops(w));

function randomDataSet(N: number, D: number, T: number, C: number, seed: number): DataSet {
  const rng = createRng(seed);
  const values = sharedFloat32(N * T * D);
  for (let i = 0; i < values.length; i++) values[i] = normal(rng);
  const offsets = sharedFloat64(N);
  const lengths = sharedInt32(N);
  const labels = sharedInt32(N);
  for (let n = 0; n < N; n++) {
    offsets[n] = n * T;
    lengths[n] = T;
    labels[n] = Math.floor(rng.next() * C);
  }
  return {
    D, values, offsets, lengths, labels,
    channels: Array.from({ length: D }, (_, d) => `c${d}`), classes: Array.from({ length: C }, (_, c) => `k${c}`),
    ids: [], sources: [],
  };
}

/** The rows under the head, each column right-aligned to its widest cell, after a blank line. */
function printTable(head: string[], rows: string[][]): void {
  const wd = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  console.log('\n' + [head, ...rows].map((r) => r.map((c, i) => c.padStart(wd[i])).join('  ')).join('\n'));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** seq/s of `step` (which does `per` sequences) over about `ms`, with no warm-up. */
async function block(step: () => Promise<void> | void, per: number, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms || n < 2) {
    await step();
    n++;
  }
  return (n * per) / ((performance.now() - t0) / 1000);
}

/** Median seq/s of REPS blocks of ~TARGET_S each, after a warm-up, of `step` (which does `per` sequences). */
async function rate(step: () => Promise<void> | void, per: number, reps = REPS): Promise<number> {
  await block(step, per, 1000 * Math.max(0.3, TARGET_S));
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) rates.push(await block(step, per, 1000 * TARGET_S));
  return median(rates);
}

/**
 * A training loop on random data of w's shape with `threads` threads: each step() is one gradient step and
 * Adam update. Our tanh costs more on saturated pre-activations than on small ones, so a thread count that took
 * more steps in the same time would be timed on later, costlier weights; every step() instead runs the same
 * CYCLE steps of training over and over, from the weights after PRE steps (bit-identical for any thread count,
 * as training is).
 */
async function trainer(w: Workload, threads: number): Promise<{ step: () => Promise<void>; close: () => Promise<void> }> {
  const ds = randomDataSet(4 * w.B, w.D, w.T, w.C, 1);
  const shape = shapeOf(w);
  const init = new Float32Array(layoutOf(shape).size);
  initParameters(init, shape, createRng(2));
  const engine = createEngine({
    shape, readout: 'last', k: w.k, stride: w.s ?? 1, threads, chunkSize: 4, maxBatch: w.B, params: init,
    capacity: w.k > 0 ? w.k : stepsOf(w, w.T), classWeight: null, data: ds,
  });
  engine.setOrder(Int32Array.from({ length: 4 * w.B }, (_, i) => i));
  let opt = engine.optimizer('adam');
  let at = 0;
  let steps = 0;
  const train = async () => {
    await engine.gradient(at, at + w.B);
    engine.update(1, opt, 1e-3);
    at = (at + w.B) % (4 * w.B);
    steps++;
  };
  const PRE = 20;
  const CYCLE = 16;
  while (steps < PRE) await train();
  const snapshot = Float32Array.from(engine.params);
  const optSnapshot = { ...opt, m: Float32Array.from(opt.m), v: Float32Array.from(opt.v) };
  return {
    step: async () => {
      if ((steps - PRE) % CYCLE === 0) {
        engine.params.set(snapshot);
        opt = engine.optimizer('adam', optSnapshot);
        at = (PRE * w.B) % (4 * w.B);
      }
      await train();
    },
    close: () => engine.close(),
  };
}

async function trainRate(w: Workload, threads: number, reps = REPS): Promise<number> {
  const t = await trainer(w, threads);
  try {
    return await rate(t.step, w.B, reps);
  } finally {
    await t.close();
  }
}

/** Median seq/s of batched forward-only scoring (one thread) over 4·B sequences. */
async function inferRate(w: Workload): Promise<number> {
  const N = 4 * w.B;
  const ds = randomDataSet(N, w.D, w.T, w.C, 3);
  const shape = shapeOf(w);
  const params = new Float32Array(layoutOf(shape).size);
  initParameters(params, shape, createRng(2));
  const idx = Int32Array.from({ length: N }, (_, i) => i);
  const probs = new Float32Array(N * w.C);
  const logp = new Float64Array(N);
  const predict = createPredictor(shape, 'last', w.s ?? 1);
  return rate(() => predict(params, ds, idx, probs, logp), N);
}

function hasTorch(): boolean {
  if (!existsSync(PYTHON) || (!GRU_ONLY && (ANCHORS === null || !existsSync(join(ANCHORS, 'torch_rnn_bench.py'))))) return false;
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

type TorchRow = { workload: string; mode: string; threads: number; seq_per_s_median: number; cell?: 'gru' };

/** PyTorch's figures for `workloads` (W1, W2, ...) with `threads` threads: nn.RNN's (the anchor), or nn.GRU's (gru). */
function runTorch(threads: number, workloads: string, gru = false, blasOne = true): TorchRow[] {
  const out = join(scratch('torch-'), 'torch.jsonl');
  const script = gru ? join(ROOT, 'bench', 'torch_gru_bench.py') : join(ANCHORS!, 'torch_rnn_bench.py');
  const a = [script, '--threads', String(threads), '--workloads', workloads, '--json', out,
    '--reps', String(QUICK ? 3 : 5), '--target-s', String(TARGET_S), '--warmup-s', '0.5'];
  if (threads > 1 && blasOne) a.push('--blas-threads', '1'); // the best 2-thread configuration in RESULTS.md
  const env: NodeJS.ProcessEnv = { ...process.env, LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(PYTHON, a, { env, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) {
    process.stderr.write(`PyTorch run failed (${r.status}): ${r.stderr.slice(-500)}\n`);
    return [];
  }
  return readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TorchRow);
}

type CRow = { mode: string; seq_per_s_median: number };

function runC(w: Workload, threads: number, exe: string): CRow[] {
  const r = spawnSync(exe, ['bench', ...[w.D, w.T, w.H, w.C, w.B, threads].map(String), String(QUICK ? 3 : 5), String(TARGET_S)], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as CRow);
}

function buildC(): string | null {
  if (ANCHORS === null) return null;
  const src = join(ANCHORS, 'rnn_ref.c');
  if (!existsSync(src)) return null;
  const exe = join(scratch('cref-'), 'rnn_ref');
  const r = spawnSync('gcc', ['-O3', '-march=native', '-ffast-math', '-fopenmp', '-o', exe, src, '-lm'], { encoding: 'utf8' });
  return r.status === 0 ? exe : null;
}

// ---------------------------------------------------------------- memory children

async function childLongSequences(threads: number): Promise<void> {
  const N = 8;
  const T = 200_000;
  const ds = randomDataSet(N, 1, T, 2, 5);
  const dataBytes = ds.values.byteLength;
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  await fit(ds, null, {
    hidden: 64, readout: 'mean', bptt: 64, epochs: 2, batchSize: 8, optimizer: 'adam', lr: 1e-3, clip: 1, threads, noise: 0.1,
    seed: 1, valSplit: 0, patience: 0, chunkSize: 4,
    onEpoch: () => { peak = Math.max(peak, process.memoryUsage().rss); },
  });
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(JSON.stringify({ threads, dataBytes, before, peak, growth: peak - before }) + '\n');
}

async function childLoadLong(file: string): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  const ds = await loadDataSet([file], { format: 'long' });
  const peak = Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  process.stdout.write(JSON.stringify({ values: ds.values.length, float32Bytes: ds.values.byteLength, before, peak, growth: peak - before }) + '\n');
}

async function writeLongCsv(file: string, sequences: number, T: number, D: number): Promise<void> {
  const s = createWriteStream(file);
  const rng = createRng(9);
  s.write(['id', 't', 'label', ...Array.from({ length: D }, (_, d) => `c${d}`)].join(',') + '\n');
  for (let n = 0; n < sequences; n++) {
    let chunk = '';
    for (let t = 0; t < T; t++) {
      chunk += `s${n},${t},${n % 3}`;
      for (let d = 0; d < D; d++) chunk += ',' + normal(rng).toFixed(5);
      chunk += '\n';
    }
    if (!s.write(chunk)) await once(s, 'drain');
  }
  s.end();
  await once(s, 'finish');
}

function child(mode: string, extra: string[]): Record<string, number> | null {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', mode, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`memory child ${mode} failed: ${r.stderr.slice(-800)}\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const MB = (b: number) => (b / 2 ** 20).toFixed(1);

async function memory(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  console.log('\nMemory');
  for (const threads of [1, 2]) {
    const m = child('long', [String(threads)]);
    if (!m) continue;
    out[`long_${threads}`] = m;
    console.log(`  training on 8 sequences of 200,000 steps (data ${MB(m.dataBytes)} MB), --bptt 64, H 64, input noise 0.1, ${threads} thread(s): ` +
      `RSS grew ${MB(m.growth)} MB (${MB(m.growth / threads)} MB per thread)`);
  }
  // A small file shows the fixed overhead of reading (parser and stream buffers, a few MB whatever the size);
  // a large one the cost per value, which is what the limit of about twice the float32 size is about.
  const sizes: Array<[number, number]> = QUICK ? [[200, 500]] : [[1000, 500], [20_000, 200]];
  for (const [sequences, T] of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'ts-long-'));
    try {
      const file = join(dir, 'long.csv');
      await writeLongCsv(file, sequences, T, 3);
      const m = child('load', [file]);
      if (m) {
        out[`load_long_${sequences}x${T}`] = m;
        console.log(`  loading a long-format CSV of ${m.values.toLocaleString()} values (float32 ${MB(m.float32Bytes)} MB): ` +
          `peak RSS growth ${MB(m.growth)} MB = ${(m.growth / m.float32Bytes).toFixed(2)}× the float32 size`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

// ---------------------------------------------------------------- main

/**
 * Parallel efficiency at 2 threads of W1 and W2 as the median of `pairs` back-to-back 1- and 2-thread
 * measurements: this machine's speed drifts by ±20 % over seconds, which a 1-thread and a 2-thread figure taken
 * a minute apart inherit; blocks of TARGET_S measured back to back, alternating which goes first, cancel most of
 * it. Both engines are built and warmed once (a fresh worker's JavaScript takes up to a second or so to be
 * optimized while both cores are busy, which a freshly built 2-thread engine would carry into its figure) and
 * stay alive between blocks. With the C reference built, its own 1- and 2-thread pairs are measured between
 * ours, as the hardware's figure for the same minutes.
 */
async function pairedEfficiency(pairs: number, cExe: string | null): Promise<void> {
  const ids = GRU_ONLY ? ['W1-gru', 'W2-gru'] : ['W1', 'W2', 'W1-gru', 'W2-gru'];
  for (const w of WORKLOADS.filter((x) => ids.includes(x.id))) {
    const ours: number[] = [];
    const c: number[] = [];
    const cRate = (threads: number) => runC(w, threads, cExe!).find((r) => r.mode === 'train_full_bptt')?.seq_per_s_median;
    const withC = cExe !== null && !w.gru;
    const one = await trainer(w, 1);
    const two = await trainer(w, 2);
    try {
      for (let i = 0; i < 2; i++) for (const t of [one, two]) await block(t.step, w.B, 1000);
      // Each block starts with a few untimed steps: after the C reference's runs, the caches are someone else's
      // and an idle core wakes slowly, which would fall on the 2-thread blocks twice.
      const timed = async (t: typeof one) => {
        await block(t.step, w.B, 150);
        return block(t.step, w.B, 1000 * TARGET_S);
      };
      for (let i = 0; i < pairs; i++) {
        const first = i % 2 === 0 ? one : two;
        const r1 = await timed(first);
        const r2 = await timed(first === one ? two : one);
        const [s1, s2] = first === one ? [r1, r2] : [r2, r1];
        ours.push(s2 / (2 * s1));
        if (withC) {
          const c1 = cRate(1);
          const c2 = cRate(2);
          if (c1 && c2) c.push(c2 / (2 * c1));
        }
      }
    } finally {
      await one.close();
      await two.close();
    }
    const fmt = (xs: number[]) => `${median(xs).toFixed(2)} (${xs.map((r) => r.toFixed(2)).join(' ')})`;
    console.log(`${w.id}: parallel efficiency at 2 threads, median of ${pairs} back-to-back pairs ${fmt(ours)}` +
      (c.length ? `; the C reference in the same minutes ${fmt(c)}` : ''));
  }
}

/**
 * --scaling: per workload, PyTorch's training seq/s at every thread count of `counts` (where it runs) and then
 * ours, each ours a fresh engine of that many threads; the speed-up is over our one-thread figure of the same run.
 * PyTorch runs with as many BLAS threads as threads here (its default), not the one of the 2-thread table.
 * A step's batch is split into chunks of four sequences, so a step of B sequences keeps at most B/4 threads busy.
 */
async function scaling(counts: number[], ids: string[] | null, torch: boolean): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const head = ['workload', 'thr', 'train seq/s', 'GFLOP/s', 'speed-up', 'efficiency', 'torch', 'ours/torch'];
  const rows: string[][] = [];
  for (const w of WORKLOADS.filter((x) => (ids === null ? x.k === 0 && !x.s && !x.dirs : ids.includes(x.id)) && (!GRU_ONLY || x.gru))) {
    const torchRows = torch && w.torchMode !== '' ? counts.flatMap((t) => runTorch(t, w.id.slice(0, 2), w.gru, false)) : [];
    let one: number | undefined;
    for (const threads of counts) {
      const tr = await trainRate(w, threads);
      if (threads === 1) one = tr;
      const tt = torchRows.find((r) => r.mode === w.torchMode && r.threads === threads)?.seq_per_s_median;
      const up = one === undefined ? undefined : tr / one;
      rows.push([w.id, String(threads), tr.toFixed(0), ((tr * trainFlops(w)) / 1e9).toFixed(1), up === undefined ? '-' : up.toFixed(2),
        up === undefined ? '-' : (up / threads).toFixed(2), tt === undefined ? '-' : tt.toFixed(0), tt ? (tr / tt).toFixed(2) : '-']);
      out.push({ workload: w.id, threads, train: tr, trainGflops: (tr * trainFlops(w)) / 1e9, torchTrain: tt, B: w.B });
      console.log(rows.at(-1)!.join('  '));
    }
  }
  printTable(head, rows);
  return out;
}

/** --infer-only: per workload family, PyTorch's one-thread inference then ours, and the same-run ratio. */
async function inferOnly(torch: boolean): Promise<void> {
  for (const w of WORKLOADS.filter((x) => x.k === 0 && (!GRU_ONLY || x.gru))) {
    const ti = torch && w.torchMode !== '' ? runTorch(1, w.id.slice(0, 2), w.gru).find((r) => r.mode === 'infer')?.seq_per_s_median : undefined;
    const ir = await inferRate(w);
    console.log(`${w.id} infer ${ir.toFixed(0)} seq/s (${((ir * fwdFlops(w)) / 1e9).toFixed(1)} GFLOP/s)` +
      (ti ? `, PyTorch 1 thread ${ti.toFixed(0)}, ours / PyTorch ${(ir / ti).toFixed(2)}` : ''));
  }
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

async function main(): Promise<void> {
  if (args[0] === '--child') {
    if (args[1] === 'long') return childLongSequences(Number(args[2]));
    if (args[1] === 'load') return childLoadLong(args[2]);
  }
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores; node ${process.version}; load average ${load()}`);
  const results: Record<string, unknown>[] = [];
  const torch = !flag('--no-torch') && hasTorch();
  const torchRows: TorchRow[] = [];
  if (torch) {
    console.log('PyTorch (--anchors torch_rnn_bench.py for nn.RNN, bench/torch_gru_bench.py for nn.GRU; Debian torch + ' +
      'OpenBLAS) runs just before ours, per workload');
  } else if (!flag('--no-torch')) {
    console.log(`note: ${PYTHON} has no torch (or no --anchors folder holds torch_rnn_bench.py): PyTorch columns skipped`);
  }
  if (flag('--infer-only')) return inferOnly(torch);
  if (flag('--scaling')) {
    const counts = (args[args.indexOf('--scaling') + 1] ?? '').split(',').map(Number);
    if (!counts.every((t) => Number.isInteger(t) && t >= 1)) throw new Error(`--scaling takes thread counts such as 1,2,4,8,16 (got ${args[args.indexOf('--scaling') + 1]})`);
    const ids = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : null;
    const results = await scaling(counts, ids, torch);
    console.log(`load average ${load()}`);
    const jsonAt = args.indexOf('--json');
    if (jsonAt >= 0) appendFileSync(args[jsonAt + 1], JSON.stringify({ date: new Date().toISOString(), scaling: results }) + '\n');
    return;
  }
  const cExe = flag('--no-c') || GRU_ONLY ? null : buildC(); // no C reference of the GRU
  if (flag('--efficiency-only')) {
    const at = args.indexOf('--pairs');
    const pairs = at >= 0 ? Number(args[at + 1]) : QUICK ? 3 : 11;
    if (!(Number.isInteger(pairs) && pairs >= 1)) throw new Error(`--pairs must be a whole number ≥ 1 (got ${args[at + 1]})`);
    await pairedEfficiency(pairs, cExe);
    console.log(`load average ${load()}`);
    if (cExe) rmSync(dirname(cExe), { recursive: true, force: true });
    return;
  }
  if (!cExe && !flag('--no-c') && !GRU_ONLY) console.log('note: no --anchors folder with rnn_ref.c, or gcc could not build it: C columns skipped');
  const torchOf = (w: Workload, mode: string, threads: number) =>
    torchRows.find((r) => r.workload === w.id.slice(0, 2) && (r.cell === 'gru') === (w.gru ?? false) && r.mode === mode && r.threads === threads)
      ?.seq_per_s_median;

  const head = ['workload', 'thr', 'train seq/s', 'GFLOP/s', 'torch', 'ours/torch', 'C', 'ours/C', 'infer seq/s', 'GFLOP/s', 'torch', 'ours/torch'];
  const rows: string[][] = [];
  // PyTorch runs right before ours on the same workload, so that both see about the same load from other jobs.
  const torchDone = new Set<string>();
  for (const w of WORKLOADS.filter((x) => !GRU_ONLY || x.gru)) {
    const family = w.id.slice(0, 2);
    const key = family + (w.gru ? '-gru' : '');
    if (torch && w.torchMode !== '' && !torchDone.has(key)) {
      torchDone.add(key);
      torchRows.push(...runTorch(1, family, w.gru), ...runTorch(2, family, w.gru));
    }
    const ir = await inferRate(w);
    for (const threads of [1, 2]) {
      const tr = await trainRate(w, threads);
      const tt = torchOf(w, w.torchMode, threads);
      const ti = w.torchMode === '' ? undefined : torchOf(w, 'infer', threads);
      const c = cExe && w.k === 0 && w.torchMode !== '' && !w.gru ? runC(w, threads, cExe) : [];
      const ct = c.find((r) => r.mode === 'train_full_bptt')?.seq_per_s_median;
      const f = (x: number | undefined, p = 0) => (x === undefined ? '-' : x.toFixed(p));
      const infer = threads === 1 ? ir : undefined;
      rows.push([
        w.id, String(threads), f(tr), f((tr * trainFlops(w)) / 1e9, 1), f(tt), tt ? (tr / tt).toFixed(2) : '-', f(ct), ct ? (tr / ct).toFixed(2) : '-',
        f(infer), infer ? ((infer * fwdFlops(w)) / 1e9).toFixed(1) : '-', threads === 1 ? f(ti) : '-', infer && ti ? (infer / ti).toFixed(2) : '-',
      ]);
      results.push({ workload: w.id, threads, train: tr, infer, torchTrain: tt, torchInfer: ti, cTrain: ct, trainGflops: (tr * trainFlops(w)) / 1e9 });
      console.log(rows.at(-1)!.join('  '));
    }
  }
  printTable(head, rows);
  for (const w of WORKLOADS.filter((x) => (x.k === 0 || x.id === 'W2-k64') && x.torchMode !== '' && (!GRU_ONLY || x.gru))) {
    const r1 = results.find((r) => r.workload === w.id && r.threads === 1)!;
    const r2 = results.find((r) => r.workload === w.id && r.threads === 2)!;
    const best = Math.max(...[torchOf(w, w.torchMode, 1), torchOf(w, w.torchMode, 2)].filter((x): x is number => x !== undefined), 0);
    console.log(`${w.id}: parallel efficiency at 2 threads ${((r2.train as number) / (2 * (r1.train as number))).toFixed(2)}` +
      (best ? `; 2 threads / best PyTorch ${((r2.train as number) / best).toFixed(2)}, 1 thread / best PyTorch ${((r1.train as number) / best).toFixed(2)}` : ''));
  }
  await pairedEfficiency(QUICK ? 3 : 7, null);
  console.log(`load average ${load()}`);
  const mem = flag('--no-memory') || GRU_ONLY ? {} : await memory();
  const jsonAt = args.indexOf('--json');
  if (jsonAt >= 0) appendFileSync(args[jsonAt + 1], JSON.stringify({ date: new Date().toISOString(), results, memory: mem }) + '\n');
  if (cExe) rmSync(dirname(cExe), { recursive: true, force: true });
}

await main();
