// safetensors export and import: the model's parameters under PyTorch's names, so that `nn.RNN(D, H,
// batch_first=True, bidirectional=…, num_layers=…)` (or `nn.GRU(…)` for a GRU model) as `rnn` plus `nn.Linear(directions·H, C)`
// as `fc` load them with
// `load_state_dict`, and a file in that layout (written here or by PyTorch) can start training again
// (`train --init m.safetensors`). Owns the format and the name mapping; deliberately nothing else (no dtype
// conversion: F32 only).
//
// Format (https://github.com/huggingface/safetensors): 8 bytes little-endian u64 n, then n bytes of UTF-8 JSON
// (padded with spaces to a multiple of 8 here, so the data starts aligned), then the data buffer. The header maps
// each tensor name to {"dtype","shape","data_offsets":[begin,end]} (byte offsets into the data buffer, which the
// tensors cover contiguously), plus "__metadata__", a map of strings to strings.
//
// Mapping (D = channels × stride inputs per step, H hidden units, Z = directions·H, C classes), F32
// little-endian, row-major, in nn.RNN's state_dict order:
//   rnn.weight_ih_l0         [H][D] = W_xh      rnn.weight_hh_l0         [H][H] = W_hh
//   rnn.bias_ih_l0           [H]    = b_h       rnn.bias_hh_l0           [H]    = 0 (on import, added into b_h)
//   rnn.weight_ih_l0_reverse [H][D] = W_xh_r    rnn.weight_hh_l0_reverse [H][H] = W_hh_r     } bidirectional
//   rnn.bias_ih_l0_reverse   [H]    = b_h_r     rnn.bias_hh_l0_reverse   [H]    = 0 (→ b_h_r) } models only
//   fc.weight                [C][Z] = W_hy      fc.bias                  [C]    = b_y
// A file is bidirectional when it holds the _reverse tensors. __metadata__: classes, channels (JSON arrays),
// normalization ({"mean":[...],"std":[...]} per channel, or null), readout ("last", "mean" or "max"), for a
// stacked model only stride (s > 1: each step reads s samples of every channel, model/frames.ts; absent: 1),
// for a GRU only cell ("gru"; absent: "rnn"), and for a model that resamples only resample (L: every sequence
// resampled to L samples first, model/resample.ts; absent: none), and for a model that reads first differences
// only differences (true: every sample's differences follow its values as channels of their own, before the
// normalization, which then has 2 × channels entries; model/differences.ts), and for a model that normalizes each
// sequence only sequenceNorm (true: every channel on its sequence's own scale, then each sequence's level and log
// scale as channels, before the differences: 3 × channels entries; model/sequence-norm.ts), and for a model
// that records how its training files were read only layout (as the model file's "layout"), and for an ensemble
// only members (M > 1: the hidden units are M members' blocks of H/M, model/ensemble.ts, so that --init goes on
// with them as members), each a JSON string. So a one-directional stride-1 tanh model of one member that does
// neither has none of the seven.
//
// GRU (nn.GRU's state_dict; gate blocks r, z, n in both our layout and PyTorch's):
//   rnn.weight_ih_l0 [3H][D] = W_xh    rnn.weight_hh_l0 [3H][H] = W_hh
//   rnn.bias_ih_l0   [3H]    = b_h     rnn.bias_hh_l0   [3H]    = [0, 0, b_hn]    (and the _reverse ones)
// On import, b_h's r and z rows = bias_ih + bias_hh (the gates see only the sum), its n row = bias_ih's n part
// and b_hn = bias_hh's n part (r multiplies it, so it stays apart): a file from PyTorch with any bias_hh loads
// to the same function.
//
// Two layers (num_layers=2): the second layer's tensors follow the first's, as nn.RNN's state_dict orders them,
// rnn.weight_ih_l1 [G·H][Z] = W_xh_l1 (it reads the first layer's states, Z = directions·H), rnn.weight_hh_l1
// = W_hh_l1, rnn.bias_ih_l1 / rnn.bias_hh_l1 as above (and the _l1_reverse ones). A file is of two layers when
// it holds rnn.weight_ih_l1.

import { readInputFile, checkJsonDepth } from './read-input.js';
import { UserError } from '../errors.js';
import { type Cell, type Shape, cellOf, directionsOf, gatesOf, layerInputs, layersOf, layoutOf, recurrenceOf, viewsOf } from '../model/layout.js';
import { type Model, type Normalization, classesProblem, isNormalizationOf, namesProblem, differencesOf, inputWidth, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { MAX_RESAMPLE, isResampleLength } from '../model/resample.js';
import { READOUT_NAMES, isReadout } from '../model/rnn.js';
import { membersOf, splitMembers } from '../model/ensemble.js';
import { writeFileAtomic } from './atomic.js';
import { parseLayout, shownValue } from './model-file.js';
import { checkInputPath, checkModelArgument, checkOutputPath } from '../data/arguments.js';

/** PyTorch's name of one recurrent tensor of layer `layer`, direction d (1: reverse). */
const recurrentName = (tensor: 'weight_ih' | 'weight_hh' | 'bias_ih' | 'bias_hh', layer: number, d: number) =>
  `rnn.${tensor}_l${layer}${d === 1 ? '_reverse' : ''}`;

const RECURRENT_TENSORS = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] as const;

/** Every tensor name this tool reads and writes, in nn.RNN's state_dict order (layer 0, its reverse, layer 1, …). */
const TENSOR_NAMES: readonly string[] = [
  ...[0, 1].flatMap((layer) => [0, 1].flatMap((d) => RECURRENT_TENSORS.map((t) => recurrentName(t, layer, d)))),
  'fc.weight', 'fc.bias',
];

/** Whether a tensor belongs to the reverse direction (present in bidirectional files only). */
function isReverse(name: string): boolean {
  return name.endsWith('_reverse');
}

/** Whether a tensor belongs to the second layer (present in files of two layers only). */
function isSecondLayer(name: string): boolean {
  return name.includes('_l1');
}

/** The tensors a model of this shape has, in file order. */
function tensorNamesOf(s: Shape): string[] {
  return TENSOR_NAMES.filter((name) => (directionsOf(s) === 2 || !isReverse(name)) && (layersOf(s) === 2 || !isSecondLayer(name)));
}

/** Each tensor's shape; the recurrence's have G·H rows (G gate blocks: 1, or 3 for the GRU). */
function shapes(s: Shape): Record<string, number[]> {
  const GH = gatesOf(s) * s.H;
  const out: Record<string, number[]> = { 'fc.weight': [s.C, directionsOf(s) * s.H], 'fc.bias': [s.C] };
  for (let layer = 0; layer < 2; layer++) {
    for (let d = 0; d < 2; d++) {
      out[recurrentName('weight_ih', layer, d)] = [GH, layerInputs(s, layer)];
      out[recurrentName('weight_hh', layer, d)] = [GH, s.H];
      out[recurrentName('bias_ih', layer, d)] = [GH];
      out[recurrentName('bias_hh', layer, d)] = [GH];
    }
  }
  return out;
}

/**
 * __metadata__: every entry a JSON string; "stride" only for a stacked model, "cell" only for a GRU and
 * "resample" only for a model that resamples, so other files keep their bytes.
 */
function metadataOf(m: Model): Record<string, string> {
  return {
    classes: JSON.stringify(m.classes),
    channels: JSON.stringify(m.channels),
    normalization: JSON.stringify(m.normalization),
    readout: JSON.stringify(m.readout),
    ...(strideOf(m) > 1 ? { stride: JSON.stringify(strideOf(m)) } : {}),
    ...(cellOf(m.shape) === 'gru' ? { cell: JSON.stringify('gru') } : {}),
    ...(resampleOf(m) > 0 ? { resample: JSON.stringify(resampleOf(m)) } : {}),
    ...(sequenceNormOf(m) ? { sequenceNorm: JSON.stringify(true) } : {}),
    ...(differencesOf(m) ? { differences: JSON.stringify(true) } : {}),
    ...(m.layout ? { layout: JSON.stringify(m.layout) } : {}),
    ...(membersOf(m) > 1 ? { members: JSON.stringify(membersOf(m)) } : {}),
  };
}

/** bias_hh of one direction: zeros [H] for the tanh RNN (b_h holds it all), [0, 0, b_hn] [3H] for the GRU. */
function recurrentBias(s: Shape, b_hn: Float32Array): Float32Array {
  const b = new Float32Array(gatesOf(s) * s.H);
  if (cellOf(s) === 'gru') b.set(b_hn, 2 * s.H);
  return b;
}

/** The model as a safetensors file. */
export function exportSafetensors(m: Model): Uint8Array {
  checkModelArgument(m, 'model');
  const P = viewsOf(m.parameters, m.shape);
  const data: Record<string, Float32Array> = { 'fc.weight': P.W_hy, 'fc.bias': P.b_y };
  for (let layer = 0; layer < layersOf(m.shape); layer++) {
    for (let d = 0; d < directionsOf(m.shape); d++) {
      const R = recurrenceOf(P, d, layer);
      data[recurrentName('weight_ih', layer, d)] = R.W_xh;
      data[recurrentName('weight_hh', layer, d)] = R.W_hh;
      data[recurrentName('bias_ih', layer, d)] = R.b_h;
      data[recurrentName('bias_hh', layer, d)] = recurrentBias(m.shape, R.b_hn);
    }
  }
  const tensorNames = tensorNamesOf(m.shape);
  const shape = shapes(m.shape);
  const header: Record<string, unknown> = { __metadata__: metadataOf(m) };
  let at = 0;
  for (const name of tensorNames) {
    const bytes = data[name].length * 4;
    header[name] = { dtype: 'F32', shape: shape[name], data_offsets: [at, at + bytes] };
    at += bytes;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let n = enc.encode(json).length;
  json += ' '.repeat((8 - (n % 8)) % 8);
  const head = enc.encode(json);
  n = head.length;
  const out = new Uint8Array(8 + n + at);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(n), true);
  out.set(head, 8);
  let o = 8 + n;
  for (const name of tensorNames) {
    for (const x of data[name]) {
      dv.setFloat32(o, x, true);
      o += 4;
    }
  }
  return out;
}

/** Writes the model as a safetensors file in PyTorch's names (exportSafetensors' bytes), atomically. */
export function saveSafetensors(path: string, m: Model): void {
  checkOutputPath(path, 'path');
  writeFileAtomic(path, exportSafetensors(m));
}

// ---- import ----

const HINT = 'export one with train-signals export --safetensors, or see docs/interop.md';

function fail(file: string, what: string): never {
  throw new UserError(`${what}; ${HINT}`, { file });
}

function metaJson(file: string, meta: Record<string, unknown>, key: string): unknown {
  const v = meta[key];
  if (v === undefined) fail(file, `__metadata__ lacks "${key}" (a JSON string)`);
  if (typeof v !== 'string') fail(file, `__metadata__ "${key}" must be a string (got ${typeof v}), as safetensors' metadata holds only strings: ${shownValue(v)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    fail(file, `__metadata__ "${key}" is not valid JSON (${JSON.stringify(v.slice(0, 40))})`);
  }
  checkJsonDepth(parsed, file, 'any safetensors metadata');
  return parsed;
}

function names(file: string, v: unknown, key: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) {
    fail(file, `__metadata__ "${key}" must be a JSON array of strings`);
  }
  return v as string[];
}

/** The file's JSON header, which must be an object, and where the data buffer after it starts. */
function readHeader(bytes: Uint8Array, dv: DataView, file: string): { header: any; dataStart: number } {
  if (bytes.length < 8) fail(file, `not a safetensors file (${bytes.length} bytes, shorter than its 8-byte header length)`);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) fail(file, `not a safetensors file, or truncated (header length ${n64} exceeds the file)`);
  const n = Number(n64);
  let header: any;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    fail(file, 'not a safetensors file (its header is not valid JSON)');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(file, 'not a safetensors file (its header is not a JSON object)');
  checkJsonDepth(header, file, 'any safetensors header');
  return { header, dataStart: 8 + n };
}

/** The model's names, readout, stride and cell from __metadata__, and __metadata__ itself. */
function readMetadata(file: string, header: any): {
  meta: Record<string, unknown>;
  classes: string[];
  channels: string[];
  readout: Model['readout'];
  stride: number;
  resample: number;
  differences: boolean;
  sequenceNorm: boolean;
  cell: Cell;
} {
  const meta = header.__metadata__;
  if (meta === null || typeof meta !== 'object') fail(file, 'no __metadata__ with classes, channels, normalization and readout');
  const classes = names(file, metaJson(file, meta, 'classes'), 'classes');
  const channels = names(file, metaJson(file, meta, 'channels'), 'channels');
  const classProblem = classesProblem(classes);
  if (classProblem !== undefined) fail(file, `__metadata__ "classes" ${classProblem}`);
  const channelProblem = namesProblem(channels);
  if (channelProblem !== undefined) fail(file, `__metadata__ "channels" ${channelProblem}`);
  // readout is written JSON-encoded ("\"mean\""); a bare mean, as a hand-written file may have it, is read too.
  const readout = isReadout(meta.readout) ? meta.readout : metaJson(file, meta, 'readout');
  if (!isReadout(readout)) fail(file, `__metadata__ "readout" must be ${READOUT_NAMES}`);
  return {
    meta, classes, channels, readout, stride: readStride(file, meta), resample: readResample(file, meta), differences: readFlag(file, meta, 'differences'),
    sequenceNorm: readFlag(file, meta, 'sequenceNorm'),
    cell: readCell(file, meta),
  };
}

/** __metadata__ "differences" or "sequenceNorm": absent (none), or true or false, JSON-encoded as written here or bare. */
function readFlag(file: string, meta: Record<string, unknown>, key: 'differences' | 'sequenceNorm'): boolean {
  if (meta[key] === undefined) return false;
  const v = meta[key] === 'true' || meta[key] === 'false' ? meta[key] === 'true' : metaJson(file, meta, key);
  if (typeof v !== 'boolean') fail(file, `__metadata__ "${key}" must be true or false`);
  return v;
}

/** __metadata__ "cell": absent ("rnn"), or "rnn" or "gru", JSON-encoded as written here or bare. */
function readCell(file: string, meta: Record<string, unknown>): Cell {
  if (meta.cell === undefined) return 'rnn';
  const cell = meta.cell === 'rnn' || meta.cell === 'gru' ? meta.cell : metaJson(file, meta, 'cell');
  if (cell !== 'rnn' && cell !== 'gru') fail(file, '__metadata__ "cell" must be "rnn" (nn.RNN) or "gru" (nn.GRU)');
  return cell;
}

/** __metadata__ "members": absent (undefined), or a whole number that divides the hidden units H, as a JSON string. */
function readMembers(file: string, meta: Record<string, unknown>, H: number): number | undefined {
  if (meta.members === undefined) return undefined;
  const M = metaJson(file, meta, 'members');
  if (!Number.isInteger(M) || (M as number) < 1 || H % (M as number) !== 0) {
    fail(file, `__metadata__ "members" must be a whole number that divides the ${H} hidden units (a JSON string such as "3")`);
  }
  return M as number;
}

/** The most members (blocks of the hidden units, each H/M) the recurrent weights split into exactly; 1 where none. */
function blocksOf(shape: Shape, parameters: Float32Array): number {
  for (let M = shape.H; M > 1; M--) {
    if (shape.H % M === 0 && splitMembers({ ...shape, H: shape.H / M }, parameters, M) !== null) return M;
  }
  return 1;
}

/** __metadata__ "stride": absent (1), or a positive integer as a JSON string. */
function readStride(file: string, meta: Record<string, unknown>): number {
  if (meta.stride === undefined) return 1;
  const s = metaJson(file, meta, 'stride');
  if (!Number.isInteger(s) || (s as number) < 1) fail(file, '__metadata__ "stride" must be a positive integer (a JSON string such as "4")');
  return s as number;
}

/** __metadata__ "resample": absent (0: none), or a whole number from 2 to MAX_RESAMPLE as a JSON string. */
function readResample(file: string, meta: Record<string, unknown>): number {
  if (meta.resample === undefined) return 0;
  const L = metaJson(file, meta, 'resample');
  if (!isResampleLength(L)) fail(file, `__metadata__ "resample" must be a whole number from 2 to ${MAX_RESAMPLE} (a JSON string such as "128")`);
  return L;
}

/**
 * The recurrence's shape from the tensors: G·H and D from rnn.weight_ih_l0, G from the cell (the other shapes are
 * checked against them; D must be channels × stride), bidirectional when any _reverse tensor is there
 * (readTensors then wants all).
 */
function shapeOf(file: string, header: any, channels: number, stride: number, C: number, cell: Cell): Shape {
  const ih = header['rnn.weight_ih_l0'];
  const [GH, D] = Array.isArray(ih?.shape) ? ih.shape : [];
  if (!Number.isInteger(GH) || GH < 1 || !Number.isInteger(D)) {
    const dp = Object.keys(header).some((k) => k.startsWith('module.')) ? ' (names start with "module.": save model.module.state_dict(), not the DDP wrapper\'s)' : '';
    fail(file, `no tensor "rnn.weight_ih_l0" of shape [${cell === 'gru' ? '3H' : 'H'}, D]${dp}`);
  }
  const hh = header['rnn.weight_hh_l0']?.shape;
  if (cell === 'rnn' && Array.isArray(hh) && hh.length === 2 && hh[1] > 0 && hh[0] === 3 * hh[1]) {
    fail(file, `tensor "rnn.weight_hh_l0" has shape ${JSON.stringify(hh)}, an nn.GRU's [3H, H], but __metadata__ has no "cell": "gru"; add it for an nn.GRU`);
  }
  if (cell === 'gru' && GH % 3 !== 0) {
    fail(file, `tensor "rnn.weight_ih_l0" has ${GH} rows, not 3H (nn.GRU's r, z, n blocks), but __metadata__ "cell" is "gru"; is it an nn.RNN's?`);
  }
  const H = cell === 'gru' ? GH / 3 : GH;
  if (D !== channels * stride) {
    fail(file, `tensor "rnn.weight_ih_l0" reads ${D} inputs per step, but ${channels} channel(s) × stride ${stride} make ${channels * stride}; check __metadata__ "channels", "stride", "differences" and "sequenceNorm"`);
  }
  const bidirectional = TENSOR_NAMES.some((name) => isReverse(name) && Object.hasOwn(header, name));
  const two = TENSOR_NAMES.some((name) => isSecondLayer(name) && Object.hasOwn(header, name));
  return { D, H, C, ...(bidirectional ? { directions: 2 as const } : {}), ...(cell === 'gru' ? { cell } : {}), ...(two ? { layers: 2 as const } : {}) };
}

/** The shape in words, for messages: "3 channel(s) × stride 4, H=6, 2 classes, bidirectional, GRU". */
function shapeInWords(shape: Shape, stride: number): string {
  const channels = stride > 1 ? `${shape.D / stride} channel(s) × stride ${stride}` : `${shape.D} channel(s)`;
  return `${channels}, H=${shape.H}, ${shape.C} classes${directionsOf(shape) === 2 ? ', bidirectional' : ''}${cellOf(shape) === 'gru' ? ', GRU' : ''}${layersOf(shape) === 2 ? ', two layers' : ''}`;
}

/** Throws at a tensor that is not one of TENSOR_NAMES. */
function checkTensorNames(file: string, header: any): void {
  for (const key of Object.keys(header)) {
    if (key !== '__metadata__' && !TENSOR_NAMES.includes(key)) {
      fail(file, `unexpected tensor "${key}" (this tool reads an nn.RNN or nn.GRU "rnn" of one or two layers, bidirectional or not, and nn.Linear "fc")`);
    }
  }
}

/** Every tensor a model of `shape` has, each checked for dtype, the shape `shape` implies, its extent and finite values. */
function readTensors(file: string, header: any, shape: Shape, stride: number, dv: DataView, dataStart: number): Record<string, Float32Array> {
  const want = shapes(shape);
  const dataLength = dv.byteLength - dataStart;
  const tensors: Record<string, Float32Array> = {};
  for (const name of tensorNamesOf(shape)) {
    const t = header[name];
    if (t === null || typeof t !== 'object') fail(file, `no tensor "${name}"`);
    if (t.dtype !== 'F32') fail(file, `tensor "${name}" has dtype ${JSON.stringify(t.dtype)}; only F32 is read (save with .float())`);
    if (!Array.isArray(t.shape) || t.shape.join(',') !== want[name].join(',')) {
      fail(file, `tensor "${name}" has shape ${JSON.stringify(t.shape)}, expected [${want[name].join(', ')}] for ${shapeInWords(shape, stride)}`);
    }
    const off = t.data_offsets;
    const size = want[name].reduce((a, b) => a * b, 1) * 4;
    if (!Array.isArray(off) || off.length !== 2 || !Number.isInteger(off[0]) || !Number.isInteger(off[1]) ||
        off[0] < 0 || off[1] - off[0] !== size || off[1] > dataLength) {
      fail(file, `tensor "${name}" has data_offsets ${JSON.stringify(off)} outside the ${dataLength}-byte data buffer or not ${size} bytes long`);
    }
    const v = new Float32Array(size / 4);
    const base = dataStart + off[0];
    for (let i = 0; i < v.length; i++) v[i] = dv.getFloat32(base + 4 * i, true);
    if (v.some((x) => !Number.isFinite(x))) fail(file, `tensor "${name}" holds a value that is not finite`);
    tensors[name] = v;
  }
  checkTiling(file, tensorNamesOf(shape).map((name) => header[name].data_offsets as [number, number]), dataLength);
  return tensors;
}

/**
 * The format's rule that the tensors cover the data buffer exactly, one after another: no two share bytes (an
 * edited offset would read another tensor's values as its own) and no byte is left over (a cut or padded file).
 */
function checkTiling(file: string, ranges: Array<[number, number]>, dataLength: number): void {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end] of sorted) {
    if (begin !== at) fail(file, `the tensors' data_offsets ${begin < at ? 'overlap' : 'leave a gap'} at byte ${Math.min(begin, at)} of the data buffer; each tensor must follow the last`);
    at = end;
  }
  if (at !== dataLength) fail(file, `${dataLength - at} byte(s) after the last tensor's data; the file is not as a safetensors writer leaves it`);
}

/** __metadata__ "normalization": null, or D finite means and D positive standard deviations (per channel), as float32. */
function readNormalization(file: string, meta: Record<string, unknown>, D: number): Normalization | null {
  const norm = metaJson(file, meta, 'normalization') as any;
  if (norm === null) return null;
  if (!isNormalizationOf(norm, D)) {
    fail(file, `__metadata__ "normalization" must be null or {"mean":[${D} float32 numbers],"std":[${D} positive numbers of at least 1.2e-38]}`);
  }
  return { mean: norm.mean.map(Math.fround), std: norm.std.map(Math.fround) };
}

/**
 * b ← bias_ih + bias_hh. Adding an exact zero keeps the other term as it is (also −0), so a file written by
 * exportSafetensors reads back bit for bit.
 */
function addBiases(b: Float32Array, bih: Float32Array, bhh: Float32Array): void {
  for (let i = 0; i < b.length; i++) b[i] = bhh[i] === 0 ? bih[i] : bih[i] + bhh[i];
}

/**
 * One direction's b_h (and b_hn) from bias_ih and bias_hh. tanh RNN: b_h = bias_ih + bias_hh. GRU: b_h's r and z
 * rows = bias_ih + bias_hh, its n row = bias_ih's, b_hn = bias_hh's n part.
 */
function foldBiases(shape: Shape, b_h: Float32Array, b_hn: Float32Array, bih: Float32Array, bhh: Float32Array): void {
  if (cellOf(shape) !== 'gru') {
    addBiases(b_h, bih, bhh);
    return;
  }
  const H2 = 2 * shape.H;
  addBiases(b_h.subarray(0, H2), bih.subarray(0, H2), bhh.subarray(0, H2));
  b_h.set(bih.subarray(H2), H2);
  b_hn.set(bhh.subarray(H2));
}

/** The flat parameters (in layoutOf(shape)) from PyTorch's tensors. */
function parametersOf(tensors: Record<string, Float32Array>, shape: Shape): Float32Array {
  const parameters = new Float32Array(new SharedArrayBuffer(layoutOf(shape).size * 4));
  const P = viewsOf(parameters, shape);
  for (let layer = 0; layer < layersOf(shape); layer++) {
    for (let d = 0; d < directionsOf(shape); d++) {
      const R = recurrenceOf(P, d, layer);
      R.W_xh.set(tensors[recurrentName('weight_ih', layer, d)]);
      R.W_hh.set(tensors[recurrentName('weight_hh', layer, d)]);
      foldBiases(shape, R.b_h, R.b_hn, tensors[recurrentName('bias_ih', layer, d)], tensors[recurrentName('bias_hh', layer, d)]);
    }
  }
  P.W_hy.set(tensors['fc.weight']);
  P.b_y.set(tensors['fc.bias']);
  return parameters;
}

/** Reads a safetensors file of the export layout (exportSafetensors: PyTorch's names) back into a model; `file` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, file: string): Model {
  if (!(bytes instanceof Uint8Array)) throw new UserError(`parseSafetensors() bytes must be a file's contents, a Uint8Array or Buffer (got ${bytes === null ? 'null' : typeof bytes})`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, dataStart } = readHeader(bytes, dv, file);
  const { meta, classes, channels, readout, stride, resample, differences, sequenceNorm, cell } = readMetadata(file, header);
  const width = inputWidth({ channels, sequenceNorm, differences });
  const shape = shapeOf(file, header, width, stride, classes.length, cell);
  checkTensorNames(file, header);
  const tensors = readTensors(file, header, shape, stride, dv, dataStart);
  const normalization = readNormalization(file, meta, width);
  const layout = meta.layout === undefined ? undefined : parseLayout(file, metaJson(file, meta, 'layout'), '__metadata__ "layout"');
  const parameters = parametersOf(tensors, shape);
  // Members whose blocks training elsewhere joined (a weight across two of them) are one network now. A file that
  // names none (an ensemble exported before "members" was written) is as many members as its recurrent weights
  // are blocks: a zero off every block is kept by no training, so it is the ensemble's own.
  const named = readMembers(file, meta, shape.H);
  const members = named !== undefined
    ? (named > 1 && splitMembers({ ...shape, H: shape.H / named }, parameters, named) !== null ? named : 1)
    : blocksOf(shape, parameters);
  return {
    shape, readout, ...(stride > 1 ? { stride } : {}), ...(resample > 0 ? { resample } : {}), ...(sequenceNorm ? { sequenceNorm: true as const } : {}),
    ...(differences ? { differences: true as const } : {}), classes, channels, normalization, ...(layout ? { layout } : {}), parameters,
    training: { source: file, ...(members > 1 ? { ensembleMembers: members } : {}) },
  };
}

/** Whether a model was read from a safetensors file: its training record is the one parseSafetensors makes. */
export function isFromSafetensors(m: Pick<Model, 'training'>): boolean {
  return typeof m.training.source === 'string' && Object.keys(m.training).every((k) => k === 'source' || k === 'ensembleMembers');
}

export const MAX_SAFETENSORS_BYTES = 2 ** 31 - 1; // a Buffer's and a Float32Array's reach on every platform Node runs on

/** Reads a safetensors file of the export layout back as a model (its training record names the source). */
export function loadSafetensors(path: string, flag?: string): Model {
  checkInputPath(path, 'the safetensors file');
  const bytes = readInputFile(path, {
    isDirectory: 'is a directory; give a .safetensors file', notFound: `file not found; check the path${flag ? ` given to ${flag}` : ''}`, cannotRead: 'the file',
    maxBytes: MAX_SAFETENSORS_BYTES,
  });
  return parseSafetensors(bytes, path);
}
