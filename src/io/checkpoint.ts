// The checkpoint file: the whole training state at an epoch end (or at the step where an interrupt stopped
// it), written atomically, read back with every field checked, so that `train --resume` continues a run to
// the same bits as if it had never stopped. Also the data fingerprint that tells whether the resumed run sees
// the same training data.
//
// JSON with the numeric arrays as base64 of their little-endian bytes (float32 and int32 exactly, and
// compact):
//   {"format":"train-signals/checkpoint","version":1,
//    "model":{"shape":{D,H,C,directions?,cell?,layers?},"readout","stride"?,"resample"?,"sequenceNorm"?,"differences"?,"classes","channels",
//             "normalization"},
//    "hyperparameters":{...},"data":{"sequences","steps","fingerprint","init"?},
//    "selection":{"scores":{"<candidate>/<fold>":{"accuracy","logLoss"[,"diverged":true]}},
//                 "chosen":null or {"name","noise","warp","mixup"?,"guidedWarp"?,"weightDecay"?,"resample"?,"layers"?,"readout"}} (when the run selects),
//    "state":{"epoch","batchStart","lossSum","weightSum","correct","batches","stopped","rng","bestLoss","bestEpoch",
//             "optimizer":{"name","step"},"history"},
//    "members":[{"bestEpoch","history"}] (an ensemble's finished members; absent when none),
//    "arrays":{"params","best","m","v","order","train","val","members":[...]}}
// The state is that of the member in progress, the one after those finished.
//
// Does not decide what must match on resume (train/resume-checks.ts does); does not know the loop (train/fit.ts).

import { checkJsonValues, readInputFile, checkJsonDepth } from './read-input.js';
import { UserError } from '../errors.js';
import type { DataSet } from '../data/dataset.js';
import { checkInputPath } from '../data/arguments.js';
import { type Model, inputWidth } from '../model/model.js';
import { type Shape, layoutOf } from '../model/layout.js';
import { isReadout } from '../model/rnn.js';
import { MAX_RESAMPLE, isResampleLength } from '../model/resample.js';
import { OPTIMIZERS, type OptimizerName } from '../model/optimizer.js';
import type { EpochRecord, FitState, FoldScore, Member, SelectionState } from '../model/state.js';
import { writeFileAtomic } from './atomic.js';
import { followLinks } from './paths.js';
import { rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { CHECKPOINT_FORMAT, MODEL_FORMAT, binaryKind } from './formats.js';
import { type Refuse, cellFields, dataFileLine, jsonErrorWhere, jsonText, nameFields, normalizationField, readingFields, shownValue } from './model-file.js';
import { checkChecksum, withChecksum } from './checksum.js';

const CHECKPOINT_VERSION = 1;

/** A checkpoint: the model without its weights, the run's hyperparameters and data, selection's scores, the state. */
export interface Checkpoint {
  // The model without its weights (those are the state's) and without the layout and training record of a model file.
  readonly model: Pick<Model, 'shape' | 'readout' | 'stride' | 'resample' | 'sequenceNorm' | 'differences' | 'classes' | 'channels' | 'normalization'>;
  /** as train() resolved them */
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  /** `init`: the --init model's weights' fingerprint, where the run started from one (absent in earlier versions') */
  readonly data: { readonly sequences: number; readonly steps: number; readonly fingerprint: string; readonly init?: string };
  /** model selection's progress, when the run selects */
  readonly selection?: SelectionState;
  /** absent while model selection is still running */
  readonly state?: FitState;
  /** an ensemble's members finished before the one in progress */
  readonly members?: readonly Member[];
}

/** A fingerprint of the training data as loaded (before normalization): values, lengths, labels and names. */
export function dataFingerprint(ds: DataSet): string {
  return dataFingerprints(ds)[0];
}

/**
 * dataFingerprint, and the one an earlier version wrote, whose names ran together (classes bell and cylinder
 * were be and llcylinder), which a resume of its checkpoints still takes.
 */
export function dataFingerprints(ds: DataSet): [string, string] {
  let a = 0x811c9dc5; // FNV-1a, two lanes with different offsets: 64 bits of fingerprint
  let b = 0x01000193 ^ 0x5bd1e995;
  const mix = (x: number) => {
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 15);
  };
  const bits = new Int32Array(ds.values.buffer, ds.values.byteOffset, ds.values.length);
  for (let i = 0; i < bits.length; i++) mix(bits[i]);
  for (let n = 0; n < ds.lengths.length; n++) {
    mix(ds.lengths[n]);
    mix(ds.labels[n]);
  }
  const [a0, b0] = [a, b];
  const names = (apart: boolean) => {
    [a, b] = [a0, b0];
    for (const s of [...ds.classes, '\u0000', ...ds.channels]) {
      for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
      if (apart) mix(-1); // no character's code: each name ends where it ends
    }
    return hex(a) + hex(b);
  };
  return [names(true), names(false)];
}

const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0');

/** A fingerprint of an --init model's weights (each member's, in order): the first 16 hex digits of their SHA-256. */
export function weightsFingerprint(weights: readonly Float32Array[]): string {
  const h = createHash('sha256');
  for (const w of weights) h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  return h.digest('hex').slice(0, 16);
}

const b64 = (a: Float32Array | Int32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** A checkpoint as the text of its file: JSON, its arrays in base64, checksummed. */
export function serializeCheckpoint(c: Checkpoint): string {
  // What parseCheckpoint would refuse is not written: a program's checkpoint is checked as train's are read.
  const refuse = (what: string): never => {
    throw new UserError(`serializeCheckpoint() checkpoint: ${what}; give one as loadCheckpoint() returns it, or train's options and onCheckpoint's state make it`);
  };
  if (typeof c !== 'object' || c === null) refuse('not an object');
  parseModel(refuse, c.model);
  const head = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, model: c.model, hyperparameters: c.hyperparameters, data: c.data };
  const selection = c.selection === undefined ? {} : { selection: c.selection };
  const s = c.state;
  if (s === undefined) return withChecksum(JSON.stringify({ ...head, ...selection }, null, 1) + '\n');
  const members = c.members ?? [];
  for (const a of [s.params, s.best, ...members.map((m) => m.weights)]) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error('bug: refusing to checkpoint non-finite parameters');
  }
  const doc = {
    ...head,
    ...selection,
    ...(members.length > 0 ? { members: members.map((m) => ({ bestEpoch: m.bestEpoch, history: m.history })) } : {}),
    state: {
      epoch: s.epoch, batchStart: s.batchStart, lossSum: s.lossSum, weightSum: s.weightSum, correct: s.correct, batches: s.batches,
      stopped: s.stopped, rng: s.rng, bestLoss: Number.isFinite(s.bestLoss) ? s.bestLoss : null, bestEpoch: s.bestEpoch,
      optimizer: { name: s.optimizer.name, step: s.optimizer.step }, history: s.history,
    },
    arrays: {
      params: b64(s.params), best: b64(s.best), m: b64(s.optimizer.m), v: b64(s.optimizer.v),
      order: b64(s.order), train: b64(s.split.train), val: b64(s.split.val),
      ...(members.length > 0 ? { members: members.map((m) => b64(m.weights)) } : {}),
    },
  };
  return withChecksum(JSON.stringify(doc, null, 1) + '\n');
}

/** Writes a checkpoint atomically (serializeCheckpoint's text). */
export function saveCheckpoint(path: string, c: Checkpoint): void {
  writeFileAtomic(path, serializeCheckpoint(c));
}

/** Removes a checkpoint once it is done with: the file a write to it lands on, so that a link to another disk stays for the next run. */
export function removeCheckpoint(path: string): void {
  rmSync(followLinks(path), { force: true });
}

function fail(file: string, what: string, line?: number): never {
  throw new UserError(`${what}; give the checkpoint a train-signals train run wrote (if this is one, damaged, delete it and start afresh without --resume)`, { file, line });
}

function int(file: string, v: unknown, field: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(file, `"${field}" must be a whole number ≥ ${min}`);
  return v;
}

function finite(file: string, v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(file, `"${field}" must be a finite number`);
  return v;
}

function decode<A extends Float32Array | Int32Array>(file: string, v: unknown, field: string, n: number, make: (n: number) => A): A {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(file, `"arrays.${field}" must be base64 text`);
  const bytes = Buffer.from(v, 'base64');
  if (bytes.length !== n * 4) fail(file, `"arrays.${field}" holds ${bytes.length / 4} numbers, expected ${n} (truncated, or another model)`);
  const out = make(n);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  return out;
}

/** The checkpoint's JSON, checked to be an object of this format and version. */
function parseDocument(text: string, file: string): any {
  checkJsonValues(text, file, 'any checkpoint');
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const data = dataFileLine(text);
    if (data !== null) throw new UserError(`this looks like a data file, not a checkpoint (its first line: ${JSON.stringify(data)}); give --resume the .ckpt file train wrote`, { file, line: 1 });
    const w = jsonErrorWhere(text, e as Error);
    // Only what began as a checkpoint is one damaged: advice to delete any other file would lose it.
    if (!text.slice(0, 4096).includes(`"${CHECKPOINT_FORMAT}"`)) {
      throw new UserError(`not valid JSON (${w.what}), so not a checkpoint; give the .ckpt file train wrote (--resume, or --checkpoint with --resume auto)`, { file, line: w.line, column: w.column });
    }
    throw new UserError(`not valid JSON: ${w.what}; the checkpoint is damaged, perhaps truncated; delete it and start afresh without --resume`, { file, line: w.line, column: w.column });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(file, `not a JSON object (${Array.isArray(doc) ? 'a list' : shownValue(doc)})`);
  checkJsonDepth(doc, file, 'any checkpoint');
  if (doc.format !== CHECKPOINT_FORMAT) {
    if (doc.format === MODEL_FORMAT) throw new UserError('this is a model file, not a checkpoint; to start from its weights, pass it to --init instead of --resume', { file });
    fail(file, doc.format === undefined ? `no "format" is named (a checkpoint names "${CHECKPOINT_FORMAT}")` : `"format" is ${shownValue(doc.format)}, expected "${CHECKPOINT_FORMAT}"`);
  }
  if (Number.isInteger(doc.version) && doc.version > CHECKPOINT_VERSION) {
    throw new UserError(`a checkpoint of version ${doc.version}, written by a newer train-signals (this one reads version ${CHECKPOINT_VERSION}); resume it with the version that wrote it`, { file });
  }
  if (doc.version !== CHECKPOINT_VERSION) fail(file, `checkpoint version ${shownValue(doc.version)} is not supported (this tool reads version ${CHECKPOINT_VERSION})`);
  return doc;
}

/** The "model" part: shape, readout, class and channel names, normalization; `refuse` says what is wrong with it. */
function parseModel(refuse: Refuse, m: any): Checkpoint['model'] {
  if (typeof m !== 'object' || m === null) refuse('"model" must be an object');
  const sh = m.shape ?? {};
  const whole = (v: unknown, field: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) refuse(`"${field}" must be a whole number ≥ ${min}`);
    return v as number;
  };
  const shape: Shape = { D: whole(sh.D, 'model.shape.D', 1), H: whole(sh.H, 'model.shape.H', 1), C: whole(sh.C, 'model.shape.C', 2) };
  const directions = sh.directions ?? 1;
  if (directions !== 1 && directions !== 2) refuse('"model.shape.directions" must be 1 or 2');
  const { cell, layers } = cellFields(refuse, sh, 'model.shape.');
  const { stride, resample, differences, sequenceNorm, readout } = readingFields(refuse, m, 'model.');
  const { classes, channels } = nameFields(refuse, m, 'model.');
  const width = inputWidth({ channels, sequenceNorm, differences });
  if (classes.length !== shape.C || width * stride !== shape.D) refuse('"model.classes" and "model.channels" must match "model.shape"');
  const normalization = normalizationField(refuse, m.normalization, width, 'model.');
  return {
    shape: { ...shape, ...(directions === 2 ? { directions } : {}), ...(cell === 'gru' ? { cell } : {}), ...(layers === 2 ? { layers } : {}) }, readout, ...(stride > 1 ? { stride } : {}), ...(resample > 0 ? { resample } : {}),
    ...(sequenceNorm ? { sequenceNorm } : {}), ...(differences ? { differences } : {}), classes, channels, normalization,
  };
}

/** The "selection" part: finished (candidate, fold) scores, and the chosen candidate or null. */
function parseSelection(file: string, v: any): SelectionState {
  if (v === null || typeof v !== 'object' || v.scores === null || typeof v.scores !== 'object') fail(file, '"selection.scores" must be an object');
  const scores: Record<string, FoldScore> = {};
  for (const [key, s] of Object.entries(v.scores as Record<string, any>)) {
    if (s?.diverged !== undefined && s.diverged !== true) fail(file, `"selection.scores.${key}.diverged" must be true when present`);
    scores[key] = {
      accuracy: finite(file, s?.accuracy, `selection.scores.${key}.accuracy`), logLoss: finite(file, s?.logLoss, `selection.scores.${key}.logLoss`),
      ...(s?.diverged === true ? { diverged: true as const } : {}),
    };
  }
  const c = v.chosen;
  if (c === null) return { scores, chosen: null };
  if (c === undefined || typeof c.name !== 'string' || !isReadout(c.readout)) fail(file, '"selection.chosen" must be null or a candidate');
  const warp = c.warp === undefined ? 0 : finite(file, c.warp, 'selection.chosen.warp');
  const mixup = c.mixup === undefined ? 0 : finite(file, c.mixup, 'selection.chosen.mixup');
  const guidedWarp = c.guidedWarp === undefined ? {} : { guidedWarp: finite(file, c.guidedWarp, 'selection.chosen.guidedWarp') };
  const weightDecay = c.weightDecay === undefined ? {} : { weightDecay: finite(file, c.weightDecay, 'selection.chosen.weightDecay') };
  if (c.resample !== undefined && c.resample !== 0 && !isResampleLength(c.resample)) fail(file, `"selection.chosen.resample" must be 0 or from 2 to ${MAX_RESAMPLE}`);
  const resample = c.resample === undefined ? {} : { resample: c.resample as number };
  if (c.layers !== undefined && c.layers !== 2) fail(file, '"selection.chosen.layers" must be 2 or absent');
  const layers = c.layers === 2 ? { layers: 2 as const } : {};
  return { scores, chosen: { name: c.name, noise: finite(file, c.noise, 'selection.chosen.noise'), warp, mixup, ...guidedWarp, ...weightDecay, ...resample, ...layers, readout: c.readout } };
}

/** The "data" part: how much training data the run saw, and its fingerprint. */
function parseData(file: string, d: any): Checkpoint['data'] {
  return {
    sequences: int(file, d.sequences, 'data.sequences', 1), steps: int(file, d.steps, 'data.steps'), fingerprint: String(d.fingerprint),
    ...(typeof d.init === 'string' ? { init: d.init } : {}),
  };
}

/** "arrays.train" and "arrays.val": at least one training sequence, and between them every sequence once. */
function parseSplit(file: string, a: any, sequences: number): FitState['split'] {
  const nTrain = a.train;
  const trainLen = typeof nTrain === 'string' ? Buffer.from(nTrain, 'base64').length / 4 : -1;
  const train = decode(file, a.train, 'train', Math.max(0, Math.floor(trainLen)), (n) => new Int32Array(n));
  const val = decode(file, a.val, 'val', sequences - train.length, (n) => new Int32Array(n));
  if (train.length < 1) fail(file, '"arrays.train" must name at least one sequence');
  const seen = new Uint8Array(sequences);
  for (const i of [...train, ...val]) {
    if (!(i >= 0 && i < sequences) || seen[i]++) fail(file, '"arrays.train" and "arrays.val" must divide the sequences between them');
  }
  return { train, val };
}

/** "arrays.order": a permutation of the training sequences. */
function parseOrder(file: string, a: any, train: Int32Array): Int32Array {
  const order = decode(file, a.order, 'order', train.length, (n) => new Int32Array(n));
  const sortedTrain = Int32Array.from(train).sort();
  if (Int32Array.from(order).sort().some((x, i) => x !== sortedTrain[i])) {
    fail(file, '"arrays.order" must be a permutation of the training sequences');
  }
  return order;
}

/** "arrays.params" and "arrays.best": P finite parameters each (params over a SharedArrayBuffer). */
function parseWeights(file: string, a: any, P: number): { params: Float32Array; best: Float32Array } {
  const params = decode(file, a.params, 'params', P, (n) => new Float32Array(new SharedArrayBuffer(n * 4)));
  const best = decode(file, a.best, 'best', P, (n) => new Float32Array(n));
  if (!params.every(Number.isFinite) || !best.every(Number.isFinite)) fail(file, 'the parameters hold NaN or Infinity');
  return { params, best };
}

/** "arrays.m" and "arrays.v": the optimizer's moments, P numbers where the optimizer keeps them and none elsewhere. */
function parseMoments(file: string, a: any, name: OptimizerName, P: number): { m: Float32Array; v: Float32Array } {
  const m = decode(file, a.m, 'm', name === 'sgd' ? 0 : P, (n) => new Float32Array(n));
  const v = decode(file, a.v, 'v', name === 'adam' ? P : 0, (n) => new Float32Array(n));
  // A NaN moment makes every later step NaN: the resumed run would diverge and point back to this file.
  if (!m.every(Number.isFinite) || !v.every((x) => Number.isFinite(x) && x >= 0)) fail(file, 'the optimizer\'s moments hold NaN, Infinity or (in "arrays.v") a negative number');
  return { m, v };
}

/**
 * The epoch's loss so far: a sum weighted by the batches' weights and those weights' sum. An earlier version's
 * checkpoint summed the batches' means, of full batches only mid-epoch (the last is the one short), so that sum
 * times their size is the weighted sum, exact without class weights.
 */
function epochLoss(file: string, s: any, batchStart: number): { lossSum: number; weightSum: number } {
  const lossSum = finite(file, s.lossSum, 'state.lossSum');
  if (s.weightSum !== undefined) return { lossSum, weightSum: finite(file, s.weightSum, 'state.weightSum') };
  const batches = int(file, s.batches, 'state.batches');
  return batches === 0 ? { lossSum: 0, weightSum: 0 } : { lossSum: (lossSum * batchStart) / batches, weightSum: batchStart };
}

/** The "state" part with its "arrays": the training loop's whole state, for a model of this shape and data. */
function parseState(file: string, s: any, a: any, shape: Shape, data: Checkpoint['data']): FitState {
  const P = layoutOf(shape).size;
  const opt = s.optimizer ?? {};
  if (!(OPTIMIZERS as readonly unknown[]).includes(opt.name)) fail(file, '"state.optimizer.name" must be adam, sgd or momentum');
  const name = opt.name as OptimizerName;
  const split = parseSplit(file, a, data.sequences);
  const order = parseOrder(file, a, split.train);
  const { params, best } = parseWeights(file, a, P);
  const { m, v } = parseMoments(file, a, name, P);
  if (!Array.isArray(s.rng) || s.rng.length !== 4 || !s.rng.every((x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < 2 ** 32)) {
    fail(file, '"state.rng" must be four unsigned 32-bit integers');
  }
  if (s.rng.every((x: number) => x === 0)) fail(file, '"state.rng" is all zeros, a state the generator never reaches (it would draw zeros for ever)');
  if (!Array.isArray(s.history) || !s.history.every((h: unknown) => h !== null && typeof h === 'object')) fail(file, '"state.history" must be an array of epoch records');
  const batchStart = int(file, s.batchStart, 'state.batchStart');
  if (batchStart > split.train.length) fail(file, '"state.batchStart" lies past the training sequences');
  if (typeof s.stopped !== 'boolean') fail(file, '"state.stopped" must be true or false');
  const epoch = int(file, s.epoch, 'state.epoch', 1);
  if (s.history.length !== epoch - 1) fail(file, `"state.history" must hold a record of each finished epoch: ${epoch - 1} before epoch ${epoch}, not ${s.history.length}`);
  const bestEpoch = int(file, s.bestEpoch, 'state.bestEpoch');
  if (bestEpoch > s.history.length) fail(file, `"state.bestEpoch" ${bestEpoch} lies past the ${s.history.length} finished epochs`);
  return {
    epoch,
    batchStart,
    ...epochLoss(file, s, batchStart),
    correct: int(file, s.correct, 'state.correct'),
    batches: int(file, s.batches, 'state.batches'),
    stopped: s.stopped,
    rng: [s.rng[0], s.rng[1], s.rng[2], s.rng[3]],
    split,
    order,
    params,
    best,
    bestLoss: s.bestLoss === null ? Infinity : finite(file, s.bestLoss, 'state.bestLoss'),
    bestEpoch,
    optimizer: { name, step: int(file, opt.step, 'state.optimizer.step'), m, v },
    history: s.history as EpochRecord[],
  };
}

/** "members" and "arrays.members": the finished members' records and their P finite weights each. */
function parseMembers(file: string, records: any, arrays: any, P: number): Member[] {
  if (records === undefined && arrays === undefined) return [];
  if (!Array.isArray(records) || !Array.isArray(arrays) || records.length !== arrays.length) {
    fail(file, '"members" and "arrays.members" must be arrays of the same length');
  }
  return records.map((r: any, i: number): Member => {
    const weights = decode(file, arrays[i], `members[${i}]`, P, (n) => new Float32Array(n));
    if (!weights.every(Number.isFinite)) fail(file, `"arrays.members[${i}]" holds NaN or Infinity`);
    if (r === null || typeof r !== 'object' || !Array.isArray(r.history) || !r.history.every((h: unknown) => h !== null && typeof h === 'object')) {
      fail(file, `"members[${i}].history" must be an array of epoch records`);
    }
    return { weights, bestEpoch: int(file, r.bestEpoch, `members[${i}].bestEpoch`), history: r.history as EpochRecord[] };
  });
}

/** Parses and checks a checkpoint document; `file` names it in errors. */
export function parseCheckpoint(text: string, file: string): Checkpoint {
  if (typeof text !== 'string') throw new UserError(`parseCheckpoint() text must be a checkpoint file's contents, a string (got ${text === null ? 'null' : typeof text})`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as some editors save UTF-8
  const c = checkpointOf(parseDocument(text, file), file);
  checkChecksum(text, file, 'checkpoint'); // last, as for a model file (model-file.ts)
  return c;
}

function checkpointOf(doc: any, file: string): Checkpoint {
  const model = parseModel((what) => fail(file, what), doc.model ?? {});
  const hp = doc.hyperparameters;
  if (hp === null || typeof hp !== 'object' || Array.isArray(hp)) fail(file, '"hyperparameters" must be an object');
  const data = parseData(file, doc.data ?? {});
  const selection = doc.selection === undefined ? undefined : parseSelection(file, doc.selection);
  if (doc.state === undefined) {
    if (selection === undefined || selection.chosen !== null) fail(file, '"state" is missing');
    return { model, hyperparameters: hp, data, selection };
  }
  // The kernel the run recorded (none in a checkpoint of an earlier version) goes with the state to fit().
  const parsed = parseState(file, doc.state ?? {}, doc.arrays ?? {}, model.shape, data);
  const state = typeof hp.kernel === 'string' ? { ...parsed, kernel: hp.kernel } : parsed;
  const members = parseMembers(file, doc.members, doc.arrays?.members, layoutOf(model.shape).size);
  // Written while member finished + 1 trains (its state above), so the ensemble has more members than finished.
  if (members.length > 0 && !(Number.isInteger(hp.members) && hp.members > members.length)) {
    fail(file, `"members" holds ${members.length} finished member(s) and a member in training, but "hyperparameters.members" is ${JSON.stringify(hp.members)}; the checkpoint is damaged`);
  }
  return { model, hyperparameters: hp, data, ...(selection === undefined ? {} : { selection }), state, ...(members.length > 0 ? { members } : {}) };
}

/** Reads a checkpoint train wrote (or saveCheckpoint), checked: the state a resume continues from. */
export function loadCheckpoint(path: string): Checkpoint {
  checkInputPath(path, 'the checkpoint');
  const bytes = readInputFile(path, {
    isDirectory: 'is a directory; give the checkpoint file (.ckpt) that train wrote',
    notFound: 'checkpoint not found; check the path given to --resume (a run stopped before its first checkpoint left none: start it again without --resume)',
    cannotRead: 'the checkpoint',
  });
  const kind = binaryKind(bytes);
  if (kind !== null) {
    const what = { gzip: 'gzip-compressed; unpack it first (gunzip), a checkpoint is read as it is', onnx: 'an ONNX export, not a checkpoint', safetensors: 'a safetensors export, not a checkpoint (a model to start from goes to --init)' }[kind];
    throw new UserError(`${what}; give --resume the .ckpt file train wrote`, { file: path });
  }
  return parseCheckpoint(jsonText(bytes, path, 'checkpoint'), path);
}
