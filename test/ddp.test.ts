// examples/pytorch_ddp.py, the DistributedDataParallel example: a model trained and exported here goes on training
// under torchrun with two CPU processes (gloo) on datasets/cbf/train.csv, and what it writes has the input's
// tensor names, shapes and __metadata__, new parameters, and a held-out accuracy (train-signals evaluate on
// datasets/cbf/test.csv) no worse than the initial model's less 2 points; `export --onnx` takes it. A tanh RNN
// (readout mean) and a GRU (readout last), both bidirectional with frame stacking (stride auto: 4). One step of
// the example is held to one step of train-signals from the same file (a tanh RNN, a GRU of two layers). Another test holds the
// example's batched forward pass (padded, packed) to tools/torch_predict.py's, one sequence at a time, on
// sequences of different lengths in the long layout. No PyTorch is a failure, not a skip: .ci/run
// installs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './helpers/cli.js';
import { cliHere } from './helpers/cli-here.js';
import { loadSafetensors } from '../src/io/safetensors.js';
import { loadDataSet } from '../src/data/csv.js';

const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
const EXAMPLE = fileURLToPath(new URL('../../examples/pytorch_ddp.py', import.meta.url));
const TORCHRUN = '/usr/bin/torchrun';
const EPOCHS = 5; // the continued run's; the initial model trains for 10 with the CLI
const tmp = () => tempDir('ts-ddp-');

/** Fails (never skips) with what to install when PYTHON cannot import torch; checked once per file (importing torch takes seconds). */
let haveTorch = false;
function requireTorch(): void {
  if (haveTorch) return;
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) {
    assert.fail(`${PYTHON} cannot import torch (${(r.error?.message ?? r.stderr.trim().split('\n').at(-1)) || 'no output'}): ` +
      'install Debian\'s PyTorch with apt-get install -y python3-torch libopenblas0-pthread (as .ci/run does), or set TORCH_PYTHON');
  }
  haveTorch = true;
}

/**
 * torchrun (or `python -m torch.distributed.run` where there is none, or TORCH_PYTHON is set) with its flags:
 * a c10d rendezvous on port 0 (a free one, no fixed port to collide on), and --redirects 2 --tee 2, because
 * torch 1.13's launcher on Python 3.11 (Debian 12) cannot parse its own defaults ("0": Std.from_str returns None,
 * AttributeError: 'NoneType' object has no attribute 'get'); 2 tees the workers' stderr, stdout stays as it is.
 */
function launcher(logDir: string): string[] {
  const run = process.env.TORCH_PYTHON === undefined && existsSync(TORCHRUN) ? [TORCHRUN] : [PYTHON, '-m', 'torch.distributed.run'];
  return [...run, '--nproc_per_node=2', '--rdzv_backend=c10d', '--rdzv_endpoint=localhost:0', '--redirects', '2', '--tee', '2', '--log_dir', logDir];
}

/** Held-out accuracy of a model file on datasets/cbf/test.csv, by `train-signals evaluate --json`. */
function accuracy(model: string): number {
  const r = cliHere(['evaluate', '--model', model, 'datasets/cbf/test.csv', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).files[0].accuracy;
}

/** A safetensors file's header: each tensor's dtype and shape (offsets aside), and __metadata__. */
function header(file: string): Record<string, unknown> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const h = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  for (const [name, t] of Object.entries<any>(h)) if (name !== '__metadata__') h[name] = { dtype: t.dtype, shape: t.shape };
  return h;
}

for (const [cell, readout] of [['rnn', 'mean'], ['gru', 'last']] as const) {
  test(`examples/pytorch_ddp.py continues a ${cell.toUpperCase()} model (readout ${readout}) under torchrun with 2 processes; train-signals evaluates and exports the result`, (t) => {
    requireTorch();
    const dir = tmp();
    const json = join(dir, 'm.json');
    const init = join(dir, 'm.safetensors');
    const out = join(dir, 'continued.safetensors');
    const tr = cliHere(['train', 'datasets/cbf/train.csv', '--out', json, '--hidden', '16', '--select', 'off', '--members', '1', '--epochs', '10',
      '--cell', cell, '--readout', readout, '--seed', '1', '--threads', '2', '--quiet']);
    assert.equal(tr.code, 0, tr.stderr);
    const ex = cliHere(['export', '--model', json, '--safetensors', init]);
    assert.equal(ex.code, 0, ex.stderr);

    const [command, ...args] = launcher(join(dir, 'logs'));
    const started = Date.now();
    const r = spawnSync(command, [...args, EXAMPLE, '--init', init, '--data', 'datasets/cbf/train.csv', '--epochs', String(EPOCHS),
      '--lr', '1e-3', '--batch-size', '16', '--seed', '1', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.status, 0, `torchrun failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /300 sequences, 2 process\(es\), gloo/);
    assert.match(r.stdout, new RegExp(`epoch ${EPOCHS}/${EPOCHS}: loss`));
    t.diagnostic(`torchrun, ${EPOCHS} epochs: ${seconds.toFixed(1)} s; ${r.stdout.trim().split('\n').filter((l) => l.startsWith('epoch')).join('; ')}`);

    // The same names, dtypes, shapes and __metadata__ (as the same strings), and other parameters.
    assert.deepEqual(header(out), header(init));
    const before = loadSafetensors(init).parameters;
    const after = loadSafetensors(out).parameters;
    assert.equal(after.length, before.length);
    const changed = after.filter((x, i) => x !== before[i]).length;
    assert.ok(changed > after.length / 2, `only ${changed} of ${after.length} parameters changed`);

    const a0 = accuracy(init);
    const a1 = accuracy(out);
    t.diagnostic(`held-out accuracy on datasets/cbf/test.csv: initial ${a0.toFixed(4)}, continued ${a1.toFixed(4)}`);
    assert.ok(a1 >= a0 - 0.02, `continued accuracy ${a1} fell more than 2 points below the initial ${a0}`);

    const onnx = cliHere(['export', '--model', out, '--onnx', join(dir, 'continued.onnx')]);
    assert.equal(onnx.code, 0, onnx.stderr);
  });
}

/** A safetensors file's F32 tensors by name (flat). */
function tensors(file: string): Map<string, Float32Array> {
  const bytes = readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const h = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const out = new Map<string, Float32Array>();
  for (const [name, t] of Object.entries<any>(h)) {
    if (name === '__metadata__') continue;
    const [from, to] = t.data_offsets as [number, number];
    out.set(name, new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + n + from, bytes.byteOffset + 8 + n + to)));
  }
  return out;
}

// One optimizer step of the example (one process, the whole file as one batch) against one step of train-signals
// from the same file with the same recipe (Adam, constant rate, clipping at 1, no augmentation): every parameter
// lands where ours does. nn.RNN and nn.GRU keep two biases where train-signals keeps one (bias_hh's rows that are
// added to bias_ih's): trained as two, their sum would take twice our step.
for (const [cell, layers] of [['rnn', '1'], ['gru', '2']] as const) {
  test(`examples/pytorch_ddp.py: one step from an exported ${cell.toUpperCase()} model of ${layers} layer(s) moves every parameter as train-signals' step does, the biases PyTorch holds twice as one`, (t) => {
    requireTorch();
    const dir = tmp();
    const [json, init, ours, stepped, theirs] = ['m.json', 'm.safetensors', 'ours.json', 'ours.safetensors', 'theirs.safetensors'].map((f) => join(dir, f));
    const lr = '0.01';
    const trained = cliHere(['train', 'datasets/cbf/train.csv', '--out', json, '--hidden', '8', '--select', 'off', '--members', '1', '--epochs', '2',
      '--cell', cell, '--layers', layers, '--readout', 'mean', '--threads', '1', '--quiet']);
    assert.equal(trained.code, 0, trained.stderr);
    assert.equal(cliHere(['export', '--model', json, '--safetensors', init]).code, 0);
    const step = cliHere(['train', 'datasets/cbf/train.csv', '--init', init, '--out', ours, '--epochs', '1', '--batch-size', '300', '--lr', lr,
      '--schedule', 'constant', '--clip', '1', '--noise', '0', '--warp', '0', '--mixup', '0', '--select', 'off', '--members', '1', '--threads', '1', '--quiet']);
    assert.equal(step.code, 0, step.stderr);
    assert.equal(cliHere(['export', '--model', ours, '--safetensors', stepped]).code, 0);
    const r = spawnSync(PYTHON, [EXAMPLE, '--init', init, '--data', 'datasets/cbf/train.csv', '--epochs', '1', '--batch-size', '300', '--lr', lr, '--out', theirs],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);

    const [a, b, c] = [tensors(init), tensors(stepped), tensors(theirs)];
    assert.deepEqual([...c.keys()], [...b.keys()]);
    // Adam's first step moves a parameter by lr·g/(|g| + 1e-8): lr against the gradient's sign, nothing where it is
    // 0. Where |g| is within a few decades of 1e-8 the step follows g's float32 rounding, which differs between
    // the two (sums in another order): there a step may differ by a little; a gradient of the other sign, or a
    // bias moved twice, differs by lr or more.
    let moved = 0;
    let close = 0;
    let largest = 0;
    for (const [name, mine] of b) {
      const other = c.get(name)!;
      for (let i = 0; i < mine.length; i++) {
        const d = Math.abs(other[i] - mine[i]);
        if (mine[i] !== a.get(name)![i]) moved++;
        if (d <= 1e-4 * Number(lr)) close++;
        largest = Math.max(largest, d);
        assert.ok(d <= 0.05 * Number(lr), `${name}[${i}]: ours ${mine[i]}, the example's ${other[i]} (from ${a.get(name)![i]})`);
      }
    }
    const all = [...b.values()].reduce((n, x) => n + x.length, 0);
    t.diagnostic(`largest difference ${largest.toExponential(2)} (lr ${lr}); ${close} of ${all} parameters within 1e-4 lr`);
    assert.ok(close >= 0.99 * all, `${close} of ${all} parameters within 1e-4 lr of ours`);
    const tied = [...b].filter(([name]) => name.startsWith('rnn.bias_hh')).reduce((n, [, x]) => n + (cell === 'gru' ? (x.length * 2) / 3 : x.length), 0);
    assert.equal(moved, all - tied, 'every parameter but the biases held twice moved');
  });
}

// The example's forward pass on a zero-padded batch of mixed lengths, packed, against tools/torch_predict.py's on
// each sequence alone (which test/torch-load.test.ts holds to our score()).
const SAME_FORWARD = `
import importlib.util, sys, torch
sys.path.insert(0, sys.argv[1])
import torch_predict
spec = importlib.util.spec_from_file_location('pytorch_ddp', sys.argv[2])
ddp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ddp)
channels, sequences = ddp.read_data(sys.argv[3], 'auto', 'label', 'id', 't')
lengths = sorted({len(v) for v, _, _ in sequences})
for path in sys.argv[4:]:
    tensors, metadata = ddp.read_safetensors(path)
    model = ddp.SignalClassifier(tensors, metadata, path)
    x, n, y = ddp.collate(ddp.examples(model, sys.argv[3], channels, sequences))
    t, meta = torch_predict.read_safetensors(path)
    rnn, fc, stride = torch_predict.build(t, meta)
    with torch.no_grad():
        ours = torch.softmax(model(x, n), 1)
        theirs = torch.stack([torch_predict.probabilities(rnn, fc, meta, stride, v) for v, _, _ in sequences])
    print(f"{len(sequences)} sequences of {lengths[0]} to {lengths[-1]} steps: {(ours - theirs).abs().max().item():.3e}")
`;
import { tempDir } from './helpers/temp.js';

test('examples/pytorch_ddp.py: its batched, packed forward pass gives tools/torch_predict.py\'s probabilities on sequences of mixed lengths', async (t) => {
  requireTorch();
  const dir = tmp();
  const files: string[] = [];
  const commands: string[][] = [];
  const cases = [
    ['rnn', 'last', '3', '1', 'off'], ['rnn', 'mean', '1', '1', 'off'], ['gru', 'mean', '4', '1', 'off'], ['gru', 'last', '1', '1', 'off'], ['gru', 'max', '3', '1', 'off'],
    ['gru', 'last', '2', '2', 'off'], ['rnn', 'mean', '1', '2', 'off'], // two layers: num_layers=2, h_n's last layer
    ['gru', 'mean', '2', '1', 'on'], // each sequence on its own scale, its level and log scale as channels
  ] as const;
  for (const [cell, readout, stride, layers, sequenceNorm] of cases) {
    const json = join(dir, `${cell}-${readout}-${stride}-${layers}-${sequenceNorm}.json`);
    files.push(json.replace(/\.json$/, '.safetensors'));
    commands.push(['train', 'datasets/motion/train.csv', '--out', json, '--hidden', '6', '--select', 'off', '--epochs', '2',
      '--cell', cell, '--readout', readout, '--stride', stride, '--layers', layers, '--sequence-norm', sequenceNorm, '--threads', '2', '--quiet'],
    ['export', '--model', json, '--safetensors', files.at(-1)!]);
  }
  // Trained and exported through the CLI's program in this file's server (a process per command spent half its time starting).
  for (const args of commands) {
    const r = cliHere(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const tools = fileURLToPath(new URL('../../tools', import.meta.url));
  const r = spawnSync(PYTHON, ['-c', SAME_FORWARD, tools, EXAMPLE, 'datasets/motion/test.csv', ...files], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, cases.length);
  lines.forEach((line, i) => {
    const d = Number(line.split(': ').at(-1));
    t.diagnostic(`${cases[i].join(', ')}: ${line}`);
    assert.ok(d <= 1e-6, `${cases[i].join(', ')}: ${line}`);
  });
});

// The example reads a file as train-signals does: trailing NaN pads a shorter row, a first row of numbers so padded
// too, and a value missing inside a sequence is filled (src/data/gaps.ts), in the long layout once the rows are in time order.
test('examples/pytorch_ddp.py reads NaN-padded wide rows as train-signals does, with a header or without, and fills gaps as it does', async () => {
  requireTorch();
  const dir = tmp();
  const READ = `
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location('pytorch_ddp', sys.argv[1])
ddp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ddp)
for path in sys.argv[2:]:
    channels, sequences = ddp.read_data(path, 'auto', 'label', 'id', 't')
    print(json.dumps([[label, [x for v in values for x in v]] for values, label, _ in sequences]))
`;
  const files = [
    ['header.csv', 'label,t0,t1,t2\na,1,2,NaN\nb,3,4,5\n'], ['none.csv', '1,0.5,0.25,NaN,nan\n2,1,2,3,4\n'],
    ['gaps.csv', 'label,t0,t1,t2,t3,t4\na,1,,NA,4,#N/A\nb,NaN,0.5,1,0.1,\n'], ['gaps-long.csv', 'id,t,label,x,y\ns,1,a,,2\ns,0,a,1,#N/A\ns,3,a,0.3,4\nr,0,b,1,0.7\n'],
  ] as const;
  const paths = files.map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
  const r = spawnSync(PYTHON, ['-c', READ, EXAMPLE, ...paths], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const ours = await Promise.all(paths.map(async (p) => {
    const ds = await loadDataSet([p]);
    return Array.from(ds.lengths, (L, n) => [ds.classes[ds.labels[n]], Array.from(ds.values.subarray(ds.offsets[n] * ds.D, (ds.offsets[n] + L) * ds.D))]);
  }));
  // As float32, which the example's tensors hold (it keeps the values read as float64 until then; the filled ones it
  // rounds as train-signals does, so 0.3's neighbours fill alike).
  const theirs = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as [string, number[]][]).map(([label, v]) => [label, v.map(Math.fround)]));
  assert.deepEqual(theirs, ours);
  assert.deepEqual(ours.map((f) => f.map(([, v]) => (v as number[]).length)), [[2, 3], [2, 4], [4, 4], [6, 2]]);
  assert.deepEqual(ours[2][0][1], [1, 2, 3, 4]);
});
