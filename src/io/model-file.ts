// The model file: JSON, written atomically, read back with every field checked. Matrices are arrays of rows;
// each number is the shortest decimal that reads back as the same float32, so a save/load round trip keeps
// every bit.
//
// {"format":"train-signals/rnn","version":1,"inputSize":W·s,"hiddenSize":H,"readout":"last"|"mean",
//  "stride":s,("resample":L,)("sequenceNorm":true,)("differences":true,)"bidirectional":false|true,"cell":"rnn"|"gru","classes":[...],
//  "channels":[...] (D), "normalization":{"mean":[...],"std":[...]}|null (W: per channel, then per channel's
//  level and log scale when the model puts each sequence on its own scale, then all those again as differences
//  when the model reads the differences),
//  "layout":{"format","labelColumn","idColumn","timeColumn"} (how the training files were read),
//  "parameters":{"W_xh":[[...]],"W_hh":[[...]],"b_h":[...],("b_hn" for a GRU,)
//                ("W_xh_r","W_hh_r","b_h_r"(,"b_hn_r") when bidirectional,)(the same with _l1 for the second of
//                two layers,)"W_hy":[[...]],"b_y":[...]},
//  "training":{...}}
// A GRU's W_xh, W_hh and b_h have 3H rows (gates r, z, n; src/model/layout.ts).
// "stride", "bidirectional" and "cell" may be absent (files of earlier versions): 1, false and "rnn"; "resample"
// is there only for a model that resamples every sequence to L samples (model/resample.ts), "differences" only
// for one that reads every sample's first differences as channels too (W = 2D; model/differences.ts),
// "sequenceNorm" only for one that puts each sequence on its own scale (W = 3D, 6D with the differences;
// model/sequence-norm.ts). A model of two layers has "layers":2 and is version 2, so that a tool that reads only
// version 1 refuses it rather than reading its first layer as the whole model; one-layer models stay version 1.

import { checkJsonValues, readInputFile, checkJsonDepth } from './read-input.js';
import { checkChecksum, withChecksum } from './checksum.js';
import { UserError } from '../errors.js';
import { shellQuote } from '../data/visible.js';
import { utf16Mark } from '../data/utf16.js';
import { CHECKPOINT_FORMAT, MODEL_FORMAT, binaryKind } from './formats.js';
import { type Cell, PARAM_NAMES, type ParamName, type Shape, cellOf, directionsOf, layersOf, layoutOf, viewsOf } from '../model/layout.js';
import { type DataLayout, type Model, classesProblem, isFiniteFloat32, layoutProblem, namesProblem, isUsableStd, differencesOf, inputWidth, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { MAX_RESAMPLE, isResampleLength } from '../model/resample.js';
import { READOUT_NAMES, type Readout, isReadout } from '../model/rnn.js';
import type { Normalization } from '../data/normalize.js';
import { writeFileAtomic } from './atomic.js';
import { checkInputPath, checkModelArgument, checkOutputPath } from '../data/arguments.js';

const MODEL_VERSION = 1;
/** The version of a model file of two layers (every other is MODEL_VERSION). */
const TWO_LAYER_VERSION = 2;

/** The biases are stored as plain arrays, the matrices as arrays of rows. */
function isVector(name: ParamName): boolean {
  return name.startsWith('b_');
}

/**
 * The shortest decimal string that Math.fround maps back to x (x already a float32 value): the fewest significant
 * digits p whose rounding of x reads back as x. More digits are never farther from x, and where x's neighbours lie
 * equally far on both sides (x no power of two) nearer is enough to read back, so p is found going down from 8
 * (most weights need 7 or 8; 9 always do) to the first that does not; a power of two, whose lower neighbour is
 * nearer, goes up from 1 to the first that does.
 */
export function float32String(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`bug: non-finite parameter ${x}`);
  if (Object.is(x, -0)) return '-0'; // String(-0) is "0": keep the sign bit
  const readsBack = (s: string) => Math.fround(Number(s)) === x;
  bits[0] = x;
  if ((mantissa[0] & 0x7fffff) === 0) {
    for (let p = 1; p < 9; p++) if (readsBack(x.toPrecision(p))) return String(Number(x.toPrecision(p)));
    return String(Number(x.toPrecision(9)));
  }
  let shortest: string | undefined;
  for (let p = 8; p >= 1; p--) {
    const s = x.toPrecision(p);
    if (!readsBack(s)) break;
    shortest = s;
  }
  return String(Number(shortest ?? x.toPrecision(9)));
}

const bits = new Float32Array(1);
const mantissa = new Uint32Array(bits.buffer);

/** The model as JSON text: float32-exact numbers, one matrix row per line. */
export function serializeModel(m: Model): string {
  checkModelArgument(m, 'model'); // non-finite parameters among what it refuses
  const l = layoutOf(m.shape);
  const P = viewsOf(m.parameters, m.shape);
  const vec = (v: Float32Array): string => '[' + Array.from(v, float32String).join(',') + ']';
  const params = PARAM_NAMES.filter((name) => l.rows[name] > 0).map((name) => {
    const cols = l.cols[name];
    const body = isVector(name)
      ? vec(P[name])
      : '[\n    ' + Array.from({ length: l.rows[name] }, (_, r) => vec(P[name].subarray(r * cols, (r + 1) * cols))).join(',\n    ') + '\n  ]';
    return `  ${JSON.stringify(name)}: ${body}`;
  }).join(',\n');
  const head = {
    format: MODEL_FORMAT,
    version: layersOf(m.shape) === 2 ? TWO_LAYER_VERSION : MODEL_VERSION,
    inputSize: m.shape.D,
    hiddenSize: m.shape.H,
    readout: m.readout,
    stride: strideOf(m),
    ...(resampleOf(m) > 0 ? { resample: resampleOf(m) } : {}),
    ...(sequenceNormOf(m) ? { sequenceNorm: true } : {}),
    ...(differencesOf(m) ? { differences: true } : {}),
    bidirectional: directionsOf(m.shape) === 2,
    cell: cellOf(m.shape),
    ...(layersOf(m.shape) === 2 ? { layers: 2 } : {}),
    classes: m.classes,
    channels: m.channels,
    normalization: m.normalization,
    ...(m.layout ? { layout: m.layout } : {}),
  };
  const headText = Object.entries(head).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n');
  // A model built or slimmed in a program may hold no training record: an empty one reads back (undefined is no JSON).
  return withChecksum(`{\n${headText},\n"parameters": {\n${params}\n},\n"training": ${JSON.stringify(m.training ?? {})}\n}\n`);
}

/** Writes a model file atomically (a whole new file or the old one, never a part), checksummed. */
export function saveModel(path: string, m: Model): void {
  checkOutputPath(path, 'path');
  checkModelArgument(m, 'model');
  writeFileAtomic(path, serializeModel(m));
}

function fail(file: string, what: string): never {
  throw new UserError(`${what}; give a model file that train-signals train wrote (or its .safetensors export)`, { file });
}

/** How a reader refuses a field: fail() of its own kind of file (a model file's, a checkpoint's), bound to the file. */
export type Refuse = (what: string) => never;

function stringArray(refuse: Refuse, v: unknown, field: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) refuse(`"${field}" must be a non-empty array of strings`);
  return v as string[];
}

function readNumbers(refuse: Refuse, v: unknown, field: string, n: number, out: Float32Array, at: number): void {
  if (!Array.isArray(v) || v.length !== n) refuse(`"${field}" must hold ${n} numbers`);
  for (let i = 0; i < n; i++) {
    const x = (v as unknown[])[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) refuse(`"${field}" holds a value that is not a finite number`);
    if (!isFiniteFloat32(x)) refuse(`"${field}" holds ${x}, beyond float32's range (±3.4e38)`);
    out[at + i] = x;
  }
}

/**
 * How a model reads its inputs (stride, resample, differences, sequence normalization) and its readout, checked,
 * from the fields of `o`; `at` is their path in the file (`model.` in a checkpoint), for the messages.
 */
export function readingFields(refuse: Refuse, o: any, at = ''): { stride: number; resample: number; differences: boolean; sequenceNorm: boolean; readout: Readout } {
  const stride = o.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) refuse(`"${at}stride" must be a positive integer`);
  if (o.resample !== undefined && !isResampleLength(o.resample)) refuse(`"${at}resample" must be a whole number from 2 to ${MAX_RESAMPLE}`);
  if (o.differences !== undefined && o.differences !== true) refuse(`"${at}differences" must be true when present`);
  if (o.sequenceNorm !== undefined && o.sequenceNorm !== true) refuse(`"${at}sequenceNorm" must be true when present`);
  if (!isReadout(o.readout)) refuse(`"${at}readout" must be ${READOUT_NAMES}`);
  return { stride, resample: o.resample ?? 0, differences: o.differences === true, sequenceNorm: o.sequenceNorm === true, readout: o.readout };
}

/** The recurrent cell and the number of layers, checked, from the fields of `o` (at: as for readingFields). */
export function cellFields(refuse: Refuse, o: any, at = ''): { cell: Cell; layers: 1 | 2 } {
  const cell = o.cell ?? 'rnn';
  if (cell !== 'rnn' && cell !== 'gru') refuse(`"${at}cell" must be "rnn" or "gru"`);
  const layers = o.layers ?? 1;
  if (layers !== 1 && layers !== 2) refuse(`"${at}layers" must be 1 or 2`);
  return { cell, layers };
}

/** The class and channel names, checked (at: as for readingFields). */
export function nameFields(refuse: Refuse, o: any, at = ''): { classes: string[]; channels: string[] } {
  const classes = stringArray(refuse, o.classes, `${at}classes`);
  const channels = stringArray(refuse, o.channels, `${at}channels`);
  const classProblem = classesProblem(classes);
  if (classProblem !== undefined) refuse(`"${at}classes" ${classProblem}`);
  const channelProblem = namesProblem(channels);
  if (channelProblem !== undefined) refuse(`"${at}channels" ${channelProblem}`);
  return { classes, channels };
}

/**
 * The normalization of `width` values a sample, checked: null (the inputs read as they are), or float32 means and
 * usable standard deviations. Absent is no "not normalized": the model would silently read raw values where it
 * was trained on z-scores.
 */
export function normalizationField(refuse: Refuse, v: any, width: number, at = ''): Normalization | null {
  if (v === undefined) refuse(`"${at}normalization" is missing (null for a model that reads its inputs as they are)`);
  if (v === null) return null;
  const mean = new Float32Array(width);
  const std = new Float32Array(width);
  readNumbers(refuse, v.mean, `${at}normalization.mean`, width, mean, 0);
  readNumbers(refuse, v.std, `${at}normalization.std`, width, std, 0);
  if (!std.every(isUsableStd)) refuse(`"${at}normalization.std" must hold positive numbers of at least 1.2e-38`);
  return { mean: Array.from(mean), std: Array.from(std) };
}

/**
 * Where a JSON.parse error happened (1-based line and column) and what it was, in one short line (V8's own
 * message quotes the text, line breaks included).
 */
export function jsonErrorWhere(text: string, e: Error): { line: number; column: number; what: string } {
  let pos = text.length;
  let what = 'the text ends early (truncated?)';
  const at = / in JSON at position (\d+)/.exec(e.message);
  const token = /^Unexpected token '(.)'/su.exec(e.message);
  if (at !== null) {
    pos = Number(at[1]);
    what = e.message.slice(0, at.index).toLowerCase();
  } else if (token !== null) {
    pos = firstOutsideStrings(text, token[1]);
    what = `unexpected ${JSON.stringify(token[1])}` + (/[NI]/.test(token[1]) ? ' (NaN and Infinity cannot be stored in JSON)' : '');
  } else if (!/end of JSON input/.test(e.message)) {
    what = e.message.split('\n')[0].slice(0, 80);
  }
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, column: pos - before.lastIndexOf('\n'), what };
}

/** The position of the first `ch` outside JSON strings (text.length if none). */
function firstOutsideStrings(text: string, ch: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ch) return i;
  }
  return text.length;
}

/** The line of the first `"key"` in the text (a model file has one key per line), for field errors. */
function lineOfKey(text: string, field: string): number | undefined {
  const [head, ...rest] = field.split(/[.[]/);
  let i = text.indexOf(JSON.stringify(head));
  if (i < 0) return undefined;
  const tail = rest.filter((r) => !r.endsWith(']')).at(-1);
  if (tail !== undefined) {
    const j = text.indexOf(JSON.stringify(tail), i);
    if (j >= 0) i = j;
  }
  return text.slice(0, i).split('\n').length;
}

/** Parses and checks a model document; `file` names it in errors, with the line of the field at fault. */
export function parseModel(text: string, file: string): Model {
  if (typeof text !== 'string') throw new UserError(`parseModel() text must be a model file's contents, a string (got ${text === null ? 'null' : typeof text})`);
  // A byte-order mark, as some editors save UTF-8, is no part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let m: Model;
  try {
    m = parseModelDoc(text, file);
  } catch (e) {
    if (!(e instanceof UserError) || e.line !== undefined) throw e;
    const field = /^"([^"]+)"/.exec(e.detail)?.[1];
    const line = field === undefined ? undefined : lineOfKey(text, field);
    throw line === undefined ? e : new UserError(e.detail, { file, line });
  }
  // Last: a file that does not parse, or holds what no model can, is told so where it is wrong; this catches the rest.
  checkChecksum(text, file, 'model file');
  return m;
}

/** The first line (cut short) of a text that is no JSON object but reads as a data file (CSV, .ts, ARFF); else null. */
export function dataFileLine(text: string): string | null {
  const first = text.trimStart().split(/\r?\n/, 1)[0];
  if (/^[{[]/.test(first) || !/[,;\t]|^@(relation|problemName)\b|^[#%]/i.test(first)) return null;
  return first.length > 40 ? `${first.slice(0, 40)}…` : first;
}

function parseModelDoc(text: string, file: string): Model {
  checkJsonValues(text, file, 'any model file');
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const w = jsonErrorWhere(text, e as Error);
    const data = dataFileLine(text);
    if (data !== null) {
      throw new UserError(
        `this looks like a data file, not a model file (its first line: ${JSON.stringify(data)}); ` +
          'give a model file that train wrote',
        { file, line: 1 },
      );
    }
    throw new UserError(`not valid JSON: ${w.what}; the model file is damaged or not a model file; write it again with train`, { file, line: w.line, column: w.column });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(file, `not a JSON object (${Array.isArray(doc) ? 'a list' : shownValue(doc)})`);
  checkJsonDepth(doc, file, 'any model file');
  if (doc.format === CHECKPOINT_FORMAT) {
    throw new UserError(`this is a checkpoint, not a model file; continue the run with train … --resume ${shellQuote(file)}, which writes the model`, { file });
  }
  if (doc.format !== MODEL_FORMAT) fail(file, doc.format === undefined ? `no "format" is named (a model file names "${MODEL_FORMAT}")` : `"format" is ${shownValue(doc.format)}, expected "${MODEL_FORMAT}"`);
  if (doc.version !== MODEL_VERSION && doc.version !== TWO_LAYER_VERSION) {
    const reads = `this one reads model files of versions ${MODEL_VERSION} and ${TWO_LAYER_VERSION}`;
    if (Number.isInteger(doc.version) && doc.version > TWO_LAYER_VERSION) throw new UserError(`a model file of version ${doc.version}, written by a newer train-signals (${reads}); upgrade train-signals to read it`, { file });
    fail(file, `"version" is ${shownValue(doc.version)}, which is not supported (${reads})`);
  }
  const refuse: Refuse = (what) => fail(file, what);
  const { classes, channels } = nameFields(refuse, doc);
  const { stride, resample, differences, sequenceNorm, readout } = readingFields(refuse, doc);
  const width = inputWidth({ channels, sequenceNorm, differences });
  const bidirectional = doc.bidirectional ?? false;
  if (typeof bidirectional !== 'boolean') fail(file, '"bidirectional" must be true or false');
  const { cell, layers } = cellFields(refuse, doc);
  if ((layers === 2) !== (doc.version === TWO_LAYER_VERSION)) {
    fail(file, `"version" ${doc.version} does not go with "layers" ${layers}: a model of two layers is version ${TWO_LAYER_VERSION}, any other version ${MODEL_VERSION}`);
  }
  const D = doc.inputSize;
  const H = doc.hiddenSize;
  if (!Number.isInteger(D) || D !== width * stride) {
    const times = [sequenceNorm ? 'three times with the sequence normalization' : '', differences ? 'twice with the differences' : ''].filter((x) => x !== '').join(', then ');
    fail(file, `"inputSize" must equal the number of channels${times ? ` (${times})` : ''} times the stride (${width} × ${stride})`);
  }
  if (!Number.isInteger(H) || H < 1) fail(file, '"hiddenSize" must be a positive integer');
  const shape: Shape = {
    D, H, C: classes.length, ...(bidirectional ? { directions: 2 as const } : {}), ...(cell === 'gru' ? { cell } : {}), ...(layers === 2 ? { layers: 2 as const } : {}),
  };
  const l = layoutOf(shape);
  const p = doc.parameters;
  if (p === null || typeof p !== 'object') fail(file, '"parameters" is missing');
  if (cell !== 'gru' && p.b_hn !== undefined) fail(file, `"b_hn" belongs to a GRU, but "cell" is "${cell}"`);
  checkSizes(file, p, l); // before allocating what the header claims
  const parameters = new Float32Array(new SharedArrayBuffer(l.size * 4));
  for (const name of PARAM_NAMES) {
    const rows = l.rows[name];
    const cols = l.cols[name];
    const v = p[name];
    if (rows === 0) continue;
    if (isVector(name)) readNumbers(refuse, v, name, rows, parameters, l.offset[name]);
    else for (let r = 0; r < rows; r++) readNumbers(refuse, v[r], `${name}[${r}]`, cols, parameters, l.offset[name] + r * cols);
  }
  const normalization = normalizationField(refuse, doc.normalization, width);
  const training = doc.training !== null && typeof doc.training === 'object' ? doc.training : {};
  const layout = doc.layout === undefined ? undefined : parseLayout(file, doc.layout);
  return { shape, readout, ...(stride > 1 ? { stride } : {}), ...(resample > 0 ? { resample } : {}), ...(sequenceNorm ? { sequenceNorm } : {}), ...(differences ? { differences } : {}), classes, channels, normalization, ...(layout ? { layout } : {}), parameters, training };
}

/**
 * "layout": the training files' format and column names (absent in files of earlier versions); `key` names it
 * in messages (a safetensors file holds it in __metadata__).
 */
export function parseLayout(file: string, v: any, key = '"layout"'): DataLayout {
  const problem = layoutProblem(v, key);
  if (problem !== undefined) fail(file, problem);
  return { format: v.format, labelColumn: v.labelColumn, idColumn: v.idColumn, timeColumn: v.timeColumn, ...(v.channels !== undefined ? { channels: v.channels } : {}) };
}

/**
 * Every parameter present with the rows and columns the header implies, and none the header rules out (values
 * are checked as they are read).
 */
function checkSizes(file: string, p: any, l: ReturnType<typeof layoutOf>): void {
  for (const name of PARAM_NAMES) {
    const rows = l.rows[name];
    const v = p[name];
    if (rows === 0) {
      if (v !== undefined && name.includes('_l1') && l.rows.W_xh_l1 === 0) fail(file, `"${name}" belongs to a model of two layers, but "layers" is not 2`);
      if (v !== undefined) fail(file, `"${name}" belongs to a bidirectional model, but "bidirectional" is false`);
      continue;
    }
    const n = isVector(name) ? rows : rows * l.cols[name];
    if (!Array.isArray(v) || v.length !== rows || (!isVector(name) && !v.every((r: unknown) => Array.isArray(r) && r.length === l.cols[name]))) {
      fail(file, isVector(name) ? `"${name}" must hold ${n} numbers` : `"${name}" must have ${rows} rows of ${l.cols[name]}`);
    }
  }
}

/**
 * A value read from a file, for a message: a string, number, boolean or null as JSON (a string cut at 60
 * characters), anything else by its kind. Echoing a nested value whole could exhaust the stack (an internal
 * error) or print megabytes.
 */
export function shownValue(v: unknown): string {
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 56)}…"` : s;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}

/** The model file at `path`; `flag` is what errors say gave the path (none for a program's loadModel). */
export function loadModel(path: string, flag?: string): Model {
  return modelFromBytes(readModelBytes(path, flag), path);
}

/** The bytes of the model file at `path`, up to `maxBytes` (a model file's JSON by default; see InputKind). */
export function readModelBytes(path: string, flag: string | undefined, maxBytes?: number | ((head: Uint8Array) => number)): Uint8Array {
  checkInputPath(path, 'the model file');
  return readInputFile(path, {
    isDirectory: 'is a directory; give the model file (.json) written by train',
    notFound: `model file not found; check the path${flag === undefined ? '' : ` given to ${flag}`}`,
    cannotRead: 'the model file',
    maxBytes,
  });
}

/** A model file's bytes (readModelBytes' limit checked), read as its JSON; a compressed file or an export is named as such. */
export function modelFromBytes(bytes: Uint8Array, path: string): Model {
  const kind = binaryKind(bytes);
  if (kind === 'gzip') throw new UserError('gzip-compressed; unpack it first (gunzip), a model file is read as it is', { file: path, line: 1 });
  if (kind === 'onnx') throw new UserError('an ONNX export, which this tool writes but does not read; give the model file (.json) train wrote, or its .safetensors export', { file: path });
  if (kind === 'safetensors') throw new UserError('a safetensors file, which loadModel() does not read; read it with loadAnyModel() or loadSafetensors()', { file: path });
  return parseModel(jsonText(bytes, path, 'model file'), path);
}

/**
 * A model file's or checkpoint's bytes as text: UTF-8, or UTF-16LE after its byte-order mark (as Windows
 * PowerShell's `>` and Notepad's "Unicode" save a file); UTF-16 otherwise is refused as such.
 */
export function jsonText(bytes: Uint8Array, path: string, what: string): string {
  const mark = utf16Mark(bytes);
  if (mark === 'le') return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  const noMark = bytes.length >= 2 && ((bytes[0] === 0x7b && bytes[1] === 0) || (bytes[0] === 0 && bytes[1] === 0x7b));
  if (mark === 'be' || noMark) {
    throw new UserError(`UTF-16 text${mark === 'be' ? ', big-endian' : ' without a byte-order mark'}; save the ${what} as UTF-8, as train wrote it`, { file: path, line: 1 });
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

