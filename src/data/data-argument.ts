// A data set a program hands to fit(), tuneThreads() or score() rather than loading it with loadDataSet(): its
// arrays must agree with each other as the loader's always do. One that does not would have the kernels read
// past a sequence's values or index a label past the classes, and fail later as something else (a diverged
// loss, a wrong score), so it is refused first, as one UserError naming the array and the sequence.
//
// Legend: N sequences, D channels, C classes.

import { UserError } from '../errors.js';
import type { Sequences } from '../model/batch.js';
import { namesProblem } from '../model/model.js';
import type { DataSet } from './dataset.js';
import { firstNonFinite } from './finite.js';

export interface DataChecks {
  readonly dataSet: boolean; // a whole DataSet (fit, tune): its classes and channels named, every label a class ≥ 0;
  readonly classes?: number; // otherwise Sequences (score) whose labels lie below C, a negative one meaning no label
  readonly unlabelled?: boolean; // a DataSet to be scored (modelInputs): a label may be −1, none, as predict reads them
}

/** Refuses `ds` (the argument `name`) unless it is a set of whole sequences of finite values (N ≥ 1 for a DataSet), labelled as `o` asks. */
export function checkDataArgument(ds: unknown, name: string, o: DataChecks): void {
  const fail: (what: string, help?: string) => never = (what, help = 'build data sets with loadDataSet(), or as its DataSet type describes') => {
    throw new UserError(`${name}: ${what}; ${help}`);
  };
  const s = ds as Partial<Sequences> | null;
  if (typeof s !== 'object' || s === null) fail(`a data set is an object (got ${s === null ? 'null' : typeof s})`);
  const { D, values, offsets, lengths, labels } = s as Sequences;
  if (!(typeof D === 'number' && Number.isInteger(D) && D >= 1)) fail(`D must be a whole number ≥ 1 (got ${typeof D === 'string' ? JSON.stringify(D) : String(D)})`);
  let C = o.classes;
  if (o.dataSet) {
    const { classes, channels } = s as Partial<DataSet>;
    // a file read for prediction may name no class at all: every label is then −1, as the loop below requires
    const fewest = o.unlabelled ? 0 : 1;
    if (!(Array.isArray(classes) && classes.length >= fewest && classes.every((c) => typeof c === 'string'))) fail('classes must be an array of the class names');
    const classProblem = namesProblem(classes, true);
    if (classProblem !== undefined) fail(`classes ${classProblem}`);
    if (!(Array.isArray(channels) && channels.length === D && channels.every((c) => typeof c === 'string'))) fail(`channels must be an array of the ${D} channel names`);
    const channelProblem = namesProblem(channels);
    if (channelProblem !== undefined) fail(`channels ${channelProblem}`);
    C = classes.length;
  }
  // ArrayBuffer.isView: a Proxy of a typed array passes instanceof, but not the typed arrays' own methods
  const isA = (x: unknown, type: Function) => x instanceof type && ArrayBuffer.isView(x);
  if (!(isA(values, Float32Array) || (!o.dataSet && isA(values, Float64Array)))) fail(`values must be a Float32Array${o.dataSet ? '' : ' or a Float64Array'}`);
  if (!isA(offsets, Float64Array)) fail('offsets must be a Float64Array');
  if (!isA(lengths, Int32Array)) fail('lengths must be an Int32Array');
  if (!isA(labels, Int32Array)) fail('labels must be an Int32Array');
  const N = lengths.length;
  if (N === 0 && o.dataSet) fail('no sequences (lengths is empty)');
  if (offsets.length !== N || labels.length !== N) fail(`offsets (${offsets.length}), lengths (${N}) and labels (${labels.length}) must have one entry per sequence`);
  const steps = Math.floor(values.length / D);
  for (let n = 0; n < N; n++) {
    const at = offsets[n];
    const T = lengths[n];
    if (T < 1) fail(`sequence ${n} has length ${T}; every sequence has at least one step`);
    if (!(Number.isInteger(at) && at >= 0)) fail(`sequence ${n} has offset ${at}; an offset is a whole number of steps ≥ 0`);
    if (at + T > steps) fail(`sequence ${n} (offset ${at}, length ${T}) lies outside values' ${steps} steps of ${D} channel(s)`);
    const l = labels[n];
    if (C !== undefined && l >= C) fail(`labels[${n}] is ${l}, past the ${C} classes (labels index classes from 0)`);
    if (o.dataSet && l < 0 && !(o.unlabelled && l === -1)) {
      fail(o.unlabelled ? `labels[${n}] is ${l}: a label is a class (0 to ${C! - 1}), or -1 for a sequence without one` : `labels[${n}] is ${l}: every training sequence needs a class (0 to ${C! - 1})`);
    }
    const bad = firstNonFinite(values, at * D, (at + T) * D);
    if (bad >= 0) fail(`sequence ${n} has a value that is not finite (${values[bad]}, at step ${Math.floor(bad / D) - at}, channel ${bad % D})`, 'remove or replace it');
  }
}
