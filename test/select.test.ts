// Model selection (src/train/select.ts): the folds partition the training set by class, the candidates are what
// the user left unset, its stages train what the stages before leave open, the scores and the choice do not
// depend on the thread count, train() records them, and a run interrupted in the middle of selection resumes to
// the same bits as a run that never stopped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultBuild } from '../src/engine/wasm.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stratifiedFolds } from '../src/train/split.js';
import {
  type CandidateScore, NOTHING_HELD_OUT, type StageProgress, type Varied, budgetOf, canSelect, candidatesFor, heldOutParts, plannedTasks, runSelectionTask, selectModel, selectionStage, tooFewToSelect,
  weightedScore, whySelectionSkips, withCandidate, withVaried,
} from '../src/train/select.js';
import { TRAIN_DEFAULTS, resolveHyperparameters } from '../src/train/defaults.js';
import { train } from '../src/train/train.js';
import { InterruptedError } from '../src/errors.js';
import { loadCheckpoint, saveCheckpoint } from '../src/io/checkpoint.js';
import { createRng } from '../src/model/rng.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));

test('stratified folds: a partition of the training set, each class spread over the folds', () => {
  const labels = Int32Array.from({ length: 23 }, (_, n) => (n < 14 ? 0 : n < 20 ? 1 : 2));
  const folds = stratifiedFolds(labels, 3, 3, createRng(5));
  const held = folds.flatMap((f) => Array.from(f.val)).sort((a, b) => a - b);
  assert.deepEqual(held, Array.from({ length: 23 }, (_, n) => n), 'every sequence is held out exactly once');
  for (const f of folds) {
    assert.equal(f.train.length + f.val.length, 23);
    assert.ok(!Array.from(f.val).some((n) => f.train.includes(n)));
    for (const c of [0, 1, 2]) {
      const inVal = Array.from(f.val).filter((n) => labels[n] === c).length;
      const total = labels.filter((l) => l === c).length;
      assert.ok(Math.abs(inVal - total / 3) <= 1, `class ${c}: ${inVal} of ${total} held out`);
    }
  }
  assert.ok(Math.max(...folds.map((f) => f.val.length)) - Math.min(...folds.map((f) => f.val.length)) <= 1);
  assert.deepEqual(stratifiedFolds(labels, 3, 3, createRng(5)), folds, 'seeded');
});

test('small sets are cross-validated in two folds, large ones judged on one stratified split of a quarter', () => {
  const small = heldOutParts(Int32Array.from({ length: 30 }, (_, n) => n % 3), 3, 1);
  assert.equal(small.length, 2);
  const labels = Int32Array.from({ length: 1200 }, (_, n) => (n < 900 ? 0 : 1));
  const large = heldOutParts(labels, 2, 1);
  assert.equal(large.length, 1);
  const held = Array.from(large[0].val);
  assert.equal(held.filter((n) => labels[n] === 0).length, 225);
  assert.equal(held.filter((n) => labels[n] === 1).length, 75);
  assert.equal(large[0].train.length + large[0].val.length, 1200);
});

test('stratified folds never hold out a class of one: every fold trains on it; one per class: nothing to select on', () => {
  const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2]); // class 2 has one sequence
  const parts = heldOutParts(labels, 3, 1);
  assert.equal(parts.length, 2);
  for (const [f, p] of parts.entries()) {
    assert.ok(p.train.includes(8) && !p.val.includes(8), `fold ${f} trains on the class of one and does not score it`);
    for (const c of [0, 1]) assert.equal(Array.from(p.val).filter((n) => labels[n] === c).length, 2, `fold ${f} holds out half of class ${c}`);
    assert.equal(p.train.length + p.val.length, 9);
  }
  const held = parts.flatMap((p) => Array.from(p.val)).sort((a, b) => a - b);
  assert.deepEqual(held, [0, 1, 2, 3, 4, 5, 6, 7], 'every other sequence is held out exactly once');
  assert.equal(canSelect(labels, 3, 1), true);
  assert.equal(canSelect(Int32Array.from([0, 1, 2]), 3, 1), false);
  assert.deepEqual(heldOutParts(Int32Array.from([0, 1, 2]), 3, 1).map((p) => [Array.from(p.train), Array.from(p.val)]), [[[0, 1, 2], []], [[0, 1, 2], []]]);
});

test('selection skips fewer than 60 training sequences, and classes of one, and says why', () => {
  const labels = (N: number, C: number) => Int32Array.from({ length: N }, (_, n) => n % C);
  assert.equal(whySelectionSkips(labels(59, 2), 2, 1), tooFewToSelect(59));
  assert.match(tooFewToSelect(59), /^59 training sequences, fewer than 60: /);
  assert.equal(whySelectionSkips(labels(60, 2), 2, 1), undefined);
  // A class of one sequence is never held out, so only the classes of two or more count toward the 60.
  assert.equal(whySelectionSkips(labels(60, 60), 60, 1), tooFewToSelect(60, 0));
  assert.equal(whySelectionSkips(labels(61, 60), 60, 1), tooFewToSelect(61, 2), 'one class of two: held-out parts of a sequence');
  assert.match(tooFewToSelect(73, 3), /^73 training sequences, 3 of them in classes of two or more \(the only ones a fold can hold out\), fewer than 60: /);
  const pairsAndOnes = Int32Array.from({ length: 70 }, (_, n) => (n < 60 ? n % 2 : 2 + n - 60)); // 60 in two classes, 10 alone
  assert.equal(whySelectionSkips(pairsAndOnes, 12, 1), undefined);
  assert.equal(whySelectionSkips(labels(60, 60), 60, 1, true), NOTHING_HELD_OUT, '--select on: nothing to hold out');
  assert.equal(whySelectionSkips(labels(4, 2), 2, 1, true), undefined, '--select on: any number that can be held out');
  assert.equal(whySelectionSkips(labels(3, 3), 3, 1, true), NOTHING_HELD_OUT);
});

test('train() on too few sequences skips selection and trains the augmented candidate with the readout by length', async () => {
  const dir = tempDir('ts-select-');
  const file = join(dir, 'three.csv');
  writeFileSync(file, 'label,t0,t1,t2,t3,t4,t5\na,0,1,2,3,2,1\nb,3,2,1,0,1,2\nc,1,1,1,2,2,2\n');
  const why: string[] = [];
  let used: Record<string, unknown> = {};
  const o = { files: [file], hidden: 4, epochs: 2, threads: 1, members: 1 } as const;
  const r = await train({ ...o, onSelectionSkipped: (w, hp) => { why.push(w); used = { ...hp }; }, onSelection: () => assert.fail('no candidate may train') });
  assert.deepEqual(why, [tooFewToSelect(3)]);
  assert.deepEqual([used.noise, used.warp, used.mixup, used.readout], [0.1, 0.1, 0.2, 'last'], 'the augmented candidate; 6 steps: the last readout');
  assert.deepEqual((r.model.training as { selection?: unknown }).selection, { skipped: tooFewToSelect(3) }, 'the model file says why');
  const off = await train({ ...o, select: 'off', warp: 0.1, mixup: 0.2 });
  assert.deepEqual(bits(r.model.parameters), bits(off.model.parameters));
  const own = await train({ ...o, noise: 0.3 });
  const given = (own.model.training as { hyperparameters: Record<string, unknown> }).hyperparameters;
  assert.deepEqual([given.noise, given.warp, given.mixup], [0.3, 0, 0], 'augmentation the user sets stays as set');
  // From --init selection does not run (the model fixes the network): said, with what trains, and nothing else changed.
  why.length = 0;
  const init = await train({ ...o, init: r.model, onSelectionSkipped: (w, hp) => { why.push(w); used = { ...hp }; }, onSelection: () => assert.fail('no candidate may train') });
  const record = (init.model.training as { hyperparameters: Record<string, unknown>; selection?: unknown });
  assert.deepEqual(why, ['it starts from --init, whose model fixes the network']);
  assert.deepEqual([used.noise, used.warp, used.mixup, used.readout], [record.hyperparameters.noise, record.hyperparameters.warp, record.hyperparameters.mixup, init.model.readout]);
  assert.equal(record.selection, undefined);
  why.length = 0;
  await train({ ...o, init: r.model, select: 'off', onSelectionSkipped: (w) => why.push(w) });
  assert.deepEqual(why, [], '--select off asked for none: nothing to say');
});

test('train() with select: on selects on too few sequences for auto', async () => {
  const dir = tempDir('ts-select-');
  const file = join(dir, 'six.csv');
  writeFileSync(file, 'label,t0,t1,t2,t3,t4,t5\na,0,1,2,3,2,1\nb,3,2,1,0,1,2\na,0,1,2,3,3,1\nb,3,2,1,1,1,2\na,0,0,2,3,2,1\nb,3,3,1,0,1,2\n');
  let tasks = 0;
  const r = await train({ files: [file], hidden: 4, epochs: 2, threads: 1, members: 1, layers: 1, select: 'on', onSelectionSkipped: () => assert.fail('not skipped'), onSelection: () => tasks++ });
  const selection = (r.model.training as { selection?: { chosen: string; candidates: { name: string }[] } }).selection;
  assert.equal(tasks, 8, 'four candidates on two folds: two readouts, then the two other rungs');
  assert.equal(selection?.candidates.length, 4);
  assert.ok(selection.candidates.some((c) => c.name === selection.chosen));
});

test('the candidates are what the user left to selection', () => {
  const hp = resolveHyperparameters(syntheticDataSet(10, 1, 2), { noise: 0.1, readout: 'last' });
  const names = (vary: Varied) => candidatesFor(hp, vary).map((c) => c.name);
  assert.deepEqual(names({ augmentation: true, weightDecay: true, readout: true }), [
    'noise 0, readout last', 'noise 0, readout mean', 'noise 0.1, warp 0.1, mixup 0.2, readout last', 'noise 0.1, warp 0.1, mixup 0.2, readout mean',
    'noise 0.1, warp 0.1, mixup 0.2, weight decay 0.5, readout last', 'noise 0.1, warp 0.1, mixup 0.2, weight decay 0.5, readout mean',
  ]);
  assert.deepEqual(names({ augmentation: true, weightDecay: true, readout: false }), ['noise 0, readout last', 'noise 0.1, warp 0.1, mixup 0.2, readout last', 'noise 0.1, warp 0.1, mixup 0.2, weight decay 0.5, readout last']);
  assert.deepEqual(names({ augmentation: true, weightDecay: false, readout: false }), ['noise 0, readout last', 'noise 0.1, warp 0.1, mixup 0.2, readout last'], '--weight-decay given');
  assert.deepEqual(names({ augmentation: false, weightDecay: true, readout: true }), ['noise 0.1, readout last', 'noise 0.1, readout mean']);
  assert.deepEqual(candidatesFor({ ...hp, noise: 0 }, { augmentation: true, weightDecay: true, readout: false }).map((c) => c.noise), [0], 'no noise: the user chose none');
  const decayed = candidatesFor(hp, { augmentation: true, weightDecay: true, readout: false });
  assert.deepEqual(decayed.map((c) => c.weightDecay), [undefined, undefined, 0.5], 'only the last sets a weight decay; the others keep the run\'s');
  // Ragged training data with --resample auto: each candidate resampled to the median length, then as it is.
  const L = hp.resample;
  assert.ok(L > 0, 'the synthetic lengths differ');
  const both = candidatesFor(hp, { augmentation: true, weightDecay: false, readout: false, resample: true });
  assert.deepEqual(both.map((c) => c.name), [
    `resampled to ${L}, noise 0, readout last`, `resampled to ${L}, noise 0.1, warp 0.1, mixup 0.2, readout last`,
    'lengths as they are, noise 0, readout last', 'lengths as they are, noise 0.1, warp 0.1, mixup 0.2, readout last',
  ]);
  assert.deepEqual(both.map((c) => c.resample), [L, L, 0, 0]);
  assert.equal(withCandidate(hp, both[2]).resample, 0);
  assert.equal(withCandidate(hp, decayed[0]).resample, L, 'a candidate without resample keeps the run\'s');
  assert.equal(candidatesFor(hp, { augmentation: false, weightDecay: false, readout: false, resample: true }).length, 2, 'resampling alone');
  // The layers left unset: the augmented rung with two layers too, with the mean readout when the readout is varied.
  assert.deepEqual(names({ augmentation: true, weightDecay: true, readout: true, layers: true }).slice(6), ['two layers, noise 0.1, warp 0.1, mixup 0.2, readout mean']);
  assert.deepEqual(names({ augmentation: true, weightDecay: true, readout: false, layers: true }).slice(3), ['two layers, noise 0.1, warp 0.1, mixup 0.2, readout last']);
  assert.equal(names({ augmentation: false, weightDecay: true, readout: true, layers: true }).length, 2, 'a fixed augmentation: one layer only');
  const two = candidatesFor(hp, { augmentation: true, weightDecay: true, readout: true, layers: true })[6];
  assert.equal(withCandidate(hp, two).layers, 2);
  assert.equal(withCandidate(hp, decayed[0]).layers, 1, 'a candidate without layers keeps the run\'s');
  assert.equal(withVaried(hp, two, { augmentation: true, weightDecay: true, readout: true }).layers, 1, 'the layers are the user\'s unless varied');
});

/** c with held-out accuracy a (log-loss 1 − a): what selectionStage reads of the stages before. */
const scored = (c: ReturnType<typeof candidatesFor>[number], a: number): CandidateScore => ({ ...c, accuracy: a, logLoss: 1 - a, diverged: false, folds: [] });

test('selection in stages: the readout on the augmented rung, the other rungs with it, then two layers where an augmented candidate did best below 0.9', () => {
  const hp = resolveHyperparameters(syntheticDataSet(10, 1, 2), { noise: 0.1, readout: 'last' });
  const vary: Varied = { augmentation: true, weightDecay: true, readout: true, layers: true };
  const all = candidatesFor(hp, vary);
  const named = (n: string) => all.find((c) => c.name === n)!;
  const stage = (s: number, before: CandidateScore[], fits = true) => selectionStage(hp, vary, s, before, () => fits).map((c) => c.name);
  const aug = 'noise 0.1, warp 0.1, mixup 0.2';
  assert.deepEqual(stage(0, []), [`${aug}, readout last`, `${aug}, readout mean`]);
  const first = [scored(named(`${aug}, readout last`), 0.7), scored(named(`${aug}, readout mean`), 0.8)];
  assert.deepEqual(stage(1, first), ['noise 0, readout mean', `${aug}, weight decay 0.5, readout mean`], 'the other rungs with the better readout');
  const second = (n0: number, wd: number) => [...first, scored(named('noise 0, readout mean'), n0), scored(named(`${aug}, weight decay 0.5, readout mean`), wd)];
  assert.deepEqual(stage(2, second(0.6, 0.85)), [`two layers, ${aug}, readout mean`], 'an augmented candidate best, below 0.9');
  assert.deepEqual(stage(2, second(0.6, 0.85), false), [], 'not where its fit would not fit the kernel\'s memory');
  assert.deepEqual(stage(2, second(0.85, 0.6)), [], 'not where no augmentation did best');
  assert.deepEqual(stage(2, second(0.6, 0.95)), [], 'not at 0.9 or above');
  assert.deepEqual(stage(3, second(0.6, 0.85)), []);
  assert.deepEqual(selectionStage(hp, { ...vary, layers: false }, 2, second(0.6, 0.85), () => true), [], 'not when the layers are fixed');
  // With the resampling varied, stage 0 compares both lengths too, and the later stages keep the better one.
  const rv: Varied = { ...vary, resample: true };
  const L = hp.resample;
  const zero = selectionStage(hp, rv, 0, [], () => true);
  assert.deepEqual(zero.map((c) => c.name), [`resampled to ${L}, ${aug}, readout last`, `resampled to ${L}, ${aug}, readout mean`, `lengths as they are, ${aug}, readout last`, `lengths as they are, ${aug}, readout mean`]);
  const kept = selectionStage(hp, rv, 1, zero.map((c, i) => scored(c, i === 2 ? 0.8 : 0.5)), () => true);
  assert.deepEqual(kept.map((c) => [c.resample, c.readout]), [[0, 'last'], [0, 'last']]);
});

test('a progress callback that throws on its timer stops selection with its own error, as thrown (it was an uncaught exception that ended the host)', async () => {
  const ds = syntheticDataSet(30, 2, 3, 9, 8, 40);
  const hp = resolveHyperparameters(ds, { hidden: 8, stride: 2, bidirectional: true, batchSize: 8 });
  const o = { vary: { augmentation: true, weightDecay: true, readout: true }, budget: { epochs: 40 } };
  for (const threads of [1, 2]) {
    for (const thrown of [new Error('the display failed'), 'a string', undefined]) {
      let calls = 0;
      const t0 = performance.now();
      await assert.rejects(selectModel(ds, hp, { ...o, threads, progressMs: 1, onProgress: () => { calls++; throw thrown; } }), (e: unknown) => e === thrown);
      assert.equal(calls, 1, 'called once, then the stage stopped');
      assert.ok(performance.now() - t0 < 20_000, 'the stage stopped rather than training on');
    }
  }
});

test('selection\'s worker threads take this thread\'s kernel build, whatever their copy of the environment says', async () => {
  const ds = syntheticDataSet(30, 2, 3, 9, 8, 40);
  const hp = resolveHyperparameters(ds, { hidden: 8, stride: 2, bidirectional: true, batchSize: 8 });
  const o = { vary: { augmentation: true, weightDecay: true, readout: true }, budget: { epochs: 2 }, threads: 2 };
  const before = await selectModel(ds, hp, o);
  const was = process.env.TRAIN_SIGNALS_KERNEL;
  // A worker started now copies this environment; this thread chose its build already (a run start would refuse
  // the change: buildForRun, tested in library-calls.test).
  process.env.TRAIN_SIGNALS_KERNEL = defaultBuild() === 'fma' ? 'plain' : '';
  try {
    assert.deepEqual(await selectModel(ds, hp, o), before);
  } finally {
    if (was === undefined) delete process.env.TRAIN_SIGNALS_KERNEL;
    else process.env.TRAIN_SIGNALS_KERNEL = was;
  }
});

test('a candidate trains with a share of one final fit\'s steps, or with the epochs the run fixes', () => {
  const hp = { epochs: 60, batchSize: 32, valSplit: 0 };
  // 100 sequences in batches of 32: 4 steps an epoch, 240 in a final fit.
  assert.deepEqual(budgetOf('auto', hp, 100), { steps: Math.round(240 * TRAIN_DEFAULTS.selectStepFraction) });
  assert.deepEqual(budgetOf('auto', hp, 10), { steps: Math.round(60 * TRAIN_DEFAULTS.selectStepFraction) }, 'one step an epoch');
  assert.deepEqual(budgetOf(7, hp, 100), { epochs: 7 });
  assert.deepEqual(budgetOf('auto', { ...hp, valSplit: 0.2 }, 100), { steps: Math.round(180 * TRAIN_DEFAULTS.selectStepFraction) }, 'the final fit trains on 80');
});

test('selection gives the same scores and choice on 1 and 2 threads, and chooses the best held-out accuracy', async () => {
  const ds = syntheticDataSet(30, 2, 3, 9, 8, 40);
  const hp = resolveHyperparameters(ds, { hidden: 8, stride: 2, bidirectional: true, batchSize: 8 });
  const o = { vary: { augmentation: true, weightDecay: true, readout: true }, budget: { epochs: 3 } };
  const reports = [[], []] as StageProgress[][];
  const one = await selectModel(ds, hp, { ...o, threads: 1, progressMs: 1, onProgress: (p) => reports[0].push(p) });
  const two = await selectModel(ds, hp, { ...o, threads: 2, progressMs: 1, onProgress: (p) => reports[1].push(p) });
  assert.deepEqual(two, one);
  // Progress counts every optimizer step of a stage's fits, in the worker threads too: each stage trains two
  // candidates on both folds, 3 epochs of ⌈(fold's training part) / 8⌉ steps.
  const perCandidate = heldOutParts(ds.labels, 3, hp.seed).reduce((n, f) => n + 3 * Math.ceil(f.train.length / 8), 0);
  for (const r of reports) {
    for (const stage of [1, 2]) {
      const of = r.filter((p) => p.stage === stage);
      assert.ok(of.length >= 1);
      assert.deepEqual({ ...of.at(-1)!, seconds: 0 }, { stage, done: 2 * perCandidate, total: 2 * perCandidate, seconds: 0 });
      assert.ok(of.every((p, i) => p.total === 2 * perCandidate && p.done >= (i > 0 ? of[i - 1].done : 0)), 'never backwards');
    }
    assert.ok(r.every((p) => p.stage <= 2));
  }
  assert.equal(one.scores.length, 4, 'two readouts, then the two other rungs');
  assert.equal(one.folds, 2);
  const top = Math.max(...one.scores.map((s) => s.accuracy));
  const chosen = one.scores.find((s) => s.name === one.chosen.name)!;
  assert.equal(chosen.accuracy, top);
  const sizes = heldOutParts(ds.labels, 3, hp.seed).map((f) => f.val.length);
  for (const s of one.scores) {
    const right = s.folds.map((f, i) => f.accuracy * sizes[i]);
    assert.ok(right.every((r) => Math.abs(r - Math.round(r)) < 1e-9), 'each fold scores a count of sequences');
    assert.ok(Math.abs(s.accuracy - (right[0] + right[1]) / (sizes[0] + sizes[1])) < 1e-12, 'the share right over both folds');
    if (sizes[0] === sizes[1]) assert.equal(s.logLoss, (s.folds[0].logLoss + s.folds[1].logLoss) / 2, 'folds of one size: their mean, to the bit');
  }
  // One readout: stages of two tasks, so on four threads each fit gets two of them (its own engine's workers).
  const fixed = { ...o, vary: { augmentation: true, weightDecay: true, readout: false } };
  assert.deepEqual(await selectModel(ds, hp, { ...fixed, threads: 4 }), await selectModel(ds, hp, { ...fixed, threads: 1 }));
});

test('held-out accuracy is the share right over all the folds: the same count split otherwise between folds of other sizes ties, and the log-loss decides', () => {
  const ds = syntheticDataSet(31, 1, 2, 9, 8, 20);
  const hp = resolveHyperparameters(ds, { hidden: 8 });
  const o = { vary: { augmentation: true, weightDecay: true, readout: true }, budget: { epochs: 1 } };
  const [n0, n1] = heldOutParts(ds.labels, 2, hp.seed).map((f) => f.val.length);
  assert.notEqual(n0, n1, 'folds of two sizes');
  const big = n0 > n1 ? 0 : 1;
  const aug = 'noise 0.1, warp 0.1, mixup 0.2';
  // Stage 0 scored: each readout's two folds, as counts right out of each fold's held-out sequences.
  const done = (last: number[], mean: number[], lossLast: number, lossMean: number) => {
    const sizes = [n0, n1];
    const d: Record<string, { accuracy: number; logLoss: number }> = {};
    for (const fold of [0, 1]) {
      d[`${aug}, readout last/${fold}`] = { accuracy: last[fold] / sizes[fold], logLoss: lossLast };
      d[`${aug}, readout mean/${fold}`] = { accuracy: mean[fold] / sizes[fold], logLoss: lossMean };
    }
    return d;
  };
  const nextReadout = (d: ReturnType<typeof done>) => {
    const plan = plannedTasks(ds, hp, o, d);
    assert.equal(plan.stage, 1);
    return [...new Set(plan.tasks.slice(4).map((t) => t.candidate.readout))];
  };
  // 10 right either way; the mean readout's extra one is in the smaller fold, which a mean of the folds'
  // accuracies would have counted for more.
  const at = (bigRight: number, smallRight: number) => (big === 0 ? [bigRight, smallRight] : [smallRight, bigRight]);
  assert.deepEqual(nextReadout(done(at(6, 4), at(5, 5), 0.4, 0.5)), ['last'], 'a tie in sequences right: the lower log-loss');
  assert.deepEqual(nextReadout(done(at(6, 4), at(5, 5), 0.6, 0.5)), ['mean']);
  assert.deepEqual(nextReadout(done(at(6, 4), at(6, 5), 0.4, 0.9)), ['mean'], 'one more right wins whatever the log-loss');
  // A readout whose fit diverged on one fold loses, however many its other fold got right (it was taken on them).
  const diverged = done(at(6, 4), at(1, 1), 0.4, 0.9);
  diverged[`${aug}, readout last/1`] = { accuracy: 0, logLoss: Number.MAX_VALUE, diverged: true } as { accuracy: number; logLoss: number };
  assert.deepEqual(nextReadout(diverged), ['mean'], 'a fold diverged: below every candidate that did not');
  const plan = plannedTasks(ds, hp, o, done(at(6, 4), at(5, 5), 0.4, 0.5));
  const last = plan.scores.find((s) => s.name === `${aug}, readout last`)!;
  assert.ok(Math.abs(last.accuracy - 10 / (n0 + n1)) < 1e-12 && Math.abs(last.logLoss - 0.4) < 1e-12, JSON.stringify(last));
});

test('with --class-weights balanced the held-out scores weigh each sequence as its class is in the loss, and the record says so', async () => {
  // Three sequences of a class weighing 2 and one of a class weighing 6 (sizes 1:3 over the training data).
  const w = Float64Array.of(2, 6);
  const scores = { count: 4, labels: Int32Array.of(0, 0, 0, 1), predicted: Int32Array.of(0, 0, 0, 0), probabilities: Float32Array.of(0.9, 0.1, 0.8, 0.2, 0.6, 0.4, 0.75, 0.25) };
  const { accuracy, logLoss } = weightedScore(scores, w, 2);
  assert.ok(Math.abs(accuracy - 6 / 12) < 1e-12, `${accuracy}: the three right weigh as much as the one wrong (unweighted 0.75)`);
  const expected = -(2 * (Math.log(Math.fround(0.9)) + Math.log(Math.fround(0.8)) + Math.log(Math.fround(0.6))) + 6 * Math.log(Math.fround(0.25))) / 12;
  assert.ok(Math.abs(logLoss - expected) < 1e-12, `${logLoss} against ${expected}`);
  // Through train(): the record and the choice's scores say the weighting; without class weights, no mark.
  const ds = syntheticDataSet(64, 1, 4, 5, 8, 16);
  const file = join(tempDir('ts-select-'), 'lopsided.csv');
  const rows = Array.from(ds.lengths, (T, n) => `${ds.labels[n] === 0 ? 'rare' : 'common'},${Array.from(ds.values.subarray(ds.offsets[n], ds.offsets[n] + T), (x) => x.toFixed(3)).join(',')}`);
  writeFileSync(file, rows.join('\n') + '\n');
  const run = (classWeights: 'balanced' | 'none') => train({ files: [file], hidden: 4, members: 1, epochs: 1, threads: 1, select: 'on', classWeights });
  const [weighted, plain] = [await run('balanced'), await run('none')];
  assert.equal((weighted.model.training['selection'] as { classWeighted?: boolean }).classWeighted, true);
  assert.equal('classWeighted' in (plain.model.training['selection'] as object), false);
});

const CBF = join(ROOT, 'datasets/cbf/train.csv');
const opts = { files: [CBF], hidden: 8, epochs: 2, threads: 2, batchSize: 16 } as const;

test('a candidate trains with its own weight decay, the others with the run\'s', async () => {
  const ds = syntheticDataSet(24, 2, 3, 9, 8, 41);
  const hp = resolveHyperparameters(ds, { hidden: 8, stride: 2, batchSize: 8, lr: 0.05 });
  const [, , decayed] = candidatesFor(hp, { augmentation: true, weightDecay: true, readout: false });
  const folds = heldOutParts(ds.labels, ds.classes.length, 1);
  const run = (candidate: typeof decayed, h = hp) => runSelectionTask(ds, { candidate, fold: 0, ...folds[0], hp: h, budget: { epochs: 4 } });
  const { weightDecay: _w, ...plain } = decayed;
  const withDecay = await run(decayed);
  assert.notDeepEqual(withDecay, await run(plain), 'weight decay 0.5 changes the fit');
  assert.deepEqual(withDecay, await run(plain, { ...hp, weightDecay: 0.5 }), 'the same as the run\'s own weight decay of 0.5');
});

test('a selection task ends at its stop flag: after the step in progress, with no score', async () => {
  const ds = syntheticDataSet(24, 2, 3, 9, 8, 41);
  const hp = resolveHyperparameters(ds, { hidden: 8, stride: 2, batchSize: 8, lr: 0.05 });
  const [candidate] = candidatesFor(hp, { augmentation: true, weightDecay: true, readout: false });
  const task = { candidate, fold: 0, ...heldOutParts(ds.labels, ds.classes.length, 1)[0], hp, budget: { epochs: 40 } };
  let reads = 0;
  const stop = { get aborted() { return ++reads > 5; } }; // raised a few steps in
  await assert.rejects(runSelectionTask(ds, task, stop), (e) => e instanceof InterruptedError && e.step > 0 && e.step < 40);
  assert.ok('accuracy' in await runSelectionTask(ds, task, { aborted: false }));
});

test('train() selects by default, trains with the choice and records every candidate', async () => {
  const seen: string[] = [];
  const stages: number[] = [];
  const steps: StageProgress[] = [];
  const counts: string[] = [];
  const r = await train({ ...opts, layers: 1, onSelection: (p) => { seen.push(p.key); stages.push(p.stage); counts.push(`${p.finished}/${p.total} ${p.stageFinished}/${p.stageTotal}`); }, onSelectionSteps: (p) => steps.push(p) });
  assert.deepEqual(stages, [1, 1, 1, 1, 2, 2, 2, 2], 'the readouts first, then the other rungs');
  assert.deepEqual(counts, ['1/4 1/4', '2/4 2/4', '3/4 3/4', '4/4 4/4', '5/8 1/4', '6/8 2/4', '7/8 3/4', '8/8 4/4']);
  for (const stage of [1, 2]) { // each stage's progress ends with all of its steps taken
    const last = steps.filter((p) => p.stage === stage).at(-1)!;
    assert.ok(last.total > 0 && last.done === last.total, JSON.stringify(last));
  }
  const t = r.model.training as { selection: { chosen: string; folds: number; candidates: { name: string; accuracy: number }[] }; hyperparameters: { noise: number; readout: string } };
  assert.equal(t.selection.candidates.length, 4);
  assert.equal(seen.length, 8, 'four candidates on two folds');
  const chosen = t.selection.candidates.find((c) => c.name === t.selection.chosen)!;
  const h = t.hyperparameters as { noise: number; warp: number; mixup: number; weightDecay: number; readout: string };
  assert.equal(chosen.name, `noise ${h.noise}${h.warp > 0 ? `, warp ${h.warp}` : ''}${h.mixup > 0 ? `, mixup ${h.mixup}` : ''}${h.weightDecay > 0 ? `, weight decay ${h.weightDecay}` : ''}, readout ${h.readout}`);
  assert.equal(r.model.readout, t.hyperparameters.readout);
  // A given --mixup fixes the augmentation, as --noise and --warp do: only the readout is left to choose.
  const fixed = (await train({ ...opts, mixup: 0.3 })).model.training as typeof t;
  assert.deepEqual(fixed.selection.candidates.map((c) => c.name), ['noise 0.1, mixup 0.3, readout last', 'noise 0.1, mixup 0.3, readout mean']);
  // A given --guided-warp joins the augmented candidates (and a fixed augmentation); no augmentation stays none.
  const guided = (await train({ ...opts, guidedWarp: 0.5, readout: 'last', layers: 1 })).model.training as typeof t & { hyperparameters: { guidedWarp: number } };
  assert.deepEqual(guided.selection.candidates.map((c) => c.name), [
    'noise 0, readout last', 'noise 0.1, warp 0.1, mixup 0.2, guided warp 0.5, readout last', 'noise 0.1, warp 0.1, mixup 0.2, guided warp 0.5, weight decay 0.5, readout last',
  ]);
  assert.equal(guided.hyperparameters.guidedWarp, guided.selection.chosen.startsWith('noise 0,') ? 0 : 0.5, 'the final fit warps as its candidate did');
  const guidedFixed = (await train({ ...opts, guidedWarp: 0.5, mixup: 0.3, readout: 'last' })).model.training as typeof t;
  assert.deepEqual(guidedFixed.selection, undefined);
  assert.equal((guidedFixed as typeof guided).hyperparameters.guidedWarp, 0.5);
  const off = await train({ ...opts, select: 'off' });
  assert.equal((off.model.training as { selection?: unknown }).selection, undefined);
});

test('a run interrupted in the middle of selection resumes to the bits of one that never stopped', async () => {
  const dir = tempDir('ts-select-');
  const whole = await train({ ...opts, out: join(dir, 'whole.json') });
  const ck = join(dir, 'cut.ckpt');
  const ac = new AbortController();
  await assert.rejects(
    train({ ...opts, out: join(dir, 'cut.json'), checkpoint: ck, signal: ac.signal, onSelection: (p) => { if (p.finished === 3) ac.abort(); } }),
    (e: unknown) => e instanceof InterruptedError && e.checkpoint === ck,
  );
  const saved = loadCheckpoint(ck);
  assert.equal(saved.state, undefined, 'stopped during selection');
  assert.ok(Object.keys(saved.selection!.scores).length >= 3);
  assert.ok(!existsSync(join(dir, 'cut.json')));
  const resumed = await train({ ...opts, out: join(dir, 'cut.json'), resume: ck });
  assert.deepEqual(bits(resumed.model.parameters), bits(whole.model.parameters));
  assert.deepEqual((resumed.model.training as { selection: unknown }).selection, (whole.model.training as { selection: unknown }).selection);
});

test('two layers: trained in the last stage where the augmentation did best below 0.9, chosen, and resumed in that stage to the same bits', async () => {
  const { dir, ck } = await stoppedCheckpoint('onSelection');
  // The first two stages' scores as a run would have left them, the augmented rung's mean readout best at 0.2.
  const aug = 'noise 0.1, warp 0.1, mixup 0.2';
  const scores: Record<string, { accuracy: number; logLoss: number }> = {};
  const given = [[`${aug}, readout last`, 0.1], [`${aug}, readout mean`, 0.2], ['noise 0, readout mean', 0.05], [`${aug}, weight decay 0.5, readout mean`, 0.15]] as const;
  for (const [name, a] of given) for (const fold of [0, 1]) scores[`${name}/${fold}`] = { accuracy: a, logLoss: 2 - a };
  const saved = loadCheckpoint(ck);
  saveCheckpoint(ck, { ...saved, selection: { scores, chosen: null } });
  const copy = join(dir, 'copy.ckpt');
  writeFileSync(copy, readFileSync(ck));
  const seen: string[] = [];
  const whole = await train({ ...opts, out: join(dir, 'whole.json'), resume: ck, onSelection: (p) => seen.push(p.key) });
  const two = `two layers, ${aug}, readout mean`;
  assert.deepEqual(seen.sort(), [`${two}/0`, `${two}/1`], 'only the third stage trains');
  const t = whole.model.training as { selection: { chosen: string; candidates: { name: string }[] } };
  assert.equal(t.selection.chosen, two);
  assert.equal(t.selection.candidates.length, 5);
  assert.equal(whole.model.shape.layers, 2, 'the final fit has two layers');
  // Stopped after the first of its two tasks (on one thread, so that the other has not started), then resumed: the same bits.
  const ac2 = new AbortController();
  await assert.rejects(
    train({ ...opts, threads: 1, out: join(dir, 'cut.json'), resume: copy, checkpoint: copy, signal: ac2.signal, onSelection: () => ac2.abort() }),
    (e: unknown) => e instanceof InterruptedError,
  );
  assert.equal(Object.keys(loadCheckpoint(copy).selection!.scores).length, 9);
  const resumed = await train({ ...opts, out: join(dir, 'cut.json'), resume: copy });
  assert.deepEqual(bits(resumed.model.parameters), bits(whole.model.parameters));
  assert.deepEqual((resumed.model.training as typeof t).selection, t.selection);
});

/**
 * A run stopped at its first selection task's end (`onSelection`) or at the end of its first epoch of the final
 * fit (`onEpoch`: its checkpoint lies past selection).
 */
async function stoppedCheckpoint(at: 'onSelection' | 'onEpoch'): Promise<{ dir: string; ck: string }> {
  const dir = tempDir('ts-select-');
  const ck = join(dir, 'fit.ckpt');
  const ac = new AbortController();
  await assert.rejects(
    train({ ...opts, out: join(dir, 'm.json'), checkpoint: ck, signal: ac.signal, [at]: () => ac.abort() }),
    (e: unknown) => e instanceof InterruptedError,
  );
  return { dir, ck };
}

const checkpointAfterSelection = () => stoppedCheckpoint('onEpoch');

test('a checkpoint written after selection keeps the chosen candidate, its weight decay included', async () => {
  const { ck } = await checkpointAfterSelection();
  const saved = loadCheckpoint(ck);
  assert.ok(saved.state !== undefined && saved.selection?.chosen, 'stopped in the final fit, after selection');
  const chosen = { name: 'noise 0.1, warp 0.1, mixup 0.2, weight decay 0.5, readout mean', noise: 0.1, warp: 0.1, mixup: 0.2, weightDecay: 0.5, readout: 'mean' } as const;
  saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen } });
  assert.deepEqual(loadCheckpoint(ck).selection!.chosen, chosen);
  const { weightDecay: _w, ...before } = chosen; // a checkpoint of a version whose candidates had no weight decay
  saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen: before } });
  assert.equal(loadCheckpoint(ck).selection!.chosen!.weightDecay, undefined, 'read as the run\'s own');
  const { mixup: _m, ...unmixed } = chosen; // a checkpoint of a version without mixup
  saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen: unmixed as typeof chosen } });
  assert.equal(loadCheckpoint(ck).selection!.chosen!.mixup, 0, 'read as none');
  const guided = { ...chosen, name: 'noise 0.1, warp 0.1, mixup 0.2, guided warp 0.67, weight decay 0.5, readout mean', guidedWarp: 0.67 };
  saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen: guided } });
  assert.deepEqual(loadCheckpoint(ck).selection!.chosen, guided, 'a chosen guided warping is kept');
  saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen: { ...guided, guidedWarp: 'much' as unknown as number } } });
  assert.throws(() => loadCheckpoint(ck), /selection\.chosen\.guidedWarp/);
  for (const resample of [0, 40]) {
    saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen: { ...chosen, resample } } });
    assert.equal(loadCheckpoint(ck).selection!.chosen!.resample, resample, 'a chosen resampling (or none) is kept');
  }
  saveCheckpoint(ck, { ...saved, selection: { scores: saved.selection.scores, chosen: { ...chosen, resample: 1 } } });
  assert.throws(() => loadCheckpoint(ck), /"selection\.chosen\.resample" must be 0 or from 2 to 1000000/);
});

test('a checkpoint past selection is refused before selection trains when the candidates would differ', async () => {
  const { dir, ck } = await checkpointAfterSelection();
  const seen: string[] = [];
  // A fixed --noise leaves the regularization out of the candidates: their names are not among the scores, and
  // the message names the first of the chosen regularization's values that the run would now train without.
  await assert.rejects(
    train({ ...opts, noise: 0.2, out: join(dir, 'm.json'), resume: ck, onSelection: (p) => seen.push(p.key) }),
    /fit\.ckpt: this run has --(noise|warp|weight-decay) [\d.]+ but the checkpoint was trained with --\1 [\d.]+ \(the checkpoint's run chose it by model selection, which this run leaves out or narrows: --noise 0\.2 given\); resume with the command/,
  );
  assert.equal(seen.length, 0, 'nothing trained');
  const saved = loadCheckpoint(ck);
  const dropped = Object.keys(saved.selection!.scores).find((k) => k.startsWith('noise 0, '))!; // a score of the second stage
  const { [dropped]: _dropped, ...scores } = saved.selection!.scores; // … that it never had
  saveCheckpoint(ck, { ...saved, selection: { ...saved.selection!, scores } });
  await assert.rejects(
    train({ ...opts, out: join(dir, 'm.json'), resume: ck, onSelection: (p) => seen.push(p.key) }),
    new RegExp(`model selection would now compare candidates this checkpoint's run did not \\(such as "${dropped.replace(/\/\d+$/, '')}"\\)`),
  );
  assert.equal(seen.length, 0, 'nothing trained');
  assert.ok(!existsSync(join(dir, 'm.json')));
});

// A candidate whose fit diverges loses, and is recorded as diverged (no score), in the model and a resumed run alike.
test('a diverged candidate is recorded as diverged, not as a score, and a checkpoint holding one resumes to the same record', async () => {
  const dir = tempDir('ts-select-');
  const file = join(dir, 'cbf60.csv');
  writeFileSync(file, readFileSync(CBF, 'utf8').split('\n').slice(0, 61).join('\n') + '\n');
  const wild = { files: [file], epochs: 25, hidden: 8, members: 1, threads: 1, optimizer: 'sgd', lr: 1000, clip: 0 } as const;
  const seen: boolean[] = [];
  const whole = await train({ ...wild, onSelection: (p) => seen.push(p.score.diverged === true) });
  type Record = { chosen: string; candidates: { name: string; logLoss: number | null; diverged?: true; folds: { diverged?: true; logLoss?: number }[] }[] };
  const sel = (whole.model.training as { selection: Record }).selection;
  const diverged = sel.candidates.filter((c) => c.diverged);
  assert.ok(diverged.length > 0 && diverged.length < sel.candidates.length, 'some candidates diverge at lr 1000, not all');
  for (const c of diverged) {
    assert.equal(c.logLoss, null);
    assert.ok(c.folds.some((f) => f.diverged === true && f.logLoss === undefined));
    assert.notEqual(c.name, sel.chosen);
  }
  for (const c of sel.candidates.filter((x) => !x.diverged)) assert.ok(typeof c.logLoss === 'number' && c.logLoss < 1e300);
  assert.ok(seen.includes(true));
  // Stopped after a diverged task: the checkpoint holds it, and the resumed run records the same.
  const at = seen.indexOf(true) + 1;
  const ck = join(dir, 'cut.ckpt');
  const ac = new AbortController();
  await assert.rejects(
    train({ ...wild, out: join(dir, 'cut.json'), checkpoint: ck, signal: ac.signal, onSelection: (p) => { if (p.finished === at) ac.abort(); } }),
    (e: unknown) => e instanceof InterruptedError,
  );
  assert.ok(Object.values(loadCheckpoint(ck).selection!.scores).some((s) => s.diverged === true));
  const resumed = await train({ ...wild, out: join(dir, 'cut.json'), resume: ck });
  assert.deepEqual((resumed.model.training as { selection: Record }).selection, sel);
  assert.deepEqual(bits(resumed.model.parameters), bits(whole.model.parameters));
});
