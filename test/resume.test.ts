// Stopping and resuming (src/train/fit.ts, src/io/checkpoint.ts): a run interrupted anywhere — at an epoch
// end, in the middle of an epoch, after an epoch's last step, several times over — and resumed from its
// checkpoint file ends with the same bits as the run that never stopped. Also divergence (no non-finite
// weights escape), worker faults (named, no hang), and how often train() writes the checkpoint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, shapeFor, type FitOptions } from '../src/train/fit.js';
import { resolveHyperparameters } from '../src/train/defaults.js';
import type { FitState } from '../src/model/state.js';
import { type Checkpoint, dataFingerprint, dataFingerprints, loadCheckpoint, parseCheckpoint, serializeCheckpoint } from '../src/io/checkpoint.js';
import { checkResumeData } from '../src/train/resume-checks.js';
import { DivergedError, InterruptedError, UserError } from '../src/errors.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { FAILING_WORKER, cli } from './helpers/cli.js';
import { cliHere } from './helpers/cli-here.js';
import { tempDir } from './helpers/temp.js';
import { train } from '../src/train/train.js';
import { loadModel } from '../src/io/model-file.js';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const base: FitOptions = {
  hidden: 6, readout: 'mean', bptt: 0, epochs: 4, batchSize: 7, optimizer: 'adam', lr: 3e-3, clip: 1,
  threads: 2, seed: 3, valSplit: 0.2, patience: 0, chunkSize: 2, schedule: 'constant', warmup: 0, noise: 0, stride: 1, bidirectional: false,
};
const data = () => syntheticDataSet(36, 2, 3, 11, 4, 16);

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));
}

/** The state of a run with options o through the checkpoint file format and back, as a resumed CLI run would see it. */
function throughFile(s: FitState, o: Partial<FitOptions> = {}): FitState {
  const ds = data();
  const hp = resolveHyperparameters(ds, { ...base, ...o });
  const ck: Checkpoint = {
    model: { shape: shapeFor(ds, hp), readout: hp.readout, ...(hp.stride > 1 ? { stride: hp.stride } : {}), classes: ds.classes, channels: ds.channels, normalization: null },
    hyperparameters: {}, data: { sequences: ds.lengths.length, steps: 0, fingerprint: 'x' }, state: s,
  };
  return parseCheckpoint(serializeCheckpoint(ck), 'test.ckpt').state!;
}

/**
 * Runs fit, aborting when `stopAt(epoch, batch)` says so (batch 0: at the epoch end), then resumes from the
 * last checkpoint until done. Returns the final result and how many times it stopped.
 */
async function interrupted(o: Partial<FitOptions>, stops: Array<[number, number]>) {
  let resume: FitState | undefined;
  let stopsDone = 0;
  for (;;) {
    const ac = new AbortController();
    const [se, sb] = stops[stopsDone] ?? [-1, -1];
    let last: FitState | undefined;
    try {
      const r = await fit(data(), null, {
        ...base, ...o, resume, signal: ac.signal,
        onBatch: (p) => { if (p.epoch === se && p.batch === sb) ac.abort(); },
        onEpoch: (e) => { if (e.epoch === se && sb === 0) ac.abort(); },
        onCheckpoint: (s) => { last = s; },
      });
      return { r, stopsDone };
    } catch (e) {
      if (!(e instanceof InterruptedError)) throw e;
      assert.ok(last !== undefined, 'a checkpoint was written before stopping');
      resume = throughFile(last, o);
      stopsDone++;
    }
  }
}

for (const variant of [
  { name: 'adam, constant rate', o: {} },
  { name: 'momentum, cosine schedule with warmup, truncated BPTT, 1 thread', o: { optimizer: 'momentum' as const, lr: 1e-2, schedule: 'cosine' as const, warmup: 0.1, bptt: 3, threads: 1 } },
  { name: 'sgd, no validation split', o: { optimizer: 'sgd' as const, lr: 5e-2, valSplit: 0 } },
  { name: 'adam with input noise and weight decay', o: { noise: 0.2, weightDecay: 0.1 } },
  { name: 'guided warping, mixup and window warping', o: { guidedWarp: 0.5, mixup: 0.3, warp: 0.1, noise: 0.1 } },
  { name: 'bidirectional, frame stacking by 2, cosine schedule, input noise', o: { stride: 2, bidirectional: true, schedule: 'cosine' as const, warmup: 0.05, noise: 0.1 } },
  { name: 'two layers, bidirectional GRU, mixup', o: { layers: 2 as const, cell: 'gru' as const, bidirectional: true, mixup: 0.2, noise: 0.1 } },
]) {
  test(`interrupted and resumed runs end bit-identical to the uninterrupted run (${variant.name})`, async () => {
    const ref = await fit(data(), null, { ...base, ...variant.o } as FitOptions);
    const cases: Array<[string, Array<[number, number]>]> = [
      ['at an epoch end', [[2, 0]]],
      ['in the middle of an epoch', [[3, 2]]],
      ['after the last step of an epoch', [[1, 5]]], // 29 training sequences in batches of 7: 5 steps
      ['three times', [[1, 1], [1, 3], [3, 0]]],
    ];
    for (const [name, stops] of cases) {
      const { r, stopsDone } = await interrupted(variant.o as Partial<FitOptions>, stops);
      assert.equal(stopsDone, stops.length, name);
      assert.deepEqual(bits(r.model.parameters), bits(ref.model.parameters), name);
      assert.equal(r.bestEpoch, ref.bestEpoch, name);
      assert.deepEqual(r.history.map((h) => [h.epoch, h.loss, h.accuracy, h.valLoss, h.lr]), ref.history.map((h) => [h.epoch, h.loss, h.accuracy, h.valLoss, h.lr]), name);
    }
  });
}

test('a checkpoint of an earlier version, which summed the batches\' mean losses, resumes to the epoch loss of the run that never stopped', async () => {
  const ref = await fit(data(), null, base);
  const ac = new AbortController();
  let last: FitState | undefined;
  await assert.rejects(fit(data(), null, {
    ...base, signal: ac.signal, onBatch: (p) => { if (p.epoch === 3 && p.batch === 2) ac.abort(); }, onCheckpoint: (st) => { last = st; },
  }), InterruptedError);
  const ds = data();
  const hp = resolveHyperparameters(ds, base);
  const ck: Checkpoint = {
    model: { shape: shapeFor(ds, hp), readout: hp.readout, classes: ds.classes, channels: ds.channels, normalization: null },
    hyperparameters: {}, data: { sequences: ds.lengths.length, steps: 0, fingerprint: 'x' }, state: last!,
  };
  const doc = JSON.parse(serializeCheckpoint(ck));
  assert.equal(doc.state.batchStart, 2 * base.batchSize!); // two full batches of the epoch
  doc.state.lossSum = (doc.state.lossSum / doc.state.weightSum) * doc.state.batches; // as that version summed them
  delete doc.state.weightSum;
  const r = await fit(data(), null, { ...base, resume: parseCheckpoint(JSON.stringify(doc), 'old.ckpt').state! });
  assert.deepEqual(bits(r.model.parameters), bits(ref.model.parameters));
  const [was, is] = [ref.history[2].loss, r.history[2].loss];
  assert.ok(Math.abs(is - was) < 1e-12 * was, `epoch 3's loss ${is}, uninterrupted ${was}`);
});

test('early stopping survives a resume: the stopped run resumes to its end at once', async () => {
  const o = { epochs: 30, patience: 2, lr: 0.2 };
  const ref = await fit(data(), null, { ...base, ...o });
  assert.ok(ref.history.length < 30, `stopped early after ${ref.history.length} epochs`);
  let last: FitState | undefined;
  await fit(data(), null, { ...base, ...o, onCheckpoint: (s) => { last = s; } });
  assert.equal(last!.stopped, true);
  const r = await fit(data(), null, { ...base, ...o, resume: throughFile(last!) });
  assert.deepEqual(bits(r.model.parameters), bits(ref.model.parameters));
  assert.equal(r.history.length, ref.history.length);
});

test('fit() refuses to resume a state another kernel computed (it names its kernel; a loaded checkpoint\'s state too)', async () => {
  let state: FitState | undefined;
  await fit(data(), null, { ...base, epochs: 2, onCheckpoint: (s) => { state = s; } });
  assert.match(state!.kernel!, /^wasm-(fma|plain)$/);
  await assert.rejects(fit(data(), null, { ...base, epochs: 3, kernel: 'ts', resume: state }),
    (e: unknown) => e instanceof UserError && /^fit\(\) resume: the state was computed by the kernel "wasm-(fma|plain)" and this run's is "ts", which rounds otherwise/.test(e.message));
  const r = await fit(data(), null, { ...base, epochs: 3, resume: state });
  assert.equal(r.history.length, 3, 'the same kernel resumes');
});

test('fit() refuses a resume state of another run in one line: another model, other data, another optimizer', async () => {
  let state: FitState | undefined;
  await fit(data(), null, { ...base, epochs: 2, onCheckpoint: (s) => { state = s; } });
  const refused = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
  await assert.rejects(fit(data(), null, { ...base, epochs: 3, hidden: 9, resume: state }), refused(/^fit\(\) resume: the state holds \d+ parameters and this run's model has \d+ \(another hidden/));
  await assert.rejects(fit(syntheticDataSet(40, 2, 3, 11, 4, 16), null, { ...base, epochs: 3, resume: state }), refused(/^fit\(\) resume: the state's split is of 36 sequences and the data has 40/));
  await assert.rejects(fit(data(), null, { ...base, epochs: 3, optimizer: 'sgd', resume: state }), refused(/^fit\(\) resume: the state was trained with the optimizer adam and this run's is sgd/));
});

test('an abort before the first step throws at once and writes nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  let wrote = false;
  await assert.rejects(fit(data(), null, { ...base, signal: ac.signal, onCheckpoint: () => { wrote = true; } }), (e: unknown) => e instanceof InterruptedError && e.epoch === 0);
  assert.equal(wrote, false);
});

test('divergence stops training with what to try; no non-finite weights reach a checkpoint', async () => {
  // Plain SGD at 1e38 without clipping: finite for five epochs (five checkpoints), then the readout overflows
  // (the recurrent units saturate at once and pass no gradient; at smaller rates the readout stays finite).
  const states: FitState[] = [];
  await assert.rejects(
    fit(data(), null, { ...base, resample: 0, optimizer: 'sgd', lr: 1e38, clip: 0, epochs: 30, onCheckpoint: (s) => states.push(s) }),
    (e: unknown) => {
      assert.ok(e instanceof DivergedError, String(e));
      assert.match(e.message, /^training diverged in epoch \d+, step \d+: .*; try a smaller --lr \(now 1e\+38\) or gradient clipping/);
      return true;
    },
  );
  assert.ok(states.length >= 1, 'checkpoints were written before the divergence');
  for (const s of states) assert.ok(s.params.every(Number.isFinite) && s.best.every(Number.isFinite));
});

test('the checkpoint writer refuses non-finite weights (a bug if they ever reach it)', async () => {
  let last: FitState | undefined;
  await fit(data(), null, { ...base, epochs: 1, onCheckpoint: (s) => { last = s; } });
  const ds = data();
  const hp = resolveHyperparameters(ds, base);
  const params = Float32Array.from(last!.params);
  params[5] = NaN;
  assert.throws(() => serializeCheckpoint({
    model: { shape: shapeFor(ds, hp), readout: hp.readout, classes: ds.classes, channels: ds.channels, normalization: null },
    hyperparameters: {}, data: { sequences: ds.lengths.length, steps: 0, fingerprint: 'x' }, state: { ...last!, params },
  }), /bug: refusing to checkpoint non-finite parameters/);
});

for (const kind of ['throw', 'exit'] as const) {
  test(`a gradient worker that ${kind === 'throw' ? 'throws' : 'exits'} ends fit with the failure named, promptly`, async () => {
    process.env.TRAIN_SIGNALS_TEST_FAIL = `${kind}@3`; // read by the fixture worker as it starts
    const t0 = performance.now();
    await assert.rejects(
      fit(data(), null, { ...base, threads: 2, worker: FAILING_WORKER }),
      (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /worker/);
        if (kind === 'throw') assert.match(e.message, /injected fault/);
        return true;
      },
    );
    assert.ok(performance.now() - t0 < 10_000, 'within seconds');
  });
}

test('a tampered checkpoint with a standard deviation ≤ 0 or a mean beyond float32 is refused, naming the field', async () => {
  let last: FitState | undefined;
  await fit(data(), null, { ...base, epochs: 1, onCheckpoint: (s) => { last = s; } });
  const ds = data();
  const hp = resolveHyperparameters(ds, base);
  const ck = (normalization: { mean: number[]; std: number[] }): string => serializeCheckpoint({
    model: { shape: shapeFor(ds, hp), readout: hp.readout, ...(hp.stride > 1 ? { stride: hp.stride } : {}), classes: ds.classes, channels: ds.channels, normalization },
    hyperparameters: {}, data: { sequences: ds.lengths.length, steps: 0, fingerprint: 'x' }, state: last!,
  });
  const D = ds.channels.length;
  const ones = Array.from({ length: D }, () => 1);
  assert.ok(parseCheckpoint(ck({ mean: ones, std: ones }), 'ok.ckpt').state !== undefined);
  // A file edited into what no run writes (serializeCheckpoint refuses to write it: the test below).
  const edited = (edit: (doc: any) => void): string => {
    const doc = JSON.parse(ck({ mean: ones, std: ones }));
    edit(doc);
    return JSON.stringify(doc);
  };
  for (const n of [{ mean: ones, std: ones.map((_, i) => (i === 0 ? 0 : 1)) }, { mean: ones, std: ones.map(() => -1) }, { mean: ones.map(() => 1e39), std: ones }]) {
    assert.throws(() => parseCheckpoint(edited((doc) => { doc.model.normalization = n; }), 't.ckpt'), /^UserError: t\.ckpt: "model\.normalization\.(std" must hold positive numbers of at least 1\.2e-38|mean" holds 1e\+39, beyond float32's range).*; give the checkpoint a train-signals train run wrote \(if this is one, damaged, delete it/);
    assert.throws(() => ck(n), /^UserError: serializeCheckpoint\(\) checkpoint: "model\.normalization\./);
  }
  // A state edited into one no run reaches: refused, naming what (it resumed into NaN steps or a history past its epochs).
  const nanV = Buffer.from(new Float32Array(last!.optimizer.v.length).fill(Number.NaN).buffer).toString('base64');
  for (const [edit, phrase] of [
    [(d: any) => { d.arrays.v = nanV; }, /the optimizer's moments hold NaN, Infinity or \(in "arrays\.v"\) a negative number/],
    [(d: any) => { d.state.rng = [0, 0, 0, 0]; }, /"state\.rng" is all zeros/],
    [(d: any) => { d.state.epoch = 5000; }, /"state\.history" must hold a record of each finished epoch: 4999 before epoch 5000, not 1/],
    [(d: any) => { d.state.history = []; }, /"state\.history" must hold a record of each finished epoch: 1 before epoch 2, not 0/],
    [(d: any) => { d.state.bestEpoch = 9; }, /"state\.bestEpoch" 9 lies past the 1 finished epochs/],
  ] as const) {
    assert.throws(() => parseCheckpoint(edited(edit), 't.ckpt'), phrase);
  }
});

test('train() writes the checkpoint at an epoch end only --checkpoint-every seconds after the last, and at every member\'s end', async () => {
  const dir = tempDir('ts-resume-every-');
  const ck = join(dir, 'm.ckpt');
  // What the checkpoint file holds when each epoch ends (onEpoch runs before that epoch's checkpoint).
  const seen = async (checkpointEvery: number | undefined) => {
    rmSync(ck, { force: true });
    const at: string[] = [];
    let member = 0;
    await train({
      files: ['datasets/cbf/train.csv'], hidden: 4, epochs: 3, members: 2, select: 'off', threads: 1, checkpoint: ck, checkpointEvery,
      onMember: (m) => { member = m; },
      onEpoch: (e) => {
        const c = existsSync(ck) ? loadCheckpoint(ck) : undefined;
        at.push(`${member + 1}.${e.epoch}: ${c ? `${c.members?.length ?? 0} done, next epoch ${c.state!.epoch}` : 'none'}`);
      },
    });
    return at;
  };
  assert.deepEqual(await seen(undefined), [ // the default, 10 s: this run takes far less
    '1.1: none', '1.2: none', '1.3: none',
    '2.1: 0 done, next epoch 4', '2.2: 0 done, next epoch 4', '2.3: 0 done, next epoch 4',
  ]);
  assert.deepEqual(await seen(0), [
    '1.1: none', '1.2: 0 done, next epoch 2', '1.3: 0 done, next epoch 3',
    '2.1: 0 done, next epoch 4', '2.2: 1 done, next epoch 2', '2.3: 1 done, next epoch 3',
  ]);
  assert.equal(loadCheckpoint(ck).members?.length, 1, 'the last write: the second member\'s end, the first among the done');
});

test('a checkpoint of an earlier version, which had no cell, direction, stride, augmentation or schedule options, resumes as that version ran (today\'s defaults made it an internal error, or trained on with noise it never had)', async () => {
  for (const sequences of [40, 90]) { // below and above the count model selection starts at: that version did not select
    const dir = tempDir('ts-resume-old-');
    const data = join(dir, 'small.csv');
    writeFileSync(data, readFileSync('datasets/cbf/train.csv', 'utf8').split('\n').slice(0, sequences + 1).join('\n') + '\n');
    const before = { cell: 'rnn', bidirectional: false, stride: 1, noise: 0, warp: 0, mixup: 0, schedule: 'constant', warmup: 0, select: 'off', members: 1, resample: 0 } as const;
    const run = { files: [data], hidden: 6, epochs: 6, threads: 1 };
    const ref = await train({ ...run, ...before });
    const ck = join(dir, 'm.ckpt');
    const ac = new AbortController();
    await assert.rejects(train({ ...run, ...before, checkpoint: ck, checkpointEvery: 0, signal: ac.signal, onEpoch: (e) => { if (e.epoch === 3) ac.abort(); } }), InterruptedError);
    // As that version wrote it: none of these keys (and no checksum line, which files before it lack).
    const doc = JSON.parse(readFileSync(ck, 'utf8').split('\n').filter((l) => !/^"checksum"/.test(l)).join('\n'));
    for (const key of Object.keys(before)) delete doc.hyperparameters[key];
    writeFileSync(ck, JSON.stringify(doc));
    const out = join(dir, 'm.json');
    const r = cli(['train', data, '--hidden', '6', '--epochs', '6', '--threads', '1', '--out', out, '--resume', ck, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(loadModel(out).parameters, ref.model.parameters, 'the same bits as that version\'s uninterrupted run');
    // Given otherwise than that version ran, an option it did not have is refused, as a recorded one would be.
    await assert.rejects(train({ ...run, resume: ck, noise: 0.1 }), (e: unknown) => e instanceof UserError && /this run has --noise 0\.1 but the checkpoint was written by a version without it, which trained as with --noise 0; resume with the command/.test(e.message));
    // Interrupted again, its checkpoint written by this version resumes with the same command line (it recorded
    // the options filled in, and refused the line it printed: an upgrade audit's find).
    const stop = new AbortController();
    await assert.rejects(train({ ...run, resume: ck, checkpoint: ck, checkpointEvery: 0, signal: stop.signal, onEpoch: (e) => { if (e.epoch === 4) stop.abort(); } }), InterruptedError);
    assert.equal(loadCheckpoint(ck).state?.epoch, 5, 'written by the resumed run (next epoch 5; the earlier version\'s: 4)');
    assert.deepEqual((await train({ ...run, resume: ck })).model.parameters, ref.model.parameters, 'resumed twice: still that version\'s bits');
  }
});

test('a checkpoint written during model selection is refused by a run that does not select (its scores were dropped and another run trained)', async () => {
  const dir = tempDir('ts-resume-sel-');
  const data = join(dir, 'ninety.csv');
  writeFileSync(data, readFileSync('datasets/cbf/train.csv', 'utf8').split('\n').slice(0, 91).join('\n') + '\n');
  const ck = join(dir, 'm.ckpt');
  const ac = new AbortController();
  const run = { files: [data], hidden: 4, epochs: 4, threads: 1, checkpoint: ck };
  await assert.rejects(train({ ...run, signal: ac.signal, onSelection: () => ac.abort() }), InterruptedError);
  assert.equal(loadCheckpoint(ck).state, undefined, 'a checkpoint of selection\'s scores');
  await assert.rejects(train({ ...run, resume: ck, select: 'off', lr: 0.05 }),
    (e: unknown) => e instanceof UserError && /the checkpoint holds model selection's scores, but this run does not select \(--select off\), so none of them would be used; resume with the command that started the run/.test(e.message));
});

test('a training file replaced by a rename while it is read trains on what was read, and its record holds no fingerprint of the file now there (evaluate warned of the wrong file)', async () => {
  const dir = tempDir('ts-fingerprint-');
  const data = join(dir, 'data.csv');
  const text = readFileSync('datasets/cbf/train.csv', 'utf8');
  writeFileSync(data, text);
  let replaced = false;
  const r = await train({
    files: [data], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1,
    onRead: () => {
      if (replaced) return;
      replaced = true;
      writeFileSync(`${data}.new`, text.split('\n').slice(0, 21).join('\n') + '\n');
      renameSync(`${data}.new`, data);
    },
  });
  assert.equal(r.model.training.sequences, 300, 'what was read: the file opened, not the one put in its place');
  assert.deepEqual(r.model.training.fingerprints, [null]);
  writeFileSync(data, text);
  const again = await train({ files: [data], hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 });
  assert.match(String((again.model.training.fingerprints as Array<{ sha256: string }>)[0].sha256), /^[0-9a-f]{64}$/);
});

test('serializeCheckpoint() refuses in one line what parseCheckpoint() would refuse (it wrote files no resume could read)', () => {
  const refused = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
  assert.throws(() => serializeCheckpoint({} as never), refused(/^serializeCheckpoint\(\) checkpoint: "model" must be an object/));
  const ds = data();
  const model = { shape: { D: 5, H: 4, C: ds.classes.length }, readout: 'mean' as const, classes: ds.classes, channels: ds.channels, normalization: null };
  assert.throws(() => serializeCheckpoint({ model, hyperparameters: {}, data: { sequences: 1, steps: 1, fingerprint: 'x' } }), refused(/"model\.classes" and "model\.channels" must match "model\.shape"/));
});

test('a resume that leaves out --epochs, --lr, --clip or --patience goes on with the interrupted run\'s; one that changes them says so', async () => {
  const dir = tempDir('ts-resume-kept-');
  const data = join(dir, 'small.csv');
  writeFileSync(data, readFileSync('datasets/cbf/train.csv', 'utf8').split('\n').slice(0, 31).join('\n') + '\n');
  const run = { files: [data], hidden: 5, threads: 1, select: 'off', members: 1 } as const;
  const given = { epochs: 5, lr: 0.004, clip: 0.5, patience: 0 };
  const ref = await train({ ...run, ...given });
  const ck = join(dir, 'm.ckpt');
  const stop = async () => {
    const ac = new AbortController();
    rmSync(ck, { force: true });
    await assert.rejects(train({ ...run, ...given, checkpoint: ck, checkpointEvery: 0, signal: ac.signal, onEpoch: (e) => { if (e.epoch === 2) ac.abort(); } }), InterruptedError);
  };
  await stop();
  const warnings: string[] = [];
  const resumed = await train({ ...run, checkpoint: ck, resume: ck, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(resumed.model.parameters, ref.model.parameters, 'the uninterrupted run\'s bits');
  assert.deepEqual(warnings, []);
  // The command line alike: train's flags with defaults (--epochs, --clip, --patience) left out are the run's.
  await stop();
  const out = join(dir, 'cli.json');
  const r = cliHere(['train', data, '--hidden', '5', '--threads', '1', '--select', 'off', '--members', '1', '--checkpoint', ck, '--resume', ck, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /resuming with/);
  assert.deepEqual(loadModel(out).parameters, ref.model.parameters, 'the uninterrupted run\'s bits');
  await stop();
  const changed: string[] = [];
  const longer = await train({ ...run, checkpoint: ck, resume: ck, epochs: 6, onWarning: (w) => changed.push(w) });
  assert.deepEqual(changed, ['resuming with --epochs 6 where the interrupted run had --epochs 5: the model will not be the one that run would have written']);
  assert.equal(longer.history.length, 6);
  // info on a checkpoint: how far its run got, and the hyperparameters to start it again with.
  await stop();
  const info = cliHere(['info', ck]);
  assert.equal(info.code, 0, info.stderr);
  assert.equal(info.stderr, '');
  assert.match(info.stdout, /^\S+m\.ckpt: a checkpoint of a training run, not a model file: epoch 2 of 5 trained; the command that started the run, with --resume \S+, goes on from it and writes the model\n {2}network: bidirectional GRU, H = 5, readout mean\n {2}classes \(3\): bell, cylinder, funnel\n/);
  assert.match(info.stdout, /\n {2}hyperparameters \(as the run resolved them\): hidden 5, .*epochs 5, .*lr 0\.004, .*clip 0\.5, .*patience 0, /);
  // the channels as the network reads them, as info on a model file says: their differences where the run reads them
  const differences = /, differences (true|false),/.exec(info.stdout)?.[1];
  assert.ok(differences !== undefined, info.stdout);
  assert.match(info.stdout, new RegExp(`\n {2}channels \\(1\\): value${differences === 'true' ? ', and their first differences' : ''}\n`));
  const json = cliHere(['info', ck, '--json']);
  assert.equal(json.code, 2);
  assert.match(json.stderr, /is a checkpoint, which --json does not print/);
});

test('a checkpoint whose recorded hyperparameters were edited out of bounds is refused, naming the field, before anything is written', async () => {
  const dir = tempDir('ts-resume-edited-');
  const data = join(dir, 'small.csv');
  writeFileSync(data, readFileSync('datasets/cbf/train.csv', 'utf8').split('\n').slice(0, 21).join('\n') + '\n');
  const run = { files: [data], hidden: 3, threads: 1, select: 'off', members: 1, epochs: 3 } as const;
  const ck = join(dir, 'm.ckpt');
  const ac = new AbortController();
  await assert.rejects(train({ ...run, checkpoint: ck, checkpointEvery: 0, signal: ac.signal, onEpoch: () => ac.abort() }), InterruptedError);
  // As the checksum's message says to edit a checkpoint: its "checksum" line deleted.
  const doc = JSON.parse(readFileSync(ck, 'utf8'));
  delete doc.checksum;
  const cases = [
    ['lr', 'x', 'its "hyperparameters.lr" must be a number > 0 (got "x")'],
    ['epochs', -1, 'its "hyperparameters.epochs" must be auto or a whole number from 1 to 1000000 (got -1)'],
    ['bptt', [1, 2], 'its "hyperparameters.bptt" must be a whole number ≥ 0 (got [1, 2])'],
    ['members', 0, 'its "hyperparameters.members" must be a whole number from 1 to 4096 (got 0)'],
    ['members', 2000, 'its "hyperparameters.members" × "hyperparameters.hidden" must be at most 4096 (got 2000 × 3)'],
    ['seed', 3e9, 'its "hyperparameters.seed" must be a whole number from -2147483648 to 2147483647 (got 3000000000)'], // an earlier version took it
  ] as const;
  for (const [key, value, problem] of cases) {
    writeFileSync(ck, JSON.stringify({ ...doc, hyperparameters: { ...doc.hyperparameters, [key]: value } }));
    const out = join(dir, 'm.json');
    await assert.rejects(train({ ...run, checkpoint: ck, resume: ck, out }), (e: unknown) =>
      e instanceof UserError && e.message.startsWith(`${ck}: ${problem}`) && /, which this version cannot resume \(the checkpoint was edited or is damaged, or an earlier version took the value\); train afresh without --resume$/.test(e.message), key);
    assert.ok(!existsSync(out));
    // info shows the values, and says the resume its summary offers would be refused.
    const info = cliHere(['info', ck]);
    assert.equal(info.code, 0, info.stderr);
    assert.ok(info.stderr.startsWith(`train-signals: warning: ${ck}: ${problem}`), info.stderr);
    assert.ok(info.stderr.endsWith(', which this version cannot resume (the checkpoint was edited or is damaged, or an earlier version took the value)\n'), info.stderr);
  }
});

test('the data fingerprint tells names apart that run together (classes bell, cylinder against b, ellcylinder); a resume still takes an earlier version\'s', () => {
  const ds = syntheticDataSet(6, 2, 2);
  const named = (classes: string[], channels: string[]) => ({ ...ds, classes, channels });
  const [now, before] = dataFingerprints(named(['bell', 'cylinder'], ['ax', 'ay']));
  const renamed = dataFingerprints(named(['b', 'ellcylinder'], ['ax', 'ay']));
  const channels = dataFingerprints(named(['bell', 'cylinder'], ['a', 'xay']));
  assert.notEqual(renamed[0], now);
  assert.notEqual(channels[0], now);
  assert.equal(renamed[1], before, 'the earlier version\'s ran them together');
  assert.equal(dataFingerprint(named(['bell', 'cylinder'], ['ax', 'ay'])), now);
  const ck = (fingerprint: string) => ({ data: { sequences: ds.lengths.length, steps: 0, fingerprint } }) as unknown as Checkpoint;
  const data = named(['bell', 'cylinder'], ['ax', 'ay']);
  checkResumeData(ck(now), 'c.ckpt', data, [now, before]);
  checkResumeData(ck(before), 'c.ckpt', data, [now, before]); // a checkpoint of the version before
  assert.throws(() => checkResumeData(ck(now), 'c.ckpt', data, renamed), /the training data differ from the data this checkpoint was trained on/);
});

test('fit() resumes only a whole state: one edited by a program is refused naming the field (a plain Error, a divergence, or silence before)', async () => {
  let state: FitState | undefined;
  await fit(data(), null, { ...base, epochs: 2, onCheckpoint: (s) => { state ??= s; } });
  const s = state!;
  const cases: Array<[string, FitState, RegExp]> = [
    ['moments one short', { ...s, optimizer: { ...s.optimizer, m: s.optimizer.m.subarray(1) } }, /optimizer\.m and optimizer\.v must hold adam's finite moments/],
    ['a NaN moment', { ...s, optimizer: { ...s.optimizer, v: s.optimizer.v.map((x, i) => (i === 0 ? NaN : x)) } }, /optimizer\.m and optimizer\.v/],
    ['a step of text', { ...s, optimizer: { ...s.optimizer, step: 'x' as unknown as number } }, /optimizer\.step must be a whole number of steps taken \(got x\)/],
    ['a NaN parameter', { ...s, params: s.params.map((x, i) => (i === 0 ? NaN : x)) }, /params and best must hold \d+ finite numbers each/],
    ['an order of other sequences', { ...s, order: s.order.map(() => 999) }, /order must be a permutation of split\.train/],
    ['an epoch past the run', { ...s, epoch: 99 }, /epoch is 99, outside this run's 1 to 3/],
    ['a batch past the data', { ...s, batchStart: 1e6 }, /batchStart is 1000000, outside the \d+ training sequences/],
    ['an rng of text', { ...s, rng: ['a', 'b', 'c', 'd'] as unknown as FitState['rng'] }, /rng must hold four 32-bit whole numbers/],
    ['an rng of zeros', { ...s, rng: [0, 0, 0, 0] }, /rng must hold four 32-bit whole numbers, not all zero/],
    ['a NaN loss so far', { ...s, lossSum: NaN }, /lossSum, weightSum, correct and batches must be finite numbers/],
    ['a best epoch to come', { ...s, bestEpoch: 99 }, /bestEpoch is 99, not an epoch before \d+/],
  ];
  for (const [name, edited, message] of cases) {
    await assert.rejects(fit(data(), null, { ...base, epochs: 2, resume: edited }), (e: unknown) => e instanceof UserError && /^fit\(\) resume: /.test(e.message) && message.test(e.message), name);
  }
  const whole = await fit(data(), null, { ...base, epochs: 2, resume: s });
  assert.equal(whole.history.length, 2, 'the state as given resumes');
});

test('a resume refused says one thing: the warnings of its data and options wait until the checkpoint is checked', async () => {
  const dir = tempDir('ts-resume-quiet-');
  const data = join(dir, 'small.csv');
  writeFileSync(data, readFileSync('datasets/cbf/train.csv', 'utf8').split('\n').slice(0, 41).join('\n') + '\n');
  const run = { files: [data], hidden: 3, threads: 1, select: 'off', members: 1, epochs: 4, valSplit: 0.25, patience: 2 } as const;
  const ck = join(dir, 'm.ckpt');
  const ac = new AbortController();
  await assert.rejects(train({ ...run, checkpoint: ck, signal: ac.signal, onEpoch: () => ac.abort() }), InterruptedError);
  const warnings: string[] = [];
  const { valSplit: _v, ...without } = run; // --patience left with nothing to watch: a warning, and a refusal
  await assert.rejects(train({ ...without, checkpoint: ck, resume: ck, onWarning: (w) => warnings.push(w) }), /this run has --val-split 0 but the checkpoint was trained with --val-split 0\.25/);
  assert.equal(warnings.length, 0, `no warning before the refusal: ${warnings.join('; ')}`);
  // Resumed as it started, its warnings are said once the checkpoint is checked (here: none), and it ends.
  const resumed = await train({ ...run, checkpoint: ck, resume: ck, onWarning: (w) => warnings.push(w) });
  assert.equal(resumed.history.length, 4);
});

test('a checkpoint of a newer version is said to be one, not damaged (the advice was to delete it)', () => {
  assert.throws(() => parseCheckpoint(JSON.stringify({ format: 'train-signals/checkpoint', version: 2 }), 'c.ckpt'), (e: unknown) => e instanceof UserError &&
    /^c\.ckpt: a checkpoint of version 2, written by a newer train-signals \(this one reads version 1\); resume it with the version that wrote it$/.test(e.message));
  assert.throws(() => parseCheckpoint(JSON.stringify({ format: 'train-signals/checkpoint', version: 'x' }), 'c.ckpt'), /checkpoint version "x" is not supported/);
});
