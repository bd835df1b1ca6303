// The safetensors export, loaded by plain PyTorch: tools/torch_predict.py (run with Debian's /usr/bin/python3)
// builds nn.RNN(channels·stride, H, bidirectional=…) + nn.Linear from the file alone, normalizes, frames with
// F.pad + reshape and reads out as nn.RNN does (h_n, or the mean or maximum of its output), and its probabilities match our
// score() within 1e-5: one-directional and bidirectional, strides 1, 3, 4 and 8, every readout, random models on
// lengths that are not multiples of the stride (some shorter than it), and a model trained on datasets/cbf.
// GRU models load as nn.GRU the same way and are held to score() too, also from a file whose bias_hh PyTorch
// filled in every gate. No PyTorch is a failure, not a skip: .ci/run installs it.

import { type TestContext, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataSet } from '../src/data/csv.js';
import { fillGaps } from '../src/data/gaps.js';
import { evaluateFile } from '../src/eval/evaluate.js';
import { exportSafetensors, loadSafetensors, parseSafetensors, saveSafetensors } from '../src/io/safetensors.js';
import { viewsOf } from '../src/model/layout.js';
import type { Model } from '../src/model/model.js';
import type { Readout } from '../src/model/rnn.js';
import { createRng, normal } from '../src/model/rng.js';
import { train } from '../src/train/train.js';
import { batchOf, maxDifference, randomBatch, randomModel } from './helpers/models.js';
import { tempDir } from './helpers/temp.js';

const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../tools/torch_predict.py', import.meta.url));
const TOLERANCE = 1e-5;
let largest = 0; // the largest |PyTorch − ours| over every test in this file, printed at the end

const NO_TORCH = 'install Debian\'s PyTorch with apt-get install -y python3-torch libopenblas0-pthread (as .ci/run does), or set TORCH_PYTHON';

// Runs tools/torch_predict.py as its own command line once per job, all in one Python process for the whole
// file: importing torch takes longer than the predictions (a process per test imported it seven times). A request
// is a line of [model, sequences] pairs on stdin; the answer, a line of the script's outputs, or the error it raised.
// A request {"argv": [...]} is one command line as a user runs it: its exit status, stdout and stderr, a
// sys.exit(message) printed and exit 1 as Python's own exit does it.
const RUN_EACH = `
import contextlib, io, json, runpy, sys, traceback
import torch
script = sys.argv[1]
print("ready", flush=True)
for line in sys.stdin:
    try:
        request = json.loads(line)
        if isinstance(request, dict):
            sys.argv = [script] + request["argv"]
            status = 0
            with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
                try:
                    runpy.run_path(script, run_name="__main__")
                except SystemExit as e:
                    status = e.code if isinstance(e.code, int) else 0 if e.code is None else 1
                    if status == 1 and not isinstance(e.code, int):
                        print(e.code, file=sys.stderr)
            answer = {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}
        else:
            outputs = []
            for model, sequences in request:
                sys.argv = [script, model, sequences]
                with contextlib.redirect_stdout(io.StringIO()) as out:
                    runpy.run_path(script, run_name="__main__")
                outputs.append(json.loads(out.getvalue()))
            answer = {"outputs": outputs}
    except BaseException:
        answer = {"error": traceback.format_exc()}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
`;

type Answer = { outputs?: Array<{ probabilities: number[][] }>; status?: number; stdout?: string; stderr?: string; error?: string };
type Request = string[][] | { argv: string[] };
let torch: Promise<(request: Request) => Promise<Answer>> | undefined;
let python: ChildProcess | undefined;
after(() => { python?.stdin!.end(); }); // its loop ends with its input

/** The file's one Python process (RUN_EACH), started by the first test that needs it and ended after the last. */
function torchProcess(): Promise<(request: Request) => Promise<Answer>> {
  return (torch ??= new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', RUN_EACH, SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    python = child;
    let stdout = '';
    let stderr = '';
    let ready = false;
    const waiting: Array<{ resolve: (a: Answer) => void; reject: (e: Error) => void }> = [];
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (let at = stdout.indexOf('\n'); at >= 0; at = stdout.indexOf('\n')) {
        const line = stdout.slice(0, at);
        stdout = stdout.slice(at + 1);
        if (ready) {
          waiting.shift()!.resolve(JSON.parse(line) as Answer);
          continue;
        }
        ready = true;
        resolve((request) => new Promise<Answer>((res, rej) => {
          waiting.push({ resolve: res, reject: rej });
          child.stdin.write(JSON.stringify(request) + '\n');
        }));
      }
    });
    const ended = (why: string) => {
      if (!ready) reject(new Error(`${PYTHON} cannot import torch (${stderr.trim().split('\n').at(-1) || why}): ${NO_TORCH}`));
      for (const w of waiting.splice(0)) w.reject(new Error(`${PYTHON} ended (${why}): ${stderr}`));
    };
    child.on('error', (e) => ended(e.message));
    child.on('close', (code, signal) => ended(signal ?? `exit ${code}`));
  }));
}

/** Fails (never skips) with what to install when PYTHON cannot import torch. */
async function requireTorch(): Promise<void> {
  try {
    await torchProcess();
  } catch (e) {
    assert.fail((e as Error).message);
  }
}

interface TorchJob { file: string; C: number; sequences: number[][][] }

/** PyTorch's probabilities [N][C] for each job's raw sequences [N] of [T][channels], from its safetensors file. */
async function torchProbabilitiesOfFiles(jobs: TorchJob[]): Promise<Float32Array[]> {
  const dir = tempDir('ts-torch-');
  const pairs = jobs.map((job, i) => {
    const input = join(dir, `sequences-${i}.json`);
    // NaN, a gap, as Python's json reads it (JSON itself has no NaN: JSON.stringify writes null).
    writeFileSync(input, JSON.stringify({ sequences: job.sequences }, (_, v) => (Number.isNaN(v) ? 'NaN!' : v)).replaceAll('"NaN!"', 'NaN'));
    return [job.file, input];
  });
  const answer = await (await torchProcess())(pairs);
  assert.equal(answer.error, undefined, `tools/torch_predict.py failed: ${answer.error}`);
  const outputs = answer.outputs!;
  assert.equal(outputs.length, jobs.length);
  return outputs.map(({ probabilities: rows }, i) => {
    assert.equal(rows.length, jobs[i].sequences.length);
    assert.ok(rows.every((p) => p.length === jobs[i].C));
    return Float32Array.from(rows.flat());
  });
}

interface Check { what: string; job: TorchJob; ours: ArrayLike<number> }

/** Runs every check's job in PyTorch and holds its largest |PyTorch − ours| to the tolerance. */
async function assertAgree(t: TestContext, checks: Check[]): Promise<void> {
  const theirs = await torchProbabilitiesOfFiles(checks.map((c) => c.job));
  checks.forEach(({ what, ours }, i) => {
    const d = difference(theirs[i], ours);
    t.diagnostic(`${what}: largest |PyTorch − ours| = ${d.toExponential(2)}`);
    assert.ok(d <= TOLERANCE, `${what}: largest difference ${d}`);
  });
}

/** The job for a model saved as safetensors, on raw sequences [N] of [T][channels]. */
function torchJob(m: Model, sequences: number[][][]): TorchJob {
  const file = join(tempDir('ts-torch-'), 'm.safetensors');
  saveSafetensors(file, m);
  return { file, C: m.shape.C, sequences };
}

/** Sequence n of values [L][D] (offsets and lengths in samples) as [T][D] arrays of plain numbers. */
const loadSafetensorsBytes = (bytes: Uint8Array) => parseSafetensors(bytes, 'm.safetensors');

function rawSequences(values: Float32Array, offsets: ArrayLike<number>, lengths: ArrayLike<number>, D: number): number[][][] {
  return Array.from({ length: lengths.length }, (_, n) => Array.from({ length: lengths[n] }, (_, t) => {
    const at = (offsets[n] + t) * D;
    return Array.from(values.subarray(at, at + D));
  }));
}

/** maxDifference, kept as the largest seen in this file. */
function difference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = maxDifference(a, b);
  largest = Math.max(largest, d);
  return d;
}

test('PyTorch (nn.RNN + nn.Linear from the safetensors file) gives our probabilities: random models', async (t) => {
  await requireTorch();
  const rng = createRng(31);
  const lengths = Int32Array.from([1, 37, 2, 19, 5, 24, 28, 11, 9]); // some shorter than a frame of 3 or 8
  const cases: Array<[number, boolean, Readout, boolean]> = [
    [1, false, 'last', true], // the plain model: the file as it always was
    [1, false, 'mean', false],
    [3, true, 'mean', true],
    [3, true, 'last', false],
    [8, true, 'last', true],
    [8, true, 'mean', false],
    [4, false, 'mean', true],
    [1, true, 'last', true],
    [3, true, 'max', true], // out.max(0).values, the padding frame included
    [1, false, 'max', false],
  ];
  await assertAgree(t, cases.map(([stride, bidirectional, readout, normalize]) => {
    const D = 2;
    const m = randomModel(rng, D, 7, 3, readout, normalize, stride, bidirectional);
    const { raw, offsets, ours } = randomBatch(rng, m, lengths);
    const what = `stride ${stride}, ${bidirectional ? 'bidirectional' : 'one-directional'}, readout ${readout}, ${normalize ? 'z-scored' : 'no normalization'}`;
    return { what, job: torchJob(m, rawSequences(raw, offsets, lengths, D)), ours };
  }));
});

test('PyTorch (the differences, F.interpolate, then the recurrence) gives our probabilities: random models that resample or read first differences; the file keeps both', async (t) => {
  await requireTorch();
  const rng = createRng(71);
  const lengths = Int32Array.from([1, 37, 2, 19, 5, 24, 28, 11, 9]);
  const cases = [
    [16, 1, false, 'rnn', 'last', false], [45, 3, true, 'gru', 'mean', false], [20, 4, true, 'gru', 'last', false],
    [0, 1, false, 'rnn', 'last', true], [0, 3, true, 'gru', 'mean', true], [20, 4, true, 'gru', 'last', true],
  ] as const;
  const checks: Check[] = [];
  for (const [L, stride, bidirectional, cell, readout, differences] of cases) {
    const m: Model = { ...randomModel(rng, 2, 7, 3, readout, true, stride, bidirectional, cell, differences), ...(L > 0 ? { resample: L } : {}) };
    const back = loadSafetensorsBytes(exportSafetensors(m));
    assert.deepEqual([back.resample, back.differences], [m.resample, m.differences]);
    const { raw, offsets, ours } = randomBatch(rng, m, lengths);
    const what = `L = ${L}, stride ${stride}, ${cell}${differences ? ', differences' : ''}`;
    checks.push({ what, job: torchJob(m, rawSequences(raw, offsets, lengths, 2)), ours });
  }
  // Each sequence on its own scale (with and without the differences, framing and resampling after it).
  for (const [L, stride, differences] of [[0, 1, false], [0, 3, true], [20, 4, true]] as const) {
    const m: Model = { ...randomModel(rng, 2, 7, 3, 'mean', true, stride, true, 'gru', differences, true), ...(L > 0 ? { resample: L } : {}) };
    assert.equal(loadSafetensorsBytes(exportSafetensors(m)).sequenceNorm, true);
    const { raw, offsets, ours } = randomBatch(rng, m, lengths);
    const what = `sequence normalization, L = ${L}, stride ${stride}${differences ? ', differences' : ''}`;
    checks.push({ what, job: torchJob(m, rawSequences(raw, offsets, lengths, 2)), ours });
  }
  // Long sequences resampled to few samples: tools/torch_predict.py interpolates in float64, as we do.
  const m: Model = { ...randomModel(rng, 2, 7, 3, 'mean', true, 1, true, 'gru'), resample: 13 };
  const long = Int32Array.from([20000, 99991]);
  const { raw, offsets, ours } = randomBatch(rng, m, long);
  checks.push({ what: 'L = 13 on 20,000 and 99,991 samples', job: torchJob(m, rawSequences(raw, offsets, long, 2)), ours });
  await assertAgree(t, checks);
});

test('PyTorch (nn.GRU + nn.Linear from the safetensors file) gives our probabilities: random GRU models', async (t) => {
  await requireTorch();
  const rng = createRng(51);
  const lengths = Int32Array.from([1, 37, 2, 19, 5, 24, 28, 11, 9]);
  const cases: Array<[number, boolean, Readout, boolean]> = [
    [1, false, 'last', true],
    [1, false, 'mean', false],
    [3, true, 'mean', true],
    [3, true, 'last', false],
    [8, true, 'last', true],
    [4, false, 'mean', true],
    [1, true, 'mean', false],
    [8, true, 'max', true],
    [1, false, 'max', false],
  ];
  await assertAgree(t, cases.map(([stride, bidirectional, readout, normalize]) => {
    const D = 2;
    const m = randomModel(rng, D, 7, 3, readout, normalize, stride, bidirectional, 'gru');
    const { raw, offsets, ours } = randomBatch(rng, m, lengths);
    const what = `GRU, stride ${stride}, ${bidirectional ? 'bidirectional' : 'one-directional'}, readout ${readout}, ${normalize ? 'z-scored' : 'no normalization'}`;
    return { what, job: torchJob(m, rawSequences(raw, offsets, lengths, D)), ours };
  }));
});

test('PyTorch (num_layers=2 from the safetensors file) gives our probabilities: random two-layer models', async (t) => {
  await requireTorch();
  const rng = createRng(53);
  const lengths = Int32Array.from([1, 37, 2, 19, 5, 24, 28, 11, 9]);
  const cases: Array<[number, boolean, Readout, 'rnn' | 'gru']> = [
    [3, true, 'mean', 'gru'], [1, true, 'last', 'gru'], [4, false, 'max', 'gru'], [2, true, 'last', 'rnn'], [1, false, 'mean', 'rnn'],
  ];
  await assertAgree(t, cases.map(([stride, bidirectional, readout, cell]) => {
    const m = randomModel(rng, 2, 7, 3, readout, true, stride, bidirectional, cell, false, false, 2);
    const { raw, offsets, ours } = randomBatch(rng, m, lengths);
    const what = `two layers, ${cell}, stride ${stride}, ${bidirectional ? 'bidirectional' : 'one-directional'}, readout ${readout}`;
    return { what, job: torchJob(m, rawSequences(raw, offsets, lengths, 2)), ours };
  }));
});

test('a GRU file as PyTorch writes it, non-zero bias_hh in every gate, its __metadata__ with plain-text values too (save_pretrained\'s "format": "pt", a bare readout): nn.GRU on the file and we on it agree', async (t) => {
  await requireTorch();
  const rng = createRng(52);
  const checks: Check[] = [];
  for (const [bidirectional, readout] of [[true, 'mean'], [false, 'last']] as const) {
    const m = randomModel(rng, 2, 6, 3, readout, true, 3, bidirectional, 'gru');
    const bytes = exportSafetensors(m);
    // Overwrite every bias_ih and bias_hh in place with fresh values, as a file PyTorch trained would hold them.
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Number(dv.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    for (const name of Object.keys(header).filter((k) => k.includes('.bias_'))) {
      const [begin, end] = header[name].data_offsets as [number, number];
      for (let o = begin; o < end; o += 4) dv.setFloat32(8 + n + o, 0.4 * normal(rng) + 0.05, true);
    }
    // Metadata values need not be JSON (a "free form text-to-text map"): Hugging Face adds "format": "pt".
    header.__metadata__ = { ...header.__metadata__, format: 'pt', readout, cell: 'gru' };
    let text = JSON.stringify(header);
    text += ' '.repeat((8 - (text.length % 8)) % 8);
    const file = join(tempDir('ts-torch-'), 'torch.safetensors');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.length));
    writeFileSync(file, Buffer.concat([length, Buffer.from(text), bytes.subarray(8 + n)]));
    const back = loadSafetensors(file);
    assert.ok(viewsOf(back.parameters, back.shape).b_hn.every((b) => b !== 0));
    const lengths = Int32Array.from([1, 8, 13, 2, 20]);
    const { raw, offsets, ours } = randomBatch(rng, back, lengths); // ours: from the folded biases
    checks.push({ what: `bidirectional ${bidirectional}, readout ${readout}`, job: { file, C: 3, sequences: rawSequences(raw, offsets, lengths, 2) }, ours });
  }
  await assertAgree(t, checks);
});

test('PyTorch gives our probabilities: a stacked (stride 4) bidirectional model trained on datasets/cbf, on its test file', async (t) => {
  await requireTorch();
  // What model selection chose for it (on the fused build) given as flags, selection off: the final fit without
  // the candidates' fits.
  const { model } = await train({
    files: ['datasets/cbf/train.csv'], hidden: 12, epochs: 2, readout: 'mean', normalize: 'zscore', stride: 4, bidirectional: true, threads: 2, valSplit: 0,
    select: 'off', layers: 2, noise: 0.1, warp: 0.1, mixup: 0.2, weightDecay: 0,
  });
  const file = 'datasets/cbf/test.csv';
  const ours = await evaluateFile(model, file);
  const raw = await loadDataSet([file]);
  const sequences = rawSequences(raw.values, raw.offsets, raw.lengths, raw.D);
  await assertAgree(t, [{ what: `${file}: ${raw.lengths.length} sequences`, job: torchJob(model, sequences), ours: ours.scores.probabilities }]);
});

test('PyTorch (tools/torch_predict.py) fills gaps as the readers fill them: NaN or null at a start, inside and at an end, scattered; both cells, with differences and sequence norm; a channel of no value refused', async (t) => {
  await requireTorch();
  const rng = createRng(97);
  const lengths = Int32Array.from([1, 37, 2, 19, 5, 24, 28, 11, 9]);
  const checks: Check[] = [];
  for (const [cell, stride, readout, differences, sequenceNorm] of [['rnn', 1, 'last', false, false], ['gru', 3, 'mean', true, false], ['gru', 1, 'max', false, true]] as const) {
    const m = randomModel(rng, 2, 7, 3, readout, true, stride, false, cell, differences, sequenceNorm);
    const { raw, offsets } = randomBatch(rng, m, lengths);
    const gapped = raw.slice();
    lengths.forEach((T, n) => {
      if (T < 2) return; // a channel with no value is refused by the readers
      const at = (s: number, d: number) => (offsets[n] + s) * 2 + d;
      for (let s = 0; s < T; s++) {
        if (s < T / 4) gapped[at(s, n % 2)] = NaN; // the start of one channel
        if (s > 0 && s < T - 1 && (n + s) % 3 === 0) gapped[at(s, (n + 1) % 2)] = NaN; // scattered in the other
        if (n % 3 === 0 && s === T - 1) gapped[at(s, (n + 1) % 2)] = NaN; // an end
      }
    });
    const filled = gapped.slice();
    lengths.forEach((T, n) => fillGaps(filled.subarray(offsets[n] * 2, (offsets[n] + T) * 2), T, 2));
    const { ours } = batchOf(m, filled, lengths);
    checks.push({ what: `${cell}, stride ${stride}, readout ${readout}, differences ${differences}, sequence norm ${sequenceNorm}`, job: torchJob(m, rawSequences(gapped, offsets, lengths, 2)), ours });
  }
  await assertAgree(t, checks);
  // null, as JSON.stringify writes NaN, is a gap too; a channel of no value is refused, naming the sequence.
  const { file } = checks[0].job;
  const input = join(tempDir('ts-torch-'), 'null.json');
  const script = await torchProcess();
  const run = async (sequences: unknown) => {
    writeFileSync(input, JSON.stringify({ sequences }));
    const r = await script({ argv: [file, input] });
    assert.equal(r.error, undefined, `a traceback: ${r.error}`);
    return r;
  };
  const withNull = await run([[[0.5, null], [null, 0.25], [1.5, 2]]]);
  assert.equal(withNull.status, 0, withNull.stderr);
  assert.deepEqual(JSON.parse(withNull.stdout!), JSON.parse((await run([[[0.5, 0.25], [1, 0.25], [1.5, 2]]])).stdout!));
  // A process of its own, once: the exit status and streams as a shell sees them.
  writeFileSync(input, JSON.stringify({ sequences: [[[0.5, 1], [1, 2]], [[0.5, null], [1, null]]] }));
  const empty = spawnSync(PYTHON, [SCRIPT, file, input], { encoding: 'utf8' });
  assert.deepEqual([empty.status, empty.stdout, empty.stderr.trim()], [2, '', `torch_predict.py: ${input}: sequence 2 has no value in channel "c1" (train-signals refuses such a sequence)`]);
});

test('tools/torch_predict.py refuses input it cannot read in one line, exit 2, nothing on stdout (it ended in a traceback)', async () => {
  await requireTorch();
  const m = randomModel(createRng(5), 2, 3, 2, 'last', true, 1, false, 'rnn', false, false);
  const dir = tempDir('ts-torch-');
  const model = join(dir, 'm.safetensors');
  saveSafetensors(model, m);
  const input = join(dir, 'in.json');
  const script = await torchProcess();
  const run = async (text: string, file = model) => {
    writeFileSync(input, text);
    const r = await script({ argv: [file, input] });
    assert.equal(r.error, undefined, `a traceback: ${r.error}`);
    return [r.status, r.stdout, r.stderr!.trim()];
  };
  const refused = (line: string) => [2, '', `torch_predict.py: ${line}`];
  const channels = '("c0", "c1")';
  assert.deepEqual(await run('{"sequences": [[[1, 2]], []]}'), refused(`${input}: sequence 2 has no samples`));
  assert.deepEqual(await run('{"sequences": [[[1, 2], [3]]]}'), refused(`${input}: sequence 1, sample 2 has 1 value(s), where the model reads 2 channel(s) ${channels}`));
  assert.deepEqual(await run('{"sequences": [[1, 2]]}'), refused(`${input}: sequence 1, sample 1 is 1, not a list of one value per channel ${channels}`));
  assert.deepEqual(await run('{"sequences": [[[1, "2"]]]}'), refused(`${input}: sequence 1, sample 1, channel "c1": "2" is not a finite number within float32's range (null or NaN is a gap)`));
  assert.deepEqual(await run('{"sequences": [[[Infinity, 2]]]}'), refused(`${input}: sequence 1, sample 1, channel "c0": Infinity is not a finite number within float32's range (null or NaN is a gap)`));
  // a review's finds: past float32 (predict refuses it; PyTorch printed NaN), past float64 as an integer, nested deep
  assert.deepEqual(await run('{"sequences": [[[1, 1e39]]]}'), refused(`${input}: sequence 1, sample 1, channel "c1": 1e+39 is not a finite number within float32's range (null or NaN is a gap)`));
  assert.deepEqual(await run(`{"sequences": [[[${'9'.repeat(400)}, 1]]]}`), refused(`${input}: sequence 1, sample 1, channel "c0": 99999999999999999999... is not a finite number within float32's range (null or NaN is a gap)`));
  assert.deepEqual(await run(`{"sequences": ${'['.repeat(5000)}${']'.repeat(5000)}}`), refused(`${input}: not JSON this script reads (nested too deeply)`));
  assert.deepEqual(await run('[[[1, 2]]]'), refused(`${input}: the input is not {"sequences": [...]} (a list of sequences, each a list of samples)`));
  assert.deepEqual(await run('{"sequences": [[[1, 2]'), refused(`${input}: not JSON (Expecting ',' delimiter: line 1 column 23 (char 22))`));
  assert.deepEqual(await run('{}', join(dir, 'none.safetensors')), refused(`${join(dir, 'none.safetensors')}: No such file or directory`));
  // A second review's finds: a value overflowing once differenced (predict refuses it; PyTorch printed NaN), float32's
  // largest as predict rounds it, and __metadata__ without what the model needs, each a traceback or a wrong answer.
  const differenced = join(dir, 'differences.safetensors');
  saveSafetensors(differenced, randomModel(createRng(6), 2, 3, 2, 'mean', false, 1, false, 'gru', true, false));
  assert.deepEqual(await run('{"sequences": [[[1, 2]], [[3e38, 1], [-3e38, 1]]]}', differenced), refused(`${input}: sequence 2 has a value that overflows float32 once normalized or differenced (train-signals refuses such a sequence)`));
  assert.deepEqual((await run('{"sequences": [[[3.4028235e38, 1]]]}', differenced)).slice(0, 1), [0]);
  const bytes = Buffer.from(exportSafetensors(m));
  const n = Number(bytes.readBigUInt64LE(0));
  for (const [key, value] of [['readout', undefined], ['normalization', '5'], ['resample', '"abc"']] as const) {
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString());
    if (value === undefined) delete header.__metadata__[key];
    else header.__metadata__[key] = value;
    const text = Buffer.from(JSON.stringify(header));
    const edited = join(dir, `edited-${key}.safetensors`);
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(text.length));
    writeFileSync(edited, Buffer.concat([length, text, bytes.subarray(8 + n)]));
    const [code, out, line] = await run('{"sequences": [[[1, 2]]]}', edited);
    assert.deepEqual([code, out], [2, ''], key);
    assert.match(line as string, new RegExp(`^torch_predict\\.py: ${edited}: not a model train-signals exported to safetensors \\(ValueError: "${key}" is `), key);
  }
  const listHeader = join(dir, 'list.safetensors');
  writeFileSync(listHeader, Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('[]')]));
  assert.deepEqual(await run('{}', listHeader), refused(`${listHeader}: not a model train-signals exported to safetensors (AttributeError: 'list' object has no attribute 'items')`));
  const [status, stdout, stderr] = await run('{"sequences": []}', input);
  assert.deepEqual([status, stdout], [2, '']);
  assert.match(stderr as string, new RegExp(`^torch_predict.py: ${input}: not a model train-signals exported to safetensors \\(\\w+: .*\\)$`));
  assert.deepEqual((await run('{"sequences": [[[1, null], [NaN, 2]]]}')).slice(0, 2), [0, (await run('{"sequences": [[[1, 2], [1, 2]]]}'))[1]]);
});

test('largest probability difference against PyTorch', (t) => {
  t.diagnostic(`largest |PyTorch − ours| over this file's tests: ${largest.toExponential(2)} (tolerance ${TOLERANCE})`);
  assert.ok(largest <= TOLERANCE);
});
