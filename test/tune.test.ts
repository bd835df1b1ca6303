import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTune, recommend, tuneThreads } from '../src/train/tune.js';
import { syntheticDataSet } from './helpers/synthetic.js';

test('tune measures every thread count asked for and recommends one of them', async () => {
  const r = await tuneThreads(syntheticDataSet(40, 2, 3), {
    threads: [2, 1], steps: 3, warmupSteps: 1, hidden: 8, readout: 'mean', bptt: 0, batchSize: 16, chunkSize: 4,
    optimizer: 'adam', lr: 1e-3, clip: 1,
  });
  assert.deepEqual(r.rows.map((x) => x.threads), [1, 2]);
  assert.ok([1, 2].includes(r.recommended));
  assert.equal(r.chunks, 4);
  for (const row of r.rows) {
    assert.ok(row.sequencesPerSecond > 0 && Number.isFinite(row.efficiency));
    assert.ok(row.computeMs > 0 && row.waitingMs >= 0 && row.reduceUpdateMs >= 0);
    assert.ok(row.computeMs + row.waitingMs + row.reduceUpdateMs <= row.stepMs * 1.05 + 0.05);
  }
  assert.equal(r.rows[0].speedup, 1);
  for (const row of r.rows) assert.ok(row.low <= row.sequencesPerSecond && row.sequencesPerSecond <= row.high);
  assert.match(formatTune(r), /recommended: --threads [12]/);
  assert.match(formatTune(r), /^(sure|not sure): /m);
});

test('tune times no more threads than a batch has chunks: larger counts are the same engine', async () => {
  const r = await tuneThreads(syntheticDataSet(40, 2, 3), {
    threads: [1, 3, 4], steps: 2, warmupSteps: 1, hidden: 8, readout: 'mean', bptt: 0, batchSize: 8, chunkSize: 4,
    optimizer: 'adam', lr: 1e-3, clip: 1,
  });
  assert.equal(r.chunks, 2);
  assert.deepEqual(r.rows.map((x) => x.threads), [1, 2]);
});

test('tuneThreads() tells onWarning of thread counts past the cores here, as the tune command prints', async () => {
  const { defaultThreads } = await import('../src/train/defaults.js');
  const past = defaultThreads() + 1;
  const warnings: string[] = [];
  await tuneThreads(syntheticDataSet(40, 2, 3), {
    threads: [1, past], steps: 2, warmupSteps: 1, warmupMs: 0, warmupMaxMs: 0, measureMs: 0, hidden: 8, readout: 'mean', bptt: 0, batchSize: 16, chunkSize: 4,
    optimizer: 'adam', lr: 1e-3, clip: 1, onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(warnings, [`--threads ${past} is more than the ${defaultThreads()} core(s) here; the extra threads share cores, so those rows measure the sharing`]);
  // More than a step's chunks: timed as that many, said so (it was dropped silently; the cores' warning spoke of a row not there).
  warnings.length = 0;
  const r = await tuneThreads(syntheticDataSet(40, 2, 3), {
    threads: [1, 8], steps: 2, warmupSteps: 1, warmupMs: 0, warmupMaxMs: 0, measureMs: 0, hidden: 8, readout: 'mean', bptt: 0, batchSize: 8, chunkSize: 4,
    optimizer: 'adam', lr: 1e-3, clip: 1, onWarning: (w) => warnings.push(w),
  });
  assert.deepEqual(r.rows.map((x) => x.threads), [1, 2]);
  assert.deepEqual(warnings, ['--threads 8 is more than the 2 chunk(s) of sequences a step of --batch-size 8 has, and a step runs no more threads than chunks: timed as 2']);
  await assert.rejects(tuneThreads(syntheticDataSet(8, 2, 2), { threads: [1], onWarning: 'print' as never }), /onWarning must be a function/);
});

test('the recommendation takes more threads only when every block says they are faster, and says how sure it is', () => {
  const row = (threads: number, low: number, median: number, high: number) => ({ threads, low, sequencesPerSecond: median, high });
  // 2 threads clearly faster (their slowest block beats 1 thread's fastest): 2, sure.
  assert.deepEqual(recommend([row(1, 90, 100, 110), row(2, 150, 180, 190)]), { recommended: 2, sure: true });
  // Faster by the median, but the blocks overlap (a noisy minute): stay at 1, not sure.
  assert.deepEqual(recommend([row(1, 90, 100, 160), row(2, 120, 180, 190)]), { recommended: 1, sure: false });
  // Slower with more threads: 1, sure.
  assert.deepEqual(recommend([row(1, 90, 100, 110), row(2, 60, 70, 80)]), { recommended: 1, sure: true });
  // 4 threads clearly beat 2, which clearly beat 1.
  assert.deepEqual(recommend([row(1, 9, 10, 11), row(2, 18, 19, 20), row(4, 30, 35, 36)]), { recommended: 4, sure: true });
  // 4 overlap with 2 but are faster by the median: 2, not sure.
  assert.deepEqual(recommend([row(1, 9, 10, 11), row(2, 18, 19, 25), row(4, 24, 30, 36)]), { recommended: 2, sure: false });
  // 3 beat 1 clearly but not 2, which did not beat 1: 1 (3 jumped over 2 by way of 1), not sure.
  assert.deepEqual(recommend([row(1, 100, 105, 110), row(2, 105, 112, 120), row(3, 115, 120, 125)]), { recommended: 1, sure: false });
  // The line that says why: a count beat fewer ones, or (the fewest timed) none beat it.
  const table = (rows: ReturnType<typeof row>[]) => formatTune({
    rows: rows.map((r) => ({ ...r, speedup: 1, efficiency: 1, stepMs: 1, computeMs: 1, waitingMs: 0, reduceUpdateMs: 0 })),
    ...recommend(rows), batchSize: 32, chunks: 4, stride: 1, resample: 0,
  } as Parameters<typeof formatTune>[0]);
  assert.match(table([row(1, 90, 100, 110), row(2, 150, 180, 190)]), /^sure: its slowest of \d+ alternating blocks beat the fastest of every fewer thread count/m);
  assert.match(table([row(1, 90, 100, 110), row(2, 60, 70, 80)]), /^sure: no more threads were faster by the median of \d+ alternating blocks$/m);
});

test('the tune command runs with the default flags and prints the table, or JSON', async () => {
  const { cliHere } = await import('./helpers/cli-here.js');
  const r = cliHere(['tune', 'datasets/motion/train.csv', '--steps', '2', '--threads', '1,2', '--hidden', '8']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /recommended: --threads [12]/);
  const j = cliHere(['tune', 'datasets/motion/train.csv', '--steps', '2', '--threads', '1', '--hidden', '8', '--json']);
  assert.equal(j.code, 0, j.stderr);
  assert.equal(JSON.parse(j.stdout).rows[0].threads, 1);
});

test('tune takes --noise like train (the steps draw it), and refuses a negative one', async () => {
  const { cliHere } = await import('./helpers/cli-here.js');
  const r = cliHere(['tune', 'datasets/motion/train.csv', '--steps', '2', '--threads', '1', '--hidden', '8', '--noise', '0.3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).rows[0].sequencesPerSecond > 0);
  const bad = cliHere(['tune', 'datasets/motion/train.csv', '--noise', '-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--noise must be a number ≥ 0/);
});

test('tune takes --resample like train, times what train would, and refuses a length it cannot be', async () => {
  const { cliHere } = await import('./helpers/cli-here.js');
  const args = ['tune', 'datasets/motion/train.csv', '--steps', '2', '--threads', '1', '--hidden', '8', '--json'];
  const auto = cliHere(args);
  assert.equal(auto.code, 0, auto.stderr);
  assert.ok(JSON.parse(auto.stdout).resample > 1, 'the motion set\'s lengths differ: auto resamples to their median');
  const fixed = cliHere([...args, '--resample', '40', '--stride', '4']);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.deepEqual([JSON.parse(fixed.stdout).resample, JSON.parse(fixed.stdout).stride], [40, 4]);
  const off = cliHere([...args.slice(0, -1), '--resample', 'off']);
  assert.equal(off.code, 0, off.stderr);
  assert.match(off.stdout, /timed with --stride \d+ --resample off --sequence-norm off --differences on/, 'raw accelerometer readings, of similar scales');
  const none = cliHere([...args, '--differences', 'off']);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(JSON.parse(none.stdout).differences, false);
  const own = cliHere([...args, '--sequence-norm', 'on']);
  assert.equal(own.code, 0, own.stderr);
  assert.equal(JSON.parse(own.stdout).sequenceNorm, true);
  const bad = cliHere(['tune', 'datasets/motion/train.csv', '--resample', '1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--resample must be auto, off or a whole number from 2 to 1000000 \(got 1\)/);
});
