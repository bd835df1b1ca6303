// Tests of src/io/atomic.ts: an existing file is never left truncated or half written, whether the write
// fails (disk full, I/O error) or the process is killed in the middle of it; and checkWritable refuses output
// paths that could not be written before any work starts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkWritable, writeError, writeFileAtomic, writeFilesAtomic } from '../src/io/atomic.js';
import { saveModel } from '../src/io/model-file.js';
import { UserError } from '../src/errors.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';
import { createRng } from '../src/model/rng.js';
import type { Model } from '../src/model/model.js';
import { tempDir } from './helpers/temp.js';

const tmp = () => tempDir('ts-atomic-');

/** Replaces fs[name] for the duration of fn; the named imports of node:fs (as atomic.ts uses) follow. */
function withFs<K extends keyof typeof fs>(name: K, impl: (typeof fs)[K], fn: () => void): void {
  const saved = fs[name];
  (fs as any)[name] = impl;
  syncBuiltinESMExports();
  try {
    fn();
  } finally {
    (fs as any)[name] = saved;
    syncBuiltinESMExports();
  }
}

const realOpen = fs.openSync;

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

test('writes a new file and replaces an existing one, leaving no temp file', () => {
  const dir = tmp();
  const f = join(dir, 'out.json');
  writeFileAtomic(f, 'one');
  assert.equal(readFileSync(f, 'utf8'), 'one');
  writeFileAtomic(f, new TextEncoder().encode('two'));
  assert.equal(readFileSync(f, 'utf8'), 'two');
  assert.deepEqual(readdirSync(dir), ['out.json']);
});

test('disk full in the middle of the write: the old file is intact, the temp file removed, a user error saying what to free', () => {
  const dir = tmp();
  const f = join(dir, 'model.json');
  writeFileSync(f, 'the old, good model');
  const realWrite = fs.writeSync;
  let calls = 0;
  const failing = ((fd: number, buf: Uint8Array, off: number, len: number) => {
    if (calls++ === 0) return realWrite(fd, buf, off, Math.min(len, 5)); // a partial write first
    throw errno('ENOSPC');
  }) as typeof fs.writeSync;
  withFs('writeSync', failing, () => {
    assert.throws(() => writeFileAtomic(f, 'x'.repeat(100_000)), (e: unknown) =>
      e instanceof UserError && /^.*model\.json: the disk is full \(ENOSPC\) while writing it; free space in .* \(the old file is unchanged\)$/.test(e.message) &&
      (e.cause as NodeJS.ErrnoException).code === 'ENOSPC');
  });
  assert.equal(readFileSync(f, 'utf8'), 'the old, good model');
  assert.deepEqual(readdirSync(dir), ['model.json']);
});

test('several files as one: the disk full on the second, the first file is as it was too, no temp file left', () => {
  const dir = tmp();
  const [a, b] = [join(dir, 'model.onnx'), join(dir, 'model.safetensors')];
  writeFileSync(a, 'old onnx');
  writeFileSync(b, 'old safetensors');
  const realWrite = fs.writeSync;
  let calls = 0;
  const failing = ((fd: number, buf: Uint8Array, off: number, len: number) => {
    if (calls++ === 0) return realWrite(fd, buf, off, len); // the first file whole
    throw errno('ENOSPC');
  }) as typeof fs.writeSync;
  withFs('writeSync', failing, () => {
    assert.throws(() => writeFilesAtomic([[a, 'new onnx'], [b, 'new safetensors']]), (e: unknown) =>
      e instanceof UserError && /model\.safetensors: the disk is full \(ENOSPC\)/.test(e.message));
  });
  assert.equal(readFileSync(a, 'utf8'), 'old onnx');
  assert.equal(readFileSync(b, 'utf8'), 'old safetensors');
  assert.deepEqual(readdirSync(dir).sort(), ['model.onnx', 'model.safetensors']);
  writeFilesAtomic([[a, 'new onnx'], [b, 'new safetensors']]);
  assert.equal(readFileSync(a, 'utf8'), 'new onnx');
  assert.equal(readFileSync(b, 'utf8'), 'new safetensors');
  assert.deepEqual(readdirSync(dir).sort(), ['model.onnx', 'model.safetensors']);
  // A device written in place that fails, after a file or before one: the file is as it was, no temp file left.
  for (const files of [[[a, 'newer'], ['/dev/full', 'x']], [['/dev/full', 'x'], [b, 'newer']]] as Array<Array<[string, string]>>) {
    assert.throws(() => writeFilesAtomic(files), (e: unknown) => e instanceof UserError && /^\/dev\/full: the device takes no more \(ENOSPC\)/.test(e.message));
  }
  assert.equal(readFileSync(a, 'utf8'), 'new onnx');
  assert.equal(readFileSync(b, 'utf8'), 'new safetensors');
  assert.deepEqual(readdirSync(dir).sort(), ['model.onnx', 'model.safetensors']);
});

test('a file name of 255 bytes, the most a folder holds, is written (its temp file\'s name is cut to fit)', () => {
  const dir = tmp();
  const long = join(dir, `${'m'.repeat(251)}.csv`);
  checkWritable(long, '--out');
  writeFileAtomic(long, 'rows');
  assert.equal(readFileSync(long, 'utf8'), 'rows');
  assert.deepEqual(readdirSync(dir), [`${'m'.repeat(251)}.csv`]);
});

test('fsync fails (I/O error): the old file is intact', () => {
  const dir = tmp();
  const f = join(dir, 'c.ckpt');
  writeFileSync(f, 'old');
  withFs('fsyncSync', (() => { throw errno('EIO'); }) as typeof fs.fsyncSync, () => {
    assert.throws(() => writeFileAtomic(f, 'new'), /EIO/);
  });
  assert.equal(readFileSync(f, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['c.ckpt']);
});

test('saveModel goes through the atomic write: a failed save keeps the previous model', () => {
  const dir = tmp();
  const f = join(dir, 'model.json');
  writeFileSync(f, 'previous model');
  const shape = { D: 2, H: 3, C: 2 };
  const parameters = new Float32Array(layoutOf(shape).size);
  initParameters(parameters, shape, createRng(1));
  const m: Model = { shape, readout: 'mean', classes: ['a', 'b'], channels: ['x', 'y'], normalization: null, parameters, training: {} };
  withFs('writeSync', (() => { throw errno('ENOSPC'); }) as typeof fs.writeSync, () => {
    assert.throws(() => saveModel(f, m), (e: unknown) => e instanceof UserError && /disk is full \(ENOSPC\)/.test(e.message));
  });
  assert.equal(readFileSync(f, 'utf8'), 'previous model');
  saveModel(f, m);
  assert.match(readFileSync(f, 'utf8'), /train-signals\/rnn/);
});

test('killed (SIGKILL) in the middle of the write: the old file is intact', async () => {
  const dir = tmp();
  const f = join(dir, 'model.json');
  writeFileSync(f, 'old model');
  const atomicUrl = new URL('../src/io/atomic.js', import.meta.url).href;
  // The child writes the first 10 bytes of the new file, says so, then stalls until killed.
  const child = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const { writeFileAtomic } = await import(${JSON.stringify(atomicUrl)});
    const real = fs.writeSync;
    fs.writeSync = (fd, buf, off, len) => {
      const n = real(fd, buf, off, Math.min(len, 10));
      process.stdout.write('writing\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return n;
    };
    syncBuiltinESMExports();
    writeFileAtomic(${JSON.stringify(f)}, 'n'.repeat(1 << 20));
  `;
  const p = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('writing')) p.kill('SIGKILL');
    });
    p.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended with ${_code}`))));
  });
  assert.equal(readFileSync(f, 'utf8'), 'old model');
  // At most a stray temp file beside it, never a torn model.json.
  assert.ok(readdirSync(dir).every((n) => n === 'model.json' || /^\.model\.json\..*\.tmp$/.test(n)), readdirSync(dir).join());
});

test('checkWritable: refuses a missing folder, a folder as the file, an unwritable folder; accepts the rest', () => {
  const dir = tmp();
  checkWritable(join(dir, 'm.json'), '--out');
  assert.deepEqual(readdirSync(dir), [], 'the probe file is removed');
  const fails = (p: string, re: RegExp) =>
    assert.throws(() => checkWritable(p, '--out'), (e: unknown) => e instanceof UserError && re.test(e.message) && e.message.startsWith('--out '));
  fails(join(dir, 'no', 'such', 'm.json'), /does not exist/);
  mkdirSync(join(dir, 'sub'));
  fails(join(dir, 'sub'), /is a folder/);
  writeFileSync(join(dir, 'file'), '');
  fails(join(dir, 'file', 'm.json'), /not a folder/);
  if (process.getuid?.() !== 0) {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    fails(join(ro, 'm.json'), /no permission to create files/);
    chmodSync(ro, 0o755);
  }
  // As root (as CI runs) no mode bits stop a write, so the folder's refusal is injected: the probe's open fails.
  for (const [code, says] of [
    ['EACCES', 'no permission to create files in .* \\(EACCES\\); choose a folder of your own, or make this one writable to you'],
    ['ENOSPC', 'no room for a file in .* \\(ENOSPC: the disk or your quota is full\\); free space or choose another path'],
    ['EIO', 'cannot create files in .* \\(EIO\\); check its permissions and free space'],
    ['EROFS', 'is on a read-only file system \\(EROFS\\); choose another path'],
    ['ENAMETOOLONG', 'the name is longer than this file system allows \\(ENAMETOOLONG\\); choose a shorter one'],
  ]) {
    withFs('openSync', ((...a: Parameters<typeof fs.openSync>) => { if (String(a[0]).endsWith('.probe.tmp')) throw errno(code); return realOpen(...a); }) as typeof fs.openSync, () => {
      fails(join(dir, 'm.json'), new RegExp(says));
    });
  }
});


test('a symbolic link is written through (the link stays), an existing file keeps its permissions', () => {
  const dir = tmp();
  const real = join(dir, 'real.json');
  writeFileSync(real, 'old');
  chmodSync(real, 0o600);
  const link = join(dir, 'link.json');
  symlinkSync('real.json', link);
  writeFileAtomic(link, 'new');
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(readFileSync(real, 'utf8'), 'new');
  assert.equal(statSync(real).mode & 0o777, 0o600);
  const dangling = join(dir, 'dangling.json');
  symlinkSync('made.json', dangling);
  writeFileAtomic(dangling, 'made');
  assert.ok(lstatSync(dangling).isSymbolicLink());
  assert.equal(readFileSync(join(dir, 'made.json'), 'utf8'), 'made');
});

test('a read-only file is refused, even as root, and left as it was', () => {
  const dir = tmp();
  const f = join(dir, 'ro.json');
  writeFileSync(f, 'keep me');
  chmodSync(f, 0o444);
  assert.throws(() => checkWritable(f, '--out'), (e: unknown) => e instanceof UserError && /^--out .*ro\.json: is read-only; make it writable \(chmod u\+w\)/.test(e.message));
  assert.throws(() => writeFileAtomic(f, 'x'), /is read-only/);
  assert.equal(readFileSync(f, 'utf8'), 'keep me');
  assert.equal(statSync(f).mode & 0o777, 0o444);
});

test('a character device is written in place: /dev/null stays a device, /dev/full is a disk-full user error', () => {
  checkWritable('/dev/null', '--out');
  writeFileAtomic('/dev/null', 'discarded');
  assert.ok(statSync('/dev/null').isCharacterDevice());
  assert.throws(() => writeFileAtomic('/dev/full', 'x'), (e: unknown) => e instanceof UserError && /^\/dev\/full: the device takes no more \(ENOSPC\); send the output elsewhere/.test(e.message));
  assert.ok(statSync('/dev/full').isCharacterDevice());
});

test('a FIFO no process reads is refused at once (open(2) would wait with the process deaf to Ctrl-C); with a reader, all of it arrives', { skip: process.platform === 'win32' }, async () => {
  const dir = tmp();
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.throws(() => writeFileAtomic(fifo, 'x'), (e: unknown) => e instanceof UserError && /pipe: is a FIFO that no process reads; start its reader first/.test(e.message));
  const reader = spawn('sh', ['-c', `cat '${fifo}' | wc -c`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let counted = '';
  reader.stdout.on('data', (d: Buffer) => (counted += d.toString()));
  const big = 'y'.repeat(1 << 20); // far more than a pipe holds: the writer waits for the reader
  let written = false;
  for (let i = 0; i < 1000 && !written; i++) {
    try {
      writeFileAtomic(fifo, big);
      written = true;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      await new Promise((r) => setTimeout(r, 20)); // the reader has not opened it yet
    }
  }
  if (!written) reader.kill();
  assert.ok(written, 'the reader opened the FIFO within 20 s');
  await new Promise((r) => reader.on('close', r));
  assert.equal(counted.trim(), String(big.length));
});

// `--out /dev/stdout >> log`: replacing the file stdout leads to would drop what log held and leave the shell
// writing to an orphaned file; the write goes through the descriptor instead, at its end.
test('/dev/stdout and /dev/fd/N are written through the open descriptor: a file opened to append keeps what it held, a pipe receives; stdin, closed descriptors and the runtime\'s own are refused', { skip: process.platform !== 'linux' }, () => {
  const dir = tmp();
  const script = join(dir, 'write.mjs');
  writeFileSync(script, `
    import { readdirSync, readlinkSync } from 'node:fs';
    import { checkWritable, writeFileAtomic } from ${JSON.stringify(new URL('../src/io/atomic.js', import.meta.url).href)};
    import { fileOutput } from ${JSON.stringify(new URL('../src/io/stream-out.js', import.meta.url).href)};
    writeFileAtomic('/dev/stdout', 'one\\n');
    if (process.argv[2] === 'fd3') writeFileAtomic('/dev/fd/3', 'three\\n');
    const rows = fileOutput('/proc/self/fd/1');
    rows.write('rows\\n');
    await rows.commit();
    const link = (f) => { try { return readlinkSync('/proc/self/fd/' + f); } catch { return ''; } };
    const fds = readdirSync('/proc/self/fd');
    const both = (f) => fds.filter((g) => link(g) === link(f)).length > 1; // a pipe whose both ends are here
    const own = fds.filter((f) => /^anon_inode/.test(link(f)) || (/^pipe/.test(link(f)) && both(f)));
    for (const p of ['/dev/stdin', '/dev/fd/999', ...own.map((f) => '/dev/fd/' + f)]) {
      try { checkWritable(p, '--out'); process.stderr.write('accepted ' + p + '\\n'); } catch (e) { process.stderr.write(e.message + '\\n'); }
    }
  `);
  const log = join(dir, 'log');
  const log3 = join(dir, 'log3');
  writeFileSync(log, 'kept\n');
  writeFileSync(log3, 'kept 3\n');
  const [out, three] = [fs.openSync(log, 'a'), fs.openSync(log3, 'a')];
  const r = spawnSync(process.execPath, [script, 'fd3'], { stdio: ['ignore', out, 'pipe', three], encoding: 'utf8' });
  fs.closeSync(out);
  fs.closeSync(three);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(log, 'utf8'), 'kept\none\nrows\n');
  assert.equal(readFileSync(log3, 'utf8'), 'kept 3\nthree\n');
  const lines = r.stderr.trim().split('\n');
  assert.ok(lines.length >= 3, r.stderr); // stdin, fd 999 and at least the event loop's descriptors
  assert.match(lines[0], /^--out \/dev\/stdin: is the standard input; choose a file to write$/);
  assert.match(lines[1], /^--out \/dev\/fd\/999: names descriptor 999, which is not open; open it \(e\.g\. 999> file\) or choose a file$/);
  for (const l of lines.slice(2)) assert.match(l, /^--out \/dev\/fd\/\d+: names descriptor \d+, which is not open on a file to write;/);
  const piped = spawnSync(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  assert.equal(piped.status, 0, piped.stderr);
  assert.equal(piped.stdout, 'one\nrows\n');
});

test('temp files a killed process left are removed by the next write to the same path; those of running processes, recent ones and other files stay', () => {
  const dir = tempDir('atomic-');
  const target = join(dir, 'm.json');
  const old = Date.now() / 1000 - 2 * 3600;
  const dead = 2 ** 22 + 12345; // past Linux's largest process number: no process has it
  const strays = [`.m.json.${dead}.1700000000000.1.tmp`, `.m.json.${dead}.1700000000000.2.probe.tmp`, `.m.json.${dead}.probe.tmp`];
  const kept = [`.m.json.${process.pid}.${Date.now()}.99.tmp`, `.m.json.${process.ppid}.1700000000000.1.tmp`, '.m.json.notapid.tmp', 'm.json.bak', `.other.${dead}.1700000000000.1.tmp`];
  for (const name of [...strays, ...kept]) {
    writeFileSync(join(dir, name), 'x');
    fs.utimesSync(join(dir, name), old, old);
  }
  const recent = `.m.json.${dead + 1}.1700000000000.1.tmp`; // written to within the hour: perhaps a slow writer in another container's or machine's
  writeFileSync(join(dir, recent), 'x');
  writeFileAtomic(target, 'new');
  assert.deepEqual(readdirSync(dir).sort(), [...kept, recent, 'm.json'].sort());
});

test('a probe left by a killed process of this one\'s number (pid 1 in a container) does not make the folder look unwritable', () => {
  const dir = tempDir('atomic-');
  writeFileSync(join(dir, `.p.csv.${process.pid}.probe.tmp`), '');
  checkWritable(join(dir, 'p.csv'), '--out');
});

test('a new file\'s mode is the umask\'s (a group-writable umask gave 0644), and an existing file keeps its own', () => {
  const dir = tempDir('atomic-');
  const before = process.umask(0o002);
  try {
    writeFileAtomic(join(dir, 'new.json'), 'x');
    assert.equal(statSync(join(dir, 'new.json')).mode & 0o777, 0o664);
    writeFileSync(join(dir, 'own.json'), 'x');
    chmodSync(join(dir, 'own.json'), 0o640);
    writeFileAtomic(join(dir, 'own.json'), 'y');
    assert.equal(statSync(join(dir, 'own.json')).mode & 0o777, 0o640);
  } finally {
    process.umask(before);
  }
});

test('a name past 255 bytes is refused before any work (it was an internal error after it), and a temp file removed under a write is named as such', () => {
  const dir = tempDir('atomic-');
  assert.throws(() => checkWritable(join(dir, `${'a'.repeat(252)}.csv`), '--out'), (e: unknown) => e instanceof UserError && /^--out .*\.csv: the name is longer than file systems allow \(255 bytes\); choose a shorter one$/.test(e.message));
  checkWritable(join(dir, `${'a'.repeat(251)}.csv`), '--out');
  const gone = Object.assign(new Error('rename'), { code: 'ENOENT' });
  const e = writeError(gone, join(dir, 'm.json'), 'none');
  assert.ok(e instanceof UserError && /its temp file in .* was removed while it was being written \(by another program\?\); run again \(nothing was written\)/.test(e.message), String(e));
  const long = writeError(Object.assign(new Error('x'), { code: 'ENAMETOOLONG' }), join(dir, 'm.json'), 'kept');
  assert.ok(long instanceof UserError && /the name is longer than this file system allows \(ENAMETOOLONG\); choose a shorter one \(the old file is unchanged\)/.test(long.message), String(long));
});

test('streaming rows to a stream that outlives them (process.stdout in a long-running host) leaves no listener on it', async () => {
  const { streamOutput } = await import('../src/io/stream-out.js');
  const { PassThrough } = await import('node:stream');
  const stream = new PassThrough();
  stream.resume();
  for (const end of ['commit', 'abort'] as const) {
    const out = streamOutput(stream);
    assert.equal(stream.listenerCount('error'), 1, 'while the rows are written, a failing stream is heard');
    out.write('header\n');
    if (end === 'commit') await out.commit();
    else out.abort();
    assert.equal(stream.listenerCount('error'), 0, `after ${end}`);
  }
});

test('a stream that fails while its writer waits for it to drain ends the wait (it waited forever)', async () => {
  const { streamOutput } = await import('../src/io/stream-out.js');
  const { EventEmitter } = await import('node:events');
  const stream = Object.assign(new EventEmitter(), { write: () => false }); // full at once, and never drains
  const out = streamOutput(stream);
  out.write('row\n'.repeat(20_000)); // past the block a write is held to
  const wait = out.pending();
  assert.ok(wait !== null, 'a full stream is waited for');
  stream.emit('error', new Error('EPIPE'));
  assert.equal(await Promise.race([wait.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still waiting'), 1000))]), 'ended');
  await out.commit();
  assert.deepEqual([stream.listenerCount('error'), stream.listenerCount('drain')], [0, 0]);
});
