// The ensemble as one model (src/model/ensemble.ts): the merged model's probabilities are the softmax of the
// members' mean logits, for both cells, one and two directions, both readouts, computed in float64 by the
// reference forward pass; and the WebAssembly scoring path gives the merged model what the reference does.
// train() with members: the merge of the single runs from the member seeds, resumable anywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import { loadCheckpoint } from '../src/io/checkpoint.js';
import { InterruptedError, UserError } from '../src/errors.js';
import { ROOT } from './helpers/cli.js';
import { ensembleShape, memberSeed, membersOf, mergeMembers, splitMembers } from '../src/model/ensemble.js';
import { exportSafetensors, parseSafetensors } from '../src/io/safetensors.js';
import { predictSequence } from '../src/model/batch.js';
import { createPredictor, diagonalBlock } from '../src/engine/predict.js';
import { type Cell, layoutOf, recurrenceOf, viewsOf } from '../src/model/layout.js';
import type { Model } from '../src/model/model.js';
import { type Readout, createWorkspace } from '../src/model/rnn.js';
import { createRng, normal } from '../src/model/rng.js';
import { maxDifference, ourProbabilities, randomModel, referenceProbabilities } from './helpers/models.js';
import { predictionCapacity } from '../src/engine/predict.js';
import { tempDir } from './helpers/temp.js';

/** log p [N][C] of model (shape, params) on data, in float64. */
function logProbabilities(m: Pick<Model, 'shape' | 'readout'>, params: Float32Array, data: Parameters<typeof predictSequence>[4]): Float64Array {
  const { C } = m.shape;
  const N = data.lengths.length;
  const ws = createWorkspace((n) => new Float64Array(n), m.shape, predictionCapacity(m.shape, data.lengths));
  const p64 = Float64Array.from(params);
  const out = new Float64Array(N * C);
  const probs = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    predictSequence(probs, p64, m.shape, m.readout, data, n, ws);
    for (let c = 0; c < C; c++) out[n * C + c] = Math.log(probs[c]);
  }
  return out;
}

for (const cell of ['rnn', 'gru'] as Cell[]) {
  for (const bidirectional of [false, true]) {
    for (const readout of ['last', 'mean'] as Readout[]) {
      test(`merged ${cell}${bidirectional ? ', bidirectional' : ''}, readout ${readout}: softmax of the members' mean logits`, () => {
        const rng = createRng(11);
        const D = 3;
        const H = 5;
        const C = 4;
        const M = 3;
        const members = Array.from({ length: M }, () => randomModel(rng, D, H, C, readout, false, 1, bidirectional, cell));
        const shape = members[0].shape;
        const merged = mergeMembers(shape, members.map((m) => m.parameters));
        const big = ensembleShape(shape, M);
        assert.equal(big.H, M * H);
        assert.equal(merged.length, layoutOf(big).size);
        const lengths = Int32Array.from([1, 4, 9, 17]);
        const offsets = Float64Array.from([0, 1, 5, 14]);
        const values = Float32Array.from({ length: 31 * D }, () => normal(rng));
        const data = { D, values, offsets, lengths, labels: new Int32Array(4).fill(-1) };
        const each = members.map((m) => logProbabilities(m, m.parameters, data));
        const got = logProbabilities({ shape: big, readout }, merged, data);
        for (let n = 0; n < lengths.length; n++) {
          const mean = Array.from({ length: C }, (_, c) => each.reduce((a, lp) => a + lp[n * C + c], 0) / M);
          const lse = Math.log(mean.reduce((a, x) => a + Math.exp(x), 0));
          for (let c = 0; c < C; c++) assert.ok(Math.abs(got[n * C + c] - (mean[c] - lse)) < 1e-5, `sequence ${n}, class ${c}`);
        }
        const model: Model = { ...members[0], shape: big, parameters: merged };
        assert.ok(maxDifference(ourProbabilities(model, data), referenceProbabilities(model, data)) < 1e-5);
      });
    }
  }
}

for (const [cell, bidirectional] of [['gru', true], ['rnn', false]] as [Cell, boolean][]) {
  test(`merged two-layer ${cell}${bidirectional ? ', bidirectional' : ''}: softmax of the members' mean logits`, () => {
    const rng = createRng(12);
    const [D, H, C, M] = [2, 4, 3, 3];
    const members = Array.from({ length: M }, () => randomModel(rng, D, H, C, 'mean', false, 1, bidirectional, cell, false, false, 2));
    const shape = members[0].shape;
    const merged = mergeMembers(shape, members.map((m) => m.parameters));
    const big = ensembleShape(shape, M);
    assert.equal(merged.length, layoutOf(big).size);
    const lengths = Int32Array.from([1, 6, 11]);
    const offsets = Float64Array.from([0, 1, 7]);
    const values = Float32Array.from({ length: 18 * D }, () => normal(rng));
    const data = { D, values, offsets, lengths, labels: new Int32Array(3).fill(-1) };
    const each = members.map((m) => logProbabilities(m, m.parameters, data));
    const got = logProbabilities({ shape: big, readout: 'mean' }, merged, data);
    for (let n = 0; n < lengths.length; n++) {
      const mean = Array.from({ length: C }, (_, c) => each.reduce((a, lp) => a + lp[n * C + c], 0) / M);
      const lse = Math.log(mean.reduce((a, x) => a + Math.exp(x), 0));
      for (let c = 0; c < C; c++) assert.ok(Math.abs(got[n * C + c] - (mean[c] - lse)) < 1e-5, `sequence ${n}, class ${c}`);
    }
  });
}

test('one member merges to itself; a member of another shape is refused, naming it (mergeMembers is exported)', () => {
  const rng = createRng(3);
  const m = randomModel(rng, 2, 4, 3, 'mean', false, 1, true, 'gru');
  assert.deepEqual(mergeMembers(m.shape, [m.parameters]), m.parameters);
  const other = randomModel(rng, 2, 5, 3, 'mean', false, 1, true, 'gru');
  assert.throws(() => mergeMembers(m.shape, [m.parameters, other.parameters]), /^UserError: mergeMembers\(\): .*\(weights\[1\] is not\)$/);
});

test('member seeds: the first is the run seed, the others differ from it and from each other', () => {
  assert.equal(memberSeed(7, 0), 7);
  const seeds = [1, 2, 3].flatMap((s) => [1, 2, 3].map((m) => memberSeed(s, m)));
  assert.equal(new Set([...seeds, 1, 2, 3]).size, seeds.length + 3);
  assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31));
});

const CBF = join(ROOT, 'datasets/cbf/train.csv');
const opts = { files: [CBF], hidden: 6, epochs: 3, threads: 2, batchSize: 16, select: 'off', noise: 0.1 } as const;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));

test('train() with members: the merge of the single runs from the member seeds, bit for bit, each member recorded', async () => {
  const three = await train({ ...opts, members: 3, seed: 5 });
  const singles = await Promise.all([0, 1, 2].map((m) => train({ ...opts, members: 1, seed: memberSeed(5, m), threads: 1 })));
  const shape = { ...singles[0].model.shape };
  assert.equal(three.model.shape.H, 3 * shape.H);
  assert.deepEqual(bits(three.model.parameters), bits(mergeMembers(shape, singles.map((s) => s.model.parameters))));
  const t = three.model.training as { hyperparameters: { members: number; seed: number }; members: { seed: number; epochs: number }[] };
  assert.equal(t.hyperparameters.members, 3);
  assert.deepEqual(t.members.map((m) => m.seed), [5, memberSeed(5, 1), memberSeed(5, 2)]);
  assert.deepEqual(t.members.map((m) => m.epochs), [3, 3, 3]);
  assert.equal(three.members, 3);
  assert.equal((singles[0].model.training as { members?: unknown }).members, undefined, 'one member: no members record');
});

for (const [where, stopAt] of [['in the middle of the second member', [1, 2, 1]], ['before the second member\'s first step', [1, 0, 0]]] as const) {
  test(`a run interrupted ${where} resumes to the bits of one that never stopped`, async () => {
    const dir = tempDir('ts-members-');
    const o = { ...opts, members: 3, seed: 2 };
    const whole = await train({ ...o, out: join(dir, 'whole.json') });
    const ck = join(dir, 'cut.ckpt');
    const ac = new AbortController();
    let member = 0;
    const [m, epoch, batch] = stopAt;
    await assert.rejects(
      train({
        ...o, out: join(dir, 'cut.json'), checkpoint: ck, signal: ac.signal,
        onMember: (i) => { member = i; if (i === m && epoch === 0) ac.abort(); },
        onBatch: (p) => { if (member === m && p.epoch === epoch && p.batch === batch) ac.abort(); },
      }),
      (e: unknown) => e instanceof InterruptedError && e.checkpoint === ck,
    );
    const saved = loadCheckpoint(ck);
    assert.equal(saved.members?.length ?? 0, epoch === 0 ? 0 : 1, 'the finished members are in the checkpoint');
    assert.ok(!existsSync(join(dir, 'cut.json')));
    const resumed = await train({ ...o, out: join(dir, 'cut.json'), resume: ck });
    assert.deepEqual(bits(resumed.model.parameters), bits(whole.model.parameters));
    assert.deepEqual((resumed.model.training as { members: unknown }).members, (whole.model.training as { members: unknown }).members);
  });
}

test('the checkpoint written as a member ends holds it finished: a resume from it changes no --lr or --epochs (one member would train unlike the others), and with the same flags ends as the run that never stopped', async () => {
  const dir = tempDir('ts-member-end-');
  const o = { ...opts, members: 2, seed: 5 };
  const ck = join(dir, 'run.ckpt');
  const end = join(dir, 'member-1-end.ckpt'); // what a kill as member 2 starts leaves (its first checkpoint 10 s on)
  const whole = await train({ ...o, checkpoint: ck, onMember: (i) => { if (i === 1) writeFileSync(end, readFileSync(ck)); } });
  assert.equal(loadCheckpoint(end).members?.length ?? 0, 0, 'member 1 is in the state, at its end');
  for (const [change, flag] of [[{ lr: 0.003 }, '--lr 0.006'], [{ epochs: 5 }, '--epochs 3'], [{ clip: 0.5 }, '--clip 1']] as const) {
    await assert.rejects(train({ ...o, ...change, resume: end, checkpoint: join(dir, 'again.ckpt') }),
      (e: unknown) => e instanceof UserError && new RegExp(`1 finished member\\(s\\) of this ensemble were trained with ${flag}`).test(e.message), JSON.stringify(change));
  }
  const resumed = await train({ ...o, resume: end, checkpoint: join(dir, 'again.ckpt') });
  assert.deepEqual(bits(resumed.model.parameters), bits(whole.model.parameters));
});

test('a resume from --init checks the model is the one the run started from: an ensemble would mix two models\' members', async () => {
  const dir = tempDir('ts-init-resume-');
  const [a, b] = [await train({ ...opts, epochs: 1, members: 3, seed: 3 }), await train({ ...opts, epochs: 1, members: 3, seed: 4 })];
  const { hidden: _, ...noHidden } = opts;
  const o = { ...noHidden, epochs: 2, init: a.model, checkpoint: join(dir, 'run.ckpt') };
  const ac = new AbortController();
  let member = 0;
  await assert.rejects(train({ ...o, signal: ac.signal, onMember: (i) => { member = i; }, onBatch: (p) => { if (member === 1 && p.batch === 1) ac.abort(); } }), InterruptedError);
  assert.match(loadCheckpoint(o.checkpoint).data.init ?? '', /^[0-9a-f]{16}$/);
  await assert.rejects(train({ ...o, init: b.model, resume: o.checkpoint }),
    (e: unknown) => e instanceof UserError && /the --init model's weights differ from those the checkpoint's run started from \(fingerprint [0-9a-f]{16}, then [0-9a-f]{16}\); give the model it started from/.test(e.message));
  const whole = await train({ ...noHidden, epochs: 2, init: a.model });
  const resumed = await train({ ...o, resume: o.checkpoint });
  assert.deepEqual(bits(resumed.model.parameters), bits(whole.model.parameters), 'the same model: resumed to the bits of a run that never stopped');
});

test('--init trains one member; asking for more with it is a user error', async () => {
  const one = await train({ ...opts, members: 1 });
  const again = await train({ ...opts, init: one.model });
  assert.equal(again.model.shape.H, one.model.shape.H);
  await assert.rejects(train({ ...opts, init: one.model, members: 2 }), (e: unknown) => e instanceof UserError && /--members/.test(e.message));
});

test('splitMembers undoes mergeMembers (b_y: the members\' mean, which the merge keeps); a weight across members makes no split', () => {
  const rng = createRng(17);
  for (const cell of ['rnn', 'gru'] as Cell[]) {
    const members = Array.from({ length: 2 }, () => randomModel(rng, 3, 4, 5, 'mean', false, 1, true, cell, false, false, 2));
    const shape = members[0].shape;
    const merged = mergeMembers(shape, members.map((m) => m.parameters));
    const split = splitMembers(shape, merged, 2)!;
    const b_y = layoutOf(shape).size - shape.C; // b_y last in the layout
    for (const [m, w] of split.entries()) {
      assert.deepEqual(bits(w.subarray(0, b_y)), bits(members[m].parameters.subarray(0, b_y)), `${cell}: member ${m}`);
      assert.deepEqual(bits(w.subarray(b_y)), bits(merged.subarray(layoutOf(ensembleShape(shape, 2)).size - shape.C)), `${cell}: b_y`);
    }
    assert.deepEqual(bits(mergeMembers(shape, split)), bits(merged), `${cell}: merged again, the same bits`);
    const rec = Float32Array.from(merged);
    const W_hh = viewsOf(rec, ensembleShape(shape, 2));
    recurrenceOf(W_hh, 0, 0).W_hh[4] = 0.5; // unit 0 reading unit 4: member 0 reading member 1
    assert.equal(splitMembers(shape, rec, 2), null);
    const second = Float32Array.from(merged);
    recurrenceOf(viewsOf(second, ensembleShape(shape, 2)), 1, 1).W_xh[5] = 0.5; // the reverse second layer's unit 0 reading member 1's forward unit 1
    assert.equal(splitMembers(shape, second, 2), null);
  }
});

test('--init of an ensemble goes on as its members, each from its own weights, merged again; one trained on as one model goes on as one', async () => {
  const three = await train({ ...opts, epochs: 1, members: 3, seed: 3 });
  const more = await train({ ...opts, epochs: 1, init: three.model, seed: 3 });
  assert.equal(more.model.shape.H, three.model.shape.H);
  const t = more.model.training as { hyperparameters: { members: number }; members: unknown[] };
  assert.deepEqual([t.hyperparameters.members, t.members.length], [3, 3]);
  // Each member is the fit of its own weights from its own seed.
  const member = { ...three.model.shape, H: three.model.shape.H / 3 };
  const parts = splitMembers(member, three.model.parameters, 3)!;
  const alone = await Promise.all(parts.map((w, m) => train({ ...opts, epochs: 1, members: 1, seed: memberSeed(3, m), init: { ...three.model, shape: member, parameters: w, training: {} } })));
  assert.deepEqual(bits(more.model.parameters), bits(mergeMembers(member, alone.map((a) => a.model.parameters))));
  // Its blocks joined (a weight across members): one model of 18 units.
  const joined = Float32Array.from(three.model.parameters);
  recurrenceOf(viewsOf(joined, three.model.shape), 0, 0).W_hh[member.H] = 0.01;
  const { hidden: _, ...noHidden } = opts;
  const one = await train({ ...noHidden, epochs: 1, init: { ...three.model, parameters: joined } });
  assert.equal((one.model.training as { hyperparameters: { members: number } }).hyperparameters.members, 1);
  // --members 1 asks for one network of the whole ensemble's units.
  const asOne = await train({ ...noHidden, epochs: 1, members: 1, init: three.model });
  assert.deepEqual([asOne.model.shape.H, (asOne.model.training as { hyperparameters: { members: number } }).hyperparameters.members], [18, 1]);
});

test('an ensemble exported to safetensors says its members in __metadata__, and --init from the file goes on as --init from the model does', async () => {
  const three = await train({ ...opts, epochs: 1, members: 3, seed: 3 });
  const file = exportSafetensors(three.model);
  const metadata = (f: Uint8Array) => JSON.parse(Buffer.from(f.subarray(8, 8 + Number(Buffer.from(f).readBigUInt64LE(0)))).toString()).__metadata__;
  assert.equal(metadata(file).members, '3');
  const back = parseSafetensors(file, 'e.safetensors');
  assert.equal(membersOf(back), 3);
  // A record edited to hold no hyperparameters (null) says nothing of members: one network (it was a TypeError, exit 1,
  // in info, export, evaluate --report and --init, a model fuzz's find).
  assert.equal(membersOf({ ...three.model, training: { hyperparameters: null } }), 1);
  const fromFile = await train({ ...opts, epochs: 1, init: back, seed: 3 });
  const fromModel = await train({ ...opts, epochs: 1, init: three.model, seed: 3 });
  assert.deepEqual(bits(fromFile.model.parameters), bits(fromModel.model.parameters));
  assert.equal((fromFile.model.training as { hyperparameters: { members: number } }).hyperparameters.members, 3);
  // Its blocks joined (by training elsewhere, as one network): one model.
  const joined = Float32Array.from(three.model.parameters);
  recurrenceOf(viewsOf(joined, three.model.shape), 0, 0).W_hh[three.model.shape.H / 3] = 0.01; // row 0, the second member's first unit
  assert.equal(membersOf(parseSafetensors(exportSafetensors({ ...three.model, parameters: joined }), 'j.safetensors')), 1);
  // A model of one member names none; a count that does not divide the hidden units is refused.
  assert.equal(metadata(exportSafetensors({ ...three.model, training: {} })).members, undefined);
  // An ensemble exported before "members" was written: as many members as its recurrent weights are exact blocks
  // (it went on as one network of 18 units: an upgrade audit's find); a file of one network is one.
  const unnamed = (f: Uint8Array) => Buffer.from(Buffer.from(f).toString('latin1').replace(/"members":"3",|,"members":"3"/, (s) => ' '.repeat(s.length)), 'latin1');
  const old = unnamed(file);
  assert.equal(metadata(old).members, undefined);
  assert.equal(membersOf(parseSafetensors(old, 'old.safetensors')), 3);
  assert.equal(membersOf(parseSafetensors(unnamed(exportSafetensors({ ...three.model, parameters: joined })), 'j.safetensors')), 1);
  const one = await train({ ...opts, epochs: 1, members: 1, seed: 3 });
  assert.equal(membersOf(parseSafetensors(exportSafetensors(one.model), 'one.safetensors')), 1);
  const header = (m: string) => Buffer.from(file).toString('latin1').replace('"members":"3"', `"members":"${m}"`);
  assert.throws(() => parseSafetensors(Buffer.from(header('5'), 'latin1'), 'e.safetensors'), (e: unknown) => e instanceof UserError && /__metadata__ "members" must be a whole number that divides the 18 hidden units/.test(e.message));
});

test('--init on data of some of the model\'s classes trains with all of them, in its order, and says which are missing; a class it lacks is refused', async () => {
  const dir = tempDir('ts-init-classes-');
  const [head, ...rows] = readFileSync(CBF, 'utf8').trim().split('\n');
  const some = join(dir, 'some.csv');
  writeFileSync(some, [head, ...rows.filter((r) => !r.startsWith('funnel,'))].join('\n') + '\n');
  const whole = await train({ ...opts, epochs: 1, members: 1 });
  const warnings: string[] = [];
  const more = await train({ ...opts, files: [some], epochs: 1, init: whole.model, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(more.model.classes, whole.model.classes);
  assert.ok(warnings.includes('the training data hold 2 of the --init model\'s 3 classes (none of "funnel"): it goes on learning from those alone, and may come to answer that one less often'), warnings.join('\n'));
  // A model whose classes are in another order (a PyTorch file's, say): the data train in its order.
  const perm = [2, 0, 1];
  const permuted = Float32Array.from(whole.model.parameters);
  const [P, Q] = [viewsOf(whole.model.parameters, whole.model.shape), viewsOf(permuted, whole.model.shape)];
  const row = P.W_hy.length / 3;
  perm.forEach((from, to) => { Q.W_hy.set(P.W_hy.subarray(from * row, (from + 1) * row), to * row); Q.b_y[to] = P.b_y[from]; });
  const reordered = { ...whole.model, classes: perm.map((c) => whole.model.classes[c]), parameters: permuted };
  const again = await train({ ...opts, epochs: 1, lr: 1e-9, init: reordered, test: [CBF] });
  const before = await train({ ...opts, epochs: 1, lr: 1e-9, init: whole.model, test: [CBF] });
  assert.deepEqual(again.model.classes, reordered.classes);
  assert.equal(again.test[0].metrics.accuracy, before.test[0].metrics.accuracy);
  const other = join(dir, 'other.csv');
  writeFileSync(other, [head, ...rows.map((r) => r.replace(/^funnel,/, 'spike,'))].join('\n') + '\n');
  await assert.rejects(train({ ...opts, files: [other], epochs: 1, init: whole.model }), (e: unknown) => e instanceof UserError && /it has no class "spike"; train on data of the model's classes/.test(e.message));
});

// The scoring path multiplies an ensemble's block-diagonal W_hh by its blocks only (engine/predict.ts): the
// same bits as the full product, for both cells, one and two directions, both readouts, strides, ragged rows.
test('scoring an ensemble by its diagonal blocks gives the full product\'s bits', () => {
  const rng = createRng(23);
  for (const cell of ['rnn', 'gru'] as Cell[]) {
    for (const [H, M, bidirectional, readout, stride] of [[8, 3, true, 'last', 1], [16, 2, false, 'mean', 3], [8, 4, true, 'mean', 2]] as const) {
      const D = 2;
      const members = Array.from({ length: M }, () => randomModel(rng, D * stride, H, 3, readout, false, 1, bidirectional, cell));
      const shape = members[0].shape;
      const merged = mergeMembers(shape, members.map((m) => m.parameters));
      const big = ensembleShape(shape, M);
      assert.equal(diagonalBlock(merged, big), H, `${cell}: the members' blocks are found`);
      assert.equal(diagonalBlock(members[0].parameters, shape), 0, 'one member is dense');
      const lengths = Int32Array.from([1, 7, 30, 2, 19, 19, 5, 40, 3, 11, 23, 8, 1, 33, 6, 17, 12, 9]);
      const offsets = Float64Array.from(lengths, (_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
      const total = lengths.reduce((a, b) => a + b, 0);
      const data = { D, values: Float32Array.from({ length: total * D }, () => normal(rng)), offsets, lengths, labels: new Int32Array(lengths.length).fill(-1) };
      const idx = Int32Array.from(lengths, (_, i) => i);
      const run = (blocks: boolean) => {
        const probs = new Float32Array(lengths.length * 3);
        createPredictor(big, readout, stride, false, blocks)(merged, data, idx, probs, new Float64Array(lengths.length));
        return probs;
      };
      assert.deepEqual(run(true), run(false), `${cell}, H ${H} × ${M}, ${bidirectional ? 'bidirectional' : 'one direction'}, ${readout}, stride ${stride}`);
    }
  }
});
