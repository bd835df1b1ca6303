// Which file a path names (as the kernel resolves it), the checkpoint's lock, and the limits on what a model's
// files can hold: the ways a run could write over a file it was not given, or crash after hours of training.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { UserError } from '../src/errors.js';
import { tempPathFor, writeFileAtomic } from '../src/io/atomic.js';
import { lockRun } from '../src/io/lock.js';
import { checkDistinct, followLinks, physicalPath } from '../src/io/paths.js';
import { MAX_JSON_BYTES } from '../src/io/read-input.js';
import { fileOutput } from '../src/io/stream-out.js';
import { fileSizeProblem } from '../src/train/preflight.js';
import { layoutOf } from '../src/model/layout.js';
import { ensembleShape } from '../src/model/ensemble.js';
import { tempDir } from './helpers/temp.js';


/** A run's claim on its checkpoint alone. */
const lockCheckpoint = (checkpoint: string) => lockRun({ checkpoint })!;
test('`link/..` is the folder above the link\'s target, as the kernel has it, for reading and writing alike', () => {
  const dir = tempDir('ts-paths-');
  mkdirSync(join(dir, 'sub', 'z'), { recursive: true });
  symlinkSync(join(dir, 'sub', 'z'), join(dir, 'y'));
  writeFileSync(join(dir, 'notes.txt'), 'precious');
  const spelled = join(dir, 'y') + '/../notes.txt'; // path.join would fold the `..` away
  assert.equal(physicalPath(spelled), join(dir, 'sub', 'notes.txt'));
  writeFileAtomic(spelled, 'written');
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'precious', 'the file beside the link is not touched');
  assert.equal(readFileSync(join(dir, 'sub', 'notes.txt'), 'utf8'), 'written');
  assert.equal(readFileSync(spelled, 'utf8'), 'written', 'what is written there is what reading the same spelling finds');
});

test('outputs that are one file through a dangling link are refused, whichever is named first', () => {
  const dir = tempDir('ts-paths-');
  const model = join(dir, 'm.json');
  symlinkSync('m.json', join(dir, 'r.html')); // points at a file not written yet
  assert.equal(followLinks(join(dir, 'r.html')), model);
  for (const outputs of [[['--out', model], ['--report', join(dir, 'r.html')]], [['--report', join(dir, 'r.html')], ['--out', model]]] as const) {
    assert.throws(() => checkDistinct([], outputs), (e: unknown) => e instanceof UserError && /is also the path of/.test(e.message));
  }
  symlinkSync('m.json.ckpt', join(dir, 'n.json')); // --out n.json, whose default checkpoint is its target
  assert.throws(() => checkDistinct([], [['--out', join(dir, 'n.json')], ['--checkpoint', join(dir, 'm.json.ckpt')]]), /is also the path of --out/);
  assert.deepEqual(readdirSync(dir).sort(), ['n.json', 'r.html']);
});

test('two outputs whose names share their first 200 bytes, staged at once, get temp files of their own', () => {
  const long = join(tempDir('ts-paths-'), 'a'.repeat(215));
  const names = new Set(Array.from({ length: 50 }, (_, i) => tempPathFor(`${long}.${i % 2 === 0 ? 'onnx' : 'safetensors'}`)));
  assert.equal(names.size, 50);
});

test('the lock: a file of the user\'s at <checkpoint>.lock is refused and kept, a folder too; an old empty lock is taken over', () => {
  const dir = tempDir('ts-lock-');
  const ck = join(dir, 'x');
  writeFileSync(`${ck}.lock`, 'label,t0\na,1\n'); // e.g. a data file of that name
  assert.throws(() => lockCheckpoint(ck), (e: unknown) => e instanceof UserError && /is in the way of the checkpoint's lock file and is not one/.test(e.message));
  assert.equal(readFileSync(`${ck}.lock`, 'utf8'), 'label,t0\na,1\n');
  writeFileSync(`${ck}.lock`, '123\nsome-host\nfoo\n'); // almost a stamp
  assert.throws(() => lockCheckpoint(ck), /is in the way/);
  const folder = join(dir, 'f');
  mkdirSync(`${folder}.lock`);
  assert.throws(() => lockCheckpoint(folder), /is in the way/);
  assert.ok(existsSync(`${folder}.lock`));
  const empty = join(dir, 'e');
  writeFileSync(`${empty}.lock`, ''); // a run between creating its lock and writing it …
  assert.throws(() => lockCheckpoint(empty), /another run is writing this checkpoint/);
  const old = (Date.now() - 60_000) / 1000;
  utimesSync(`${empty}.lock`, old, old); // … or one that died there, long ago
  const lock = lockCheckpoint(empty);
  assert.match(readFileSync(`${empty}.lock`, 'utf8'), new RegExp(`^${process.pid}\\n${hostname()}\\n`));
  lock.release();
  assert.ok(!existsSync(`${empty}.lock`));
  // A stamp cut short, or zeros after a power loss: a run starting, then stale.
  for (const torn of ['4242\nsome-ho', '\0\0\0\0\0\0']) {
    writeFileSync(`${empty}.lock`, torn);
    assert.throws(() => lockCheckpoint(empty), /another run is writing this checkpoint/);
    utimesSync(`${empty}.lock`, old, old);
    lockCheckpoint(empty).release();
    assert.ok(!existsSync(`${empty}.lock`));
  }
});

// An ops audit's find: a lock a run killed on another node left (a shared folder) refused the requeued job's
// `--resume auto` on this one for good, until someone deleted it.
test('a lock of another host\'s run holds while that run touches it, and is taken over once five minutes pass untouched; a run touches its own every half minute, and one whose lock was taken over writes nothing more', (t) => {
  const dir = tempDir('ts-lock-');
  const ck = join(dir, 'c.ckpt');
  const theirs = '4242\nnode-7\n123\ntouched\n';
  writeFileSync(`${ck}.lock`, theirs);
  assert.throws(() => lockCheckpoint(ck), (e: unknown) => e instanceof UserError &&
    /another run \(process 4242 on node-7\) is writing this checkpoint.*\(if no run is going, delete .*c\.ckpt\.lock; a lock of another host's run is taken over once 5 minutes pass without that run touching it, 5 minute\(s\) from now\)$/.test(e.message));
  const aged = (minutes: number) => {
    const then = (Date.now() - minutes * 60_000) / 1000;
    utimesSync(`${ck}.lock`, then, then);
  };
  aged(4.5);
  assert.throws(() => lockCheckpoint(ck), /on node-7.*1 minute\(s\) from now/);
  // An earlier version's run touched no lock (its stamp says nothing of it): respected however old.
  writeFileSync(`${ck}.lock`, '4242\nnode-7\n123\n');
  aged(60);
  assert.throws(() => lockCheckpoint(ck), /on node-7/);
  writeFileSync(`${ck}.lock`, theirs);
  aged(5.5);
  t.mock.timers.enable({ apis: ['setInterval'] }); // the lock's timer, run by the test
  try {
    const lock = lockCheckpoint(ck);
    assert.match(readFileSync(`${ck}.lock`, 'utf8'), new RegExp(`^${process.pid}\\n${hostname()}\\n[0-9]*\\ntouched\\n$`));
    // This run's lock, aged as if untouched: its timer touches it every half minute.
    aged(10);
    t.mock.timers.tick(29_000);
    assert.ok(Date.now() - statSync(`${ck}.lock`).mtimeMs > 9 * 60_000, 'not yet');
    t.mock.timers.tick(1_000);
    assert.ok(Date.now() - statSync(`${ck}.lock`).mtimeMs < 60_000, 'touched');
    lock.check();
    // Taken over while this run was stopped: it is told so before it writes, and leaves the other's lock alone.
    writeFileSync(`${ck}.lock`, theirs);
    assert.throws(() => lock.check(), (e: unknown) => e instanceof UserError &&
      /c\.ckpt: another run \(process 4242 on node-7\) took over the checkpoint's lock file while this run was stopped .*; this run writes nothing more/.test(e.message));
    aged(10);
    t.mock.timers.tick(60_000);
    assert.ok(Date.now() - statSync(`${ck}.lock`).mtimeMs > 9 * 60_000, 'another run\'s lock is not touched');
    lock.release();
    assert.equal(readFileSync(`${ck}.lock`, 'utf8'), theirs, 'nor removed');
  } finally {
    t.mock.timers.reset();
  }
});

test('the lock is beside the file the checkpoint lands on: two spellings of one checkpoint share it', () => {
  const dir = tempDir('ts-lock-');
  symlinkSync('real.ckpt', join(dir, 'link.ckpt'));
  const lock = lockCheckpoint(join(dir, 'real.ckpt'));
  try {
    assert.throws(() => lockCheckpoint(join(dir, 'link.ckpt')), /another call in this very process \(still running, or in a worker thread ended without finishing it\) is writing this checkpoint/);
  } finally {
    lock.release();
  }
});

test('a folder put in place of a streamed output before it is renamed there: a user error, no temp file left', async () => {
  const dir = tempDir('ts-stream-');
  const path = join(dir, 'p.csv');
  const out = fileOutput(path);
  out.write('id,class\n');
  mkdirSync(path);
  await assert.rejects(out.commit(), (e: unknown) => e instanceof UserError && /a folder has taken the file's place/.test(e.message));
  assert.deepEqual(readdirSync(dir), ['p.csv']);
});

test('a model whose checkpoint or model file would pass what a JSON text can hold is refused before training', () => {
  const P = 25_292_803; // a bidirectional GRU of 2048 units a direction
  assert.match(fileSizeProblem(P, 1, 2048, { saving: true, checkpointing: true }) ?? '', /^--hidden 2048 makes a model of 25292803 weights, whose checkpoint would be about 515 MiB, more than the 500 MiB a checkpoint can be; lower --hidden$/);
  assert.equal(fileSizeProblem(P, 1, 2048, { saving: true, checkpointing: false }), null, 'without checkpoints the model file fits');
  assert.match(fileSizeProblem(P, 2, 2048, { saving: true, checkpointing: false }) ?? '', /with --members 2 .* model file would be about \d+ MiB.*lower --hidden or --members$/);
  assert.equal(fileSizeProblem(P, 2, 2048, { saving: false, checkpointing: false }), null, 'a model kept in memory only');
  assert.equal(fileSizeProblem(200_000, 3, 64, { saving: true, checkpointing: true }), null);
  // An ensemble is saved as one model whose recurrent weights are block-diagonal: the zeros between the members'
  // blocks are written too (three bidirectional GRUs of 1365 units: refused; it failed as it saved, trained).
  const member = { D: 2, H: 1365, C: 2, directions: 2 as const, cell: 'gru' as const };
  const [one, merged] = [layoutOf(member).size, layoutOf(ensembleShape(member, 3)).size];
  assert.match(fileSizeProblem(one, 3, 1365, { saving: true, checkpointing: false, merged }) ?? '', /with --members 3 .* model file would be about \d+ MiB, more than the 500 MiB/);
  assert.equal(fileSizeProblem(one, 3, 1365, { saving: true, checkpointing: false }), null, 'counted as the members alone, it passed');
  // 10,000 channels and their differences: most weights read the inputs, so the message names that knob too.
  assert.match(fileSizeProblem(P, 1, 256, { saving: true, checkpointing: true, inputWeights: 0.9 * P }) ?? '', /lower --hidden, or read fewer values a step \(most weights read the inputs\): fewer channels \(--channels picks them from a long file\), --differences off or a smaller --stride$/);
  assert.ok((4 * P * 4 * 4) / 3 > MAX_JSON_BYTES, 'the checkpoint holds four base64 arrays of P float32');
});

test('many runs holding locks at once share one exit listener, gone when the last lock is released', () => {
  const dir = tempDir('locks-');
  const before = process.listenerCount('exit');
  const locks = Array.from({ length: 12 }, (_, i) => lockCheckpoint(join(dir, `m${i}.json.ckpt`)));
  assert.equal(process.listenerCount('exit'), before + 1);
  for (const l of locks) l.release();
  assert.equal(process.listenerCount('exit'), before);
  assert.deepEqual(readdirSync(dir), []);
});

test('the lock is readable whatever the umask (under umask 777 it was mode 000: not removed at the end, then refused as "not one")', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir('lock-umask-');
  const ck = join(dir, 'm.ckpt');
  const script = `import { statSync } from 'node:fs';
    import { lockRun } from ${JSON.stringify(new URL('../src/io/lock.js', import.meta.url).href)};
    process.umask(0o777);
    const lock = lockRun({ checkpoint: ${JSON.stringify(ck)} });
    process.stdout.write((statSync(lock.path).mode & 0o777).toString(8));
    lock.release();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '644');
  assert.ok(!existsSync(`${ck}.lock`), 'released');
});

test('a lock of a process that was killed and not yet reaped (a zombie: for good under a container\'s first process) is taken over', { skip: !existsSync('/proc/self/stat') }, async () => {
  // The child exits once its parent has exec'd into sleep, which never reaps it: a zombie while sleep runs.
  const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (b: Buffer) => resolve(b.toString()))));
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    for (let i = 0; i < 250 && state()[0] !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(state()[0], 'Z');
    const ck = join(tempDir('ts-lock-'), 'm.ckpt');
    writeFileSync(`${ck}.lock`, `${pid}\n${hostname()}\n${state()[19]}\n`);
    const lock = lockCheckpoint(ck);
    assert.match(readFileSync(`${ck}.lock`, 'utf8'), new RegExp(`^${process.pid}\\n`));
    lock.release();
  } finally {
    parent.kill();
  }
});
