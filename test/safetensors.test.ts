// The safetensors export: the file follows the format exactly (checked by a parser of the test's own, written
// from the format's description, not from src/), a model read back as an --init model keeps every parameter bit
// (one-directional, and stacked bidirectional under nn.RNN(bidirectional=True)'s names with the stride in
// __metadata__), and malformed files are refused with one line naming the file. GRU models: nn.GRU's names and
// shapes, bias_hh = [0, 0, b_hn], every bit kept, and a file with PyTorch's separate biases (non-zero bias_hh in
// every gate) computes what nn.GRU computes with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSafetensors, parseSafetensors, saveSafetensors } from '../src/io/safetensors.js';
import { loadAnyModel } from '../src/io/load-model.js';
import { saveModel } from '../src/io/model-file.js';
import { initParameters } from '../src/model/init.js';
import { type Cell, type Shape, layoutOf, viewsOf } from '../src/model/layout.js';
import type { Model } from '../src/model/model.js';
import type { Readout } from '../src/model/rnn.js';
import { createRng, normal } from '../src/model/rng.js';
import { UserError } from '../src/errors.js';
import { maxDifference, randomModel, referenceProbabilities } from './helpers/models.js';
import { tempDir } from './helpers/temp.js';

/** A model of 3 channels, H = 6, 4 classes; stacked, bidirectional and a GRU when asked. */
function model(readout: Readout, normalized: boolean, seed = 4, stride = 1, bidirectional = false, cell: Cell = 'rnn'): Model {
  const shape: Shape = { D: 3 * stride, H: 6, C: 4, ...(bidirectional ? { directions: 2 as const } : {}), ...(cell === 'gru' ? { cell } : {}) };
  const rng = createRng(seed);
  const parameters = new Float32Array(layoutOf(shape).size);
  initParameters(parameters, shape, rng);
  const P = viewsOf(parameters, shape);
  for (let i = 0; i < shape.H; i++) P.b_h[i] = Math.fround(0.1 * normal(rng));
  for (let i = 0; i < P.b_h_r.length; i++) P.b_h_r[i] = Math.fround(0.1 * normal(rng));
  P.b_h[1] = -0; // a negative zero and a subnormal survive too
  P.b_h[2] = 1e-40;
  if (bidirectional) {
    P.b_h_r[3] = -0;
    P.b_h_r[4] = -1e-41;
  }
  if (cell === 'gru') {
    for (const b of [P.b_hn, P.b_hn_r]) for (let i = 0; i < b.length; i++) b[i] = Math.fround(0.1 * normal(rng));
    P.b_h[13] = -0; // the n block
    P.b_h[14] = 2e-40;
    P.b_hn[0] = -0;
    P.b_hn[5] = -3e-39;
    if (bidirectional) P.b_hn_r[2] = -0;
  }
  P.b_y[0] = Math.fround(-3.25);
  return {
    shape, readout, ...(stride > 1 ? { stride } : {}), classes: ['bell', 'cylinder', 'funnel', 'x y'], channels: ['ax', 'ay', 'az'],
    normalization: normalized ? { mean: [0.5, -1, 1e-3].map(Math.fround), std: [2, 0.25, 7].map(Math.fround) } : null,
    parameters, training: {},
  };
}

interface Parsed {
  header: Record<string, any>;
  tensors: Record<string, { dtype: string; shape: number[]; data: Float32Array }>;
  metadata: Record<string, string>;
}

/** A strict reader of the safetensors layout: fails on anything the format does not allow. */
function readSafetensors(bytes: Uint8Array): Parsed {
  assert.ok(bytes.length >= 8, 'shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true)); // u64, little-endian
  assert.ok(8 + n <= bytes.length, 'header length past the end of the file');
  assert.equal((8 + n) % 8, 0, 'header not padded to a multiple of 8 bytes');
  const headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  assert.equal(headerText[0], '{', 'header must start with {');
  assert.match(headerText, /^\{.*\} *$/s, 'only spaces may pad the header');
  const header = JSON.parse(headerText);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata = header.__metadata__ ?? {};
  for (const [k, v] of Object.entries(metadata)) assert.equal(typeof v, 'string', `__metadata__.${k} must be a string`);
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__') as Array<[string, any]>;
  // The data buffer is covered by the tensors, in offset order, without gaps or overlaps.
  const byOffset = [...entries].sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let at = 0;
  const tensors: Parsed['tensors'] = {};
  for (const [name, t] of byOffset) {
    assert.deepEqual(Object.keys(t).sort(), ['data_offsets', 'dtype', 'shape'], name);
    assert.equal(t.dtype, 'F32', name);
    assert.ok(Array.isArray(t.shape) && t.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0), name);
    const [begin, end] = t.data_offsets;
    assert.equal(begin, at, `${name} does not start where the previous tensor ended`);
    assert.equal(end - begin, 4 * t.shape.reduce((a: number, b: number) => a * b, 1), `${name} byte length`);
    assert.ok(end <= dataLength, `${name} past the end of the data`);
    at = end;
    const data = new Float32Array((end - begin) / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + begin + 4 * i, true); // F32 little-endian
    tensors[name] = { dtype: t.dtype, shape: t.shape, data };
  }
  assert.equal(at, dataLength, 'bytes after the last tensor');
  return { header, tensors, metadata };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

test('the file follows the safetensors format, with PyTorch names, shapes and the metadata', () => {
  for (const readout of ['last', 'mean'] as const) {
    for (const normalized of [true, false]) {
      const m = model(readout, normalized);
      const f = readSafetensors(exportSafetensors(m));
      const P = viewsOf(m.parameters, m.shape);
      const { D, H, C } = m.shape;
      const expect: Record<string, [number[], Float32Array]> = {
        'rnn.weight_ih_l0': [[H, D], P.W_xh],
        'rnn.weight_hh_l0': [[H, H], P.W_hh],
        'rnn.bias_ih_l0': [[H], P.b_h],
        'rnn.bias_hh_l0': [[H], new Float32Array(H)],
        'fc.weight': [[C, H], P.W_hy],
        'fc.bias': [[C], P.b_y],
      };
      assert.deepEqual(Object.keys(f.tensors).sort(), Object.keys(expect).sort());
      for (const [name, [shape, data]] of Object.entries(expect)) {
        assert.deepEqual(f.tensors[name].shape, shape, name);
        assert.deepEqual(bits(f.tensors[name].data), bits(data), name);
      }
      assert.deepEqual(Object.keys(f.metadata).sort(), ['channels', 'classes', 'normalization', 'readout']);
      assert.deepEqual(JSON.parse(f.metadata.classes), m.classes);
      assert.deepEqual(JSON.parse(f.metadata.channels), m.channels);
      assert.deepEqual(JSON.parse(f.metadata.normalization), m.normalization);
      assert.equal(JSON.parse(f.metadata.readout), readout);
    }
  }
});

test('a stacked bidirectional model: nn.RNN(bidirectional=True)\'s names in state_dict order, fc.weight [C, 2H], the stride in __metadata__', () => {
  const m = model('last', true, 5, 4, true);
  const f = readSafetensors(exportSafetensors(m));
  const P = viewsOf(m.parameters, m.shape);
  const { D, H, C } = m.shape;
  assert.equal(D, 12);
  const expect: Array<[string, number[], Float32Array]> = [
    ['rnn.weight_ih_l0', [H, D], P.W_xh],
    ['rnn.weight_hh_l0', [H, H], P.W_hh],
    ['rnn.bias_ih_l0', [H], P.b_h],
    ['rnn.bias_hh_l0', [H], new Float32Array(H)],
    ['rnn.weight_ih_l0_reverse', [H, D], P.W_xh_r],
    ['rnn.weight_hh_l0_reverse', [H, H], P.W_hh_r],
    ['rnn.bias_ih_l0_reverse', [H], P.b_h_r],
    ['rnn.bias_hh_l0_reverse', [H], new Float32Array(H)],
    ['fc.weight', [C, 2 * H], P.W_hy],
    ['fc.bias', [C], P.b_y],
  ];
  // readSafetensors visits the tensors in data order: the file keeps PyTorch's state_dict order.
  assert.deepEqual(Object.keys(f.tensors), expect.map(([name]) => name));
  for (const [name, shape, data] of expect) {
    assert.deepEqual(f.tensors[name].shape, shape, name);
    assert.deepEqual(bits(f.tensors[name].data), bits(data), name);
  }
  assert.deepEqual(Object.keys(f.metadata).sort(), ['channels', 'classes', 'normalization', 'readout', 'stride']);
  assert.equal(JSON.parse(f.metadata.stride), 4);
  assert.deepEqual(JSON.parse(f.metadata.normalization), m.normalization); // per channel: 3 means, 3 stds
});

test('exported and read back as an --init model, every parameter bit is kept', () => {
  const dir = tempDir('ts-safetensors-');
  for (const readout of ['last', 'mean'] as const) {
    for (const normalized of [true, false]) {
      const m = model(readout, normalized, readout === 'last' ? 8 : 9);
      const path = join(dir, `m-${readout}-${normalized}.safetensors`);
      saveSafetensors(path, m);
      const back = loadAnyModel(path);
      assert.deepEqual(bits(back.parameters), bits(m.parameters));
      assert.ok(Object.is(viewsOf(back.parameters, back.shape).b_h[1], -0));
      assert.deepEqual(back.shape, m.shape);
      assert.equal(back.readout, readout);
      assert.deepEqual(back.classes, m.classes);
      assert.deepEqual(back.channels, m.channels);
      assert.deepEqual(back.normalization, m.normalization);
    }
  }
  for (const [stride, bidirectional] of [[3, true], [5, false], [1, true]] as const) {
    const m = model('mean', true, 10 + stride, stride, bidirectional);
    const path = join(dir, `m-${stride}-${bidirectional}.safetensors`);
    saveSafetensors(path, m);
    const back = loadAnyModel(path);
    assert.deepEqual(bits(back.parameters), bits(m.parameters), `stride ${stride}, bidirectional ${bidirectional}`);
    if (bidirectional) assert.ok(Object.is(viewsOf(back.parameters, back.shape).b_h_r[3], -0));
    assert.deepEqual(back.shape, m.shape);
    assert.equal(back.stride, m.stride);
    assert.deepEqual(back.normalization, m.normalization);
  }
  // The columns the training files were read with travel along, so evaluate and predict need no flags again.
  const layout = { format: 'long' as const, labelColumn: 'activity', idColumn: 'device', timeColumn: 'ms', channels: ['ax', 'ay', 'az'] };
  saveSafetensors(join(dir, 'laid-out.safetensors'), { ...model('mean', true), layout });
  assert.deepEqual(loadAnyModel(join(dir, 'laid-out.safetensors')).layout, layout);
  assert.equal(loadAnyModel(join(dir, 'm-mean-true.safetensors')).layout, undefined, 'none written, none read');
  assert.ok(readdirSync(dir).every((f) => f.endsWith('.safetensors'))); // no temp files left behind
  // A safetensors file under another name is read as what it is, not as a model file's JSON.
  writeFileSync(join(dir, 'renamed.st'), readFileSync(join(dir, 'laid-out.safetensors')));
  assert.deepEqual(loadAnyModel(join(dir, 'renamed.st')).layout, layout);
  // A model file still loads through the same path (JSON numbers have no −0, so this one holds none).
  const json = model('mean', true);
  viewsOf(json.parameters, json.shape).b_h[1] = 0;
  saveModel(join(dir, 'm.json'), json);
  assert.deepEqual(bits(loadAnyModel(join(dir, 'm.json')).parameters), bits(json.parameters));
});

test('bias_hh_l0 (and bias_hh_l0_reverse) from PyTorch is added into b_h (and b_h_r)', () => {
  for (const [name, param] of [['rnn.bias_hh_l0', 'b_h'], ['rnn.bias_hh_l0_reverse', 'b_h_r']] as const) {
    const m = model('mean', false, 4, 2, true);
    const bytes = exportSafetensors(m);
    const f = readSafetensors(bytes);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const [begin] = f.header[name].data_offsets;
    const dv = new DataView(bytes.buffer);
    for (let i = 0; i < m.shape.H; i++) dv.setFloat32(8 + n + begin + 4 * i, 0.5, true);
    const back = parseSafetensors(bytes, 'torch.safetensors');
    const want = Float32Array.from(viewsOf(m.parameters, m.shape)[param], (b) => b + 0.5);
    assert.deepEqual(bits(viewsOf(back.parameters, back.shape)[param]), bits(want), name);
  }
});

test('a GRU model: nn.GRU\'s names and shapes in state_dict order, bias_hh = [0, 0, b_hn], "cell" in __metadata__', () => {
  for (const [stride, bidirectional] of [[1, false], [4, true]] as const) {
    const m = model('mean', true, 21, stride, bidirectional, 'gru');
    const f = readSafetensors(exportSafetensors(m));
    const P = viewsOf(m.parameters, m.shape);
    const { D, H, C } = m.shape;
    const hh = (b_hn: Float32Array) => Float32Array.from([...new Float32Array(2 * H), ...b_hn]);
    const expect: Array<[string, number[], Float32Array]> = [
      ['rnn.weight_ih_l0', [3 * H, D], P.W_xh],
      ['rnn.weight_hh_l0', [3 * H, H], P.W_hh],
      ['rnn.bias_ih_l0', [3 * H], P.b_h],
      ['rnn.bias_hh_l0', [3 * H], hh(P.b_hn)],
      ...(bidirectional ? [
        ['rnn.weight_ih_l0_reverse', [3 * H, D], P.W_xh_r],
        ['rnn.weight_hh_l0_reverse', [3 * H, H], P.W_hh_r],
        ['rnn.bias_ih_l0_reverse', [3 * H], P.b_h_r],
        ['rnn.bias_hh_l0_reverse', [3 * H], hh(P.b_hn_r)],
      ] as Array<[string, number[], Float32Array]> : []),
      ['fc.weight', [C, (bidirectional ? 2 : 1) * H], P.W_hy],
      ['fc.bias', [C], P.b_y],
    ];
    assert.deepEqual(Object.keys(f.tensors), expect.map(([name]) => name));
    for (const [name, shape, data] of expect) {
      assert.deepEqual(f.tensors[name].shape, shape, name);
      assert.deepEqual(bits(f.tensors[name].data), bits(data), name);
    }
    assert.equal(JSON.parse(f.metadata.cell), 'gru');
    assert.deepEqual(Object.keys(f.metadata).sort(), ['cell', 'channels', 'classes', 'normalization', 'readout', ...(stride > 1 ? ['stride'] : [])]);
  }
  assert.equal(readSafetensors(exportSafetensors(model('mean', true))).metadata.cell, undefined); // a tanh model's names none
});

test('a GRU model read back as an --init model keeps every bit (−0 and subnormals in b_h and b_hn too)', () => {
  const dir = tempDir('ts-safetensors-');
  for (const [stride, bidirectional, readout] of [[1, false, 'last'], [3, true, 'mean'], [1, true, 'last']] as const) {
    const m = model(readout, stride > 1, 30 + stride, stride, bidirectional, 'gru');
    const path = join(dir, `gru-${stride}-${bidirectional}.safetensors`);
    saveSafetensors(path, m);
    const back = loadAnyModel(path);
    assert.deepEqual(back.shape, m.shape);
    assert.deepEqual(bits(back.parameters), bits(m.parameters), `stride ${stride}, bidirectional ${bidirectional}`);
    const B = viewsOf(back.parameters, back.shape);
    assert.ok(Object.is(B.b_h[13], -0) && Object.is(B.b_hn[0], -0));
    if (bidirectional) assert.ok(Object.is(B.b_hn_r[2], -0));
    assert.equal(back.readout, readout);
    assert.equal(back.stride, m.stride);
    assert.deepEqual(back.normalization, m.normalization);
  }
});

/**
 * nn.GRU's probabilities [N][C] in float64 from PyTorch-style separate biases (bih, bhh per direction), for
 * frames [F][D] per sequence: r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in +
 * r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h; readout as our model's. Written here from PyTorch's
 * documentation, apart from src/.
 */
function torchStyleGru(
  dirs: Array<{ Wih: Float32Array; Whh: Float32Array; bih: Float32Array; bhh: Float32Array }>, Why: Float32Array, by: Float32Array,
  H: number, D: number, readout: Readout, frames: number[][][],
): Float64Array {
  const C = by.length;
  const sig = (a: number) => 1 / (1 + Math.exp(-a));
  const out = new Float64Array(frames.length * C);
  frames.forEach((xs, n) => {
    const z: number[] = [];
    dirs.forEach((w, d) => {
      const seq = d === 0 ? xs : [...xs].reverse();
      let h = new Array(H).fill(0);
      const sum = new Array(H).fill(0);
      for (const x of seq) {
        const gi = (row: number) => w.bih[row] + x.reduce((a, v, e) => a + w.Wih[row * D + e] * v, 0);
        const gh = (row: number) => w.bhh[row] + h.reduce((a, v, j) => a + w.Whh[row * H + j] * v, 0);
        h = h.map((hj, i) => {
          const r = sig(gi(i) + gh(i));
          const u = sig(gi(H + i) + gh(H + i));
          const c = Math.tanh(gi(2 * H + i) + r * gh(2 * H + i));
          return (1 - u) * c + u * hj;
        });
        h.forEach((v, i) => { sum[i] += v; });
      }
      z.push(...(readout === 'last' ? h : sum.map((v) => v / seq.length)));
    });
    const logits = Array.from({ length: C }, (_, c) => by[c] + z.reduce((a, v, j) => a + Why[c * z.length + j] * v, 0));
    const top = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - top));
    const total = e.reduce((a, b) => a + b, 0);
    e.forEach((v, c) => { out[n * C + c] = v / total; });
  });
  return out;
}

test('a GRU file from PyTorch with non-zero bias_hh in every gate loads to the function nn.GRU computes', () => {
  for (const [bidirectional, readout] of [[false, 'last'], [true, 'mean'], [true, 'last']] as const) {
    const m = model(readout, false, 40, 1, bidirectional, 'gru');
    const { D, H } = m.shape;
    const rng = createRng(41);
    const P = viewsOf(m.parameters, m.shape);
    // PyTorch's own biases: any bias_ih and bias_hh, every gate of bias_hh non-zero.
    const dirs = [[P.W_xh, P.W_hh], ...(bidirectional ? [[P.W_xh_r, P.W_hh_r]] : [])].map(([Wih, Whh]) => ({
      Wih, Whh,
      bih: Float32Array.from({ length: 3 * H }, () => 0.5 * normal(rng)),
      bhh: Float32Array.from({ length: 3 * H }, () => 0.5 * normal(rng) + 0.1),
    }));
    const bytes = exportSafetensors(m);
    const f = readSafetensors(bytes);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const dv = new DataView(bytes.buffer);
    const put = (name: string, v: Float32Array) => {
      const [begin] = f.header[name].data_offsets;
      v.forEach((x, i) => dv.setFloat32(8 + n + begin + 4 * i, x, true));
    };
    dirs.forEach((w, d) => {
      const suffix = d === 0 ? '' : '_reverse';
      put(`rnn.bias_ih_l0${suffix}`, w.bih);
      put(`rnn.bias_hh_l0${suffix}`, w.bhh);
    });
    const back = parseSafetensors(bytes, 'torch.safetensors');
    // The folding, exactly: b_h's r and z rows the float32 sums, its n row bias_ih's, b_hn bias_hh's n part.
    const B = viewsOf(back.parameters, back.shape);
    dirs.forEach((w, d) => {
      const [b_h, b_hn] = d === 0 ? [B.b_h, B.b_hn] : [B.b_h_r, B.b_hn_r];
      const want = Float32Array.from(w.bih, (b, i) => (i < 2 * H ? b + w.bhh[i] : b));
      assert.deepEqual(bits(b_h), bits(want));
      assert.deepEqual(bits(b_hn), bits(w.bhh.subarray(2 * H)));
    });
    const lengths = Int32Array.from([1, 9, 4, 17]);
    const values = Float32Array.from({ length: lengths.reduce((a, b) => a + b, 0) * D }, () => normal(rng));
    const offsets = new Float64Array(lengths.length);
    for (let i = 1; i < lengths.length; i++) offsets[i] = offsets[i - 1] + lengths[i - 1];
    const ours = referenceProbabilities(back, { D, values, offsets, lengths, labels: new Int32Array(lengths.length).fill(-1) });
    const frames = Array.from(lengths, (T, q) => Array.from({ length: T }, (_, t) => Array.from(values.subarray((offsets[q] + t) * D, (offsets[q] + t + 1) * D))));
    const theirs = torchStyleGru(dirs, P.W_hy, P.b_y, H, D, readout, frames);
    const d = maxDifference(ours, theirs);
    assert.ok(d <= 1e-5, `bidirectional ${bidirectional}, readout ${readout}: largest difference ${d}`);
  }
});

/** Rewrites the header of an exported file (keeping the data) through `edit`. */
function withHeader(bytes: Uint8Array, edit: (h: any) => void): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  edit(h);
  const text = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(bytes.subarray(8 + n), 8 + text.length);
  return out;
}

test('a model of two layers: the _l1 tensors after the first layer\'s, weight_ih_l1 [3H, 2H], read back to the bit', () => {
  const m = randomModel(createRng(9), 2, 5, 3, 'mean', true, 2, true, 'gru', false, false, 2);
  const bytes = exportSafetensors(m);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const recurrent = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'];
  assert.deepEqual(names, [
    ...['_l0', '_l0_reverse', '_l1', '_l1_reverse'].flatMap((sfx) => recurrent.map((t) => `rnn.${t}${sfx}`)), 'fc.weight', 'fc.bias',
  ]);
  assert.deepEqual(header['rnn.weight_ih_l1'].shape, [15, 10]);
  assert.deepEqual(header['rnn.weight_ih_l0'].shape, [15, 4]);
  const back = parseSafetensors(bytes, 'two.safetensors');
  assert.deepEqual(back.shape, m.shape);
  assert.deepEqual(bits(back.parameters), bits(m.parameters));
  // One direction, tanh: no _reverse tensors, weight_ih_l1 [H, H].
  const one = randomModel(createRng(10), 2, 5, 3, 'last', false, 1, false, 'rnn', false, false, 2);
  const b1 = parseSafetensors(exportSafetensors(one), 'one.safetensors');
  assert.deepEqual(b1.shape, one.shape);
  assert.deepEqual(bits(b1.parameters), bits(one.parameters));
});

test('malformed files are refused with one line naming the file', () => {
  const good = exportSafetensors(model('mean', true));
  const stacked = exportSafetensors(model('last', true, 6, 2, true)); // 3 channels × stride 2, bidirectional
  const gru = exportSafetensors(model('mean', true, 7, 1, false, 'gru'));
  const gruStacked = exportSafetensors(model('last', true, 8, 2, true, 'gru'));
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /not a safetensors file/],
    ['truncated header', good.subarray(0, 40), /truncated/],
    ['truncated data', good.subarray(0, good.length - 4), /data_offsets/],
    ['not JSON', Uint8Array.from([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7b, 0x7b, 0x7b]), /not valid JSON/],
    ['no metadata', withHeader(good, (h) => delete h.__metadata__), /__metadata__/],
    ['no classes', withHeader(good, (h) => delete h.__metadata__.classes), /"classes"/],
    ['bad readout', withHeader(good, (h) => { h.__metadata__.readout = '"sum"'; }), /readout/],
    ['two tensors sharing bytes', withHeader(good, (h) => { h['fc.bias'].data_offsets = [0, h['fc.bias'].data_offsets[1] - h['fc.bias'].data_offsets[0]]; }), /the tensors' data_offsets overlap at byte 0/],
    ['bytes after the last tensor', Uint8Array.from([...good, 0, 0, 0, 0]), /4 byte\(s\) after the last tensor's data/],
    ['a metadata value that is no string', withHeader(good, (h) => { h.__metadata__.readout = 7; }), /__metadata__ "readout" must be a string \(got number\)/],
    ['a layout without its columns', withHeader(good, (h) => { h.__metadata__.layout = '{"format":"long"}'; }), /__metadata__ "layout" must hold "format" \(auto, wide or long\) and the "labelColumn"/],
    ['a layout not JSON', withHeader(good, (h) => { h.__metadata__.layout = 'long'; }), /__metadata__ "layout" is not valid JSON/],
    ['an empty class name', withHeader(good, (h) => { h.__metadata__.classes = '["", "b", "c", "d"]'; }), /__metadata__ "classes" must be names as data files give them: "" is empty/],
    ['a channel twice', withHeader(good, (h) => { h.__metadata__.channels = '["ax", "ax", "az"]'; }), /__metadata__ "channels" must not repeat a name \("ax"\)/],
    ['a class with blanks', withHeader(good, (h) => { h.__metadata__.classes = '[" a", "b", "c", "d"]'; }), /__metadata__ "classes" must be names as data files give them: " a" has blanks around it/],
    ['a channel with a control character', withHeader(good, (h) => { h.__metadata__.channels = '["a\\u009b", "ay", "a\\u001b"]'; }), /__metadata__ "channels" must be names as data files give them: "a\\u001b" holds a control character/],
    ['a layout whose id column is its label column', withHeader(good, (h) => { h.__metadata__.layout = '{"format":"long","labelColumn":"label","idColumn":"label","timeColumn":"t"}'; }), /__metadata__ "layout" names one column for two of "labelColumn", "idColumn" and "timeColumn"/],
    ['bad normalization', withHeader(good, (h) => { h.__metadata__.normalization = '{"mean":[1]}'; }), /normalization/],
    ['a mean beyond float32', withHeader(good, (h) => { const n = JSON.parse(h.__metadata__.normalization); n.mean[0] = 1e39; h.__metadata__.normalization = JSON.stringify(n); }), /"normalization" must be null or .*float32/],
    ['a subnormal std', withHeader(good, (h) => { const n = JSON.parse(h.__metadata__.normalization); n.std[0] = 1e-40; h.__metadata__.normalization = JSON.stringify(n); }), /"normalization" must be null or .*at least 1\.2e-38/],
    ['F16', withHeader(good, (h) => { h['fc.bias'].dtype = 'F16'; }), /dtype "F16"/],
    ['wrong shape', withHeader(good, (h) => { h['fc.weight'].shape = [3, 6]; }), /"fc\.weight" has shape \[3,6\]/],
    ['offsets out of bounds', withHeader(good, (h) => { h['fc.bias'].data_offsets = [10000, 10016]; }), /data_offsets/],
    ['missing tensor', withHeader(good, (h) => delete h['rnn.bias_hh_l0']), /no tensor "rnn\.bias_hh_l0"/],
    ['a second layer of the wrong width', withHeader(good, (h) => { h['rnn.weight_ih_l1'] = h['rnn.weight_ih_l0']; }), /tensor "rnn\.weight_ih_l1" has shape \[6,3\], expected \[6, 6\] for .*, two layers/],
    ['three layers', withHeader(good, (h) => { h['rnn.weight_ih_l2'] = h['rnn.weight_ih_l0']; }), /unexpected tensor "rnn\.weight_ih_l2" \(this tool reads an nn\.RNN or nn\.GRU "rnn" of one or two layers/],
    ['DDP names', withHeader(good, (h) => {
      for (const k of Object.keys(h)) if (k !== '__metadata__') { h[`module.${k}`] = h[k]; delete h[k]; }
    }), /model\.module\.state_dict\(\)/],
    ['a missing reverse tensor', withHeader(stacked, (h) => delete h['rnn.weight_hh_l0_reverse']), /no tensor "rnn\.weight_hh_l0_reverse"/],
    ['fc.weight [C, H] in a bidirectional file', withHeader(stacked, (h) => { h['fc.weight'].shape = [4, 6]; }),
      /"fc\.weight" has shape \[4,6\], expected \[4, 12\] for 3 channel\(s\) × stride 2, H=6, 4 classes, bidirectional/],
    ['fc.weight [C, 2H] without the reverse tensors', withHeader(good, (h) => { h['fc.weight'].shape = [4, 12]; }), /"fc\.weight" has shape \[4,12\], expected \[4, 6\]/],
    ['stride not dividing the input size', withHeader(stacked, (h) => { h.__metadata__.stride = '4'; }),
      /"rnn\.weight_ih_l0" reads 6 inputs per step, but 3 channel\(s\) × stride 4 make 12/],
    ['stride missing from a stacked file', withHeader(stacked, (h) => delete h.__metadata__.stride), /reads 6 inputs per step, but 3 channel\(s\) × stride 1 make 3/],
    ['stride not an integer', withHeader(stacked, (h) => { h.__metadata__.stride = '1.5'; }), /"stride" must be a positive integer/],
    ['stride not JSON', withHeader(stacked, (h) => { h.__metadata__.stride = 'two'; }), /"stride" is not valid JSON/],
    ['a GRU file without "cell"', withHeader(gru, (h) => delete h.__metadata__.cell),
      /"rnn\.weight_hh_l0" has shape \[18,6\], an nn\.GRU's \[3H, H\], but __metadata__ has no "cell": "gru"; add it/],
    ['"cell": "rnn" on a GRU\'s tensors', withHeader(gru, (h) => { h.__metadata__.cell = 'rnn'; }), /an nn\.GRU's \[3H, H\], but __metadata__ has no "cell": "gru"/],
    ['an unknown cell', withHeader(gru, (h) => { h.__metadata__.cell = '"lstm"'; }), /"cell" must be "rnn" \(nn\.RNN\) or "gru" \(nn\.GRU\)/],
    ['"cell": "gru" on an nn.RNN\'s tensors', withHeader(good, (h) => { h.__metadata__.cell = '"gru"'; }),
      /"rnn\.weight_hh_l0" has shape \[6,6\], expected \[6, 2\] for 3 channel\(s\), H=2, 4 classes, GRU/],
    ['"cell": "gru" with rows not 3H', withHeader(withHeader(good, (h) => { h['rnn.weight_ih_l0'].shape = [8, 3]; }), (h) => { h.__metadata__.cell = 'gru'; }),
      /"rnn\.weight_ih_l0" has 8 rows, not 3H/],
    ['a GRU\'s fc.weight [C, H] in a bidirectional file', withHeader(gruStacked, (h) => { h['fc.weight'].shape = [4, 6]; }),
      /"fc\.weight" has shape \[4,6\], expected \[4, 12\] for 3 channel\(s\) × stride 2, H=6, 4 classes, bidirectional, GRU/],
    ['a GRU\'s bias_hh of nn.RNN\'s size', withHeader(gru, (h) => { h['rnn.bias_hh_l0'].shape = [6]; }), /"rnn\.bias_hh_l0" has shape \[6\], expected \[18\]/],
  ];
  for (const [name, bytes, re] of cases) {
    assert.throws(() => parseSafetensors(bytes, 'bad.safetensors'), (e: unknown) => {
      assert.ok(e instanceof UserError, name);
      assert.match(e.message, /^bad\.safetensors: /, name);
      assert.match(e.message, re, `${name}: ${e.message}`);
      assert.ok(!e.message.includes('\n'), name);
      return true;
    }, name);
  }
  const dir = tempDir('ts-safetensors-');
  assert.throws(() => loadAnyModel(join(dir, 'missing.safetensors')), /not found/);
  writeFileSync(join(dir, 'text.safetensors'), 'hello, world');
  assert.throws(() => loadAnyModel(join(dir, 'text.safetensors')), UserError);
  assert.equal(readFileSync(join(dir, 'text.safetensors'), 'utf8'), 'hello, world');
});

test('--model and --init tell a safetensors file from a model file by their first bytes, whatever the name or through a pipe; a checkpoint path given either is named', { skip: process.platform === 'win32' }, async () => {
  const dir = tempDir('st-kinds-');
  const m = model('mean', true);
  const st = join(dir, 'm.safetensors');
  saveSafetensors(st, m);
  const json = join(dir, 'model.json');
  saveModel(json, m);
  const asSt = join(dir, 'json-named.safetensors');
  writeFileSync(asSt, readFileSync(json));
  assert.deepEqual(loadAnyModel(asSt).parameters, m.parameters);
  const { spawnSync } = await import('node:child_process');
  const script = join(dir, 'read.mjs');
  writeFileSync(script, `import { loadAnyModel, loadInitModel } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
    process.stdout.write(String(loadAnyModel('/dev/stdin').parameters.length) + (loadInitModel === loadAnyModel ? '' : ' (no alias)'));`);
  const viaPipe = spawnSync('sh', ['-c', `cat '${st}' | '${process.execPath}' '${script}'`], { encoding: 'utf8' }); // a shell's pipe, as a user's
  assert.equal(viaPipe.stdout, String(m.parameters.length), viaPipe.stderr);
  const { loadCheckpoint } = await import('../src/io/checkpoint.js');
  assert.throws(() => loadCheckpoint(st), (e: unknown) => e instanceof UserError && /m\.safetensors: a safetensors export, not a checkpoint \(a model to start from goes to --init\); give --resume the \.ckpt file train wrote/.test(e.message));
});

test('a safetensors file whose header length opens with the byte 0x08 is read as one, not taken for ONNX (one export in 32 is)', async () => {
  const { binaryKind } = await import('../src/io/formats.js');
  // Three bytes are no ONNX file, though they open as one would (an output of another kind is then not replaced by --onnx).
  assert.deepEqual([binaryKind(Uint8Array.of(8, 7, 0x12)), binaryKind(Uint8Array.of(8, 7, 0x12, 0))], [null, 'onnx']);
  const { exportOnnx } = await import('../src/io/onnx.js');
  const m = model('mean', true);
  const bytes = exportSafetensors(m);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  let padded = header;
  while (padded.length % 256 !== 8) padded += ' ';
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded.length), true);
  const renamed = join(tempDir('st-08-'), 'm.st');
  writeFileSync(renamed, Buffer.concat([head, Buffer.from(padded), bytes.subarray(8 + n)]));
  assert.equal(readFileSync(renamed)[0], 0x08);
  assert.deepEqual(loadAnyModel(renamed).parameters, m.parameters);
  assert.equal(binaryKind(exportOnnx(m)), 'onnx');
  assert.equal(binaryKind(Uint8Array.from([0x08])), null, 'one byte is too little to tell');
});
