// Progress on stderr: a live bar on a terminal (colour unless NO_COLOR), plain epoch lines elsewhere (about 20).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, duration, selectionLines, withinColumns } from '../src/cli/progress.js';
import type { BatchProgress, EpochRecord } from '../src/train/fit.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } };
}

const batch = (b: number): BatchProgress => ({ epoch: 1, epochs: 2, batch: b, batches: 4, seen: 8 * b, loss: 0.5, accuracy: 0.75, lr: 1e-3, seconds: 0.1 * b });
const epoch = (e: number): EpochRecord => ({ epoch: e, loss: 0.4, accuracy: 0.8, valLoss: null, valAccuracy: null, lr: 1e-3, seconds: 0.4, sequencesPerSecond: 80 });

test('terminal: a bar with batches, running loss and accuracy, seq/s and ETA, then one line per epoch', () => {
  const { out, stream } = sink(true);
  const p = createProgress(stream, 2, {});
  for (let b = 1; b <= 4; b++) p.onBatch(batch(b));
  p.onEpoch(epoch(1));
  p.end();
  const text = out.join('');
  assert.match(text, /\r\x1b\[2K/); // redrawn in place
  assert.match(text, /4\/4/);
  assert.match(text, /loss 0\.5000/);
  assert.match(text, /acc 0\.750/);
  assert.match(text, /80 seq\/s/);
  assert.match(text, /ETA /);
  assert.match(text, /\x1b\[36m/); // coloured bar
  assert.match(text.replace(/\x1b\[[0-9;]*m/g, ''), /epoch 1\/2 {2}loss 0\.4000 {2}acc 0\.800 {2}80 seq\/s/); // no validation split: no val_ columns
});

test('with a validation split the epoch line shows its loss and accuracy', () => {
  const { out, stream } = sink(false);
  const p = createProgress(stream, 2, {});
  p.onEpoch({ ...epoch(1), valLoss: 0.61, valAccuracy: 0.7 });
  p.end();
  assert.match(out.join(''), /^epoch 1\/2 {2}loss 0\.4000 {2}acc 0\.800 {2}val_loss 0\.6100 {2}val_acc 0\.700 {2}80 seq\/s/);
});

test('a loss thrown out to 1e28 is written with an exponent and the same digits, not all of its own', () => {
  const { out, stream } = sink(false);
  const p = createProgress(stream, 2, {});
  p.onEpoch({ ...epoch(1), loss: 4.82400394901434e28, valLoss: 1234567.8, valAccuracy: 0.3 });
  p.end();
  assert.match(out.join(''), /^epoch 1\/2 {2}loss 4\.8240e\+28 {2}acc 0\.800 {2}val_loss 1\.2346e\+6 {2}val_acc 0\.300 /);
});

test('NO_COLOR: the bar stays, the colour goes', () => {
  const { out, stream } = sink(true);
  const p = createProgress(stream, 2, { NO_COLOR: '1' });
  p.onBatch(batch(4));
  p.onEpoch(epoch(1));
  const text = out.join('');
  assert.match(text, /█/);
  assert.doesNotMatch(text, /\x1b\[[0-9;]*m/);
});

test('not a terminal: one plain line per epoch, nothing else', () => {
  const { out, stream } = sink(false);
  const p = createProgress(stream, 2, {});
  for (let b = 1; b <= 4; b++) p.onBatch(batch(b));
  p.onEpoch(epoch(1));
  p.onEpoch(epoch(2));
  p.end();
  assert.equal(out.length, 2);
  assert.ok(out.every((l) => /^epoch [12]\/2 .*\n$/.test(l) && !l.includes('\x1b')));
});

test('durations read as a person would', () => {
  assert.equal(duration(4.25), '4.3s');
  assert.equal(duration(42), '42s');
  assert.equal(duration(75), '1m15s');
  assert.equal(duration(7300), '2h01m');
});

test('not a terminal: about 20 epoch lines however many epochs, the first and the last among them', () => {
  const { out, stream } = sink(false);
  const p = createProgress(stream, 150, {});
  for (let e = 1; e <= 150; e++) p.onEpoch(epoch(e));
  p.end();
  const shown = out.map((l) => Number(/^epoch +(\d+)\/150/.exec(l)![1]));
  assert.ok(shown.length >= 15 && shown.length <= 22, `${shown.length} lines`);
  assert.equal(shown[0], 1);
  assert.equal(shown.at(-1), 150);
  // Stopped early (patience, Ctrl-C): the last epoch run is printed at the end.
  const s2 = sink(false);
  const q = createProgress(s2.stream, 150, {});
  for (let e = 1; e <= 47; e++) q.onEpoch(epoch(e));
  q.end();
  assert.match(s2.out.at(-1)!, /^epoch +47\/150/);
});

test('not a terminal: a long epoch, or a run of unprinted ones, says how far it is once a minute passes without a line (a large set was silent for minutes under nohup)', () => {
  const { out, stream } = sink(false);
  let t = 0;
  const p = createProgress(stream, 150, {}, () => t);
  const step = (b: number): BatchProgress => ({ ...batch(b), epoch: 2, epochs: 150, batches: 1000, seconds: b / 10 });
  p.onEpoch(epoch(1)); // printed: the first
  for (let b = 1; b < 1000; b++) {
    t += 100;
    p.onBatch(step(b));
  }
  // 99.9 s of steps after the first epoch's line: one line at a minute.
  assert.equal(out.length, 2);
  assert.match(out[1], /^epoch   2\/150: step  600\/1000  loss 0\.5000  acc 0\.750  \d+ seq\/s  ETA 40s \(run .*\)\n$/);
  // Epochs not due for a line (every 8th of 150 is) print once a minute has passed since the last line.
  t += 10_000;
  p.onEpoch(epoch(2));
  assert.equal(out.length, 2, 'less than a minute since the last');
  t += 60_000;
  p.onEpoch(epoch(3));
  assert.equal(out.length, 3);
  assert.match(out[2], /^epoch   3\/150  loss/);
  // On a terminal the bar says it all: no such lines.
  const tty = sink(true);
  t = 0;
  const q = createProgress(tty.stream, 150, {}, () => t);
  for (let b = 1; b < 1000; b++) {
    t += 100;
    q.onBatch(step(b));
  }
  assert.ok(tty.out.every((l) => l.startsWith('\r')));
});

test('loading: silent for the first second, then at most a line a second', async () => {
  const { loadingLines } = await import('../src/cli/progress.js');
  const { out, stream } = sink(false);
  let t = 0;
  const on = loadingLines(stream, () => t);
  for (t = 0; t <= 3500; t += 100) on('big.csv', t * 1000, 4_000_000);
  assert.equal(out.length, 3); // at 1.0, 2.0 and 3.0 s
  assert.match(out[0], /^loading big\.csv: 25 % \(1 MiB of 4 MiB\)\n$/);
  const small = sink(false);
  t = 0;
  const slow = loadingLines(small.stream, () => t);
  slow('small.csv', 0, 23_000);
  t = 1500;
  slow('small.csv', 5_500, 23_000);
  assert.deepEqual(small.out, ['loading small.csv: 23 % (5 KiB of 22 KiB)\n'], 'below a MiB, in KiB');
});

test('selection: between its lines, how far a stage is; a live line on a terminal, elsewhere a line after 30 s without one', async () => {
  const { selectionLines } = await import('../src/cli/progress.js');
  const task = { key: 'noise 0, readout last/1', score: { accuracy: 0.9, logLoss: 0.3 }, finished: 5, total: 8, stage: 2, stageFinished: 1, stageTotal: 4 };
  const steps = (done: number, seconds: number) => ({ stage: 1, done, total: 400, seconds });
  const plain = sink(false);
  let t = 0;
  const lines = selectionLines(plain.stream, () => t);
  for (t = 0; t <= 95_000; t += 1000) lines.onSteps(steps(t / 1000, t / 1000));
  assert.deepEqual(plain.out, [ // at 30, 60 and 90 s, one step a second of 400
    'selecting, stage 1: 7 % of its training, 30s so far, about 6m10s left\n',
    'selecting, stage 1: 15 % of its training, 1m00s so far, about 5m40s left\n',
    'selecting, stage 1: 22 % of its training, 1m30s so far, about 5m10s left\n',
  ]);
  lines.onTask(task); // a task line restarts the 30 s
  for (t = 96_000; t < 125_000; t += 1000) lines.onSteps(steps(100, 100));
  assert.equal(plain.out.length, 4);
  lines.onSteps(steps(400, 130)); // the stage is over: its task lines say so
  lines.onSteps(steps(0, 130)); // a new stage with nothing done yet
  assert.equal(plain.out.length, 4);

  // Loading took 20 s: the 30 s count from the stage's start, not from the command's.
  const late = sink(false);
  t = 0;
  const afterLoading = selectionLines(late.stream, () => t);
  for (t = 20_000; t <= 55_000; t += 1000) afterLoading.onSteps(steps(t / 1000 - 20, t / 1000 - 20));
  assert.deepEqual(late.out.map((l) => l.replace(/:.*, (\S+) so far.*/s, ' $1')), ['selecting, stage 1 30s']);

  const term = sink(true);
  const live = selectionLines(term.stream, () => 0, {});
  live.onSteps(steps(100, 10));
  live.onSteps(steps(200, 20));
  live.onTask(task);
  live.onSteps(steps(300, 30));
  live.end();
  live.end(); // nothing drawn: nothing to clear
  const narrow = { isTTY: true, columns: 40, out: [] as string[], write(x: string) { this.out.push(x); } };
  selectionLines(narrow, () => 0, {}).onSteps(steps(100, 10));
  assert.deepEqual(narrow.out, ['\r\x1b[2Kselecting, stage 1: 25 % of its trainin'], 'cut to the width: a wrapped line cannot be redrawn');
  assert.deepEqual(term.out, [
    '\r\x1b[2Kselecting, stage 1: 25 % of its training, 10s so far, about 30s left',
    '\r\x1b[2Kselecting, stage 1: 50 % of its training, 20s so far, about 20s left',
    '\r\x1b[2K', 'selecting, stage 2: 1/4: noise 0, readout last, fold 1: held-out accuracy 0.9000\n',
    '\r\x1b[2Kselecting, stage 1: 75 % of its training, 30s so far, about 10s left',
    '\r\x1b[2K',
  ]);
});

test('a narrow terminal: the bar is cut by what shows, its colour codes kept whole and reset (it wrapped, and left the prompt cyan)', () => {
  const line = `epoch 1/9 \x1b[36m${'█'.repeat(10)}\x1b[0m\x1b[2m${'░'.repeat(14)}\x1b[0m 3/9  loss 0.5000`;
  for (const columns of [8, 15, 21, 25, 30]) {
    const cut = withinColumns(line, columns);
    assert.equal([...cut.replace(/\x1b\[[0-9;]*m/g, '')].length, columns - 1, `${columns} columns`);
    assert.ok(cut.endsWith('\x1b[0m'), `${columns} columns: the colour is reset`);
    assert.doesNotMatch(cut.replace(/\x1b\[[0-9;]*m/g, ''), /\x1b/, 'no code cut in half');
  }
  assert.equal(withinColumns('short', 30), 'short');
  const { out, stream } = sink(true);
  (stream as { columns?: number }).columns = 20;
  const p = createProgress(stream, 2, {});
  p.onBatch(batch(4));
  for (const drawn of out) assert.ok([...drawn.replace(/\x1b\[[0-9;]*[mK]|\r/g, '')].length <= 19, JSON.stringify(drawn));
});

test('TERM=dumb: selection writes lines as to a file, no line redrawn (docs/cli.md says so)', () => {
  const out: string[] = [];
  const dumb = { isTTY: true, columns: 80, write(x: string) { out.push(x); } };
  selectionLines(dumb, () => 0, { TERM: 'dumb' }).onSteps({ stage: 1, done: 100, total: 400, seconds: 10 });
  assert.deepEqual(out, []);
});

test('CI set on a terminal: lines as to a file, none redrawn; CI=false or 0 redraws as any terminal (docs/cli.md)', () => {
  for (const CI of ['true', '1', 'gitlab']) {
    const { out, stream } = sink(true);
    const p = createProgress(stream, 2, { CI });
    for (let b = 1; b <= 4; b++) p.onBatch(batch(b));
    p.onEpoch(epoch(1));
    p.end();
    assert.doesNotMatch(out.join(''), /\r/, CI);
    assert.match(out.join('').replace(/\x1b\[[0-9;]*m/g, ''), /^epoch 1\/2 {2}loss 0\.4000/, CI);
    const lines: string[] = [];
    selectionLines({ isTTY: true, columns: 80, write: (x: string) => lines.push(x) }, () => 0, { CI }).onSteps({ stage: 1, done: 100, total: 400, seconds: 10 });
    assert.deepEqual(lines, [], CI);
  }
  for (const CI of ['false', '0', '']) {
    const { out, stream } = sink(true);
    const p = createProgress(stream, 2, { CI });
    p.onBatch(batch(1));
    p.end();
    assert.match(out.join(''), /\r\x1b\[2K/, CI);
  }
});
