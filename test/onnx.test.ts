// The ONNX export, run by onnxruntime-node: the same probabilities as our own forward pass (score(), which
// evaluate and predict use) within 1e-5, on random batches of mixed lengths and on models trained on the bundled
// data, for both readouts, with and without normalization, one-directional and bidirectional, with frames of
// 1, 3 and 8 samples (lengths not multiples of the stride, some shorter than it). Padding past each length is
// NaN, so a graph that read it would fail loudly. The file's header fields are read back by a protobuf reader of
// the test's own. GRU models (the ONNX GRU operator) are held to score() the same way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';
import { exportOnnx } from '../src/io/onnx.js';
import { fillGaps } from '../src/data/gaps.js';
import { evaluateFile } from '../src/eval/evaluate.js';
import { loadDataSet } from '../src/data/csv.js';
import type { DataSet } from '../src/data/dataset.js';
import type { Model } from '../src/model/model.js';
import type { Readout } from '../src/model/rnn.js';
import { createRng, type Rng } from '../src/model/rng.js';
import { type TrainOptions, train } from '../src/train/train.js';
import { batchOf, maxDifference, randomBatch, randomModel } from './helpers/models.js';

const TOLERANCE = 1e-5;
let largest = 0; // the largest |ONNX − ours| over every test in this file, printed at the end

/** Raw (unnormalized) sequences padded with NaN into signals [N][T][D] (T: the longest + `extra`), with their lengths [N]. */
function padded(values: Float32Array, offsets: ArrayLike<number>, lengths: ArrayLike<number>, D: number, extra = 0) {
  const N = lengths.length;
  let T = 1;
  for (let n = 0; n < N; n++) T = Math.max(T, lengths[n]);
  T += extra;
  const signals = new Float32Array(N * T * D).fill(NaN);
  for (let n = 0; n < N; n++) {
    signals.set(values.subarray(offsets[n] * D, (offsets[n] + lengths[n]) * D), n * T * D);
  }
  return {
    signals: new ort.Tensor('float32', signals, [N, T, D]),
    lengths: new ort.Tensor('int32', Int32Array.from(lengths), [N]),
  };
}

async function onnxProbabilities(m: Model, feeds: ReturnType<typeof padded>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(exportOnnx(m), { logSeverityLevel: 3 });
  try {
    const out = await session.run(feeds);
    assert.deepEqual(out.probabilities.dims, [feeds.lengths.dims[0], m.shape.C]);
    return out.probabilities.data as Float32Array;
  } finally {
    await session.release();
  }
}

const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);

/** An ONNX file's metadata_props as an object. */
function metaOf(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(readFields(bytes).filter((f) => f.field === 14).map((f) => {
    const [k, v] = readFields(f.value as Uint8Array).map((e) => text(e.value));
    return [k, v];
  }));
}

/** maxDifference, kept as the largest seen in this file. */
function difference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = maxDifference(a, b);
  largest = Math.max(largest, d);
  return d;
}

/** The largest |ONNX − score()| of model m on a random batch with these lengths (samples), padded by `extra`. */
async function randomBatchDifference(rng: Rng, m: Model, lengths: Int32Array, extra = 0): Promise<number> {
  const { raw, offsets, ours } = randomBatch(rng, m, lengths);
  const theirs = await onnxProbabilities(m, padded(raw, offsets, lengths, m.channels.length, extra));
  return difference(theirs, ours);
}

for (const readout of ['last', 'mean', 'max'] as const) {
  for (const normalize of [false, true]) {
    test(`random batches of mixed lengths: readout ${readout}, ${normalize ? 'z-scored' : 'no normalization'}`, async (t) => {
      const rng = createRng(readout === 'last' ? 11 : 12);
      let worst = 0;
      for (const [D, H, C] of [[1, 5, 2], [3, 16, 4], [2, 9, 3]]) {
        const m = randomModel(rng, D, H, C, readout, normalize);
        const lengths = Int32Array.from([1, 37, 2, 19, 37, 5, 1, 28, 11], (T) => T); // T = 1 and ties with the longest
        worst = Math.max(worst, await randomBatchDifference(rng, m, lengths));
      }
      t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
      assert.ok(worst <= TOLERANCE, `largest difference ${worst}`);
    });
  }
}

// Stacked and bidirectional: every length below is a multiple of neither 3 nor 8 except 24 (no padding at
// s = 3 and 8) and 9 (none at s = 3); 1, 2 and 5 are shorter than a frame of 8, 1 and 2 than one of 3.
const STACKED_LENGTHS = [1, 37, 2, 19, 37, 5, 24, 28, 11, 9];
for (const readout of ['last', 'mean', 'max'] as const) {
  for (const normalize of [false, true]) {
    test(`stacked (s = 3, 8) and bidirectional, random batches: readout ${readout}, ${normalize ? 'z-scored' : 'no normalization'}`, async (t) => {
      const rng = createRng(readout === 'last' ? 21 : 22);
      let worst = 0;
      for (const [stride, bidirectional] of [[3, true], [8, true], [3, false], [8, false], [1, true]] as const) {
        for (const [D, H, C] of [[1, 5, 2], [3, 16, 4]]) {
          const m = randomModel(rng, D, H, C, readout, normalize, stride, bidirectional);
          // Padded exactly to the longest, and 6 samples past it (more frames than any sequence has).
          for (const extra of [0, 6]) {
            const d = await randomBatchDifference(rng, m, Int32Array.from(STACKED_LENGTHS), extra);
            assert.ok(d <= TOLERANCE, `s = ${stride}, bidirectional ${bidirectional}, D=${D}, ${extra} past the longest: largest difference ${d}`);
            worst = Math.max(worst, d);
          }
        }
      }
      t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
    });
  }
}

// The GRU: one direction at stride 1, then stacked and bidirectional, as above.
for (const readout of ['last', 'mean', 'max'] as const) {
  for (const normalize of [false, true]) {
    test(`GRU, random batches of mixed lengths: readout ${readout}, ${normalize ? 'z-scored' : 'no normalization'}`, async (t) => {
      const rng = createRng(readout === 'last' ? 41 : 42);
      let worst = 0;
      for (const [D, H, C] of [[1, 5, 2], [3, 16, 4], [2, 9, 3]]) {
        const m = randomModel(rng, D, H, C, readout, normalize, 1, false, 'gru');
        for (const extra of [0, 6]) {
          const d = await randomBatchDifference(rng, m, Int32Array.from([1, 37, 2, 19, 37, 5, 1, 28, 11]), extra);
          assert.ok(d <= TOLERANCE, `D=${D}, H=${H}, ${extra} past the longest: largest difference ${d}`);
          worst = Math.max(worst, d);
        }
      }
      t.diagnostic(`largest |onnxruntime − reference| = ${worst.toExponential(2)}`);
    });
    test(`GRU, stacked (s = 3, 8) and bidirectional, random batches: readout ${readout}, ${normalize ? 'z-scored' : 'no normalization'}`, async (t) => {
      const rng = createRng(readout === 'last' ? 43 : 44);
      let worst = 0;
      for (const [stride, bidirectional] of [[3, true], [8, true], [3, false], [1, true]] as const) {
        for (const [D, H, C] of [[1, 5, 2], [3, 16, 4]]) {
          const m = randomModel(rng, D, H, C, readout, normalize, stride, bidirectional, 'gru');
          for (const extra of [0, 6]) {
            const d = await randomBatchDifference(rng, m, Int32Array.from(STACKED_LENGTHS), extra);
            assert.ok(d <= TOLERANCE, `s = ${stride}, bidirectional ${bidirectional}, D=${D}, ${extra} past the longest: largest difference ${d}`);
            worst = Math.max(worst, d);
          }
        }
      }
      t.diagnostic(`largest |onnxruntime − reference| = ${worst.toExponential(2)}`);
    });
  }
}

// Two layers: the first layer's Y (zeros or anything past a sequence's length, which the second layer's
// sequence_lens keep out) as the second layer's input, both cells, one and two directions, every readout.
test('two-layer models, GRU and tanh, random batches padded past the longest: every readout', async (t) => {
  const rng = createRng(47);
  let worst = 0;
  for (const cell of ['gru', 'rnn'] as const) {
    for (const [stride, bidirectional] of [[3, true], [1, false], [1, true]] as const) {
      for (const readout of ['last', 'mean', 'max'] as const) {
        const m = randomModel(rng, 2, 6, 3, readout, true, stride, bidirectional, cell, false, false, 2);
        const d = await randomBatchDifference(rng, m, Int32Array.from(STACKED_LENGTHS), 4);
        assert.ok(d <= TOLERANCE, `${cell}, s = ${stride}, bidirectional ${bidirectional}, readout ${readout}: largest difference ${d}`);
        worst = Math.max(worst, d);
      }
    }
  }
  t.diagnostic(`largest |onnxruntime − ours| = ${worst.toExponential(2)}`);
  assert.equal(metaOf(exportOnnx(randomModel(rng, 2, 4, 3, 'mean', true, 1, true, 'gru', false, false, 2))).layers, '2');
  assert.equal(metaOf(exportOnnx(randomModel(rng, 2, 4, 3, 'mean', true, 1, true, 'gru'))).layers, undefined);
});

// Resampling (model/resample.ts) to fewer samples than the longest and to more than any, before framing or not;
// sequences of 1 and 2 samples included, and padding past the longest.
for (const readout of ['last', 'mean'] as const) {
  test(`resampling models (L = 16, 45), GRU and tanh, random batches: readout ${readout}`, async (t) => {
    const rng = createRng(readout === 'last' ? 61 : 62);
    let worst = 0;
    for (const [L, stride, bidirectional, cell] of [[16, 1, false, 'rnn'], [45, 3, true, 'gru'], [16, 4, true, 'gru'], [45, 1, true, 'rnn']] as const) {
      const m: Model = { ...randomModel(rng, 2, 6, 3, readout, true, stride, bidirectional, cell), resample: L };
      for (const extra of [0, 6]) {
        const d = await randomBatchDifference(rng, m, Int32Array.from(STACKED_LENGTHS), extra);
        assert.ok(d <= TOLERANCE, `L = ${L}, s = ${stride}, ${cell}, ${extra} past the longest: largest difference ${d}`);
        worst = Math.max(worst, d);
      }
    }
    t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
  });
}

// Long sequences resampled to few samples: the positions j·(T − 1)/(L − 1) are exact in the graph (integers); in
// float32 they drifted by about 6e-8·T samples, 1e-4 on the probabilities at T = 20,000.
test('resampling models on sequences of up to 10^5 samples (L = 13, 1000): the positions are exact', async (t) => {
  const rng = createRng(63);
  let worst = 0;
  for (const [L, cell] of [[13, 'rnn'], [1000, 'gru']] as const) {
    const m: Model = { ...randomModel(rng, 2, 6, 3, 'mean', true, 1, true, cell), resample: L };
    const d = await randomBatchDifference(rng, m, Int32Array.from([20000, 99991, 3]), 0);
    assert.ok(d <= TOLERANCE, `L = ${L}: largest difference ${d}`);
    worst = Math.max(worst, d);
  }
  t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
});

// First differences (model/differences.ts) before the normalization, with resampling and framing after them or
// not; sequences of 1 and 2 samples included (a difference of 0 only), and NaN padding past the longest.
for (const readout of ['last', 'mean'] as const) {
  test(`models that read first differences, GRU and tanh, random batches: readout ${readout}`, async (t) => {
    const rng = createRng(readout === 'last' ? 81 : 82);
    let worst = 0;
    for (const [L, stride, bidirectional, cell, normalize] of [[0, 1, false, 'rnn', true], [0, 3, true, 'gru', true], [16, 4, true, 'gru', false], [45, 1, true, 'rnn', true]] as const) {
      const m: Model = { ...randomModel(rng, 2, 6, 3, readout, normalize, stride, bidirectional, cell, true), ...(L > 0 ? { resample: L } : {}) };
      for (const extra of [0, 6]) {
        const d = await randomBatchDifference(rng, m, Int32Array.from(STACKED_LENGTHS), extra);
        assert.ok(d <= TOLERANCE, `L = ${L}, s = ${stride}, ${cell}, ${extra} past the longest: largest difference ${d}`);
        worst = Math.max(worst, d);
      }
    }
    t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
  });
}

/** ONNX on a held-out file, against evaluateFile (load, the model's normalization, score) on the same file. */
async function compareOnFile(t: { diagnostic(s: string): void }, m: Model, file: string): Promise<void> {
  const ours = await evaluateFile(m, file);
  const raw: DataSet = await loadDataSet([file]);
  const theirs = await onnxProbabilities(m, padded(raw.values, raw.offsets, raw.lengths, raw.D));
  const d = difference(theirs, ours.scores.probabilities);
  t.diagnostic(`${file}: ${raw.lengths.length} sequences, readout ${m.readout}, ${m.normalization ? 'z-scored' : 'no normalization'}: largest |onnxruntime − ours| = ${d.toExponential(2)}`);
  assert.ok(d <= TOLERANCE, `largest difference ${d}`);
}

// What model selection chose for each of these trainings (on the fused build), given as flags with selection off:
// the final fit of a run that selects, without the candidates' fits (most of the CPU time); both depths, both
// regularizations. The export is held to whichever model these flags train.
const TWO_LAYERS_AUGMENTED = { select: 'off', layers: 2, noise: 0.1, warp: 0.1, mixup: 0.2, weightDecay: 0 } as const;
const ONE_LAYER_PLAIN = { select: 'off', layers: 1, noise: 0, warp: 0, mixup: 0, weightDecay: 0 } as const;
const bundled: Array<[string, string, Readout, 'zscore' | 'none', Partial<TrainOptions>]> = [
  ['datasets/cbf/train.csv', 'datasets/cbf/test.csv', 'mean', 'zscore', TWO_LAYERS_AUGMENTED],
  ['datasets/cbf/train.csv', 'datasets/cbf/test.csv', 'last', 'none', TWO_LAYERS_AUGMENTED],
  ['datasets/motion/train.csv', 'datasets/motion/test.csv', 'last', 'zscore', ONE_LAYER_PLAIN], // resampled to 54: auto's length
  ['datasets/motion/train.csv', 'datasets/motion/test.csv', 'mean', 'none', { ...ONE_LAYER_PLAIN, resample: 0 }], // lengths as they are
];
for (const [trainFile, testFile, readout, normalize, chosen] of bundled) {
  test(`bundled data: a model trained on ${trainFile} (readout ${readout}, normalize ${normalize}) on ${testFile}`, async (t) => {
    const { model } = await train({ files: [trainFile], hidden: 12, epochs: 2, readout, normalize, threads: 2, valSplit: 0, ...chosen });
    await compareOnFile(t, model, testFile);
  });
}

for (const [readout, chosen] of [['mean', TWO_LAYERS_AUGMENTED], ['last', ONE_LAYER_PLAIN]] as const) {
  test(`bundled data: a stacked (stride 4) bidirectional model trained on datasets/cbf (readout ${readout})`, async (t) => {
    const { model } = await train({
      files: ['datasets/cbf/train.csv'], hidden: 12, epochs: 2, readout, normalize: 'zscore', stride: 4, bidirectional: true, threads: 2, valSplit: 0, ...chosen,
    });
    assert.equal(model.stride, 4);
    assert.equal(model.shape.directions, 2);
    await compareOnFile(t, model, 'datasets/cbf/test.csv');
  });
}

/** Just enough protobuf reading for the test: the top-level fields of a message, as (field, wire, value). */
function readFields(b: Uint8Array): Array<{ field: number; value: bigint | Uint8Array }> {
  const out: Array<{ field: number; value: bigint | Uint8Array }> = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let s = 0n; ; s += 7n) {
      const byte = b[i++];
      v |= BigInt(byte & 0x7f) << s;
      if (byte < 0x80) return v;
    }
  };
  while (i < b.length) {
    const k = Number(varint());
    const field = k >> 3;
    const wire = k & 7;
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 2) {
      const n = Number(varint());
      out.push({ field, value: b.subarray(i, i + n) });
      i += n;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

test('the ONNX file: opset 17, the documented inputs and output, class and channel names in metadata_props', async () => {
  const m = randomModel(createRng(3), 2, 4, 3, 'mean', true);
  const bytes = exportOnnx(m);
  const fields = readFields(bytes);
  const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);
  assert.equal(fields.find((f) => f.field === 1)?.value, 8n); // ir_version
  const opset = readFields(fields.find((f) => f.field === 8)!.value as Uint8Array);
  assert.deepEqual(opset.map((f) => f.field === 1 ? text(f.value) : f.value), ['', 17n]);
  const meta = Object.fromEntries(fields.filter((f) => f.field === 14).map((f) => {
    const [k, v] = readFields(f.value as Uint8Array).map((e) => text(e.value));
    return [k, v];
  }));
  assert.deepEqual(JSON.parse(meta.classes), ['k0', 'k1', 'k2']);
  assert.deepEqual(JSON.parse(meta.channels), ['c0', 'c1']);
  assert.equal(meta.readout, 'mean');
  assert.deepEqual(JSON.parse(meta.normalization), m.normalization);

  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  assert.deepEqual(session.inputNames, ['signals', 'lengths']);
  assert.deepEqual(session.outputNames, ['probabilities']);
  const [signals, lengths] = session.inputMetadata as ort.InferenceSession.TensorValueMetadata[];
  assert.deepEqual([signals.type, signals.shape], ['float32', ['batch', 'time', 2]]);
  assert.deepEqual([lengths.type, lengths.shape], ['int32', ['batch']]);
  const out = session.outputMetadata[0] as ort.InferenceSession.TensorValueMetadata;
  assert.deepEqual([out.type, out.shape], ['float32', ['batch', 3]]);
  await session.release();
});

test('stride and bidirectional in metadata_props and the doc string; a plain model\'s file has neither', async () => {
  const m = randomModel(createRng(4), 2, 4, 3, 'last', true, 3, true);
  const bytes = exportOnnx(m);
  const meta = metaOf(bytes);
  assert.equal(meta.stride, '3');
  assert.equal(meta.bidirectional, 'true');
  assert.equal(metaOf(exportOnnx(randomModel(createRng(4), 2, 4, 3, 'last', true, 3, false))).bidirectional, 'false');
  const graph = readFields(readFields(bytes).find((f) => f.field === 7)!.value as Uint8Array);
  assert.match(text(graph.find((f) => f.field === 10)!.value), /bidirectional, frames of 3 samples/);
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const [signals] = session.inputMetadata as ort.InferenceSession.TensorValueMetadata[];
  assert.deepEqual(signals.shape, ['batch', 'time', 2]); // channels, not the recurrence's 6 inputs per step
  await session.release();
  const plain = metaOf(exportOnnx(randomModel(createRng(4), 2, 4, 3, 'last', true)));
  assert.deepEqual(Object.keys(plain).sort(), ['channels', 'classes', 'format', 'normalization', 'readout']);
});

test('a GRU model: the GRU operator (linear_before_reset = 1, W [K][3H][E]), "cell" in metadata_props and the doc string', async () => {
  const graphOf = (bytes: Uint8Array) => readFields(readFields(bytes).find((f) => f.field === 7)!.value as Uint8Array);
  for (const [stride, bidirectional] of [[1, false], [3, true]] as const) {
    const m = randomModel(createRng(5), 2, 4, 3, 'last', true, stride, bidirectional, 'gru');
    const bytes = exportOnnx(m);
    const meta = metaOf(bytes);
    assert.equal(meta.cell, 'gru');
    assert.equal(meta.bidirectional, stride === 1 ? undefined : 'true');
    const graph = graphOf(bytes);
    assert.match(text(graph.find((f) => f.field === 10)!.value), /^GRU \(H=4/);
    // NodeProto: op_type 4, attribute 5; AttributeProto: name 1, i 3.
    const nodes = graph.filter((f) => f.field === 1).map((f) => readFields(f.value as Uint8Array));
    const recurrences = nodes.filter((n) => ['RNN', 'GRU'].includes(text(n.find((f) => f.field === 4)!.value)));
    assert.equal(recurrences.length, 1);
    assert.equal(text(recurrences[0].find((f) => f.field === 4)!.value), 'GRU');
    const attrs = recurrences[0].filter((f) => f.field === 5).map((f) => readFields(f.value as Uint8Array));
    const lbr = attrs.find((a) => text(a.find((f) => f.field === 1)!.value) === 'linear_before_reset');
    assert.equal(lbr?.find((f) => f.field === 3)?.value, 1n);
    // TensorProto: dims 1, name 8.
    const inits = graph.filter((f) => f.field === 5).map((f) => readFields(f.value as Uint8Array));
    const dims = (name: string) => inits.find((t) => text(t.find((f) => f.field === 8)!.value) === name)!
      .filter((f) => f.field === 1).map((f) => Number(f.value));
    const K = bidirectional ? 2 : 1;
    assert.deepEqual(dims('W'), [K, 12, 2 * stride]);
    assert.deepEqual(dims('R'), [K, 12, 4]);
    assert.deepEqual(dims('B'), [K, 24]);
  }
  // A tanh model's file names no cell.
  assert.equal(metaOf(exportOnnx(randomModel(createRng(5), 2, 4, 3, 'last', true, 3, true))).cell, undefined);
});

test('largest probability difference against onnxruntime', (t) => {
  t.diagnostic(`largest |onnxruntime − ours| over this file's tests: ${largest.toExponential(2)} (tolerance ${TOLERANCE})`);
  assert.ok(largest <= TOLERANCE);
});

// onnxruntime warns on every load about an initializer no node uses ("Removing initializer ..."): the graph of
// every kind of model holds none. Its native log goes to the process's stderr, so a child process loads them.
test('no unused initializers: onnxruntime loads every kind of model without a warning', () => {
  const rng = createRng(97);
  const dir = tempDir('ts-onnx-unused-');
  const files: string[] = [];
  for (const cell of ['rnn', 'gru'] as const) {
    for (const bidirectional of [false, true]) {
      for (const readout of ['last', 'mean', 'max'] as const) {
        const layers = readout === 'max' ? 2 : 1;
        const m: Model = {
          ...randomModel(rng, 2, 8, 3, readout, true, bidirectional ? 3 : 1, bidirectional, cell, bidirectional, false, layers),
          ...(readout === 'mean' ? { resample: 20 } : {}),
        };
        const file = join(dir, `${cell}-${bidirectional}-${readout}-${layers}.onnx`);
        writeFileSync(file, exportOnnx(m));
        files.push(file);
      }
    }
  }
  const script = "const ort = require('onnxruntime-node'); (async () => { for (const f of process.argv.slice(1)) await ort.InferenceSession.create(f); console.log('ok'); })()";
  const r = spawnSync(process.execPath, ['-e', script, ...files], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
  assert.doesNotMatch(r.stderr, /Removing initializer|W:onnxruntime/);
});

// Each sequence on its own scale (model/sequence-norm.ts) before the differences and the normalization; the
// statistics over each sequence's own samples, not the NaN padding past it (sequences of 1 and 2 samples too).
test('random models that normalize each sequence, with differences, framing and resampling after it or not', async (t) => {
  const rng = createRng(91);
  let worst = 0;
  for (const [L, stride, differences, readout] of [[0, 1, false, 'last'], [0, 3, true, 'mean'], [16, 4, true, 'max'], [30, 1, false, 'mean']] as const) {
    const m: Model = { ...randomModel(rng, 2, 6, 3, readout, true, stride, true, 'gru', differences, true), ...(L > 0 ? { resample: L } : {}) };
    for (const extra of [0, 6]) {
      const d = await randomBatchDifference(rng, m, Int32Array.from(STACKED_LENGTHS), extra);
      assert.ok(d <= TOLERANCE, `L = ${L}, s = ${stride}, ${extra} past the longest: largest difference ${d}`);
      worst = Math.max(worst, d);
    }
  }
  t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
});

// The statistics in float64, as the tool computes them: in float32 a constant channel at a value float32 cannot
// hold exactly gets a σ of about 1e-8 (z = −1 where the tool has 0), a large offset loses its spread, and a
// square past 1.8e19 overflows (NaN probabilities).
test('models that normalize each sequence, on constant channels, large offsets and values near 1e30', async (t) => {
  const rng = createRng(93);
  const lengths = Int32Array.from([7, 1, 2000, 50, 3, 12]);
  const sequences: Array<(t: number) => [number, number]> = [
    () => [0.1, 1000.1], // constant channels at values float32 rounds
    () => [0.1, -3], // one sample
    (s) => [1e4 + 5e-4 * Math.sin(s / 7), 100 + 1e-3 * (s % 5)], // large offsets, small spreads
    (s) => [1e30 * (1 + 0.5 * Math.cos(s)), -2e30 + 1e29 * (s % 3)], // squares past float32's range
    (s) => [1e-30 * s, 7], // a tiny spread and a constant
    (s) => [Math.sin(s), 1e19 * (s % 2)],
  ];
  const raw = new Float32Array(lengths.reduce((a, b) => a + b, 0) * 2);
  let at = 0;
  sequences.forEach((f, n) => {
    for (let s = 0; s < lengths[n]; s++, at += 2) raw.set(f(s), at);
  });
  let worst = 0;
  for (const [cell, differences] of [['rnn', false], ['gru', true]] as const) {
    const m = randomModel(rng, 2, 6, 3, 'mean', true, 1, true, cell, differences, true);
    const { offsets, ours } = batchOf(m, raw, lengths);
    for (const extra of [0, 3]) {
      const theirs = await onnxProbabilities(m, padded(raw, offsets, lengths, 2, extra));
      assert.ok(theirs.every(Number.isFinite), `${cell}: non-finite probabilities from onnxruntime`);
      worst = Math.max(worst, difference(theirs, ours));
    }
    // Each sequence alone: a sequence's probabilities do not depend on the batch it is in.
    for (let n = 0; n < lengths.length; n++) {
      const one = Int32Array.of(lengths[n]);
      const alone = await onnxProbabilities(m, padded(raw.subarray(offsets[n] * 2, (offsets[n] + lengths[n]) * 2), [0], one, 2));
      worst = Math.max(worst, difference(alone, ours.subarray(n * 3, n * 3 + 3)));
    }
  }
  t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
  assert.ok(worst <= TOLERANCE, `largest difference ${worst}`);
});

for (const [trainFile, testFile, differences] of [['datasets/motion/train.csv', 'datasets/motion/test.csv', true], ['datasets/cbf/train.csv', 'datasets/cbf/test.csv', false]] as const) {
  test(`a model that normalizes each sequence, trained on ${trainFile}${differences ? ' with differences' : ''}, on ${testFile}`, async (t) => {
    const { model } = await train({ files: [trainFile], hidden: 8, epochs: 2, sequenceNorm: true, differences, select: 'off', members: 1, threads: 2, valSplit: 0 });
    assert.equal(model.sequenceNorm, true);
    await compareOnFile(t, model, testFile);
    const raw: DataSet = await loadDataSet([testFile]);
    const ours = await evaluateFile(model, testFile);
    const theirs = await onnxProbabilities(model, padded(raw.values, raw.offsets, raw.lengths, raw.D, 5));
    assert.ok(difference(theirs, ours.scores.probabilities) <= TOLERANCE, 'NaN padding past the longest');
  });
}

// A value missing inside a sequence (NaN within its length) is filled in the graph as the readers fill it for
// evaluate and predict (data/gaps.ts): linearly between the read samples beside it, the nearest at either end. An
// unfilled NaN gave NaN probabilities through the tanh RNN, and finite wrong ones through onnxruntime's GRU.
test('gaps inside sequences (NaN within the length) are filled as the readers fill them: at the start, inside, at the end, scattered; every cell, with framing, differences and sequence norm; a channel of no value is NaN', async (t) => {
  const rng = createRng(95);
  const lengths = Int32Array.from(STACKED_LENGTHS);
  let worst = 0;
  for (const [cell, stride, readout, differences, sequenceNorm] of [['rnn', 1, 'last', false, false], ['gru', 1, 'last', false, false], ['gru', 3, 'mean', true, false],
    ['rnn', 8, 'max', false, true], ['gru', 1, 'mean', true, true]] as const) {
    const m = randomModel(rng, 3, 7, 3, readout, true, stride, false, cell, differences, sequenceNorm);
    const { raw, offsets } = randomBatch(rng, m, lengths);
    const D = m.channels.length;
    const gapped = raw.slice();
    lengths.forEach((T, n) => {
      if (T < 2) return; // a one-sample sequence with its one value missing has a channel with no value: refused by the readers
      for (let d = 0; d < D; d++) {
        const at = (s: number) => (offsets[n] + s) * D + d;
        const run = Math.max(1, Math.floor(T / 4));
        const kind = (n + d) % 4;
        for (let s = 0; s < T; s++) {
          const missing = kind === 0 ? s < run : kind === 1 ? s >= T - run : kind === 2 ? s > 0 && s < T - 1 && Math.abs(s - T / 2) < run / 2 + 0.5 : s % 2 === 1;
          if (missing) gapped[at(s)] = NaN;
        }
      }
    });
    const filled = gapped.slice();
    let count = 0;
    lengths.forEach((T, n) => { count += fillGaps(filled.subarray(offsets[n] * D, (offsets[n] + T) * D), T, D).filled; });
    assert.ok(count > 40, `${count} values filled`);
    const { ours } = batchOf(m, filled, lengths);
    for (const extra of [0, 6]) {
      const theirs = await onnxProbabilities(m, padded(gapped, offsets, lengths, D, extra));
      const d = difference(theirs, ours);
      assert.ok(d <= TOLERANCE, `${cell}, s = ${stride}, readout ${readout}, differences ${differences}, sequence norm ${sequenceNorm}, ${extra} past the longest: largest difference ${d}`);
      worst = Math.max(worst, d);
    }
    // A channel with no value at all in a sequence, which the readers refuse: NaN for it, whatever the cell makes
    // of NaN (onnxruntime's GRU makes finite numbers), and the other sequences as before.
    const empty = gapped.slice();
    for (let s = 0; s < lengths[1]; s++) empty[(offsets[1] + s) * D + 1] = NaN;
    const theirs = await onnxProbabilities(m, padded(empty, offsets, lengths, D));
    const C = m.shape.C;
    assert.ok(theirs.subarray(C, 2 * C).every(Number.isNaN), `${cell}: ${theirs.subarray(C, 2 * C)}`);
    assert.ok(difference(Float32Array.from(theirs).fill(0, C, 2 * C), Float32Array.from(ours).fill(0, C, 2 * C)) <= TOLERANCE, cell);
  }
  t.diagnostic(`largest |onnxruntime − score| = ${worst.toExponential(2)}`);
});
