import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, type FitOptions } from '../src/train/fit.js';
import { syntheticDataSet } from './helpers/synthetic.js';

const base: FitOptions = {
  hidden: 8, readout: 'mean', bptt: 0, epochs: 3, batchSize: 13, optimizer: 'adam', lr: 3e-3, clip: 1,
  threads: 1, seed: 5, valSplit: 0.2, patience: 0, chunkSize: 2, schedule: 'constant', warmup: 0, noise: 0,
};

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

for (const variant of [
  { name: 'full BPTT, mean readout', o: {} },
  { name: 'truncated BPTT k=4, last readout, odd batch', o: { bptt: 4, readout: 'last' as const, batchSize: 11 } },
  { name: 'reference ts kernel', o: { kernel: 'ts' as const } },
  { name: 'chunks of 5, truncated k=7', o: { chunkSize: 5, bptt: 7, batchSize: 17 } },
  { name: 'input noise and weight decay', o: { noise: 0.2, weightDecay: 0.05 } },
  { name: 'frame stacking by 3, bidirectional, input noise', o: { stride: 3, bidirectional: true, noise: 0.2 } },
  { name: 'mixup with warping, frame stacking by 2, bidirectional GRU', o: { mixup: 0.4, warp: 0.2, noise: 0.1, stride: 2, bidirectional: true, cell: 'gru' as const } },
  { name: 'guided warping with noise, lengths that differ, bidirectional GRU', o: { guidedWarp: 0.6, noise: 0.1, bidirectional: true, cell: 'gru' as const } },
  { name: 'mixup alone, class weights, reference ts kernel', o: { mixup: 0.4, classWeights: 'balanced' as const, kernel: 'ts' as const } },
  { name: 'frame stacking by 2, bidirectional, truncated k=4, reference ts kernel', o: { stride: 2, bidirectional: true, bptt: 4, kernel: 'ts' as const } },
]) {
  test(`parameters are bit-identical with 1, 2 and 3 threads (${variant.name})`, async () => {
    const runs = [];
    for (const threads of [1, 2, 3]) {
      const ds = syntheticDataSet(40, 2, 3);
      const r = await fit(ds, null, { ...base, ...variant.o, threads });
      runs.push(r);
    }
    const ref = bits(runs[0].model.parameters);
    for (const r of runs.slice(1)) assert.deepEqual(bits(r.model.parameters), ref);
    assert.deepEqual(runs[1].history.map((h) => h.loss), runs[0].history.map((h) => h.loss));
    // And training moved the parameters away from a fresh start with the same seed.
    const fresh = await fit(syntheticDataSet(40, 2, 3), null, { ...base, epochs: 1, lr: 1e-9 });
    assert.notDeepEqual(bits(fresh.model.parameters), ref);
  });
}

test('fit() runs at most one thread a chunk of its batch, and says how many ran', async () => {
  const ds = syntheticDataSet(40, 1, 2);
  const o = { ...base, valSplit: 0, epochs: 1, batchSize: 8, chunkSize: 4 };
  assert.deepEqual(await Promise.all([1, 2, 3].map(async (threads) => (await fit(ds, null, { ...o, threads })).threads)), [1, 2, 2]);
});

test('training lowers the loss on a learnable task', async () => {
  const r = await fit(syntheticDataSet(60, 1, 2), null, { ...base, epochs: 15, valSplit: 0 });
  assert.ok(r.history.at(-1)!.loss < r.history[0].loss * 0.8, `loss ${r.history[0].loss} → ${r.history.at(-1)!.loss}`);
});

test('an epoch\'s training loss is the mean over its sequences, a short last batch counting as its sequences do', async () => {
  // Three sequences, each 40 times under its class, and a step too small to move float32 weights: every
  // sequence's loss is the same in training and in validation, so their means must be too.
  const ds = syntheticDataSet(120, 1, 3, 7, 8, 8);
  for (let n = 3; n < 120; n++) ds.values.copyWithin(n * 8, (n % 3) * 8, (n % 3) * 8 + 8);
  for (const batchSize of [64, 32, 45]) { // 90 training sequences: 64 + 26, 32 + 32 + 26, 45 + 45
    const r = await fit(ds, null, { ...base, epochs: 1, batchSize, valSplit: 0.25, lr: 1e-12 });
    const [h] = r.history;
    assert.ok(Math.abs(h.loss - h.valLoss!) < 1e-6 * h.valLoss!, `batch ${batchSize}: training loss ${h.loss}, validation ${h.valLoss}`);
  }
});

test('the same seed gives the same model; another seed does not', async () => {
  const a = await fit(syntheticDataSet(30, 1, 2), null, base);
  const b = await fit(syntheticDataSet(30, 1, 2), null, base);
  const c = await fit(syntheticDataSet(30, 1, 2), null, { ...base, seed: 6 });
  assert.deepEqual(bits(a.model.parameters), bits(b.model.parameters));
  assert.notDeepEqual(bits(a.model.parameters), bits(c.model.parameters));
});

test('early stopping stops after `patience` epochs without validation improvement and keeps the best weights', async () => {
  const o = { ...base, epochs: 40, lr: 0.5, optimizer: 'sgd' as const };
  const r = await fit(syntheticDataSet(30, 1, 2), null, { ...o, patience: 2 });
  assert.ok(r.history.length < 40, 'this run stops early');
  assert.equal(r.history.length, r.bestEpoch + 2, 'it stops `patience` epochs after the best one');
  const best = r.history[r.bestEpoch - 1].valLoss!;
  assert.ok(r.history.every((h) => h.valLoss! >= best));
  // The kept weights are the best epoch's: the same run (constant schedule) stopped there by --epochs.
  const there = await fit(syntheticDataSet(30, 1, 2), null, { ...o, epochs: r.bestEpoch, patience: 0 });
  assert.deepEqual(bits(r.model.parameters), bits(there.model.parameters));
});

for (const [name, o] of [['input noise', { noise: 0.3 }], ['guided warping', { guidedWarp: 0.5 }]] as const) {
  test(`${name} changes training, leaves the data set as it was, and is repeatable`, async () => {
    const ds = syntheticDataSet(30, 2, 2);
    const before = Float32Array.from(ds.values);
    const a = await fit(ds, null, { ...base, ...o });
    assert.deepEqual(ds.values, before);
    const b = await fit(ds, null, { ...base, ...o });
    const plain = await fit(ds, null, base);
    assert.deepEqual(bits(a.model.parameters), bits(b.model.parameters));
    assert.notDeepEqual(bits(a.model.parameters), bits(plain.model.parameters));
    assert.equal(a.history.length, plain.history.length, 'the same epochs');
  });
}

test('a model too large for the kernel memory is refused before its initialization (minutes of it at H 4096)', async () => {
  const t0 = Date.now();
  await assert.rejects(fit(syntheticDataSet(40, 2, 3), null, { ...base, hidden: 4096, bidirectional: true, cell: 'gru', batchSize: 32, chunkSize: 4, threads: 2 }),
    /need \d+\.\d GiB of kernel memory, more than the 4 GiB WebAssembly can address/);
  assert.ok(Date.now() - t0 < 30_000, 'refused without orthogonalizing six 4096 × 4096 matrices first');
});
