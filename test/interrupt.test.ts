// The CLI under signals and failures, as a user meets them: Ctrl-C finishes the step, writes the checkpoint,
// prints the command that resumes, exits 130, and the resumed run ends with the same model as a run that was
// never interrupted; a second Ctrl-C stops at once without a torn file; a failing gradient worker ends the
// run with exit 1 within seconds; divergence exits 2 and writes no model.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { type Running, start } from './helpers/spawn.js';
import { defaultBuild } from '../src/engine/wasm.js';
import { spawn, spawnSync } from 'node:child_process';
import { BIN, CLI, FAILING_WORKER_HOOK, ROOT } from './helpers/cli.js';
import { parseCheckpoint } from '../src/io/checkpoint.js';
import { signalsHandled } from '../src/cli/interrupt.js';
import { tempDir } from './helpers/temp.js';
import { cliHere } from './helpers/cli-here.js';

/** Outputs of before, as their first bytes tell them (an output replaces only a file of its kind). */
const PREVIOUS_MODEL = '{\n"format": "train-signals/rnn",\n"note": "the previous model"\n}\n';
const OLD_PREDICTIONS = 'file,id,label,predicted,p_a\nold.csv,1,a,a,1\n';

const tmp = () => tempDir('ts-int-');
// Model selection off: these runs are interrupted in training; selection's own interrupt has a test below.
const trainArgs = (epochs: number) => ['train', 'datasets/cbf/train.csv', '--hidden', '24', '--epochs', String(epochs), '--threads', '2', '--val-split', '0.1', '--select', 'off'];
// Ten epochs: an interrupt after epoch 2 leaves 8 of member 1's and the other two members' 20 to resume (the
// resumed runs and the uninterrupted one train them all), and the failing workers' step 25 lies in epoch 3.
const EPOCHS = 10;
const TRAIN = trainArgs(EPOCHS);

function modelWithoutTiming(path: string): unknown {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  delete doc.training.timing;
  delete doc.checksum; // of the text, timing included
  return doc;
}

/** TRAIN's model as an uninterrupted run writes it (trained once, for the tests that compare to it). */
let uninterrupted: Promise<unknown> | undefined;
const reference = () => (uninterrupted ??= (async () => {
  const ref = join(tmp(), 'ref.json');
  const full = cliHere([...TRAIN, '--out', ref, '--quiet']);
  assert.equal(full.code, 0, full.stderr);
  return modelWithoutTiming(ref);
})());

/** A TRAIN run that `stop` ends once epoch 2 is printed: its folder, --out and outcome. */
async function stoppedInTraining(stop: (run: Running) => void) {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const run = start([...TRAIN, '--out', out]);
  await run.waitFor(new RegExp(`epoch +2/${EPOCHS}`));
  stop(run);
  return { dir, out, r: await run.done };
}

test('Ctrl-C: checkpoint, the resume command, exit 130; the resumed run ends bit-identical to an uninterrupted one', async () => {
  const { dir, out, r } = await stoppedInTraining((run) => run.child.kill('SIGINT'));
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGINT received; finishing the current step and writing the checkpoint/);
  assert.match(r.stderr, new RegExp(`interrupted in epoch \\d+ of member 1 of 3 after step \\d+; the checkpoint is ${out}\\.ckpt`));
  assert.ok(!existsSync(out), 'no model from an interrupted run');
  assert.ok(existsSync(`${out}.ckpt`));
  const cmd = /to resume: node \S+ (.*)\n/.exec(r.stderr);
  assert.ok(cmd !== null, r.stderr);
  const args = cmd[1].split(' ');
  assert.deepEqual(args.slice(-2), ['--resume', `${out}.ckpt`]);

  const resumed = cliHere([...args, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(modelWithoutTiming(out), await reference());
  assert.ok(!existsSync(`${out}.ckpt`), 'the default checkpoint is removed once the model is written');
  assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')));
});

test('--resume auto: a requeued job\'s same command line goes on from the run\'s checkpoint, bit-identical; with none there, a fresh run', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const line = [...TRAIN, '--out', out, '--resume', 'auto'];
  const run = start(line);
  await run.waitFor(new RegExp(`epoch +2/${EPOCHS}`));
  run.child.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(existsSync(`${out}.ckpt`) && !existsSync(out));
  assert.match(r.stderr, /no checkpoint at .*m\.json\.ckpt; training afresh\n/);
  // The log and --json say which it did (a script's log showed only an epoch count that began past 1).
  const again = cliHere([...line, '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`^going on from the checkpoint ${out}\\.ckpt \\(member 1 of 3, epoch \\d+ of ${EPOCHS} trained\\)$`, 'm'));
  assert.equal(JSON.parse(again.stdout).resumed, `${out}.ckpt`);
  assert.deepEqual(modelWithoutTiming(out), await reference());
  assert.ok(!existsSync(`${out}.ckpt`));
  const fresh = join(dir, 'fresh.json');
  const first = cliHere(['train', 'datasets/motion/train.csv', '--hidden', '4', '--epochs', '1', '--select', 'off', '--json', '--out', fresh, '--resume', 'auto']);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(existsSync(fresh));
  assert.equal(JSON.parse(first.stdout).resumed, null);
  // A file named auto is not what --resume auto reads: said so.
  writeFileSync(join(dir, 'auto'), 'x');
  const beside = cliHere(['train', join(ROOT, 'datasets/motion/train.csv'), '--hidden', '4', '--epochs', '1', '--select', 'off', '--out', 'b.json', '--resume', 'auto'], { cwd: dir });
  assert.equal(beside.code, 0, beside.stderr);
  assert.match(beside.stderr, /warning: --resume auto resumes the run's own checkpoint \(--checkpoint, or --out \+ \.ckpt\); the file \.\/auto here is not read/);
});

test('stderr\'s reader going away while training (train … 2>&1 | head) stops it as Ctrl-C does: the checkpoint, exit 141 as SIGPIPE; --resume ends bit-identical', async () => {
  const { out, r } = await stoppedInTraining((run) => run.child.stderr!.destroy()); // the next progress line meets a closed pipe (EPIPE)
  assert.equal(r.code, 141);
  assert.ok(!existsSync(out), 'no model from a stopped run');
  assert.ok(existsSync(`${out}.ckpt`), 'the work done is in the checkpoint');
  const resumed = cliHere([...TRAIN, '--out', out, '--resume', `${out}.ckpt`, '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(modelWithoutTiming(out), await reference());
});

test('Ctrl-C during model selection: exit 130, a checkpoint of the scores so far; the resumed run ends bit-identical', async () => {
  const dir = tmp();
  const args = ['train', 'datasets/cbf/train.csv', '--hidden', '12', '--epochs', '20', '--threads', '2'];
  const ref = join(dir, 'ref.json');
  const full = cliHere([...args, '--out', ref, '--quiet']);
  assert.equal(full.code, 0, full.stderr);
  const out = join(dir, 'm.json');
  const run = start([...args, '--out', out]);
  await run.waitFor(/selecting, stage 1: 2\/4/);
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(!/^epoch/m.test(r.stderr), 'stopped before training');
  const ck = parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'ckpt');
  assert.equal(ck.state, undefined);
  assert.ok(Object.keys(ck.selection!.scores).length >= 2);
  const cmd = /to resume: node \S+ (.*)\n/.exec(r.stderr);
  assert.ok(cmd !== null, r.stderr);
  const resumed = cliHere([...cmd[1].split(' '), '--quiet']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(modelWithoutTiming(out), modelWithoutTiming(ref));
});

test('Ctrl-C stops a one-thread run too (its steps run on the main thread)', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const run = start([...trainArgs(3000).map((a) => (a === '2' ? '1' : a)), '--out', out]);
  await run.waitFor(/epoch +1\/3000/); // epoch 1 is always shown; then about every 150th
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGINT received/);
  parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'm.json.ckpt');
});

test('on a terminal, Ctrl-C’s message starts on its own line, not after the progress bar and the echoed ^C', async () => {
  const dir = tmp();
  // script(1) runs the CLI on a pseudo-terminal: the progress bar is drawn, and \x03 typed there is Ctrl-C.
  const command = [process.execPath, CLI, ...trainArgs(3000), '--out', join(dir, 'm.json')].map((a) => `'${a}'`).join(' ');
  // A terminal that redraws: not one a CI service's log records (CI set turns the bar off, docs/cli.md), nor TERM=dumb.
  const { CI: _ci, ...env } = process.env;
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...env, NO_COLOR: '1', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let typed = false;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    if (!typed && /epoch +1\/3000 .*\d+\/\d+/.test(screen)) {
      typed = true; // the bar of epoch 1 is on the screen, without its newline
      child.stdin.write('\x03');
    }
    if (!typed && /epoch +150\/3000/.test(screen)) child.kill(); // no bar drawn: fail now, not after 3000 epochs
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(typed, screen);
  assert.match(screen, /(^|\n)train-signals: SIGINT received; finishing the current step/, JSON.stringify(screen.slice(-400)));
  assert.equal(code, 130, screen.slice(-400));
});

/** A long run sent `signal` once its first epoch line is shown (epoch 1 is always shown; then about every 150th). */
async function signalledInTraining(signal: NodeJS.Signals) {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const run = start([...trainArgs(3000), '--out', out]);
  await run.waitFor(/epoch +1\/3000/);
  run.child.kill(signal);
  return { dir, out, r: await run.done };
}

test('SIGTERM is handled like Ctrl-C', async () => {
  const { out, r } = await signalledInTraining('SIGTERM');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGTERM received/);
  parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'm.json.ckpt');
});

test('SIGUSR1 (a batch system\'s warning before its time limit) is handled like SIGTERM; Node\'s debugger does not open to it', { skip: process.platform === 'win32' }, async () => {
  const { out, r } = await signalledInTraining('SIGUSR1');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /SIGUSR1 received; finishing the current step/);
  assert.doesNotMatch(r.stderr, /Debugger listening/);
  parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'm.json.ckpt');
});

test('SIGUSR1 while the program loads stops the command at once; Node\'s debugger does not open to it', { skip: process.platform === 'win32' }, async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const run = start([...trainArgs(3), '--out', out], { entry: BIN, node: ['--import', new URL('./fixtures/slow-start-hook.js', import.meta.url).href] });
  await run.waitFor(/slow-start: holding the program/);
  run.child.kill('SIGUSR1');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^train-signals: stopped at once \(SIGUSR1\); files already written are intact$/m);
  assert.doesNotMatch(r.stderr, /Debugger listening/);
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
});

// A closed terminal: training stops as for SIGTERM, and the process then ends by the hangup itself (Node's own
// exit would abort restoring a terminal that is gone).
test('SIGHUP stops training gracefully: checkpoint, resume line, no lock left; the process ends by SIGHUP', async () => {
  const { dir, out, r } = await signalledInTraining('SIGHUP');
  assert.equal(r.signal, 'SIGHUP', `exit ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /SIGHUP received; finishing the current step/);
  assert.match(r.stderr, /to resume: .*--resume /);
  parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'm.json.ckpt');
  assert.deepEqual(readdirSync(dir), ['m.json.ckpt'], 'no lock, no model');
});

test('a second Ctrl-C stops at once, even inside a long step; whatever is on disk is whole', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  writeFileSync(out, PREVIOUS_MODEL);
  // Eight sequences of 100,000 steps, one batch, two chunks of four: each thread, the main one too, computes for
  // seconds at a time (H 160), where no JavaScript signal handler can run. Truncated BPTT keeps a thread's memory
  // small: full BPTT would store a gigabyte of states per thread, and touching it first doubled the first step.
  const T = 100_000;
  const rows = Array.from({ length: 8 }, (_, n) => `${n % 2 ? 'a' : 'b'},` + Array.from({ length: T }, (_, t) => Math.sin(t * (n % 2 ? 0.01 : 0.02)).toFixed(3)).join(','));
  const data = join(dir, 'long.csv');
  writeFileSync(data, `label,${Array.from({ length: T }, (_, t) => `t${t}`).join(',')}\n${rows.join('\n')}\n`);
  const run = start(['train', data, '--hidden', '160', '--stride', '1', '--bptt', '100', '--batch-size', '8', '--epochs', '50', '--threads', '2',
    '--select', 'off', '--out', out, '--checkpoint', join(dir, 'c.ckpt')]);
  await run.waitFor(/epoch +1\/50/);
  run.child.kill('SIGINT');
  await run.waitFor(/SIGINT received; finishing the current step/);
  const t0 = performance.now();
  run.child.kill('SIGINT');
  const r = await run.done;
  const seconds = (performance.now() - t0) / 1000;
  assert.ok(r.code === 130 || r.signal === 'SIGINT', `code ${r.code}, signal ${r.signal}: ${r.stderr}`); // a shell sees 130 either way
  assert.ok(seconds < 1, `the second Ctrl-C took ${seconds.toFixed(2)} s to end the process`);
  assert.equal(readFileSync(out, 'utf8'), PREVIOUS_MODEL);
  const ck = join(dir, 'c.ckpt');
  if (existsSync(ck)) parseCheckpoint(readFileSync(ck, 'utf8'), ck); // an epoch-end checkpoint, whole
});

for (const [kind, at] of [['throw', 2], ['exit', 2], ['throw', 25]] as const) {
  test(`a gradient worker that ${kind === 'throw' ? 'throws' : 'exits'} in step ${at}: exit 1 within seconds, failure named, no model`, async () => {
    const dir = tmp();
    const out = join(dir, 'm.json');
    // --readout mean: no probe runs before training, so the failing worker's step count is training's.
    // --checkpoint-every 0: a checkpoint at every epoch end, so the one of epoch 2 is there to be named.
    const r = await start([...TRAIN, '--readout', 'mean', '--checkpoint-every', '0', '--out', out, '--quiet'], {
      node: ['--import', FAILING_WORKER_HOOK], env: { TRAIN_SIGNALS_TEST_FAIL: `${kind}@${at}` },
    }).done;
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.seconds < 15, `took ${r.seconds} s`);
    assert.match(r.stderr, /^train-signals: internal error: a gradient worker failed: /);
    assert.match(r.stderr, kind === 'throw' ? /injected fault/ : /exited with code/);
    // Step 25 lies in epoch 3 (9 steps an epoch): the checkpoint of epoch 2 is named and kept.
    if (at === 25) {
      assert.match(r.stderr, new RegExp(`the last good checkpoint \\(after epoch 2 of member 1 of 3\\) is ${out}\\.ckpt`));
      parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'ckpt');
    }
    assert.ok(!existsSync(out));
  });
}

test('divergence: one line saying what to try, exit 2, the existing model untouched', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  writeFileSync(out, PREVIOUS_MODEL);
  const r = cliHere([...TRAIN, '--out', out, '--optimizer', 'sgd', '--lr', '1e38', '--clip', '0']);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('train-signals:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /training diverged in epoch \d+, step \d+: .*try a smaller --lr \(now 1e\+38\) or gradient clipping.*no model was written/);
  assert.equal(readFileSync(out, 'utf8'), PREVIOUS_MODEL);
});

test('Ctrl-C while a large model\'s weights are drawn (seconds at H 1024): exit 130 at once, nothing written', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const run = start(['train', 'datasets/motion/train.csv', '--hidden', '1024', '--members', '1', '--select', 'off', '--epochs', '1', '--threads', '1', '--out', out]);
  while (!existsSync(`${out}.ckpt.lock`)) await new Promise((resolve) => setTimeout(resolve, 20)); // past the checks
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the data are loaded; the orthogonal W_hh are drawn
  const sent = performance.now();
  run.child.kill('SIGINT');
  const r = await run.done;
  const ms = performance.now() - sent;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(ms < 3000, `stopped ${Math.round(ms)} ms after the signal`);
  assert.ok(!existsSync(out));
  assert.ok(!existsSync(`${out}.ckpt.lock`));
});

test('divergence in every model-selection candidate: one line, exit 2, no model and no checkpoint left to block the rerun', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  // (At 1e30 every unit saturates and passes no gradient: the readout alone grows, to losses near 1e30 but finite.)
  const r = cliHere(['train', 'datasets/cbf/train.csv', '--hidden', '4', '--epochs', '2', '--threads', '2', '--out', out, '--lr', '1e38', '--clip', '0']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^train-signals: model selection: every candidate diverged on every fold; try a smaller --lr \(now 1e\+38\) or gradient clipping, e\.g\. --clip 1; no model or checkpoint was written$/m);
  assert.deepEqual(readdirSync(dir), []);
  // Weight decay as the cause is named too.
  const wd = cliHere([...TRAIN, '--out', out, '--weight-decay', '1e6']);
  assert.equal(wd.code, 2, wd.stderr);
  assert.match(wd.stderr, /training diverged in epoch \d+, step \d+: .*try a smaller --lr \(now [^)]*\), a smaller --clip \(now 1\) or a smaller --weight-decay \(now 1000000\); no model was written/);
  assert.deepEqual(readdirSync(dir), []);
});

test('--resume refuses other hyperparameters or other data, and may extend --epochs', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const ck = join(dir, 'kept.ckpt');
  const args = (epochs: number, ...extra: string[]) =>
    ['train', 'datasets/motion/train.csv', '--hidden', '4', '--epochs', String(epochs), '--threads', '1', '--quiet', '--out', out, '--checkpoint', ck, '--members', '1', ...extra];
  const first = cliHere(args(2));
  assert.equal(first.code, 0, first.stderr);
  assert.ok(existsSync(ck), 'a checkpoint named with --checkpoint is kept');

  const hidden = cliHere([...args(2), '--resume', ck].map((a) => (a === '4' ? '5' : a)));
  assert.equal(hidden.code, 2);
  assert.match(hidden.stderr, /^train-signals: .*kept\.ckpt: this run has --hidden 5 but the checkpoint was trained with --hidden 4; resume with the command that started the run/);

  // Another kernel, or the wasm kernel's other build, rounds otherwise: the model would be neither run's.
  const was = `wasm-${defaultBuild()}`; // fma wherever relaxed SIMD compiles
  const others: Array<[string[], Record<string, string>, string]> = [[['--kernel', 'ts'], {}, 'ts']];
  if (was === 'wasm-fma') others.push([[], { TRAIN_SIGNALS_KERNEL: 'plain' }, 'wasm-plain']);
  for (const [extra, env, now] of others) {
    const other = await start([...args(2), '--resume', ck, ...extra], { env }).done;
    assert.equal(other.code, 2, other.stderr);
    const how = was === 'wasm-fma' ? 'resume it with TRAIN_SIGNALS_KERNEL unset, on a CPU with FMA' : 'resume it with TRAIN_SIGNALS_KERNEL=plain';
    assert.match(other.stderr, new RegExp(`kept\\.ckpt: the kernel here is "${now}" but the checkpoint was trained with "${was}", which rounds otherwise, so the model would be neither run's; ${how}`));
  }
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).training.timing.kernel, was);

  const kept = readFileSync(ck);
  const other = cliHere([...args(2), '--resume', ck].map((a) => (a === 'datasets/motion/train.csv' ? 'datasets/motion/test.csv' : a)));
  assert.equal(other.code, 2);
  assert.match(other.stderr, /the training data differ from the data this checkpoint was trained on/);
  assert.deepEqual(readFileSync(ck), kept, 'refused before anything was written');
  // Other selection candidates (a fixed --resample leaves the lengths out of them): refused, the checkpoint kept.
  const fixed = cliHere([...args(2), '--resume', ck, '--resample', '50']);
  assert.equal(fixed.code, 2, fixed.stderr);
  assert.match(fixed.stderr, /this run has --resample 50 but the checkpoint was trained with --resample (off|\d+)/);
  assert.deepEqual(readFileSync(ck), kept, 'selection did not overwrite the checkpoint of the final fit');
  // Fewer epochs than it has trained: refused (it wrote the last weights with a history past its --epochs).
  const fewer = cliHere([...args(1), '--resume', ck]);
  assert.equal(fewer.code, 2, fewer.stderr);
  assert.match(fewer.stderr, /kept\.ckpt: --epochs 1 is fewer than the 2 epochs this checkpoint's run has trained; give 2 or more to resume it/);
  assert.doesNotMatch(fewer.stderr, /warning: resuming with --epochs 1/, 'no warning of a run the refusal does not start');
  assert.deepEqual(readFileSync(ck), kept);

  const more = cliHere([...args(4), '--resume', ck]);
  assert.equal(more.code, 0, more.stderr);
  const model = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(model.training.history.length, 4);

  // An ensemble's checkpoint after its first members: they trained 2 epochs, so the rest must too.
  const ensemble = (epochs: number, ...extra: string[]) => [...args(epochs).slice(0, -2), '--members', '2', ...extra];
  // A fresh run would write over the checkpoint kept: refused, the checkpoint as it was; deleted, it starts.
  const kept4 = readFileSync(ck);
  const over = cliHere(ensemble(2));
  assert.equal(over.code, 2);
  assert.match(over.stderr, /kept\.ckpt: a checkpoint of an earlier run is there .*continue it with --resume .*kept\.ckpt, or delete it/);
  assert.deepEqual(readFileSync(ck), kept4);
  // So would one whose --out has an interrupted run's checkpoint beside it (the default --checkpoint).
  const fresh = join(dir, 'fresh.json');
  writeFileSync(`${fresh}.ckpt`, kept4);
  const beside = cliHere(['train', 'datasets/motion/train.csv', '--hidden', '4', '--epochs', '1', '--threads', '1', '--quiet', '--out', fresh]);
  assert.equal(beside.code, 2);
  assert.match(beside.stderr, /fresh\.json\.ckpt: a checkpoint of an earlier run is there/);
  assert.deepEqual(readFileSync(`${fresh}.ckpt`), kept4);
  assert.ok(!existsSync(fresh));
  rmSync(ck);
  const two = cliHere(ensemble(2));
  assert.equal(two.code, 0, two.stderr);
  const longer = cliHere(ensemble(3, '--resume', ck));
  assert.equal(longer.code, 2);
  // its last checkpoint, as the second member ended: both members finished
  assert.match(longer.stderr, /this run has --epochs 3 but 2 finished member\(s\) of this ensemble were trained with --epochs 2/);
});

test('a second run writing the same checkpoint is refused while the first runs; a stale lock is taken over', async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const lockedBy = async (pid: number | undefined) => {
    while (!(existsSync(`${out}.ckpt.lock`) && readFileSync(`${out}.ckpt.lock`, 'utf8').startsWith(`${pid}\n`))) await new Promise((r) => setTimeout(r, 20));
  };
  const first = start([...trainArgs(100000), '--out', out, '--checkpoint-every', '0']);
  await lockedBy(first.child.pid); // the run holds a lock beside its checkpoint
  const second = cliHere([...trainArgs(5), '--out', out, '--seed', '2']);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /m\.json\.ckpt: another run \(process \d+\) is writing this checkpoint, or the model file it is beside; wait for it to finish, or give another --out or --checkpoint/);
  while (!existsSync(`${out}.ckpt`)) await new Promise((resolve) => setTimeout(resolve, 20)); // training
  first.child.kill('SIGINT');
  const r = await first.done;
  assert.equal(r.code, 130, r.stderr);
  assert.ok(existsSync(`${out}.ckpt`), 'the interrupted run\'s checkpoint is kept');
  assert.ok(!existsSync(`${out}.ckpt.lock`), 'and its lock released');
  // A lock whose process is gone (killed with -9) does not stand in the way of resuming.
  const gone = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => gone.on('exit', resolve));
  writeFileSync(`${out}.ckpt.lock`, `${gone.pid}\n${hostname()}\n`);
  const cmd = /to resume: node \S+ (.*)\n/.exec(r.stderr);
  assert.ok(cmd !== null, r.stderr);
  const resumed = start([...cmd[1].split(' ')]);
  await lockedBy(resumed.child.pid);
  resumed.child.kill('SIGINT');
  assert.equal((await resumed.done).code, 130);
  assert.ok(!existsSync(`${out}.ckpt.lock`));
});

// A lock left by a process killed at once (a second Ctrl-C) names its id, which a later process may be given.
test('a lock whose process id now belongs to another process (another start time) is taken over; one of the same process is not', { skip: !existsSync('/proc/self/stat') }, async () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const ourStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const args = ['train', 'datasets/motion/train.csv', '--hidden', '4', '--epochs', '1', '--threads', '1', '--select', 'off', '--quiet', '--out', out];
  writeFileSync(`${out}.ckpt.lock`, `${process.pid}\n${hostname()}\n${ourStart}\n`); // this test's own process: alive
  const refused = cliHere(args);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /another run \(process \d+\) is writing this checkpoint/);
  writeFileSync(`${out}.ckpt.lock`, `${process.pid}\n${hostname()}\n1\n`); // the same id, another (earlier) process
  const taken = cliHere(args);
  assert.equal(taken.code, 0, taken.stderr);
  assert.ok(existsSync(out) && !existsSync(`${out}.ckpt.lock`));
});

test('Ctrl-C while predict writes --out: exit 130, no temp file left, an existing output untouched', async () => {
  const dir = tempDir('ts-int-predict-');
  const model = join(dir, 'm.json');
  assert.equal(cliHere(['train', 'datasets/cbf/train.csv', '--out', model, '--epochs', '1', '--hidden', '4', '--select', 'off', '--quiet']).code, 0);
  const out = join(dir, 'p.csv');
  writeFileSync(out, OLD_PREDICTIONS);
  const p = start(['predict', '--model', model, '-', '--out', out], { stdin: true });
  const lines = readFileSync('datasets/cbf/test.csv', 'utf8').split('\n');
  p.child.stdin!.write(lines.slice(0, 50).join('\n') + '\n'); // and keep the pipe open: predict waits for more
  for (let i = 0; i < 200 && !readdirSync(dir).some((n) => n.endsWith('.tmp')); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(readdirSync(dir).some((n) => n.endsWith('.tmp')), 'predict has opened its temp file');
  p.child.kill('SIGINT');
  const r = await p.done;
  assert.equal(r.code, 130, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['m.json', 'p.csv']);
  assert.equal(readFileSync(out, 'utf8'), OLD_PREDICTIONS);
});

// evaluate scores its last file synchronously; a Ctrl-C then waits for the event loop, and must stop the command
// before the tables and the report are written (cli/commands/evaluate.ts awaits signalsHandled() first).
test('signalsHandled() resolves only after a signal that came during synchronous work was handled', async () => {
  let handled = false;
  const onSignal = () => (handled = true);
  process.on('SIGWINCH', onSignal);
  try {
    await readFile(join(ROOT, 'package.json')); // as after reading a file: on in the loop's poll phase
    process.kill(process.pid, 'SIGWINCH'); // one Node ignores unheard (SIGUSR2 writes a diagnostic report on Node 24)
    const until = Date.now() + 50;
    while (Date.now() < until); // the scoring
    assert.equal(handled, false, 'no handler runs during synchronous work');
    await signalsHandled();
    assert.equal(handled, true);
  } finally {
    process.removeListener('SIGWINCH', onSignal);
  }
});

test('under a cap on address space the command runs in a child Node: SIGTERM to the command is passed on, and the command killed outright stops its child within seconds, each with its checkpoint', { skip: process.platform !== 'linux' }, async () => {
  for (const how of ['SIGTERM', 'SIGKILL'] as const) {
    const dir = tempDir('ts-rerun-');
    const out = join(dir, 'm.json');
    const words = ['train', 'datasets/cbf/train.csv', '--epochs', '100000', '--hidden', '4', '--members', '1', '--select', 'off', '--threads', '1', '--out', out];
    const parent = spawn('bash', ['-c', `ulimit -v 12000000 && exec "${process.execPath}" "${CLI}" ${words.map((w) => `'${w}'`).join(' ')}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    parent.stderr.on('data', (b) => { stderr += b; });
    const exited = new Promise<number | null>((resolve) => parent.on('exit', (code) => resolve(code)));
    while (!/^epoch/m.test(stderr)) await new Promise((resolve) => setTimeout(resolve, 50)); // training, in the child
    parent.kill(how);
    const code = await exited;
    if (how === 'SIGTERM') assert.equal(code, 130, stderr);
    const t0 = Date.now();
    while (existsSync(`${out}.ckpt.lock`) && Date.now() - t0 < 15_000) await new Promise((resolve) => setTimeout(resolve, 100)); // the child's lock goes as it ends
    assert.ok(!existsSync(`${out}.ckpt.lock`), `${how}: the child still runs 15 s on: ${stderr}`);
    parseCheckpoint(readFileSync(`${out}.ckpt`, 'utf8'), 'ckpt'); // whole, to resume from
  }
});

test('a soft limit on CPU time (ulimit -t: SIGXCPU, then once a second until the hard limit) stops training as SIGTERM does: the checkpoint, the resume line, exit 130', { skip: process.platform !== 'linux' }, () => {
  const dir = tmp();
  const out = join(dir, 'm.json');
  const words = ['train', 'datasets/cbf/train.csv', '--epochs', '100000', '--hidden', '4', '--members', '1', '--select', 'off', '--threads', '1', '--out', out];
  const r = spawnSync('bash', ['-c', `ulimit -S -t 2; ulimit -H -t 60; exec "${process.execPath}" "${CLI}" ${words.map((w) => `'${w}'`).join(' ')}`], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 130, r.stderr); // it was killed by the signal (152), with no checkpoint of the work since the last
  assert.match(r.stderr, /SIGXCPU received; finishing the current step and writing the checkpoint/);
  assert.match(r.stderr, /to resume: .* --resume /);
  assert.ok(existsSync(`${out}.ckpt`));
  assert.ok(!existsSync(`${out}.ckpt.lock`), 'the lock is released');
});
