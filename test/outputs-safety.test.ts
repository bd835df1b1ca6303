// What a run may not do to files it was not given to write: add its printed lines to an input that standard
// output or error was redirected onto, write a model another run is writing, replace a file its user may not
// write, promise a resume from a checkpoint that keeps nothing, or delete the link a checkpoint was put behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { InterruptedError, UserError } from '../src/errors.js';
import { train } from '../src/train/train.js';
import { checkReplaceable, type OutputKind } from '../src/io/replace.js';
import { CLI, ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { cliHere } from './helpers/cli-here.js';

const TINY = { hidden: 4, epochs: 2, select: 'off', members: 1, threads: 1 } as const;

function smallFile(dir: string): string {
  const file = join(dir, 'train.csv');
  writeFileSync(file, 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\n');
  return file;
}

/** The CLI with its standard output and error appended to the files given (null: a pipe, as captured). */
function redirected(args: string[], stdout: string | null, stderr: string | null, stdin?: string): { code: number | null; out: string; err: string } {
  const fds = [stdout, stderr].map((f) => (f === null ? 'pipe' : openSync(f, 'a')));
  const input = stdin === undefined ? 'ignore' : openSync(stdin, 'r');
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: [input, fds[0], fds[1]], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
  } finally {
    for (const fd of [...fds, input]) if (typeof fd === 'number') closeSync(fd);
  }
}

test('standard output or error redirected onto an input (>> data.csv) is refused, the input unchanged; the line goes where it harms nothing', async () => {
  const dir = tempDir('ts-streams-');
  const data = smallFile(dir);
  const model = join(dir, 'm.json');
  await train({ files: [data], out: model, ...TINY });
  const [dataBytes, modelBytes] = [readFileSync(data), readFileSync(model)];
  const predict = ['predict', '--model', model, data];
  let r = redirected(predict, data, null);
  assert.equal(r.code, 2);
  assert.match(r.err, /^train-signals: standard output is one of the input files, .*train\.csv \(a redirect, > or >>, onto it\): what this command prints would be added to it; redirect it to another file\n$/);
  r = redirected(['predict', '--model', model, '-'], data, null, data); // read from stdin, and added to it
  assert.equal(r.code, 2);
  assert.match(r.err, /standard output is one of the input files, stdin \(a redirect/);
  r = redirected(['info', model], model, null);
  assert.equal(r.code, 2);
  assert.match(r.err, /standard output is the file to describe, .*m\.json/);
  r = redirected(['train', data, '--out', join(dir, 'n.json'), '--epochs', '1'], data, null);
  assert.equal(r.code, 2);
  assert.ok(!existsSync(join(dir, 'n.json')), 'nothing trained');
  // Standard error onto the input: the one line goes to standard output; onto both, to neither.
  r = redirected(predict, null, data);
  assert.equal(r.code, 2);
  assert.match(r.out, /^train-signals: standard error is one of the input files/);
  r = redirected(predict, model, data);
  assert.equal(r.code, 2);
  assert.deepEqual(readFileSync(data), dataBytes);
  assert.deepEqual(readFileSync(model), modelBytes);
  // Output to a file that is no input is written as ever.
  const rows = join(dir, 'rows.csv');
  r = redirected(predict, rows, null);
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(rows, 'utf8'), /^file,id,label,predicted,p_a,p_b\n/);
  // An output through /dev/stdout appended to a log of other text (>> log) adds to it: nothing is replaced, so
  // the rule that an output replaces only its own kind does not apply (it refused, the log's text unchanged).
  const log = join(dir, 'run.log');
  for (const args of [['train', data, '--hidden', '4', '--epochs', '1', '--select', 'off', '--members', '1', '--quiet', '--out'], predict.concat('--out'), ['evaluate', '--model', model, data, '--report']]) {
    writeFileSync(log, 'run 1 started\n');
    r = redirected([...args, '/dev/stdout'], log, null);
    assert.equal(r.code, 0, `${args[0]}: ${r.err}`);
    assert.match(readFileSync(log, 'utf8'), /^run 1 started\n(\{\n"checksum"|file,id,label|<!doctype html>)/, args[0]);
  }
  // … but one the shell opened at its start (1<> m.json) would be written over in part, whatever the output's kind:
  // refused, the file unchanged.
  const victim = join(dir, 'victim.json');
  writeFileSync(victim, modelBytes);
  for (const args of [predict, ['train', data, '--hidden', '4', '--epochs', '1', '--select', 'off', '--members', '1', '--quiet']]) {
    const fd = openSync(victim, 'r+');
    try {
      const over = spawnSync(process.execPath, [CLI, ...args, '--out', '/dev/stdout'], { cwd: ROOT, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      assert.equal(over.status, 2, over.stderr);
      assert.match(over.stderr, /--out \/dev\/stdout: standard output is open on a file of \d+ bytes before its end \(1<> file\?\), so the output would write over part of it and leave the rest; redirect it with >> to add to the file, or with > to replace it\n$/);
    } finally {
      closeSync(fd);
    }
    assert.deepEqual(readFileSync(victim), modelBytes);
  }
});

test('a run of the same --out as a live run is refused even with a --checkpoint of its own (a sweep\'s runs wrote the model over each other), and so is one of the same --report', async () => {
  const dir = tempDir('ts-outlock-');
  const data = smallFile(dir);
  const out = join(dir, 'm.json');
  writeFileSync(`${out}.ckpt.lock`, `${process.pid}\n${hostname()}\n`); // this live process, as an earlier version stamped it
  await assert.rejects(train({ files: [data], out, checkpoint: join(dir, 'own.ckpt'), ...TINY }),
    (e: unknown) => e instanceof UserError && /m\.json: another call in this very process .* is writing this model file; wait for it to finish, or give another --out \(if no run is going, delete .*m\.json\.ckpt\.lock\)$/.test(e.message));
  assert.ok(!existsSync(out) && !existsSync(join(dir, 'own.ckpt.lock')), 'nothing written, its own lock released');
  writeFileSync(`${out}.ckpt.lock`, '999999999\n' + hostname() + '\n'); // a run that is gone: taken over
  await train({ files: [data], out, checkpoint: join(dir, 'own.ckpt'), ...TINY });
  assert.ok(existsSync(out) && !existsSync(`${out}.ckpt.lock`));
  // Runs of one --report: a sweep's would leave one run's page under every run's name.
  const report = join(dir, 'r.html');
  writeFileSync(`${report}.lock`, `${process.pid}\n${hostname()}\n`);
  await assert.rejects(train({ files: [data], out: join(dir, 'n.json'), report, ...TINY }),
    (e: unknown) => e instanceof UserError && /r\.html: another call in this very process .* is writing this file; wait for it to finish, or give another --report/.test(e.message));
  assert.ok(!existsSync(join(dir, 'n.json')) && !existsSync(join(dir, 'n.json.ckpt.lock')));
  // evaluate --report claims it too (the last writer won), and releases its claim when done
  const ev = spawnSync(process.execPath, [CLI, 'evaluate', '--model', out, data, '--report', report], { encoding: 'utf8' });
  assert.equal(ev.status, 2, ev.stderr);
  assert.match(ev.stderr, /r\.html: another run \(process \d+\) is writing this file; wait for it to finish, or give another --report/);
  assert.ok(!existsSync(report));
  rmSync(`${report}.lock`);
  assert.equal(spawnSync(process.execPath, [CLI, 'evaluate', '--model', out, data, '--report', report], { encoding: 'utf8' }).status, 0);
  assert.ok(existsSync(report) && !existsSync(`${report}.lock`));
  // A report whose lock is the run's own model lock (--report m.json.ckpt beside --checkpoint own.ckpt) is this run's.
  const mine = join(dir, 'mine.json');
  await train({ files: [data], out: mine, checkpoint: join(dir, 'mine.ckpt'), report: `${mine}.ckpt`, ...TINY });
  assert.ok(existsSync(mine) && existsSync(`${mine}.ckpt`));
  // A model's name too long for its lock's (246–255 bytes), with a checkpoint of its own, is written as before.
  const long = join(dir, `${'x'.repeat(250)}.json`);
  await train({ files: [data], out: long, checkpoint: join(dir, 'c.ckpt'), ...TINY });
  assert.ok(existsSync(long));
});

test('--checkpoint /dev/null keeps nothing: an interrupted run names no checkpoint to resume from', { skip: !existsSync('/dev/null') }, async () => {
  const dir = tempDir('ts-devnull-');
  const data = smallFile(dir);
  const ac = new AbortController();
  await assert.rejects(train({ files: [data], out: join(dir, 'm.json'), checkpoint: '/dev/null', ...TINY, epochs: 50, checkpointEvery: 0, signal: ac.signal, onEpoch: () => ac.abort() }),
    (e: unknown) => e instanceof InterruptedError && e.checkpoint === undefined);
  assert.ok(!existsSync(join(dir, 'm.json')));
});

test('a default checkpoint behind a symbolic link (on a bigger disk) is removed there once the model is written; the link stays', async () => {
  const dir = tempDir('ts-cklink-');
  const data = smallFile(dir);
  mkdirSync(join(dir, 'big'));
  const out = join(dir, 'm.json');
  symlinkSync(join(dir, 'big', 'm.ckpt'), `${out}.ckpt`);
  let written = false;
  await train({ files: [data], out, ...TINY, checkpointEvery: 0, onEpoch: () => { written ||= existsSync(join(dir, 'big', 'm.ckpt')); } });
  assert.ok(written, 'the checkpoint went through the link');
  assert.ok(lstatSync(`${out}.ckpt`).isSymbolicLink(), 'the link stays');
  assert.ok(!existsSync(join(dir, 'big', 'm.ckpt')), 'its target, the checkpoint, is removed');
});

// Another user's files: as root, through setpriv as nobody, where this system allows it.
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
function asNobody(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync('setpriv', [...NOBODY, process.execPath, CLI, ...args], { cwd: '/', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr ?? '' };
}
const nobodyRuns = process.getuid?.() === 0 && asNobody(['--version']).code === 0;

/** A folder anyone may write, with the training file in it; `sticky` as /tmp. */
function openFolder(sticky: boolean): { dir: string; data: string } {
  const dir = tempDir('ts-others-');
  for (let d = dir; d !== dirname(d) && statSync(d).uid === 0 && (statSync(d).mode & 0o005) !== 0o005; d = dirname(d)) chmodSync(d, statSync(d).mode | 0o005);
  chmodSync(dir, sticky ? 0o1777 : 0o777);
  const data = smallFile(dir);
  chmodSync(data, 0o644);
  return { dir, data };
}

test('a stale lock another user left in /tmp, which this user may not delete, is said so in one line (a crash, exit 1)', { skip: !nobodyRuns && 'needs root and setpriv' }, () => {
  const { dir, data } = openFolder(true);
  writeFileSync(join(dir, 'm.json.ckpt.lock'), `999999999\n${hostname()}\n`);
  const r = asNobody(['train', data, '--out', join(dir, 'm.json'), '--epochs', '1', '--select', 'off', '--members', '1']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /m\.json\.ckpt\.lock: the lock of a run that has ended, which this user may not delete \((EPERM|EACCES)/);
  assert.match(r.stderr, /ask its owner or root to delete it/);
});

test('a file this user may not write is not replaced, though its folder lets the user (cp and > refuse it too)', { skip: !nobodyRuns && 'needs root and setpriv' }, () => {
  const { dir, data } = openFolder(false);
  const theirs = join(dir, 'theirs.json');
  writeFileSync(theirs, 'a colleague\'s model');
  chmodSync(theirs, 0o644);
  const r = asNobody(['train', data, '--out', theirs, '--epochs', '1', '--select', 'off', '--members', '1']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /theirs\.json: is not writable by this user/);
  assert.equal(readFileSync(theirs, 'utf8'), 'a colleague\'s model');
  assert.equal(statSync(theirs).uid, 0);
});

// An output test's find: every output wrote over whatever file was at its path (`--out test.csv` for `--test
// test.csv`, predictions over a checkpoint), exit 0. A file of the output's own kind is replaced as before.
test('an output replaces only a file of its own kind (or an empty one): a data file, a checkpoint or another output is refused, unchanged', async () => {
  const dir = tempDir('ts-replace-');
  const data = smallFile(dir);
  const model = join(dir, 'm.json');
  await train({ files: [data], out: model, ...TINY });
  // through the program in this file's server: no process start per command line
  const cli = (...args: string[]) => cliHere(args, { cwd: dir });
  const made = (args: string[]) => assert.equal(cli(...args).code, 0, args.join(' '));
  made(['predict', '--model', 'm.json', 'train.csv', '--out', 'p.csv']);
  made(['evaluate', '--model', 'm.json', 'train.csv', '--report', 'r.html']);
  made(['export', '--model', 'm.json', '--onnx', 'm.onnx', '--safetensors', 'm.safetensors']);
  writeFileSync(join(dir, 'held.csv'), readFileSync(data));
  writeFileSync(join(dir, 'run.ckpt'), '{\n"format": "train-signals/checkpoint",\n"version": 1}\n');
  writeFileSync(join(dir, 'other.json'), readFileSync(model)); // not the --model the commands read
  writeFileSync(join(dir, 'empty'), '');
  const files: Record<string, OutputKind | 'data' | 'checkpoint'> = { 'held.csv': 'data', 'run.ckpt': 'checkpoint', 'other.json': 'model', 'p.csv': 'predictions', 'r.html': 'report', 'm.onnx': 'onnx', 'm.safetensors': 'safetensors' };
  const what: Record<string, string> = { checkpoint: 'checkpoint', model: 'model file', predictions: 'predictions file', report: 'report', onnx: 'ONNX file', safetensors: 'safetensors file' };
  const escaped = (path: string) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const refusal = (flag: string, file: string, kind: OutputKind, path = file) => {
    const found = files[file] === 'data' ? '' : ` \\(it is an? ${what[files[file]!]}[,)]`;
    return new RegExp(`${flag} ${escaped(path)}: a file that is not an? ${what[kind]} is there${found}.*, and would be replaced; give another ${flag}, or move the file away`);
  };
  // Every kind against every file, where the rule is decided: each other file refused, its own kind and an empty file not.
  const kinds: OutputKind[] = ['model', 'predictions', 'report', 'onnx', 'safetensors'];
  for (const kind of kinds) {
    for (const [file, is] of Object.entries(files)) {
      const check = () => checkReplaceable(join(dir, file), `--${kind}`, kind);
      if (is === kind) check();
      else assert.throws(check, (e: unknown) => e instanceof UserError && refusal(`--${kind}`, file, kind, join(dir, file)).test(e.message), `${kind} over ${file}`);
    }
    checkReplaceable(join(dir, 'empty'), `--${kind}`, kind);
  }
  // Every command's output asks before any work: a file of another kind refused, bytes unchanged, one line; its own kind replaced.
  const cases: Array<[string[], string, string, OutputKind, string]> = [
    [['train', 'train.csv', '--hidden', '4', '--epochs', '1', '--select', 'off', '--members', '1', '--out'], '--out', 'other.json', 'model', 'held.csv'],
    [['train', 'train.csv', '--hidden', '4', '--epochs', '1', '--select', 'off', '--members', '1', '--out', 'm2.json', '--report'], '--report', 'r.html', 'report', 'run.ckpt'],
    [['predict', '--model', 'm.json', 'train.csv', '--out'], '--out', 'p.csv', 'predictions', 'run.ckpt'],
    [['evaluate', '--model', 'm.json', 'train.csv', '--report'], '--report', 'r.html', 'report', 'p.csv'],
    [['export', '--model', 'm.json', '--onnx'], '--onnx', 'm.onnx', 'onnx', 'm.safetensors'],
    [['export', '--model', 'm.json', '--safetensors'], '--safetensors', 'm.safetensors', 'safetensors', 'other.json'],
  ];
  for (const [args, flag, own, kind, other] of cases) {
    const before = readFileSync(join(dir, other));
    const r = cli(...args, other);
    assert.equal(r.code, 2, `${args.join(' ')} ${other}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^train-signals: ${refusal(flag, other, kind).source}.*\\n$`), `${args.join(' ')} ${other}`);
    assert.deepEqual(readFileSync(join(dir, other)), before, other);
    for (const path of [own, 'empty']) {
      writeFileSync(join(dir, 'empty'), '');
      assert.equal(cli(...args, path).code, 0, `${args.join(' ')} ${path}`);
    }
  }
  // Of its kind though not as this program writes it: PyTorch's ONNX, a model saved as UTF-16 (which the program
  // reads), a report of another title (writeReport takes one).
  writeFileSync(join(dir, 'torch.onnx'), Buffer.concat([Buffer.from([0x08, 0x07, 0x12, 0x07]), Buffer.from('pytorch\x1a\x061.13')]));
  writeFileSync(join(dir, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(model, 'utf8'), 'utf16le')]));
  writeFileSync(join(dir, 'titled.html'), readFileSync(join(dir, 'r.html'), 'utf8').replaceAll('train-signals evaluation', 'Gait study'));
  made(['export', '--model', 'm.json', '--onnx', 'torch.onnx']);
  made(['evaluate', '--model', 'm.json', 'train.csv', '--report', 'titled.html']);
  made(['train', 'train.csv', '--hidden', '4', '--epochs', '1', '--select', 'off', '--members', '1', '--out', 'utf16.json']);
});

// An outputs audit's find: root (a container writing into a user's mounted folder) replacing a user's model left
// the user a file of root's; cp and > keep the owner.
test('as root, a replaced model and predictions file keep their owner, as their mode', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const dir = tempDir('ts-owner-');
  const data = smallFile(dir);
  const model = join(dir, 'm.json');
  const predictions = join(dir, 'p.csv');
  await train({ files: [data], out: model, ...TINY });
  writeFileSync(predictions, 'file,id,label,predicted\n');
  for (const f of [model, predictions]) {
    chownSync(f, 65534, 65534);
    chmodSync(f, 0o640);
  }
  await train({ files: [data], out: model, ...TINY, epochs: 1 });
  const r = spawnSync(process.execPath, [CLI, 'predict', '--model', model, data, '--out', predictions], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const f of [model, predictions]) {
    const st = statSync(f);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o640], f);
  }
});
