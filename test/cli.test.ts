// End-to-end: the built command on the bundled data, as a user runs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, copyFileSync, cpSync, openSync, existsSync, rmSync, linkSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { CLI, ROOT, cli } from './helpers/cli.js';
import { cliLines } from './helpers/spawn.js';
import { cliHere } from './helpers/cli-here.js';
import { TRAIN_DEFAULTS } from '../src/train/defaults.js';
import { tempDir } from './helpers/temp.js';
import { capNeeds } from '../src/engine/address-space.js';
import { unsure } from '../src/cli/commands/train.js';

const tmp = () => tempDir('ts-cli-');

/**
 * A small model for the tests that need one, whatever it learned: CBF, one epoch, H 4, no selection, three
 * members (or one), trained once for this file and copied to `path`.
 */
const smallModels = new Map<number, string>();
function smallModel(path: string, members: 1 | 3 = 3): void {
  let source = smallModels.get(members);
  if (source === undefined) {
    source = join(tmp(), 'small.json');
    const r = cliHere(['train', 'datasets/cbf/train.csv', '--out', source, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', String(members), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    smallModels.set(members, source);
  }
  copyFileSync(source, path);
}

/** The same for the long-format motion set (three channels): one epoch, H 4, no selection, one member. */
let smallMotion: string | undefined;
function smallMotionModel(path: string): void {
  if (smallMotion === undefined) {
    const source = join(tmp(), 'motion.json');
    const r = cliHere(['train', 'datasets/motion/train.csv', '--out', source, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    smallMotion = source;
  }
  copyFileSync(smallMotion, path);
}

test('train on the long-format multichannel set, then evaluate --json with the documented schema', () => {
  const dir = tmp();
  const out = join(dir, 'motion.json');
  const r = cliHere(['train', 'datasets/motion/train.csv', '--test', 'datasets/motion/test.csv', '--out', out, '--epochs', '3', '--hidden', '8', '--threads', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /epoch 1\/3/);
  assert.match(r.stdout, /datasets\/motion\/test\.csv/);
  const model = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(model.format, 'train-signals/rnn');
  assert.equal(model.channels.length, 3);
  assert.equal(model.differences, true, 'raw accelerometer readings: their first differences are read too');
  assert.equal(model.inputSize, 2 * 3 * model.stride, 'inputs per step: the channels and their differences × stride');
  assert.equal(model.training.hyperparameters.members, TRAIN_DEFAULTS.members);
  assert.equal(model.hiddenSize, 8 * TRAIN_DEFAULTS.members, 'the members side by side');
  assert.match(r.stderr, new RegExp(`member ${TRAIN_DEFAULTS.members} of ${TRAIN_DEFAULTS.members}`));
  const e = cliHere(['evaluate', '--model', out, 'datasets/motion/test.csv', '--json']);
  assert.equal(e.code, 0, e.stderr);
  const j = JSON.parse(e.stdout);
  assert.equal(j.files.length, 1);
  const f = j.files[0];
  assert.equal(f.file, 'datasets/motion/test.csv');
  assert.ok(f.sequences > 0);
  assert.ok(f.accuracy >= 0 && f.accuracy <= 1);
  assert.ok(Number.isFinite(f.loss));
  // Every field docs/cli.md documents (evaluate --json), with its type.
  const fields = ['file', 'sequences', 'accuracy', 'loss', 'balancedAccuracy', 'macroF1', 'logLoss', 'classes', 'confusion', 'perClass', 'unknownLabels'];
  assert.deepEqual(Object.keys(f).sort(), [...fields].sort());
  for (const k of ['balancedAccuracy', 'macroF1', 'logLoss']) assert.ok(f[k] >= 0 && Number.isFinite(f[k]), k);
  assert.deepEqual(f.classes, model.classes);
  assert.equal(f.confusion.length, f.classes.length);
  assert.ok(f.confusion.every((row: number[]) => row.length === f.classes.length));
  assert.equal(f.confusion.flat().reduce((a: number, b: number) => a + b, 0), f.sequences);
  assert.deepEqual(Object.keys(f.perClass[0]).sort(), ['class', 'f1', 'precision', 'recall', 'support']);
  assert.equal(f.perClass.reduce((a: number, c: { support: number }) => a + c.support, 0), f.sequences);
  assert.deepEqual(f.unknownLabels, { count: 0, labels: [] });
  assert.deepEqual(Object.keys(j.total).sort(), ['files', ...fields.filter((k) => k !== 'file')].sort());
  assert.equal(j.total.files, 1);
  assert.equal(j.total.sequences, f.sequences);
  // train --json: its result for a script on stdout's one line, the --test figures as evaluate --json's.
  const again = join(dir, 'again.json');
  const t = cliHere(['train', 'datasets/motion/train.csv', '--test', 'datasets/motion/test.csv', '--out', again, '--epochs', '3', '--hidden', '8', '--threads', '2', '--json']);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stdout.split('\n').length, 2, 'one line');
  const tj = JSON.parse(t.stdout);
  assert.deepEqual(Object.keys(tj), ['model', 'resumed', 'fits', 'seconds', 'secondsInAll', 'sequencesPerSecond', 'selection', 'test']);
  assert.equal(tj.model, again);
  assert.deepEqual(tj.selection, JSON.parse(readFileSync(again, 'utf8')).training.selection, 'as the model file records it');
  assert.equal(tj.fits.length, TRAIN_DEFAULTS.members);
  assert.deepEqual(tj.test.files.map(({ file, accuracy, confusion }: { file: string; accuracy: number; confusion: number[][] }) => ({ file, accuracy, confusion })), [{ file: f.file, accuracy: f.accuracy, confusion: f.confusion }]);
  assert.match(t.stderr, /^model: .*again\.json \(/m, 'the model line on stderr');
  assert.doesNotMatch(t.stderr, /two layers/);
  // A second layer costs about three times a step: the model line says it is there, as info and the report do.
  const deep = cliHere(['train', 'datasets/motion/train.csv', '--out', join(dir, 'deep.json'), '--epochs', '1', '--hidden', '4', '--layers', '2', '--select', 'off', '--members', '1', '--threads', '1']);
  assert.equal(deep.code, 0, deep.stderr);
  assert.match(deep.stdout, /^model: .*deep\.json \(.*, H=4, two layers, readout /m);
  const mixed = cliHere(['train', 'datasets/motion/train.csv', '--out', join(dir, 'x.json'), '--report', '/dev/stdout', '--json']);
  assert.deepEqual([mixed.code, mixed.stdout], [2, '']);
  assert.match(mixed.stderr, /--json prints the result on stdout, where --report \/dev\/stdout writes too; give --report a file, or leave out --json/);
});

test('a CSV file alone means train; --quiet prints no progress, and every command takes it', () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const r = cliHere(['datasets/motion/train.csv', '--out', out, '--epochs', '1', '--hidden', '4', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(existsSync(out));
  // Every command takes --quiet: evaluate's warning (its training file) and loading lines are left out.
  const loud = cliHere(['evaluate', '--model', out, 'datasets/motion/train.csv']);
  assert.match(loud.stderr, /holds the same bytes as a file the model was trained on/);
  for (const args of [['evaluate', '--model', out, 'datasets/motion/train.csv'], ['info', out], ['export', '--model', out, '--onnx', join(dir, 'm.onnx')],
    ['tune', 'datasets/motion/train.csv', '--threads', '1', '--steps', '1', '--hidden', '4']]) {
    const q = cliHere([...args, '--quiet']);
    assert.deepEqual([q.code, q.stderr], [0, ''], args[0]);
    assert.notEqual(q.stdout, '', args[0]);
  }
});

test('the same seed gives the same model file with 1 and 3 threads, apart from timing; the model line says how many ran', () => {
  const dir = tmp();
  const files = [1, 3].map((t) => {
    const out = join(dir, `m${t}.json`);
    // Batches of 8 are two chunks of 4: of 3 threads, 2 run.
    const r = cliHere(['train', 'datasets/motion/train.csv', '--out', out, '--epochs', '2', '--hidden', '6', '--batch-size', '8', '--threads', String(t), '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, t === 1 ? / on 1 thread\(s\)[),]/ : / on 2 of the 3 thread\(s\) asked \(a step has 2 chunk\(s\) of sequences to share\)/);
    assert.match(cliHere(['info', out]).stdout, t === 1 ? /^ {2}trained in [\d.]+ s on 1 thread\(s\)$/m : /^ {2}trained in [\d.]+ s on 2 of the 3 thread\(s\) asked$/m);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(doc.training.timing.threadsRan, t === 1 ? undefined : 2);
    delete doc.training.timing;
    delete doc.checksum; // of the text, timing included
    return doc;
  });
  assert.deepEqual(files[0], files[1]);
});

test('flags out of range and missing files: one line on stderr, exit 2, nothing written', async () => {
  const dir = tmp();
  const out = join(dir, 'never.json');
  const cases: Array<[string[], RegExp]> = [
    [['--hidden', '0'], /--hidden must be/],
    [['--lr', '-1'], /--lr must be/],
    [['--threads', '0'], /--threads must be/],
    [['--val-split', '1'], /--val-split must be/],
    [['--batch-size', '0'], /--batch-size must be/],
    [['--bptt', '-2'], /--bptt must be/],
    [['--weight-decay', '-0.1'], /--weight-decay must be/],
    [['--noise', '-1'], /--noise must be/],
    [['--guided-warp', '1'], /--guided-warp must be a number in \[0, 1\) \(got 1\)/],
  ];
  const [missing, noDir, unknown, ...results] = await cliLines([
    ['train', join(dir, 'nope.csv'), '--out', out],
    ['train', 'datasets/cbf/train.csv', '--out', join(dir, 'no', 'such', 'm.json')],
    ['train', 'datasets/cbf/train.csv', '--no-such-flag'],
    ...cases.map(([flags]) => ['train', 'datasets/cbf/train.csv', '--out', out, ...flags]),
  ]);
  cases.forEach(([flags, re], i) => {
    const r = results[i];
    assert.equal(r.code, 2, flags.join(' '));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
  assert.ok(!existsSync(out));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.csv/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
  assert.equal(noDir.code, 2);
  assert.match(noDir.stderr, /--out/);
  assert.equal(unknown.code, 2);
});

test('one class only is refused before training', () => {
  const dir = tmp();
  const f = join(dir, 'one.csv');
  writeFileSync(f, 'label,a,b,c\nx,1,2,3\nx,2,3,4\n');
  const r = cliHere(['train', f, '--out', join(dir, 'm.json')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /one class/);
  assert.ok(!existsSync(join(dir, 'm.json')));
});

test('evaluate refuses a file whose channel count differs from the model', () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  smallMotionModel(out); // three channels
  const r = cliHere(['evaluate', '--model', out, 'datasets/cbf/test.csv']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /channel/);
});

test('a command line run through the program in this file\'s server (cli-here.ts) prints and exits as the command does', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  for (const args of [['evaluate', '--model', model, 'datasets/cbf/test.csv'], ['info', model, '--json'], ['predict', '--model', join(dir, 'none.json'), 'datasets/cbf/test.csv'], ['train', 'datasets/cbf/train.csv', '--hidden', '0']]) {
    assert.deepEqual(cliHere(args), cli(args), args.join(' '));
  }
});

/** stderr without the loading lines a slow read prints (after about a second, so only on a busy machine). */
const withoutProgress = (stderr: string) => stderr.replace(/^loading .*: \d+ % \(.*\)\n/gm, '');

test('a reader that closes the pipe early (evaluate | head) ends the command quietly, exit 0', async () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  const again = join(dir, 'again.csv'); // a second file, so that there is more to write than one pipe buffer
  copyFileSync(join(ROOT, 'datasets/cbf/test.csv'), again);
  const child = spawn(process.execPath, [CLI, 'evaluate', '--model', model, 'datasets/cbf/test.csv', again], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.destroy(); // the reader is gone before the first line, as `| head -0` leaves it
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(withoutProgress(stderr), ''); // a loading line comes where reading takes a while (a busy machine)
  // The same pipe named as a path (--out /dev/stdout, --report /dev/stdout): it ended in "EPIPE … exit 2".
  for (const args of [['predict', '--model', model, 'datasets/cbf/test.csv', again, '--out', '/dev/stdout'], ['evaluate', '--model', model, 'datasets/cbf/test.csv', again, '--report', '/dev/stdout']]) {
    const named = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    named.stderr.on('data', (d: Buffer) => (err += d.toString()));
    named.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => named.on('close', resolve));
    assert.equal(status, 0, `${args.join(' ')}: ${err}`);
    assert.doesNotMatch(err, /EPIPE/);
  }
});

test('stdout on a full disk (/dev/full): one line says so, exit 2, for every command that prints', { skip: !existsSync('/dev/full') }, () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  for (const args of [['evaluate', '--model', model, 'datasets/cbf/test.csv'], ['predict', '--model', model, 'datasets/cbf/test.csv'], ['info', model]]) {
    const full = openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
    closeSync(full);
    assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
    assert.equal(withoutProgress(r.stderr), 'train-signals: cannot write to stdout: the device takes no more (ENOSPC); send the output elsewhere\n'); // not 'free space': a device
  }
  // train writes its model before its summary: the line says the model is there (it read as if nothing was written).
  const full = openSync('/dev/full', 'w');
  const out = join(dir, 'n.json');
  const report = join(dir, 'r.html');
  const r = spawnSync(process.execPath, [CLI, 'train', 'datasets/cbf/train.csv', '--out', out, '--report', report, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet'], { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
  closeSync(full);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, `train-signals: cannot write to stdout: the device takes no more (ENOSPC); send the output elsewhere; the model ${out} and the report ${report} were written all the same\n`);
  assert.ok(existsSync(report));
  assert.ok(existsSync(out));
});

test('an output that is an input by a hard or symbolic link is refused, and the input is left as it was', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  const before = readFileSync(model);
  linkSync(model, join(dir, 'hard.json'));
  symlinkSync(model, join(dir, 'soft.json'));
  for (const alias of ['hard.json', 'soft.json']) {
    const r = cliHere(['export', '--model', model, '--onnx', join(dir, alias)]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^train-signals: --onnx .*: is the --model file; writing it would destroy it/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const e = cliHere(['evaluate', '--model', join(dir, alias), 'datasets/cbf/test.csv', '--report', model]);
    assert.equal(e.code, 2, e.stderr);
    assert.deepEqual(readFileSync(model), before);
  }
});

test('--version is this package’s own, also run from another package’s folder; -h is --help', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '9.9.9' }));
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const v = cli(['--version'], { cwd: dir });
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout.trim(), own);
  const h = cli(['-h']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /Commands:/);
  assert.match(cli(['train', '-h']).stdout, /--stride/);
});

test('--help lists the commands in workflow order, groups the flags, and shows examples for every command', () => {
  const top = cli(['--help']);
  const helpOf = new Map(['train', 'evaluate', 'predict', 'tune', 'export', 'info'].map((c) => [c, cli([c, '--help'])]));
  assert.equal(top.code, 0, top.stderr);
  const commands = [...top.stdout.matchAll(/^  train-signals (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(commands.slice(0, 5), ['train', 'evaluate', 'predict', 'tune', 'export']);
  const groups = [...top.stdout.matchAll(/^(\w+):$/gm)].map((m) => m[1]);
  assert.deepEqual(groups, ['Commands', 'Positionals', 'Data', 'Model', 'Training', 'Output', 'Running', 'Examples']);
  const examples = top.stdout.slice(top.stdout.indexOf('Examples:'));
  // Each example whole on a line of its own below its comment, as a shell reads them (a command broken over
  // lines beside its description ran its first line alone when pasted).
  const lines = examples.split('\n\n')[0].split('\n').slice(1);
  assert.ok(lines.length >= 10 && lines.every((l, i) => (i % 2 === 0 ? /^  # \S/ : /^  train-signals \w+ .*\S$/).test(l)), examples);
  for (const command of helpOf.keys()) { // none broken in an 80-column terminal
    const h = helpOf.get(command)!.stdout;
    const own = h.slice(h.indexOf('Examples:')).split('\n\n')[0].split('\n').slice(1);
    assert.ok(own.length >= 2 && own.every((l) => l.length <= 78), own.join("\n")); // cliui keeps two columns free on the right
    assert.doesNotMatch(h.replace(/\s+/g, ' '), /default: "/, `${command}: defaults in words, as the rest (yargs quoted some)`);
  }
  assert.ok(lines.every((l) => l.length <= 78), examples);
  const order = ['train-signals train', 'train-signals evaluate', 'train-signals predict', 'train-signals tune', 'train-signals export'].map((c) => examples.indexOf(c));
  assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), examples);
  const inGroup = (help: string, group: string, flag: string) => new RegExp(`^${group}:\n(?:.+\n)*?\\s+--${flag}\\b`, 'm').test(help);
  assert.ok(inGroup(top.stdout, 'Model', 'stride') && inGroup(top.stdout, 'Training', 'lr') && inGroup(top.stdout, 'Output', 'out'), top.stdout);
  assert.ok(!inGroup(top.stdout, 'Model', 'lr'));
  for (const command of ['train', 'evaluate', 'predict', 'tune', 'export']) {
    const h = helpOf.get(command)!;
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, new RegExp(`Examples:\n  # .+\n  train-signals ${command} `), command);
    assert.match(h.stdout, /^Running:$/m, command);
  }
});

test('a label with a newline or a right-to-left override neither breaks evaluate’s table nor reverses the report', () => {
  const dir = tmp();
  const data = join(dir, 'd.csv');
  const labels = ['"line\nbreak"', 'abc\u202Edef'];
  const rows = Array.from({ length: 12 }, (_, i) => `${labels[i % 2]},${i % 2},${(i % 3) - 1},1`);
  writeFileSync(data, `label,t0,t1,t2\n${rows.join('\n')}\n`);
  const model = join(dir, 'm.json');
  const t = cliHere(['train', data, '--out', model, '--epochs', '1', '--hidden', '4', '--threads', '1', '--select', 'off', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  const report = join(dir, 'r.html');
  const e = cliHere(['evaluate', '--model', model, data, '--report', report]);
  assert.equal(e.code, 0, e.stderr);
  assert.ok(!/[\u202E]/.test(e.stdout) && !/[\u202E]/.test(readFileSync(report, 'utf8')), 'no override character is written');
  assert.match(e.stdout, /abc\\u\{202e\}def/);
  assert.match(e.stdout, /line\\nbreak/);
  const confusion = e.stdout.split('\n').filter((l) => /^\s*(line|abc)/.test(l));
  assert.ok(confusion.length >= 4, e.stdout); // per-class and confusion rows, one line each
  assert.match(readFileSync(report, 'utf8'), /abc\\u\{202e\}def/);
});

test('special outputs: /dev/null discards, /dev/full is a disk-full user error, a link is written through, a read-only file is refused', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  const before = readFileSync(model);
  const ok = cliHere(['predict', '--model', model, 'datasets/cbf/test.csv', '--out', '/dev/null', '--quiet']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(statSync('/dev/null').isCharacterDevice());
  for (const args of [['predict', '--model', model, 'datasets/cbf/test.csv', '--out', '/dev/full'], ['export', '--model', model, '--onnx', '/dev/full']]) {
    const r = cliHere(args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^train-signals: \/dev\/full: the device takes no more \(ENOSPC\); send the output elsewhere \(nothing was written\)$/m); // not 'free space in \/dev'
    assert.equal(withoutProgress(r.stderr).trim().split('\n').length, 1, r.stderr);
  }
  // stdout by a path: the output alone goes there, the command's own lines to stderr (they would end up inside it).
  const toStdout = cli(['train', 'datasets/cbf/train.csv', '--out', '/dev/stdout', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1']);
  assert.equal(toStdout.code, 0, toStdout.stderr);
  assert.equal(JSON.parse(toStdout.stdout).format, 'train-signals/rnn');
  assert.match(toStdout.stderr, /^model: \/dev\/stdout \(/m);
  const report = cli(['evaluate', '--model', model, 'datasets/cbf/test.csv', '--report', '/dev/stdout']);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /^<!doctype html>/i);
  assert.match(report.stderr, /confusion matrix/);
  const real = join(dir, 'real.csv');
  writeFileSync(real, 'file,id,label,predicted\n'); // predictions of before, replaced through the link
  symlinkSync(real, join(dir, 'link.csv'));
  assert.equal(cliHere(['predict', '--model', model, 'datasets/cbf/test.csv', '--out', join(dir, 'link.csv'), '--quiet']).code, 0);
  assert.ok(lstatSync(join(dir, 'link.csv')).isSymbolicLink());
  assert.match(readFileSync(real, 'utf8'), /^file,id,label,predicted/);
  const ro = join(dir, 'ro.csv');
  writeFileSync(ro, 'keep');
  chmodSync(ro, 0o444);
  const r = cliHere(['predict', '--model', model, 'datasets/cbf/test.csv', '--out', ro]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^train-signals: --out .*ro\.csv: is read-only/);
  assert.equal(readFileSync(ro, 'utf8'), 'keep');
  assert.deepEqual(readFileSync(model), before);
});

test('stdin redirected from a training file counts as that file: named twice, or written over by --out, it is refused', () => {
  const dir = tmp();
  const data = join(dir, 'train.csv');
  copyFileSync(join(ROOT, 'datasets/cbf/train.csv'), data);
  const run = (args: string[]) => {
    const fd = openSync(data, 'r');
    try {
      return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
    } finally {
      closeSync(fd);
    }
  };
  const twice = run(['train', '-', 'train.csv', '--out', 'm.json', '--epochs', '1']);
  assert.equal(twice.status, 2, twice.stderr);
  assert.match(twice.stderr, /^train-signals: train\.csv: is named twice \(also as stdin\) among the training files; name each file once/);
  const over = run(['train', '-', '--out', 'train.csv', '--epochs', '1']);
  assert.equal(over.status, 2, over.stderr);
  assert.match(over.stderr, /^train-signals: --out train\.csv: is one of the input files; writing it would destroy it/);
  assert.deepEqual(readFileSync(data), readFileSync(join(ROOT, 'datasets/cbf/train.csv')));
  assert.deepEqual(readdirSync(dir), ['train.csv']);
  const fromStdin = run(['train', '-', '--out', 'm.json', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet']);
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).training.files, ['stdin'], 'named as everywhere else');
});

test('stdout redirected to a file that reaches a size limit (ulimit -f) or a full disk: one line, exit 2, never a cut file and exit 0', { skip: process.platform !== 'linux' }, () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model, 1);
  // Node wrote a file stdout with one write(2) a chunk and dropped the rest of a short one: 8 KiB of rows, exit 0.
  const out = join(dir, 'p.csv');
  const r = spawnSync('bash', ['-c', `ulimit -f 8; exec "${process.execPath}" "${CLI}" predict --model "${model}" datasets/cbf/test.csv > "${out}"`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^train-signals: cannot write to stdout: the file grew past the size this process or file system allows \(EFBIG\); raise the limit \(ulimit -f\), or send the output elsewhere$/m);
  assert.equal(r.stderr.split('\n').filter((l) => /cannot write/.test(l)).length, 1, r.stderr);
  const inPlace = spawnSync('bash', ['-c', `ulimit -f 4; exec "${process.execPath}" "${CLI}" predict --model "${model}" datasets/cbf/test.csv --out /dev/stdout > "${out}"`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(inPlace.status, 2, inPlace.stderr);
  assert.match(inPlace.stderr, /\/dev\/stdout: the file grew past .* \(what reached it is incomplete\)$/m); // not 'nothing was written'
  const lock = spawnSync('bash', ['-c', `ulimit -f 0; exec "${process.execPath}" "${CLI}" train datasets/cbf/train.csv --out "${join(dir, 'n.json')}" --epochs 1 --quiet`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(lock.status, 2, lock.stderr);
  assert.match(lock.stderr, /cannot create the checkpoint's lock file \(EFBIG\); this process may write no file that large \(ulimit -f\): raise the limit/); // not 'check the folder's permissions'
});

test('paths that lead nowhere say why, exit 2: a link to nothing, a loop of links, a file name followed by / (evaluate\'s held-out check made them internal errors)', { skip: process.platform === 'win32' }, async () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model, 1);
  symlinkSync('nothere.csv', join(dir, 'dangling.csv'));
  symlinkSync('loop2', join(dir, 'loop1'));
  symlinkSync('loop1', join(dir, 'loop2'));
  const test = join(ROOT, 'datasets/cbf/test.csv');
  const cases: Array<[string[], RegExp]> = [
    [['evaluate', '--model', model, 'dangling.csv'], /^train-signals: dangling\.csv: is a symbolic link to nothere\.csv, which leads to no file; point it at the file$/],
    [['evaluate', '--model', model, 'loop1'], /^train-signals: loop1: is a loop of symbolic links \(ELOOP\); check where the links lead$/],
    [['evaluate', '--model', model, `${test}/`], /: a part of the path before the name is not a folder \(ENOTDIR\); check the path \(a file name followed by \/\?\)$/],
    [['predict', '--model', 'loop1', test], /^train-signals: loop1: is a loop of symbolic links/],
    [['train', 'dangling.csv', '--out', 'x.json'], /^train-signals: dangling\.csv: is a symbolic link to nothere\.csv/],
  ];
  const results = await cliLines(cases.map(([args]) => args), dir);
  cases.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

test('standard input named twice: a model through /dev/stdin beside - is refused (the model took all of it: "the file is empty"); --test of the file stdin comes from warns as of the file itself', { skip: process.platform !== 'linux' }, () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  const data = join(ROOT, 'datasets/cbf/test.csv');
  smallModel(model, 1);
  for (const command of ['evaluate', 'predict']) {
    const r = cli([command, '--model', '/dev/stdin', '-'], { input: readFileSync(model) });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, 'train-signals: --model /dev/stdin and - both read standard input; give one of them as a file\n');
  }
  const twice = cli(['evaluate', '--model', model, '-', '/dev/stdin'], { input: readFileSync(data) });
  assert.equal(twice.code, 2, twice.stderr);
  assert.match(twice.stderr, /\/dev\/stdin: is named twice \(also as stdin\) among the files to evaluate/); // not 'the file is empty'
  const words = ['train', '-', '--test', data, '--out', join(dir, 'o.json'), '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1'];
  const r = spawnSync('bash', ['-c', `exec "${process.execPath}" "${CLI}" ${words.map((w) => `'${w}'`).join(' ')} < '${data}'`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: --test .*test\.csv holds the same bytes as the training file stdin; its accuracy is not a held-out figure/);
});

test('evaluate whose report cannot be written leaves stdout empty: no figures of a failed run for a program to read', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model, 1);
  // A device that is full at the write (as a disk that fills while the files are scored).
  const r = cliHere(['evaluate', '--model', model, 'datasets/cbf/test.csv', '--json', '--report', '/dev/full']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '', 'the JSON is printed only once the report is written');
  assert.match(r.stderr, /\/dev\/full: the device takes no more/);
});

test('- is stdin for an input CSV and stdout for predictions and evaluate’s report; elsewhere a usage error', () => {
  const dir = tmp();
  const train = readFileSync(join(ROOT, 'datasets/cbf/train.csv'));
  const test = readFileSync(join(ROOT, 'datasets/cbf/test.csv'));
  const model = join(dir, 'm.json');
  const t = cli(['train', '-', '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--quiet'], { input: train });
  assert.equal(t.code, 0, t.stderr);
  const p = cli(['predict', '--model', model, '-', '--out', '-'], { input: test });
  assert.equal(p.code, 0, p.stderr);
  const lines = p.stdout.trim().split('\n');
  assert.equal(lines.length, 301);
  assert.match(lines[1], /^stdin,1,/);
  const tabs = cli(['predict', '--model', model, '-', '--out', '-'], { input: test.toString('utf8').replaceAll(',', '\t') });
  assert.equal(tabs.code, 0, tabs.stderr);
  assert.equal(tabs.stdout, p.stdout); // tab-separated, told from the first bytes of the pipe
  const e = cli(['evaluate', '--model', model, 'datasets/cbf/test.csv', '--report', '-']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /^<!doctype html>/);
  assert.match(e.stderr, /accuracy/); // the tables moved to stderr
  const bad = cli(['evaluate', '--model', model, '-'], { input: 'label,t0\na,1\nb,x\n' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^train-signals: stdin:3:2: non-numeric value "x"/);
  // A pipe cut short (curl … | train -) is warned of as a file is: its last line has no line end, its sequence short.
  const cut = cli(['evaluate', '--model', model, '-'], { input: test.subarray(0, test.indexOf('\n', 100_000) - 200) });
  assert.equal(cut.code, 0, cut.stderr);
  assert.match(cut.stderr, /warning: stdin: its last line \(\d+\) has no line end, and its sequence is shorter than every other in the file/);
  for (const args of [['train', 'datasets/cbf/train.csv', '--out', '-'], ['evaluate', '--model', '-', 'datasets/cbf/test.csv'], ['export', '--model', model, '--onnx', '-'], ['train', '-', '-']]) {
    const r = cli(args, { cwd: dir, input: '' });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /cannot be - \(stdin or stdout\) here; give a file path|- \(stdin\) can be only one of the input files/);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['m.json']); // nothing written by the refused ones
});

test('the archive’s own files: trained on a .ts file, a space-separated .txt and an ARFF file evaluate and predict as their CSV twin', () => {
  const dir = tmp();
  const rows = (f: string) => readFileSync(join(ROOT, f), 'utf8').trim().split('\n').slice(1).map((r) => r.split(','));
  const train = rows('datasets/cbf/train.csv');
  const ts = ['# CBF', '@problemName CBF', '@classLabel true bell cylinder funnel', '@data', ...train.map((r) => `${r.slice(1).join(',')}:${r[0]}`)];
  writeFileSync(join(dir, 'train.ts'), ts.join('\n') + '\n');
  const test = readFileSync(join(ROOT, 'datasets/cbf/test.csv'), 'utf8');
  writeFileSync(join(dir, 'test.txt'), test.split('\n').slice(1).map((r) => (r === '' ? '' : '  ' + r.replaceAll(',', '   '))).join('\n'));
  const testRows = rows('datasets/cbf/test.csv');
  const attributes = testRows[0].slice(1).map((_, t) => `@attribute t${t} numeric`);
  const arff = ['@relation CBF', ...attributes, '@attribute class {bell,cylinder,funnel}', '@data', ...testRows.map((r) => `${r.slice(1).join(',')},${r[0]}`)];
  writeFileSync(join(dir, 'test.arff'), arff.join('\n') + '\n');
  const model = join(dir, 'm.json');
  const t = cliHere(['train', join(dir, 'train.ts'), '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  const fromTxt = cliHere(['evaluate', '--model', model, join(dir, 'test.txt')]);
  const fromCsv = cliHere(['evaluate', '--model', model, 'datasets/cbf/test.csv']);
  assert.equal(fromTxt.code, 0, fromTxt.stderr);
  const scores = (out: string) => out.split('\n').find((l) => /^\S+\s+300\s/.test(l))!.split(/\s+/).slice(1);
  assert.deepEqual(scores(fromTxt.stdout + fromTxt.stderr), scores(fromCsv.stdout + fromCsv.stderr));
  const fromArff = cliHere(['evaluate', '--model', model, join(dir, 'test.arff')]);
  assert.equal(fromArff.code, 0, fromArff.stderr);
  assert.deepEqual(scores(fromArff.stdout + fromArff.stderr), scores(fromCsv.stdout + fromCsv.stderr));
  const q = cliHere(['predict', '--model', model, 'datasets/cbf/test.csv', '--out', '-']);
  const body = (out: string) => out.trim().split('\n').map((l) => l.split(',').slice(1).join(','));
  for (const file of ['test.txt', 'test.arff']) {
    const p = cliHere(['predict', '--model', model, join(dir, file), '--out', '-']);
    assert.deepEqual(body(p.stdout), body(q.stdout), file); // ids, labels, classes and probabilities; only the file differs
  }
});

test('did you mean: a mistyped command or flag is named with the nearest one, missing files with a usage line; exit 2, one line', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['trian', 'datasets/cbf/train.csv'], /^train-signals: trian is neither a command nor a file; did you mean train-signals train\?/],
    [['train', 'datasets/cbf/train.csv', '--epoch', '3'], /^train-signals: unknown flag --epoch; did you mean --epochs\?/],
    // Other tools' names for a flag.
    [['train', 'datasets/cbf/train.csv', '--output', 'm.json'], /^train-signals: unknown flag --output; did you mean --out\?/],
    // Caps lock: yargs read --LABEL-COLUMN=x as another name and trained with the default column, without a word.
    [['train', 'datasets/cbf/train.csv', '--QUIET'], /^train-signals: --QUIET is spelled --quiet \(flags are lower case\)/],
    [['train', 'datasets/cbf/train.csv', '--LABEL-COLUMN=nonexist'], /^train-signals: --LABEL-COLUMN is spelled --label-column \(flags are lower case\)/],
    [['train', 'datasets/cbf/train.csv', '--no-BIDIRECTIONAL'], /^train-signals: --no-BIDIRECTIONAL is spelled --no-bidirectional \(flags are lower case\)/],
    [['train', 'datasets/cbf/train.csv', '--QUIETT'], /^train-signals: unknown flag --QUIETT; did you mean --quiet\?/],
    [['train', 'datasets/cbf/train.csv', '--test-file', 't.csv'], /^train-signals: unknown flag --test-file; did you mean --test\?/],
    [['train', 'datasets/cbf/train.csv', '--learning-rate', '0.01'], /^train-signals: unknown flag --learning-rate; did you mean --lr\?/],
    [['predict', '--model', 'm.json', 'x.csv', '--output', 'p.csv'], /^train-signals: unknown flag --output; did you mean --out\?/],
    [['evaluate', '--model', 'm.json', 'x.csv', '--learning-rate', '1'], /^train-signals: unknown flag --learning-rate \(see/],
    [['evaluate', '--modle', 'm.json', 'datasets/cbf/test.csv'], /^train-signals: unknown flag --modle; did you mean --model\?/],
    [['train', 'datasets/cbf/train.csv', '--no-bidirectonal'], /^train-signals: unknown flag --bidirectonal; did you mean --bidirectional\?/],
    [['train', 'datasets/cbf/train.csv', '--zzz', '1'], /^train-signals: unknown flag --zzz \(see/],
    [['train'], /^train-signals: train needs the CSV file\(s\) to read \(- for stdin\): train-signals train <train\.csv\.\.\.>/],
    [['evaluate', '--model', 'm.json'], /^train-signals: evaluate needs the CSV file\(s\) to read .*: train-signals evaluate --model model\.json <test\.csv\.\.\.>/],
    [['evaluate', 'datasets/cbf/test.csv'], /^train-signals: evaluate needs --model: train-signals evaluate --model model\.json <test\.csv\.\.\.> \(see/],
    [['inspect', '--model', 'm.json'], /^train-signals: inspect is neither a command nor a file; the commands are train, evaluate, predict, tune, export/],
    [['predict', '--model', 'm.json', 'datasets/cbf/test.csv', '--json'], /^train-signals: unknown flag --json \(see train-signals predict --help\)\n$/],
    [['-q', 'datasets/cbf/train.csv'], /^train-signals: unknown flag -q: flags are spelled with two dashes; did you mean --quiet\? \(see train-signals --help\)\n$/],
    [['-v'], /^train-signals: unknown flag -v: .*did you mean --version\?/],
    [['predict', '-model', 'm.json', 'datasets/cbf/test.csv'], /^train-signals: unknown flag -model: flags are spelled with two dashes; did you mean --model\?/],
    [['train', 'datasets/cbf/train.csv', '--cell', 'lstm'], /^train-signals: --cell must be rnn or gru \(got lstm\) \(see train-signals train --help\)\n$/],
    [[], /^train-signals: give a command and its files: .*the commands are train, evaluate, predict, tune, export, info/],
  ];
  const results = await cliLines(cases.map(([args]) => args));
  cases.forEach(([args, re], i) => {
    const r = results[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

test('help and help <command> show the help, as --help does', () => {
  for (const [args, first] of [[['help'], 'train-signals <files..>'], [['help', 'predict'], 'train-signals predict <files..>']] as const) {
    const r = cli([...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, cli([...args.slice(1), '--help']).stdout);
    assert.equal(r.stdout.split('\n')[0], first);
  }
  const bogus = cli(['help', 'trian']);
  assert.equal(bogus.code, 2);
  assert.equal(bogus.stderr, 'train-signals: help trian: no such command; the commands are train, evaluate, predict, tune, export, info (did you mean train?)\n');
});

test('evaluating a file the model was trained on (the same bytes, by any name) warns; a held-out file does not', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  const copy = join(dir, 'copy.csv');
  writeFileSync(copy, readFileSync(join(ROOT, 'datasets/cbf/train.csv')));
  const r = cliHere(['evaluate', '--model', model, copy, 'datasets/cbf/test.csv']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^train-signals: warning: .*copy\.csv holds the same bytes as a file the model was trained on; its accuracy is not a held-out figure$/m);
  assert.doesNotMatch(r.stderr, /test\.csv holds/);
  const doc = JSON.parse(readFileSync(model, 'utf8'));
  // The training file's bytes, hashed as they were read.
  const bytes = readFileSync(join(ROOT, 'datasets/cbf/train.csv'));
  assert.deepEqual(doc.training.fingerprints[0], { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  // A file that cannot be read is refused before that warning: one line, not a warning and then the refusal.
  const gone = cliHere(['evaluate', '--model', model, copy, join(dir, 'gone.csv')]);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /^train-signals: \S*gone\.csv: no such file; check the path\n$/);
});

test('--init starts from the given weights: with a learning rate too small to move them, they come out unchanged', () => {
  const dir = tmp();
  const first = join(dir, 'first.json');
  assert.equal(cliHere(['train', 'datasets/cbf/train.csv', '--out', first, '--epochs', '2', '--hidden', '6', '--select', 'off', '--members', '1', '--quiet']).code, 0);
  const again = join(dir, 'again.json');
  const r = cliHere(['train', 'datasets/cbf/train.csv', '--init', first, '--out', again, '--epochs', '1', '--lr', '1e-30', '--select', 'off', '--seed', '9', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(readFileSync(first, 'utf8'));
  const b = JSON.parse(readFileSync(again, 'utf8'));
  assert.deepEqual(b.parameters, a.parameters);
  assert.deepEqual(b.normalization, a.normalization);
  const fresh = join(dir, 'fresh.json');
  assert.equal(cliHere(['train', 'datasets/cbf/train.csv', '--out', fresh, '--epochs', '1', '--hidden', '6', '--members', '1', '--lr', '1e-30', '--select', 'off', '--seed', '9', '--quiet']).code, 0);
  assert.notDeepEqual(JSON.parse(readFileSync(fresh, 'utf8')).parameters, a.parameters, 'without --init the weights are drawn afresh');
});

test('the model remembers its data layout: evaluate, predict and train --init read files like the training data without column flags', () => {
  const dir = tmp();
  const rename = (f: string) => {
    const [head, ...rest] = readFileSync(join(ROOT, f), 'utf8').split('\n');
    assert.equal(head, 'id,t,label,ax,ay,az');
    return ['sid,step,cls,ax,ay,az', ...rest].join('\n');
  };
  writeFileSync(join(dir, 'train.csv'), rename('datasets/motion/train.csv'));
  writeFileSync(join(dir, 'test.csv'), rename('datasets/motion/test.csv'));
  const model = join(dir, 'm.json');
  const t = cliHere(['train', 'train.csv', '--id-column', 'sid', '--time-column', 'step', '--label-column', 'cls', '--out', model, '--epochs', '2', '--hidden', '6', '--select', 'off', '--quiet'], { cwd: dir });
  assert.equal(t.code, 0, t.stderr);
  assert.deepEqual(JSON.parse(readFileSync(model, 'utf8')).layout, { format: 'auto', labelColumn: 'cls', idColumn: 'sid', timeColumn: 'step' });
  const e = cliHere(['evaluate', '--model', model, 'test.csv', '--json'], { cwd: dir });
  assert.equal(e.code, 0, e.stderr);
  assert.equal(JSON.parse(e.stdout).files[0].sequences, 60);
  const p = cliHere(['predict', '--model', model, 'test.csv'], { cwd: dir });
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 61);
  const flags = cliHere(['evaluate', '--model', model, 'test.csv', '--label-column', 'nope'], { cwd: dir }); // a flag still overrides
  assert.equal(flags.code, 2);
  assert.match(flags.stderr, /no label column named "nope"/);
  const again = join(dir, 'again.json'); // train --init reads them like that too, and keeps the layout
  const i = cliHere(['train', 'train.csv', '--test', 'test.csv', '--init', model, '--out', again, '--epochs', '1', '--quiet'], { cwd: dir });
  assert.equal(i.code, 0, i.stderr);
  assert.deepEqual(JSON.parse(readFileSync(again, 'utf8')).layout, { format: 'auto', labelColumn: 'cls', idColumn: 'sid', timeColumn: 'step' });
});

test('a model trained on some of the channels (--channels) reads them by name in evaluate and predict', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  const t = cliHere(['train', 'datasets/motion/train.csv', '--channels', 'az,ax', '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  assert.deepEqual(JSON.parse(readFileSync(model, 'utf8')).layout.channels, ['az', 'ax']);
  const p = cliHere(['predict', '--model', model, 'datasets/motion/test.csv']);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.stdout.trim().split('\n').length, 61);
  const e = cliHere(['evaluate', '--model', model, 'datasets/motion/test.csv', '--channels', 'ax,ay,az']); // a flag still overrides
  assert.equal(e.code, 2);
  assert.match(e.stderr, /has 3 channel\(s\) \[ax, ay, az\] but the model has 2 \[az, ax\]/);
  assert.match(cliHere(['info', model]).stdout, /channels "az","ax"/);
});

test('the auto defaults resolve by the documented rules and the model file records what they chose', () => {
  const dir = tmp();
  const wide = (n: number, T: number) => ['label,' + Array.from({ length: T }, (_, i) => `t${i}`).join(','),
    ...Array.from({ length: n }, (_, s) => `${'ab'[s % 2]},` + Array.from({ length: T }, (_, i) => Math.sin(i * (s % 2 ? 0.3 : 0.5) + s).toFixed(3)).join(','))].join('\n') + '\n';
  const run = (name: string, n: number, T: number) => {
    writeFileSync(join(dir, `${name}.csv`), wide(n, T));
    const r = cliHere(['train', `${name}.csv`, '--select', 'off', '--hidden', '3', '--threads', '1', '--quiet', '--out', `${name}.json`], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    return { ...m.training.hyperparameters, ran: m.training.history.length, validated: m.training.history[0].valAccuracy !== null };
  };
  const small = run('small', 50, 100); // 50 long sequences: two steps an epoch
  assert.deepEqual([small.readout, small.stride, small.valSplit, small.epochs, small.ran, small.validated], ['mean', 3, 0, 750, 750, false]);
  const large = run('large', 1000, 20); // 1,000 short ones: 100 can be held out
  assert.deepEqual([large.readout, large.stride, large.valSplit, large.epochs, large.ran, large.validated], ['last', 1, 0.1, 60, 60, true]);
});

test('--threads auto, not sure of its count: where more threads measured faster on the median, it says why the fewer are kept', () => {
  const rows = (a: number, b: number) => [{ threads: 1, sequencesPerSecond: a }, { threads: 2, sequencesPerSecond: b }];
  assert.equal(unsure({ rows: rows(2751, 3573), recommended: 1 }), '2 measured faster, but not in every block: its measurements overlap those of 1, so the fewer threads are kept');
  assert.equal(unsure({ rows: rows(3000, 2900), recommended: 1 }), 'not sure: the measurements overlap');
});

test('--threads auto says what it measured and chose; early stopping says so', () => {
  const dir = tmp();
  const r = cliHere(['train', 'datasets/cbf/train.csv', '--threads', 'auto', '--select', 'off', '--epochs', '300', '--val-split', '0.2', '--patience', '3',
    '--hidden', '8', '--lr', '0.01', '--out', join(dir, 'm.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^threads auto: 1: \d+ seq\/s(, \d+: \d+ seq\/s)* → \d+ thread\(s\)/m);
  const m = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
  // Each of the three members stops on its own, and says so with its own epochs.
  const members: Array<{ bestEpoch: number; epochs: number }> = m.training.members;
  assert.equal(members.length, 3);
  assert.ok(members.some((x) => x.epochs < 300), 'this run stops early');
  members.forEach((x, i) => {
    const line = new RegExp(`^early stopping \\(member ${i + 1} of 3\\): no validation improvement for 3 epoch\\(s\\) after epoch ${x.bestEpoch}; stopped at ${x.epochs} of 300, kept epoch ${x.bestEpoch}'s weights$`, 'm');
    if (x.epochs < 300) assert.match(r.stderr, line);
    else assert.doesNotMatch(r.stderr, line);
  });
  assert.match(r.stdout, new RegExp(`best epochs ${members.map((x) => `${x.bestEpoch} of ${x.epochs}`).join(', ')};`));
  // info names each member's last epoch, and the epochs planned where it stopped before them.
  const info = cliHere(['info', join(dir, 'm.json')]).stdout;
  members.forEach((x, i) => assert.match(info, new RegExp(`\n {2}member ${i + 1}, last epoch \\(${x.epochs}${x.epochs < 300 ? ' of 300 planned' : ''}\\): loss \\d\\.\\d{3}`)));
});

test('train warns of a class of one sequence, classes that differ only in letter case, data where nothing varies, and a loss thrown out by too large steps', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'd.csv'), 'label,t0,t1,t2\nWalk,1,2,3\nwalk,3,2,1\nWalk,1,2,2\nwalk,3,3,1\ntime_s,0,0.1,0.2\n');
  const r = cliHere(['train', 'd.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'm.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^train-signals: warning: class "time_s" has a single training sequence; little can be learned of a class from one \(a header row, or a line of another kind, read as data\?\)$/m);
  assert.match(r.stderr, /^train-signals: warning: classes "Walk", "walk" differ only in letter case; they are trained as different classes$/m);
  assert.doesNotMatch(r.stderr, /no channel varies|training loss ended/);
  writeFileSync(join(dir, 'flat.csv'), 'label,t0,t1,t2\na,2,2,2\nb,2,2,2\na,2,2,2\nb,2,2,2\n');
  const flat = cliHere(['train', 'flat.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'f.json'], { cwd: dir });
  assert.match(flat.stderr, /^train-signals: warning: no channel varies: every step of every sequence holds the same values, so no class can be told from another$/m);
  const wild = cliHere(['train', 'datasets/cbf/train.csv', '--epochs', '3', '--hidden', '8', '--select', 'off', '--members', '1', '--lr', '1e6', '--clip', '0', '--out', join(dir, 'w.json')]);
  assert.equal(wild.code, 0, wild.stderr);
  assert.match(wild.stderr, /^train-signals: warning: the training loss ended at [0-9.e+]+, ten times or more that of guessing every class alike \(1\.099\): the steps are too large for this model; a smaller --lr \(now 1000000\) or gradient clipping \(--clip 1\) should train it$/m);
});

test('before training, stderr names the channels, and warns of one that rises like a time column (evenly, or a clock that jitters)', () => {
  const dir = tmp();
  const [head, ...rest] = readFileSync(join(ROOT, 'datasets/motion/train.csv'), 'utf8').split('\n');
  writeFileSync(join(dir, 'd.csv'), [head.replace(',t,', ',step,'), ...rest].join('\n'));
  const r = cliHere(['train', 'd.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--out', 'm.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^\d+ sequences, 3 classes; channels: step, ax, ay, az$/m);
  assert.match(r.stderr, /^train-signals: warning: channel "step" runs like a time column in every sequence \(it steps evenly, or is named as a clock or a counter and counts up\); if it is one, name it with --time-column$/m);
  // A logger's clock, named as a time is, jitters: it rises at every step, unevenly.
  writeFileSync(join(dir, 'j.csv'), ['id,time,label,ax', ...[0, 1, 2, 3].flatMap((n) => [0.01, 0.0205, 0.0298, 0.0412].map((t, i) => `s${n},${t + n},${n % 2 === 0 ? 'p' : 'q'},${Math.sin(n + i)}`))].join('\n') + '\n');
  const jitter = cliHere(['train', 'j.csv', '--format', 'long', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'j.json'], { cwd: dir });
  assert.match(jitter.stderr, /^train-signals: warning: channel "time" runs like a time column in every sequence \(it steps evenly, or is named as a clock or a counter and counts up\); if it is one, name it with --time-column$/m);
  // With the time column named, a channel that counts the rows is a second clock: --channels leaves it out.
  writeFileSync(join(dir, 'n.csv'), ['id,time,label,n,ax', ...[0, 1, 2, 3].flatMap((n) => [0.01, 0.0205, 0.0298, 0.0412].map((t, i) => `s${n},${t + n},${n % 2 === 0 ? 'p' : 'q'},${i},${Math.sin(n + i)}`))].join('\n') + '\n');
  const counter = cliHere(['train', 'n.csv', '--time-column', 'time', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'c.json'], { cwd: dir });
  assert.match(counter.stderr, /^train-signals: warning: channel "n" runs like a time column in every sequence \(it steps evenly, or is named as a clock or a counter and counts up\), beside the time column "time": if it holds no sample \(a row counter, a second clock\), leave it out with --channels ax$/m);
  const ok = cliHere(['train', 'datasets/motion/train.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--out', join(dir, 'n.json')]);
  assert.match(ok.stderr, /channels: ax, ay, az$/m);
  assert.doesNotMatch(ok.stderr, /warning: channel/);
  // Many channels: the first 20 and how many more, not a line of hundreds of names; the 30 that step evenly
  // (one step a row, from d) are one warning.
  const names = Array.from({ length: 300 }, (_, d) => `ch${d}`);
  const rows = ['s1,0,p', 's1,1,p', 's1,2,p', 's2,0,q', 's2,1,q', 's3,0,p', 's4,0,q'].map((r, i) => `${r},${names.map((_, d) => (d < 30 ? d + i : Math.sin(i * d))).join(',')}`);
  writeFileSync(join(dir, 'many.csv'), [`id,t,label,${names.join(',')}`, ...rows].join('\n') + '\n');
  const many = cliHere(['train', 'many.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'k.json'], { cwd: dir });
  assert.equal(many.code, 0, many.stderr);
  assert.match(many.stderr, /^4 sequences, 2 classes; channels: ch0, ch1, ch2, [^\n]*, ch19, … 280 more$/m);
  assert.equal(many.stderr.match(/^train-signals: warning: channels? /gm)?.length, 1, many.stderr);
  // beside the file's time column t: left out with --channels, too many to list
  assert.match(many.stderr, /^train-signals: warning: channels "ch0", "ch1", [^\n]*"ch19", … 10 more run like a time column in every sequence \(they step evenly, or are named as clocks or counters and count up\), beside the time column "t": if they hold no sample \(a row counter, a second clock\), leave them out with --channels naming the others$/m);
  const info = cliHere(['info', 'k.json'], { cwd: dir });
  assert.match(info.stdout, /\n {2}channels \(300\): ch0, ch1, [^\n]*, ch19, … 280 more \(--json lists them all\)(, [^\n]*)?\n/);
  // A wide file with a column named id reads as long, a step a sequence: said, with the flag that reads it wide.
  writeFileSync(join(dir, 'wide-id.csv'), 'id,label,t0,t1,t2\n1,a,1,2,3\n2,b,3,2,1\n3,a,1,2,2\n4,b,3,3,1\n');
  const stepped = cliHere(['train', 'wide-id.csv', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--out', 'w.json'], { cwd: dir });
  assert.equal(stepped.code, 0, stepped.stderr);
  assert.match(stepped.stderr, /^train-signals: warning: every sequence has a single time step; if each row is a whole sequence \(the wide layout\), read the file with --format wide \(its column "id" made it the long layout\)$/m);
  assert.doesNotMatch(many.stderr + ok.stderr, /single time step/);
});

test('a report that cannot be written after the model was: exit 2, and the message says the model was written and how to write its report without training again', { skip: !existsSync('/dev/full') }, () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const r = cliHere(['train', 'datasets/cbf/train.csv', '--out', out, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet', '--report', '/dev/full']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^train-signals: \/dev\/full: the device takes no more \(ENOSPC\); .*; the report was not written, but the model was, to .*m\.json: once that is mended, train-signals evaluate --model .*m\.json <files> --report \/dev\/full writes a report of it \(its learning curves too\), without training again\n$/);
  assert.doesNotMatch(r.stderr, /nothing was written|run again/); // the model was written, and need not be trained again
  assert.ok(existsSync(out));
});

test('predict on a FIFO whose long-layout rows interleave: refused as stdin is (it cannot be read twice), no hang', { skip: process.platform === 'win32' }, () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallMotionModel(model);
  const fifo = join(dir, 'rows.csv');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const writer = spawn('sh', ['-c', `cat datasets/motion/test.csv > '${fifo}'`], { cwd: ROOT, stdio: 'ignore' });
  const r = cli(['predict', '--model', model, fifo], { timeout: 60_000 });
  writer.kill();
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /rows\.csv:\d+: sequence "\w+" continues after another began, and this file \(a pipe or device\) cannot be read twice; sort the rows by id, or give a regular file/);
});

test('train --test on a training file warns that its accuracy is not held out', () => {
  const r = cliHere(['train', 'datasets/cbf/train.csv', '--test', 'datasets/cbf/train.csv', '--out', join(tmp(), 'm.json'), '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^train-signals: warning: --test datasets\/cbf\/train\.csv holds the same bytes as the training file datasets\/cbf\/train\.csv; its accuracy is not a held-out figure$/m);
});

test('info shows what a model file holds; --json is the file without its parameters; without a file, one line saying what it needs', () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  assert.equal(cliHere(['train', 'datasets/motion/train.csv', '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '2', '--quiet']).code, 0);
  const r = cliHere(['info', model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /m\.json: a bidirectional GRU classifier, H = 8 \(2 members of 4\), readout mean; [\d,]+ parameters \([\d,]+ of them the members' own; the rest, zeros between their blocks\)\n/);
  // An ensemble's members each with their own last epoch (the history is the first member's).
  assert.match(r.stdout, /\n {2}member 1, last epoch \(1\): loss [\d.]+, training accuracy \d\.\d{3}\n {2}member 2, last epoch \(1\): loss [\d.]+, training accuracy \d\.\d{3}\n/);
  assert.match(r.stdout, /\n {2}classes \(3\): jump, run, walk\n {2}channels \(3\): ax, ay, az, and their first differences\n/);
  assert.match(r.stdout, /\n {2}training: 2 member\(s\) × 1 epochs, batch 32, adam lr 0\.006 \(cosine, warmup 0\.05\), noise 0\.1, clip 1, seed 1\n/);
  assert.equal(cliHere(['info', '--model', model]).stdout, r.stdout);
  // What else changes the result is shown where it is not the default (truncated BPTT, class weights, a validation split).
  const other = join(dir, 'o.json');
  assert.equal(cliHere(['train', 'datasets/motion/train.csv', '--out', other, '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--bptt', '5', '--class-weights', 'balanced', '--val-split', '0.2', '--patience', '2', '--schedule', 'constant', '--quiet']).code, 0);
  assert.match(cliHere(['info', other]).stdout, /\n {2}training: 1 member\(s\) × 1 epochs, batch 32, adam lr 0\.006 \(constant\), noise 0\.1, BPTT truncated at 5 steps, class weights balanced, validation split 0\.2, patience 2, clip 1, seed 1\n/);
  const j = cliHere(['info', model, '--json']);
  const doc = JSON.parse(j.stdout);
  const file = JSON.parse(readFileSync(model, 'utf8'));
  assert.equal(doc.parameters, Number(/; ([\d,]+) parameters/.exec(r.stdout)![1].replace(/,/g, '')));
  // The training sequences' digests as their count, as the parameters are.
  assert.equal(doc.training.sequenceDigests, file.training.sequences);
  assert.deepEqual({ ...doc, parameters: undefined, training: { ...doc.training, sequenceDigests: undefined } }, { ...file, parameters: undefined, training: { ...file.training, sequenceDigests: undefined } });
  const none = cliHere(['info']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^train-signals: info needs a model file: train-signals info model\.json\n$/);
});

test('TRAIN_SIGNALS_KERNEL other than plain is refused in one line before any work, also where selection runs in workers', () => {
  const out = join(tmp(), 'm.json');
  const r = cli(['train', 'datasets/cbf/train.csv', '--out', out, '--epochs', '1', '--hidden', '4', '--members', '1', '--quiet'], { env: { TRAIN_SIGNALS_KERNEL: 'avx' } });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^train-signals: TRAIN_SIGNALS_KERNEL is "avx"; it can only be plain \(the plain-SIMD kernel\), or unset\n$/);
  assert.ok(!existsSync(out) && !existsSync(`${out}.ckpt`));
});

test('a CPU without FMA (V8 told not to use it) runs the plain build and records it: the plain build\'s bits, not the fused one\'s', { skip: process.arch !== 'x64' && 'V8 flag of x86-64' }, () => {
  const dir = tmp();
  const args = ['train', join(ROOT, 'datasets/cbf/train.csv'), '--epochs', '2', '--hidden', '8', '--select', 'off', '--members', '1', '--threads', '2', '--quiet', '--out'];
  const noFma = spawnSync(process.execPath, ['--no-enable-fma3', CLI, ...args, 'nofma.json'], { cwd: dir, encoding: 'utf8' });
  assert.equal(noFma.status, 0, noFma.stderr);
  const plain = cli([...args, 'plain.json'], { cwd: dir, env: { TRAIN_SIGNALS_KERNEL: 'plain' } });
  assert.equal(plain.code, 0, plain.stderr);
  const [a, b] = ['nofma.json', 'plain.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  assert.equal(a.training.timing.kernel, 'wasm-plain');
  assert.deepEqual(a.parameters, b.parameters);
});

test('a CPU without WebAssembly SIMD (V8 told not to use SSE4.1): train, evaluate and predict refuse in one line, before any work', { skip: process.arch !== 'x64' && 'V8 flag of x86-64' }, () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model, 1);
  const noSimd = (args: string[]) => spawnSync(process.execPath, ['--no-enable-sse4-1', CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  const out = join(dir, 'again.json');
  for (const args of [
    ['train', 'datasets/cbf/train.csv', '--epochs', '1', '--out', out],
    ['train', 'datasets/cbf/train.csv', '--kernel', 'ts', '--select', 'off', '--members', '1', '--epochs', '1', '--test', 'datasets/cbf/test.csv', '--out', out],
    ['evaluate', '--model', model, 'datasets/cbf/test.csv'],
    ['predict', '--model', model, 'datasets/cbf/test.csv', '--out', join(dir, 'p.csv')],
  ]) {
    const r = noSimd(args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^train-signals: this Node cannot compile WebAssembly SIMD, which the kernel needs \(.*\); on x86-64, V8 needs a CPU with SSE4\.1 .*\n$/);
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(readdirSync(dir), ['m.json']);
});

test('names Node cannot pass on (bytes not UTF-8) and a working folder past 4096 bytes: one line each, exit 2, nothing written where it was not meant', () => {
  const dir = tmp();
  const run = (script: string) => spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, CLI, DATA: join(ROOT, 'datasets/cbf/train.csv') } });
  const train = '"' + process.execPath + '" "$CLI" train "$DATA" --epochs 1 --select off --members 1 --hidden 4 --threads 1 --quiet';
  const notUtf8 = /the path holds bytes that are not UTF-8 \(shown as \uFFFD\), which Node cannot name; rename the file or folder in UTF-8\n$/;
  // --out of such a name was written under another (each byte as U+FFFD).
  const named = run(`${train} --out $'bad\\xff.json'`);
  assert.equal(named.status, 2, named.stderr);
  assert.match(named.stderr, notUtf8);
  // A link to such a name: the model went to another file and the link's file kept its old bytes, exit 0.
  const linked = run(`printf old > $'out\\xff.json' && ln -s $'out\\xff.json' link.json && ${train} --out link.json`);
  assert.equal(linked.status, 2, linked.stderr);
  assert.match(linked.stderr, /link\.json is a symbolic link to out\uFFFD\.json: the path holds bytes that are not UTF-8/);
  // A working folder of such a name: its files were "in a folder that does not exist".
  const inside = run(`mkdir $'d\\xff' && cd $'d\\xff' && ${train} --out m.json`);
  assert.equal(inside.status, 2, inside.stderr);
  assert.match(inside.stderr, /^train-signals: --out m\.json: the path of the folder .*d\uFFFD holds bytes that are not UTF-8/);
  assert.equal(run(`ls -A | od -c | grep -c '377'`).stdout.trim(), '2', 'only the two names the test made hold the byte');
  // A name that holds U+FFFD itself (in UTF-8, EF BF BD) is a name like any other, whatever else the line holds.
  const replacement = run(`${train} --out $'ok\\xef\\xbf\\xbd.json' --label-column $'\\xff'`);
  assert.match(replacement.stderr, /--label-column/, 'refused for its label column, not its output'); // no such column
  assert.equal(run(`${train} --out $'ok\\xef\\xbf\\xbd.json'`).status, 0);
  assert.ok(existsSync(join(dir, 'ok\uFFFD.json')));
  // Under a cap on address space the CLI reruns itself, its words decoded already: the parent's raw line tells.
  const capped = run(`ulimit -v 8000000; ${train} --out $'capped\\xff.json'`);
  assert.equal(capped.status, 2, capped.stderr);
  assert.match(capped.stderr, notUtf8);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('out')).sort(), ['link.json', 'ok\uFFFD.json']);
  // A working folder past PATH_MAX: Node's own stack trace, exit 1.
  const deep = run(`mkdir deep && cd deep && n=$(printf 'd%.0s' $(seq 250)); for i in $(seq 17); do mkdir $n && cd $n || exit 9; done; ${train} --out m.json`);
  assert.equal(run('rm -rf deep').status, 0, 'the folder removed here: Node cannot remove a path that long');
  assert.equal(deep.status, 2, deep.stderr);
  assert.match(deep.stderr, /^train-signals: the current folder's path is longer than Node can read \(4096 bytes\); cd to a folder with a shorter path and run again\n$/);
});

test('a divergence whose last checkpoint was far out already says to start afresh, not to resume it; paths in advice are quoted for a shell', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'd.csv'), readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n').slice(0, 31).join('\n') + '\n');
  const args = ['train', 'd.csv', '--epochs', '200', '--select', 'off', '--members', '1', '--hidden', '8', '--threads', '1', '--checkpoint-every', '0', '--quiet', '--out', 'm x.json'];
  const wild = cliHere([...args, '--lr', '1e38', '--clip', '0', '--optimizer', 'sgd'], { cwd: dir });
  assert.equal(wild.code, 2, wild.stderr);
  // Resuming it with any --lr diverged again (its weights far out), and a fresh run was refused beside it.
  assert.match(wild.stderr, /the last checkpoint \(after epoch \d+\) is m x\.json\.ckpt, but its weights were far out already \(a training loss ten times chance's\); delete it and train afresh with a smaller --lr\n$/);
  const beside = cliHere(args, { cwd: dir });
  assert.equal(beside.code, 2);
  assert.match(beside.stderr, /a checkpoint of an earlier run is there .*; continue it with --resume 'm x\.json\.ckpt', or delete it/);
});

test('a small checkpoint saved again with its keys sorted (its format kilobytes in, within the head read) is still one: info sums it up, train will not start afresh over it, --out will not replace it', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'd.csv'), readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n').slice(0, 31).join('\n') + '\n');
  const t = cliHere(['train', 'd.csv', '--epochs', '2', '--select', 'off', '--members', '1', '--hidden', '2', '--threads', '1', '--quiet', '--out', 'm.json', '--checkpoint', 'c.ckpt'], { cwd: dir });
  assert.equal(t.code, 0, t.stderr);
  const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v);
  const text = JSON.stringify(sorted(JSON.parse(readFileSync(join(dir, 'c.ckpt'), 'utf8'))), null, 1); // as Python's json.dumps(sort_keys=True, indent=1)
  assert.ok(text.indexOf('"format"') > 2048, 'the format past the first kilobytes');
  writeFileSync(join(dir, 'sorted.ckpt'), text);
  const info = cliHere(['info', 'sorted.ckpt'], { cwd: dir });
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /^sorted\.ckpt: a checkpoint of a training run, not a model file: epoch 2 of 2 trained/);
  const afresh = cliHere(['train', 'd.csv', '--epochs', '1', '--checkpoint', 'sorted.ckpt', '--out', 'n.json'], { cwd: dir });
  assert.equal(afresh.code, 2);
  assert.match(afresh.stderr, /sorted\.ckpt: a checkpoint of an earlier run is there/);
  const over = cliHere(['train', 'd.csv', '--epochs', '1', '--out', 'sorted.ckpt'], { cwd: dir });
  assert.equal(over.code, 2);
  assert.match(over.stderr, /--out sorted\.ckpt: a file that is not a model file is there \(it is a checkpoint, to resume a training from\)/);
});

test('--kernel ts owes nothing to the WebAssembly build here: validation and model selection score by the reference too, so either build gives its bits', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'd.csv'), readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n').slice(0, 81).join('\n') + '\n');
  const args = ['train', 'd.csv', '--kernel', 'ts', '--select', 'on', '--members', '1', '--hidden', '8', '--epochs', '6', '--val-split', '0.3', '--quiet', '--out'];
  const fused = cliHere([...args, 'a.json'], { cwd: dir });
  const plain = cli([...args, 'b.json'], { cwd: dir, env: { TRAIN_SIGNALS_KERNEL: 'plain' } });
  assert.equal(fused.code, 0, fused.stderr);
  assert.equal(plain.code, 0, plain.stderr);
  const [a, b] = ['a.json', 'b.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  assert.equal(a.training.timing.kernel, 'ts');
  assert.deepEqual(a.training.selection, b.training.selection, 'the candidates\' held-out scores');
  assert.deepEqual(a.training.history.map((h: { valLoss: number }) => h.valLoss), b.training.history.map((h: { valLoss: number }) => h.valLoss));
  assert.deepEqual(a.parameters, b.parameters);
});

test('a negative number in e-notation given as its own word is that number (yargs read -2e0 as flags -2 and -e)', () => {
  const dir = tmp();
  const args = ['train', join(ROOT, 'datasets/cbf/train.csv'), '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet', '--out'];
  const spaced = cliHere([...args, 'a.json', '--seed', '-2e0'], { cwd: dir });
  assert.equal(spaced.code, 0, spaced.stderr);
  assert.equal(cliHere([...args, 'b.json', '--seed=-2'], { cwd: dir }).code, 0);
  // Ending in its decimal point, as yargs reads flags too (it said "Unknown arguments: 5, .").
  const point = cliHere([...args, 'c.json', '--seed', '-2.'], { cwd: dir });
  assert.equal(point.code, 0, point.stderr);
  // Flags before the command word that take no word from it: a value's, and a yes/no flag said no.
  assert.equal(cliHere(['--seed', '-2', '--no-bidirectional', ...args, 'd.json'], { cwd: dir }).code, 0);
  // A column named -, given with "=": a column, not stdin (only the file flags read --flag=- as --flag -).
  writeFileSync(join(dir, 'dash.csv'), readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').replace(/^label/, '-'));
  const column = cliHere(['train', 'dash.csv', '--label-column=-', ...args.slice(2), 'e.json'], { cwd: dir });
  assert.equal(column.code, 0, column.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')).training.hyperparameters.seed, -2);
  const [a, b] = ['a.json', 'b.json'].map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
  assert.deepEqual(a.parameters, b.parameters);
});

test('--out /dev/tty in a process without a terminal (cron, CI, setsid) is one line, exit 2, not an internal error', { skip: spawnSync('setsid', ['true']).status !== 0 }, () => {
  const dir = tmp();
  const model = join(dir, 'm.json');
  smallModel(model);
  const r = spawnSync('setsid', [process.execPath, CLI, 'predict', '--model', model, join(ROOT, 'datasets/cbf/test.csv'), '--out', '/dev/tty'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, 'train-signals: /dev/tty: no device answers at it (ENXIO: /dev/tty in a process without a terminal, a device unplugged); send the output to a file (nothing was written)\n');
});

test('the model that cannot be written at the end (a full disk) says the training is kept in its checkpoint, and --resume writes it without training again', () => {
  const dir = tmp();
  const args = ['train', join(ROOT, 'datasets/cbf/train.csv'), '--epochs', '3', '--hidden', '4', '--select', 'off', '--members', '1', '--quiet', '--checkpoint', 'c.ckpt'];
  const full = cliHere([...args, '--out', '/dev/full'], { cwd: dir });
  assert.equal(full.code, 2, full.stderr);
  assert.match(full.stderr, /^train-signals: \/dev\/full: the device takes no more \(ENOSPC\); send the output elsewhere; the model was not written, but the training is kept in c\.ckpt: once the model can be written, train … --resume c\.ckpt writes it without training again\n$/);
  // A FIFO none reads: said once, not also "nothing was written" before "the model was not written".
  assert.equal(spawnSync('mkfifo', [join(dir, 'fifo')]).status, 0);
  const fifo = cliHere([...args, '--out', 'fifo', '--resume', 'c.ckpt'], { cwd: dir });
  assert.equal(fifo.code, 2, fifo.stderr);
  assert.match(fifo.stderr, /^train-signals: fifo: is a FIFO that no process reads; start its reader first; the model was not written, but the training is kept in c\.ckpt: once/);
  const resumed = cliHere([...args, '--out', 'm.json', '--resume', 'c.ckpt'], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).training.history.length, 3);
});

test('many classes: the confusion matrix is left out of the tables and the report (evaluate --json holds it), and nothing fails', () => {
  const dir = tmp();
  const C = 80;
  const rows = Array.from({ length: 2 * C }, (_, i) => `c${String(i % C).padStart(3, '0')},${[1, 2, 3, 4].map((t) => Math.sin(i + t).toFixed(3)).join(',')}`);
  writeFileSync(join(dir, 'many.csv'), `label,t0,t1,t2,t3\n${rows.join('\n')}\n`);
  const t = cliHere(['train', 'many.csv', '--test', 'many.csv', '--out', 'm.json', '--report', 'r.html', '--epochs', '1', '--hidden', '4', '--select', 'off', '--members', '1'], { cwd: dir });
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /confusion matrix: 80 classes, too many to print; --json holds it/);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  assert.match(html, /The confusion matrix of 80 classes is too large to draw/);
  assert.match(html, /the first 30 classes of 80/);
  const j = cliHere(['evaluate', '--model', 'm.json', 'many.csv', '--json'], { cwd: dir });
  assert.equal(JSON.parse(j.stdout).files[0].confusion.length, C);
});

test('a validation split too small to hold out a sequence, and --patience with nothing to watch, are warned of', () => {
  const dir = tmp();
  const rows = Array.from({ length: 20 }, (_, i) => `${'ab'[i % 2]},${[1, 2, 3].map((t) => Math.sin(i * t).toFixed(3)).join(',')}`);
  writeFileSync(join(dir, 'small.csv'), `label,t0,t1,t2\n${rows.join('\n')}\n`);
  const base = ['train', 'small.csv', '--out', 'm.json', '--epochs', '2', '--hidden', '4', '--select', 'off', '--members', '1'];
  const tiny = cliHere([...base, '--val-split', '0.04', '--patience', '1'], { cwd: dir });
  assert.equal(tiny.code, 0, tiny.stderr);
  assert.match(tiny.stderr, /warning: --val-split 0\.04 holds out no sequence of these classes \(the smallest has 10\); training keeps its last weights and --patience has no effect/);
  const none = cliHere([...base, '--patience', '1'], { cwd: dir });
  assert.match(none.stderr, /warning: --patience 1 has no effect without validation data; give --val-split/);
  const fine = cliHere([...base, '--val-split', '0.2', '--patience', '1'], { cwd: dir });
  assert.doesNotMatch(fine.stderr, /warning/);
});

test('what yargs would take otherwise than meant is refused, exit 2, nothing written: words after --, -hidden, camelCase, yes/no values, padded paths, files twice, files after --test', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const train = ['train', 'datasets/cbf/train.csv', '--epochs', '1', '--select', 'off', '--members', '1', '--hidden', '4', '--out', out];
  const cases: Array<[string[], RegExp]> = [
    [[...train, '--', '-t.csv'], /^train-signals: -t\.csv: words after -- are not read; give them before it \(a file whose name starts with a dash as \.\/-t\.csv\)/],
    [[...train, '-threads', '2'], /^train-signals: unknown flag -threads: flags are spelled with two dashes; did you mean --threads\?/],
    [[...train, '--batchSize', '4'], /^train-signals: --batchSize is spelled --batch-size/],
    [[...train, '--labelColumn', 'label', '--label-column', 'label'], /^train-signals: --labelColumn is spelled --label-column/],
    [[...train, '--toString'], /^train-signals: unknown flag --toString \(see train-signals train --help\)$/m], // no flag --to-string to spell it as
    [[...train, '--no-sequenceNorm'], /^train-signals: unknown flag --no-sequenceNorm; did you mean --sequence-norm\?/], // --sequence-norm takes a value: no --no- form
    [[...train, '--hiddden'], /^train-signals: unknown flag --hiddden; did you mean --hidden\?/],
    [[...train, '--bidirectional=yes'], /^train-signals: --bidirectional takes no value, or =true or =false \(got yes\)/],
    [[...train, '--no-bidirectional=false'], /^train-signals: --no-bidirectional takes no value/],
    [[...train.slice(0, -1), `${out} `], /^train-signals: --out ".*m\.json " begins or ends with a blank/],
    [[...train, '--test', 'datasets/cbf/test.csv', '--test', 'datasets/cbf/test.csv'], /is named more than once among the --test files/],
    [['train', '--test', 'datasets/cbf/test.csv', 'datasets/cbf/train.csv'], /every word after --test is a test file: give the training files before --test/],
    [['tune', 'datasets/cbf/train.csv', 'datasets/cbf/train.csv'], /is named more than once among the files to measure on/],
  ];
  const results = await cliLines(cases.map(([args]) => args));
  cases.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
  const ok = cliHere([...train, '--bidirectional=false', '--quiet']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('a German or Japanese locale gets the same English lines and hints (yargs put its own translations in their place)', () => {
  for (const locale of ['de_DE.UTF-8', 'ja_JP.UTF-8']) {
    const env = { LC_ALL: locale, LANG: locale };
    const choice = cli(['train', 'datasets/cbf/train.csv', '--cell', 'lstm'], { env });
    assert.equal(choice.code, 2);
    assert.equal(choice.stderr, 'train-signals: --cell must be rnn or gru (got lstm) (see train-signals train --help)\n');
    const missing = cli(['evaluate', 'model.json', 'datasets/cbf/test.csv'], { env });
    assert.match(missing.stderr, /^train-signals: evaluate needs --model/);
    const help = cli(['--help'], { env });
    assert.match(help.stdout, /^Commands:$/m);
    assert.doesNotMatch(help.stdout, /Kommandos|erforderlich|Standard:|コマンド/);
  }
});

test('a working folder deleted under the shell is named, exit 2 (yargs\' process.cwd() made it an internal error, even for --help)', () => {
  const gone = join(tempDir('cli-'), 'gone');
  const r = spawnSync('bash', ['-c', `mkdir "${gone}" && cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${CLI}" info "${join(ROOT, 'package.json')}"`], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'train-signals: the current folder no longer exists (deleted or moved after the shell entered it); cd to one that does and run again\n');
});

test('under a cap on address space (ulimit -v) every command runs, with the same bits (the kernel memory was refused, and with two threads V8 ended the process); a library host gets one line saying what to do', { skip: process.platform !== 'linux' }, () => {
  const dir = tempDir('cli-');
  const model = join(dir, 'm.json');
  const capped = join(dir, 'capped.json');
  const args = ['train', 'datasets/cbf/train.csv', '--epochs', '1', '--select', 'off', '--members', '1', '--hidden', '4', '--threads', '2', '--quiet'];
  assert.equal(cliHere([...args, '--out', model]).code, 0);
  const capTo = (kib: number, words: string[]) => spawnSync('bash', ['-c', `ulimit -v ${kib} && exec "${process.execPath}" "${CLI}" ${words.map((w) => `'${w}'`).join(' ')}`], { cwd: ROOT, encoding: 'utf8' });
  const trained = capTo(12_000_000, [...args, '--out', capped]);
  assert.equal(trained.status, 0, trained.stderr);
  assert.deepEqual(JSON.parse(readFileSync(capped, 'utf8')).parameters, JSON.parse(readFileSync(model, 'utf8')).parameters);
  // Six threads' code space does not fit 4 GB: fewer, said so (V8 ended the process), the same bits.
  const few = join(dir, 'few.json');
  const lowered = capTo(4_000_000, [...args.filter((w) => w !== '--quiet').map((w) => (w === '2' ? '6' : w)), '--out', few]);
  assert.equal(lowered.status, 0, lowered.stderr);
  assert.match(lowered.stderr, /warning: 6 threads do not fit this process's cap on address space \(ulimit -v; each thread reserves about [\d.]+ GiB\): training on \d \(the same results(, more slowly)?\)/);
  // Room for one thread: no word of the cores that threads which do not run would have shared.
  const one = capTo(2_000_000, [...args.filter((w) => w !== '--quiet').map((w) => (w === '2' ? '16' : w)), '--out', join(dir, 'one.json')]);
  assert.equal(one.status, 0, one.stderr);
  assert.doesNotMatch(one.stderr, /more than the \d core/);
  assert.match(one.stderr, /16 threads do not fit .*: training on 1 \(the same results, more slowly\)\n/); // fewer than the cores
  assert.deepEqual(JSON.parse(readFileSync(few, 'utf8')).parameters, JSON.parse(readFileSync(model, 'utf8')).parameters);
  const tuned = capTo(4_000_000, ['tune', 'datasets/cbf/train.csv', '--threads', '1,8', '--steps', '2', '--json']);
  assert.equal(tuned.status, 0, tuned.stderr);
  assert.match(tuned.stderr, /warning: 8 thread\(s\) do not fit this process's cap on address space \(ulimit -v; each thread reserves about [\d.]+ GiB\); measuring up to \d/);
  assert.ok((JSON.parse(tuned.stdout) as { rows: { threads: number }[] }).rows.every((row) => row.threads <= 3));
  const predicted = capTo(8_000_000, ['predict', '--model', model, 'datasets/cbf/test.csv']);
  assert.equal(predicted.status, 0, predicted.stderr);
  assert.equal(predicted.stdout, cliHere(['predict', '--model', model, 'datasets/cbf/test.csv']).stdout);
  // By import the process is the host's, started as it was: where its V8 cannot reserve a kernel memory under
  // the cap (Node 20 and 22; Node 24's takes one without the guard region), the refusal says how to start it.
  const host = `import('${join(ROOT, 'dist/src/index.js')}').then(async (t) => { const m = t.loadModel('${model}'); console.log((await t.evaluateFile(m, 'datasets/cbf/test.csv')).accuracy); }).catch((e) => { console.error(e.message); process.exit(e.name === 'UserError' ? 2 : 1); })`;
  const hosted = (script: string, cap = 'ulimit -v 8000000 && ') => spawnSync('bash', ['-c', `${cap}exec "${process.execPath}" -e "${script}"`], { cwd: ROOT, encoding: 'utf8' });
  const reserves = hosted('new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true })').status === 0;
  const lib = hosted(host);
  if (reserves) {
    assert.equal(lib.status, 0, lib.stderr);
    assert.equal(lib.stdout, hosted(host, '').stdout);
    return;
  }
  assert.equal(lib.status, 2, lib.stderr);
  assert.match(lib.stderr, /^could not reserve [\d.]+ MiB of kernel memory: this process may use 7\.62 GiB of address space \(ulimit -v\), and WebAssembly reserves about 10 GiB for each kernel memory; raise the limit \(ulimit -v unlimited\), or run with NODE_OPTIONS=--disable-wasm-trap-handler \(the same results\)\n$/);
});

test('under a cap on address space model selection runs fewer fits at once, the same bits (a fit given several threads starts its own beside the pool\'s: V8 ended the process, exit 133); below what Node 24 needs, one line (V8 ended it, exit 134)', { skip: process.platform !== 'linux' }, () => {
  const dir = tempDir('cli-');
  const small = join(dir, 'small.csv');
  writeFileSync(small, readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n').slice(0, 31).join('\n') + '\n');
  const args = ['train', small, '--epochs', '1', '--select', 'on', '--members', '1', '--hidden', '8', '--threads', '4'];
  const capTo = (kib: number, script: string, words: string[]) => spawnSync('bash', ['-c', `ulimit -v ${Math.floor(kib)} && exec "${process.execPath}" "${script}" ${words.map((w) => `'${w}'`).join(' ')}`], { cwd: ROOT, encoding: 'utf8' });
  const parameters = (file: string) => JSON.parse(readFileSync(file, 'utf8')).parameters;
  const free = cliHere([...args, '--quiet', '--out', join(dir, 'free.json')]);
  assert.equal(free.code, 0, free.stderr);
  const { floor, base, perThread } = capNeeds();
  // Room for four training threads, not for selection's up to seven at once.
  const capped = capTo((base + 4.5 * perThread) / 1024, CLI, [...args, '--out', join(dir, 'capped.json')]);
  assert.equal(capped.status, 0, capped.stderr);
  assert.match(capped.stderr, /warning: model selection runs on 2 of the 4 threads within this process's cap on address space \(ulimit -v; a fit may start threads of its own beside them\): the same results, more slowly/);
  assert.deepEqual(parameters(join(dir, 'capped.json')), parameters(join(dir, 'free.json')));
  // Under the floor, on Node 24 and later, where V8 ended every kernel command and the program loads (on Node 20
  // V8 ends some runs just under it at random, loading included: address-space.test.ts has its message).
  if (Number(process.versions.node.split('.')[0]) >= 24) {
    const kernel = capTo((floor - 0.1 * 2 ** 30) / 1024, CLI, [...args, '--out', join(dir, 'low.json')]);
    assert.equal(kernel.status, 2, kernel.stderr);
    assert.match(kernel.stderr, /^train-signals: this process may use 1\.[34]\d GiB of address space \(ulimit -v\), and Node [\d.]+ needs 1\.5 GiB or more to run the kernel; raise the limit \(ulimit -v unlimited\)\n$/);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['capped.json', 'free.json', 'small.csv']);
});

test('a Node without WebAssembly is one line, exit 2, for every command that scores (evaluate, predict and tune were internal errors)', () => {
  const dir = tempDir('cli-');
  const model = join(dir, 'm.json');
  smallModel(model, 1);
  for (const args of [['predict', '--model', model, 'datasets/cbf/test.csv'], ['evaluate', '--model', model, 'datasets/cbf/test.csv'], ['tune', 'datasets/cbf/train.csv', '--steps', '1']]) {
    const r = cli(args, { env: { NODE_OPTIONS: '--jitless' } });
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, /^train-signals: this Node runs without WebAssembly \(--jitless in NODE_OPTIONS\?\), which the kernel needs; run it without that$/m);
  }
});

test('a flag with a dotted suffix is an unknown flag, exit 2 (yargs read --out.x as an object: an internal error, or a boolean flag taken)', async () => {
  const cases = [
    [['predict', '--model', 'm.json', 'datasets/cbf/test.csv', '--out.x', 'p.csv'], '--out.x', '--out'],
    [['train', 'datasets/cbf/train.csv', '--test.x', 'datasets/cbf/test.csv'], '--test.x', '--test'],
    [['info', 'm.json', '--json.foo=1'], '--json.foo', undefined],
  ] as const;
  const results = await cliLines(cases.map(([args]) => [...args]));
  for (const [i, [args, flag, near]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^train-signals: unknown flag ${flag.replace('.', '\\.')}${near ? `; did you mean ${near}\\?` : ''} \\(see train-signals ${args[0]} --help\\)\\n$`));
  }
});

test('names from file names, headers and model files reach the terminal escaped: warnings, the channels line, info (raw, an escape sequence acted on it)', () => {
  const dir = tempDir('cli-');
  const rows = readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n');
  const header = rows[0].split(',');
  header[1] = 'v\u009b2J\u202e';
  const train = join(dir, 'e\u001b]0;PWNED\u0007\u001b[2J.csv');
  writeFileSync(train, [header.join(','), ...rows.slice(1)].join('\n'));
  // Named unlike the columns after it (t1, t2, …): refused, the name escaped.
  const odd = cliHere(['train', train, '--out', join(dir, 'odd.json')]);
  assert.equal(odd.code, 2, odd.stderr);
  assert.doesNotMatch(odd.stderr, /[\u001b\u0007\u009b\u202e]/);
  assert.match(odd.stderr, /column "v\\u\{9b\}2J\\u\{202e\}" is named unlike the value columns/);
  [header[1], header[64]] = [header[64], header[1]]; // among the others: a value column
  writeFileSync(train, [header.join(','), ...rows.slice(1)].join('\n'));
  const model = join(dir, 'm.json');
  const r = cliHere(['train', train, '--test', train, '--out', model, '--epochs', '1', '--select', 'off', '--members', '1', '--hidden', '4']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /[\u001b\u0007\u009b\u202e]/);
  assert.match(r.stderr, /warning: --test \S*e\\u\{1b\}\]0;PWNED\\u\{7\}\\u\{1b\}\[2J\.csv holds the same bytes as the training file/);
  const info = cliHere(['info', model]);
  assert.equal(info.code, 0, info.stderr);
  assert.doesNotMatch(info.stdout, /[\u001b\u0007\u009b\u202e]/);
});

test('the installed command under a low limit on open files says so in one line, exit 2, or runs (Node 20\'s module loader printed a stack trace; on Node 22, a worker thread that could not start ended the process with one)', { skip: process.platform !== 'linux' }, () => {
  const bin = join(ROOT, 'dist/src/cli/bin.js');
  const capped = (words: string) => spawnSync('bash', ['-c', `ulimit -n 40 && exec "${process.execPath}" "${bin}" ${words}`], { cwd: ROOT, encoding: 'utf8' });
  const loading = 'train-signals: too few files may be open at once to load the program (EMFILE); raise the limit (ulimit -n 1024) and run again\n';
  const help = capped('--help');
  if (help.status === 0) { // Node 22 and later load it with fewer
    assert.equal(help.stderr, '');
    assert.equal(help.stdout, cli(['--help']).stdout);
  } else {
    assert.equal(help.status, 2, help.stderr);
    assert.equal(help.stderr, loading);
  }
  const dir = tempDir('cli-');
  const trained = capped(`train datasets/cbf/train.csv --epochs 1 --select off --members 1 --hidden 4 --threads 8 --quiet --out ${join(dir, 'm.json')}`);
  if (trained.status === 0) return;
  assert.equal(trained.status, 2, trained.stderr);
  assert.ok(trained.stderr === loading || /^train-signals: could not start 8 computing thread\(s\) \(EMFILE: this process has as many files open as its limit allows, ulimit -n\); run with fewer \(--threads 1\) or raise the limit\n$/.test(trained.stderr), trained.stderr);
  assert.deepEqual(readdirSync(dir), []);
});

test('a module the loader cannot find: under a low limit on open files it is taken for the limit (Node 20 reads a package.json it could not open as a missing package), one line; otherwise a damaged installation, one line, as for a module a command loads later (that was an internal error, "this is a bug")', { skip: process.platform !== 'linux' }, () => {
  const dir = tempDir('cli-');
  for (const part of ['src', 'workers', 'kernel']) cpSync(join(ROOT, 'dist', part), join(dir, 'dist', part), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  rmSync(join(dir, 'dist/src/cli/program.js'));
  const run = (limit: number) => spawnSync('bash', ['-c', `ulimit -n ${limit} && exec "${process.execPath}" dist/src/cli/bin.js info m.json`], { cwd: dir, encoding: 'utf8' });
  const low = run(200);
  assert.equal(low.status, 2, low.stderr);
  assert.equal(low.stderr, 'train-signals: too few files may be open at once to load the program (EMFILE); raise the limit (ulimit -n 1024) and run again\n');
  const roomy = run(1024);
  assert.equal(roomy.status, 2, roomy.stderr);
  assert.match(roomy.stderr, /^train-signals: the installation is incomplete \(Cannot find module '[^']*\/dist\/src\/cli\/program\.js' imported from [^)]*\); reinstall train-signals \(in a clone: npm ci && npm run build\)\n$/);

  // A module that only a command loads, once its flags are read.
  copyFileSync(join(ROOT, 'dist/src/cli/program.js'), join(dir, 'dist/src/cli/program.js'));
  rmSync(join(dir, 'dist/src/train/train.js'));
  const later = spawnSync(process.execPath, ['dist/src/cli/bin.js', 'train', join(ROOT, 'datasets/cbf/train.csv'), '--out', 'm.json'], { cwd: dir, encoding: 'utf8' });
  assert.equal(later.status, 2, later.stderr);
  assert.match(later.stderr, /^train-signals: the installation is incomplete \(Cannot find module '[^']*\/dist\/src\/train\/train\.js' imported from [^)]*\); reinstall train-signals \(in a clone: npm ci && npm run build\)\n$/);
  assert.ok(!existsSync(join(dir, 'm.json')));

  // The gradient workers' module, which a worker thread loads (it was "internal error: a gradient worker failed").
  copyFileSync(join(ROOT, 'dist/src/train/train.js'), join(dir, 'dist/src/train/train.js'));
  rmSync(join(dir, 'dist/workers/grad-worker.js'));
  const worker = spawnSync(process.execPath, ['dist/src/cli/bin.js', 'train', join(ROOT, 'datasets/cbf/train.csv'), '--out', 'm.json', '--epochs', '1', '--hidden', '4',
    '--select', 'off', '--members', '1', '--threads', '2', '--quiet'], { cwd: dir, encoding: 'utf8' });
  assert.equal(worker.status, 2, worker.stderr);
  assert.match(worker.stderr, /^train-signals: the installation is incomplete \(Cannot find module '[^']*\/dist\/workers\/grad-worker\.js' imported from [^)]*\); reinstall train-signals/m);
  assert.ok(!existsSync(join(dir, 'm.json')));
});

test('--channels takes a name with a comma in it in double quotes, as the header writes it; messages quote such a name', () => {
  const dir = tmp();
  const file = join(dir, 'long.csv');
  const rows = ['id,t,label,"x,y",noise'];
  for (let n = 0; n < 8; n++) for (let t = 0; t < 6; t++) rows.push(`s${n},${t},${n % 2 ? 'up' : 'down'},${(n % 2 ? t : -t) / 3},${(n * t) % 3}`);
  writeFileSync(file, rows.join('\n') + '\n');
  const args = ['train', file, '--epochs', '1', '--select', 'off', '--members', '1', '--hidden', '4', '--out', join(dir, 'm.json')];
  const r = cliHere([...args, '--channels', '"x,y",noise']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /channels: "x,y", noise/);
  assert.match(cliHere(['info', join(dir, 'm.json')]).stdout, /\n {2}channels \(2\): "x,y", noise, and their first differences\n/);
  const bare = cliHere([...args, '--channels', 'x,y,noise']);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /channel "x" is not a column of the header \(id, t, label, "x,y", noise\)/);
  const open = cliHere([...args, '--channels', '"x,y']);
  assert.match(open.stderr, /^train-signals: --channels "x,y: not a list of names; write a name with a comma in it in double quotes, followed by a comma or the end \("x,y",z\), the rest bare/);
});
