// `train-signals export` and `train --init <file>.safetensors`, through the built command.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { cliHere } from './helpers/cli-here.js';
import { loadModel, saveModel } from '../src/io/model-file.js';
import { loadSafetensors } from '../src/io/safetensors.js';
import { loadDataSet } from '../src/data/csv.js';
import { createRng } from '../src/model/rng.js';
import { randomModel } from './helpers/models.js';
import { tempDir } from './helpers/temp.js';

const tmp = () => tempDir('ts-export-');
const bits = (a: Float32Array) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

test('export writes ONNX and safetensors in one call; onnxruntime agrees with predict; --init reads the safetensors file', async (tc) => {
  const dir = tmp();
  const json = join(dir, 'm.json');
  const r = cliHere(['train', 'datasets/motion/train.csv', '--out', json, '--epochs', '1', '--hidden', '5', '--threads', '1', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const onnx = join(dir, 'm.onnx');
  const st = join(dir, 'm.safetensors');
  const e = cliHere(['export', '--model', json, '--onnx', onnx, '--safetensors', st]);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /m\.onnx/);
  assert.match(e.stdout, /m\.safetensors/);
  const model = loadModel(json);

  // The ONNX file on the held-out file, against `train-signals predict` (probabilities to 6 significant digits).
  const file = 'datasets/motion/test.csv';
  const pr = cliHere(['predict', '--model', json, file, '--quiet']);
  assert.equal(pr.code, 0, pr.stderr);
  const [head, ...rows] = pr.stdout.trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(head, ['file', 'id', 'label', 'predicted', ...model.classes.map((c) => `p_${c}`)]);
  const predicted = new Map(rows.map((r) => [r[1], r.slice(4).map(Number)]));
  const ds = await loadDataSet([file]);
  assert.equal(predicted.size, ds.lengths.length);
  const ours = ds.ids.flatMap((id) => predicted.get(id)!);
  const N = ds.lengths.length;
  const T = Math.max(...ds.lengths);
  const signals = new Float32Array(N * T * ds.D);
  for (let n = 0; n < N; n++) signals.set(ds.values.subarray(ds.offsets[n] * ds.D, (ds.offsets[n] + ds.lengths[n]) * ds.D), n * T * ds.D);
  const session = await ort.InferenceSession.create(onnx, { logSeverityLevel: 3 });
  const out = await session.run({
    signals: new ort.Tensor('float32', signals, [N, T, ds.D]),
    lengths: new ort.Tensor('int32', Int32Array.from(ds.lengths), [N]),
  });
  await session.release();
  const p = out.probabilities.data as Float32Array;
  let d = 0;
  for (let i = 0; i < p.length; i++) d = Math.max(d, Math.abs(p[i] - ours[i]));
  tc.diagnostic(`largest |onnxruntime − predict| = ${d.toExponential(2)} (predict prints 6 significant digits)`);
  assert.ok(d <= 1e-5, `largest difference ${d}`);

  // safetensors keeps every bit; export takes it back to the same ONNX file; train --init accepts it.
  assert.deepEqual(bits(loadSafetensors(st).parameters), bits(model.parameters));
  const onnx2 = join(dir, 'from-safetensors.onnx');
  const e2 = cliHere(['export', '--model', st, '--onnx', onnx2]);
  assert.equal(e2.code, 0, e2.stderr);
  assert.deepEqual(readFileSync(onnx2), readFileSync(onnx));
  const again = join(dir, 'again.json');
  const t = cliHere(['train', 'datasets/motion/train.csv', '--init', st, '--out', again, '--epochs', '1', '--threads', '1', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  const m2 = loadModel(again);
  assert.deepEqual(m2.classes, model.classes);
  assert.deepEqual(m2.shape, model.shape);
  assert.deepEqual(m2.normalization, model.normalization);
  assert.equal(m2.readout, model.readout);
});

test('export and --init errors: one line, exit 2, nothing written', () => {
  const dir = tmp();
  const bad = join(dir, 'bad.safetensors');
  writeFileSync(bad, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 0x20]));
  const out = join(dir, 'never.json');
  const cases: Array<[string[], RegExp]> = [
    [['train', 'datasets/motion/train.csv', '--init', bad, '--out', out, '--epochs', '1'], /bad\.safetensors: .*truncated/],
    [['export', '--model', 'nowhere.json', '--onnx', join(dir, 'x.onnx')], /nowhere\.json: model file not found/],
    [['export', '--model', 'nowhere.json'], /give --onnx <file>, --safetensors <file>, or both/],
    [['export', '--model', 'nowhere.json', '--onnx', join(dir, 'no', 'x.onnx')], /--onnx .*x\.onnx: the folder .* does not exist; create it/],
  ];
  for (const [args, re] of cases) {
    const r = cliHere(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.ok(!existsSync(out));
  assert.ok(!existsSync(join(dir, 'x.onnx')));
  assert.equal(readFileSync(bad).length, 11);
});

test('export of a GRU model file: the safetensors file keeps every bit and exports to the same ONNX bytes; one without "cell" is refused', () => {
  const dir = tmp();
  const json = join(dir, 'gru.json');
  // Written directly: training a GRU needs the WebAssembly kernel's GRU, which another branch adds.
  const m = randomModel(createRng(61), 3, 5, 4, 'mean', true, 2, true, 'gru');
  saveModel(json, m);
  const onnx = join(dir, 'gru.onnx');
  const st = join(dir, 'gru.safetensors');
  const e = cliHere(['export', '--model', json, '--onnx', onnx, '--safetensors', st]);
  assert.equal(e.code, 0, e.stderr);
  const back = loadSafetensors(st);
  assert.deepEqual(back.shape, m.shape);
  assert.deepEqual(bits(back.parameters), bits(loadModel(json).parameters));
  const onnx2 = join(dir, 'from-safetensors.onnx');
  const e2 = cliHere(['export', '--model', st, '--onnx', onnx2]);
  assert.equal(e2.code, 0, e2.stderr);
  assert.deepEqual(readFileSync(onnx2), readFileSync(onnx));

  // The same file without __metadata__ "cell": one line, exit 2, naming the file and the fix.
  const bytes = readFileSync(st);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  delete header.__metadata__.cell;
  const text = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(text.length));
  const bare = join(dir, 'bare.safetensors');
  writeFileSync(bare, Buffer.concat([length, text, bytes.subarray(8 + n)]));
  const r = cliHere(['export', '--model', bare, '--onnx', join(dir, 'never.onnx')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bare\.safetensors: .*an nn\.GRU's \[3H, H\], but __metadata__ has no "cell": "gru"; add it/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.ok(!existsSync(join(dir, 'never.onnx')));
});
