// The library as a program calls it: a callback that throws, a signal that aborts while data load or threads
// are measured, a save into a missing folder or to `-`, a model edited into something that cannot be read back,
// options the function does not have, and data sets or other arguments built by hand that are not what the
// function takes. Each ends in a rejection the caller can catch, promptly, and writes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { InterruptedError, UserError } from '../src/errors.js';
import { train } from '../src/train/train.js';
import { fit } from '../src/train/fit.js';
import { tuneThreads } from '../src/train/tune.js';
import { applyNormalization, channelStatistics, mergeMembers, modelInputs, evaluate, evaluateFile, renderReport, score, serializeModel, totalMetrics, writeReport, parseModel, parseSafetensors, parseCheckpoint, loadModel } from '../src/index.js';
import { loadDataSet } from '../src/data/csv.js';
import { saveModel } from '../src/io/model-file.js';
import { exportOnnx, saveOnnx } from '../src/io/onnx.js';
import { exportSafetensors, saveSafetensors } from '../src/io/safetensors.js';
import { syntheticDataSet } from './helpers/synthetic.js';
import { layoutOf, recurrenceOf, viewsOf } from '../src/model/layout.js';
import { tempDir } from './helpers/temp.js';
import { ROOT } from './helpers/cli.js';

const refused = (phrase: RegExp) => (e: unknown) => e instanceof UserError && phrase.test(e.message);
const any = (o: unknown) => o as never;
const TINY = { hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 } as const;

function smallFile(dir: string): string {
  const file = join(dir, 'train.csv');
  writeFileSync(file, 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\n');
  return file;
}

/** A wide CSV of `rows` sequences of 64 values: a few MB, read in many chunks. */
function bigFile(dir: string, rows: number): string {
  const file = join(dir, 'big.csv');
  const values = Array.from({ length: 64 }, (_, i) => (i / 7).toFixed(4)).join(',');
  writeFileSync(file, 'label,' + Array.from({ length: 64 }, (_, i) => `t${i}`).join(',') + '\n' + Array.from({ length: rows }, (_, n) => `${'ab'[n % 2]},${values}`).join('\n') + '\n');
  return file;
}

test('a callback that throws rejects the call with its error (onRead used to throw from a stream event and end the process)', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const boom = new Error('boom');
  await assert.rejects(loadDataSet([file], { onRead: () => { throw boom; } }), (e) => e === boom);
  await assert.rejects(train({ files: [file], ...TINY, onRead: () => { throw boom; } }), (e) => e === boom);
  const { model } = await train({ files: [file], ...TINY });
  await assert.rejects(evaluateFile(model, file, { onRead: () => { throw boom; } }), (e) => e === boom);
  // Whatever is thrown, as thrown: undefined and null too (they read as "Error: undefined").
  for (const thrown of [undefined, null, 'text']) {
    await assert.rejects(loadDataSet([file], { onRead: () => { throw thrown; } }), (e) => e === thrown);
  }
  assert.deepEqual(readdirSync(dir), ['train.csv']);
});

test('one stop signal shared by a dozen calls at once: no leak warning (each call added a listener of its own), and an abort stops them all', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const stop = new AbortController();
    await Promise.all(Array.from({ length: 12 }, () => loadDataSet([file], { signal: stop.signal })));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings, []);
    const big = bigFile(dir, 20000);
    const runs = Array.from({ length: 12 }, () => loadDataSet([big], { signal: stop.signal }));
    stop.abort();
    for (const r of await Promise.allSettled(runs)) assert.ok(r.status === 'rejected' && r.reason instanceof InterruptedError);
  } finally {
    process.off('warning', onWarning);
  }
});

test('model selection stops for a stop object that is no AbortSignal but acts as one: by its event, or by its flag alone', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'd.csv');
  writeFileSync(file, readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n').slice(0, 81).join('\n') + '\n');
  for (const event of [true, false]) {
    const signal = Object.assign(new EventTarget(), { aborted: false });
    let stoppedAt = 0;
    const run = train({ files: [file], hidden: 8, members: 1, epochs: 40, threads: 2, select: 'on', signal: signal as unknown as AbortSignal,
      onSelecting: () => { setTimeout(() => { signal.aborted = true; stoppedAt = performance.now(); if (event) signal.dispatchEvent(new Event('abort')); }, 100); } });
    await assert.rejects(run, (e) => e instanceof InterruptedError);
    assert.ok(performance.now() - stoppedAt < 2000, `stopped ${performance.now() - stoppedAt} ms after (${event ? 'event' : 'flag'})`);
  }
});

// An interruption fuzzer's find: a signal that came as the last fit ended, after its last check, was said to be
// finishing the step and writing the checkpoint, and the run went on to score the test files and write the report.
test('an abort as training ends, or while the test files are scored: the model is the result (written, the same bits), and the test files and the report are left', async () => {
  const dir = tempDir('calls-');
  const small = smallFile(dir);
  const base = { files: [small], test: [small], ...TINY, epochs: 3 };
  const whole = await train({ ...base, out: join(dir, 'whole.json') });
  assert.equal(whole.stopped, undefined);
  assert.equal(whole.test.length, 1);
  const ac = new AbortController();
  const out = join(dir, 'm.json');
  const report = join(dir, 'r.html');
  const r = await train({ ...base, out, report, signal: ac.signal, onTrained: () => ac.abort('SIGINT') });
  assert.equal(r.stopped, true);
  assert.deepEqual(r.test, []);
  assert.deepEqual(r.model.parameters, whole.model.parameters);
  assert.deepEqual(loadModel(out).parameters, whole.model.parameters);
  assert.ok(!existsSync(report) && !existsSync(`${out}.ckpt`), 'no report, and the checkpoint removed as the model was written');
  // An abort while the test files are scored (here as their first warning is given, before the first slice) stops
  // the scoring: the same result, not the whole test set scored and the report written after all.
  const ac2 = new AbortController();
  let trained = false;
  const out2 = join(dir, 'm2.json');
  const longer = join(dir, 'longer.csv'); // of a length the training data lack: a warning before it is scored
  writeFileSync(longer, 'label,t0,t1,t2,t3\na,1,2,3,4\nb,4,3,2,1\n');
  const r2 = await train({ ...base, test: [longer], out: out2, report, signal: ac2.signal, onTrained: () => { trained = true; }, onWarning: () => { if (trained) ac2.abort('SIGINT'); } });
  assert.ok(ac2.signal.aborted, 'a warning came as the test file was read for the model');
  assert.equal(r2.stopped, true);
  assert.deepEqual(r2.test, []);
  assert.deepEqual(loadModel(out2).parameters, whole.model.parameters);
  assert.ok(!existsSync(report), 'no report');
});

test('an abort stops loading at once, and tuning the threads too: InterruptedError, nothing written', async () => {
  const dir = tempDir('calls-');
  const file = bigFile(dir, 20000);
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(loadDataSet([file], { signal: aborted.signal }), (e) => e instanceof InterruptedError);
  // Aborted at the first chunk: the file is not read to its end.
  const ac = new AbortController();
  let last = 0;
  let size = 0;
  await assert.rejects(loadDataSet([file], { signal: ac.signal, onRead: (_f, bytes, of) => { last = bytes; size = of; ac.abort(); } }), (e) => e instanceof InterruptedError);
  assert.ok(size > 4e6 && last < size / 4, `read ${last} of ${size} bytes after the abort`);
  const out = join(dir, 'm.json');
  await assert.rejects(train({ files: [file], ...TINY, out, signal: aborted.signal }), (e) => e instanceof InterruptedError);
  // threads 'auto' measures before training: a signal aborted by then stops it, before onTuned.
  const small = smallFile(dir);
  let tuned = false;
  await assert.rejects(
    train({ files: [small], ...TINY, threads: 'auto', out, signal: aborted.signal, onTuned: () => { tuned = true; } }),
    (e) => e instanceof InterruptedError,
  );
  assert.equal(tuned, false);
  await assert.rejects(tuneThreads(syntheticDataSet(16, 1, 2), { threads: [1], steps: 2, signal: aborted.signal }), (e) => e instanceof InterruptedError);
  assert.ok(!existsSync(out) && !existsSync(`${out}.ckpt`));
});

test('saving: a missing folder and `-` are UserErrors, and a model that could not be read back is not written', async () => {
  const dir = tempDir('calls-');
  const { model } = await train({ files: [smallFile(dir)], ...TINY });
  const missing = join(dir, 'nodir', 'x.json');
  assert.throws(() => saveModel(missing, model), refused(/the folder .*nodir does not exist; create it or choose another path \(nothing was written\)/));
  assert.throws(() => saveOnnx(join(dir, 'nodir', 'x.onnx'), model), refused(/nodir does not exist/));
  for (const save of [saveModel, saveOnnx, saveSafetensors]) assert.throws(() => save('-', model), refused(/^path cannot be - \(stdin or stdout\); give a file path/));
  await assert.rejects(train({ files: [join(dir, 'train.csv')], ...TINY, out: '-' }), refused(/^out cannot be -/));
  assert.throws(() => exportOnnx(any('m.json')), refused(/^model must be a model as loadModel\(\) returns it \(got "m\.json"\); read it first/));
  assert.throws(() => exportSafetensors(any(undefined)), refused(/^model must be a model/));
  assert.throws(() => saveModel(any(model), any(join(dir, 'o.json'))), refused(/^path must be a file path \(got object\)$/));
  const cut = { ...model, parameters: model.parameters.subarray(0, 10) };
  assert.throws(() => saveModel(join(dir, 'cut.json'), cut), refused(/^model is not a whole model: its parameters hold 10 values where its shape needs \d+/));
  assert.throws(() => saveModel(join(dir, 'few.json'), { ...model, classes: [] }), refused(/^model is not a whole model: it must name its C = 2 classes/));
  const nan = { ...model, parameters: model.parameters.map((x, i) => (i === 0 ? Number.NaN : x)) };
  assert.throws(() => exportOnnx(nan), refused(/its parameters must all be finite/));
  // What the loaders refuse, the writers refuse before writing (resample 1e9 took the exporter past the heap).
  for (const [edit, phrase] of [
    [{ resample: 1e9 }, /its resample must be a whole number from 2 to 1000000/], [{ resample: 2.5 }, /its resample/],
    [{ layout: {} }, /its layout must hold "format"/], [{ classes: ['', 'b'] }, /its classes must be names as data files give them: "" is empty/],
  ] as const) {
    for (const write of [() => saveModel(join(dir, 'e.json'), any({ ...model, ...edit })), () => exportOnnx(any({ ...model, ...edit })), () => saveSafetensors(join(dir, 'e.safetensors'), any({ ...model, ...edit }))]) {
      assert.throws(write, refused(phrase), JSON.stringify(edit));
    }
  }
  assert.deepEqual(readdirSync(dir).sort(), ['train.csv']);
});

test('fit(), tuneThreads(), evaluateFile() and loadDataSet() refuse an option they do not have; callbacks and signals are checked before any work', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const ds = syntheticDataSet(8, 1, 2);
  await assert.rejects(fit(ds, null, any({ hiden: 8 })), refused(/^fit\(\) has no option "hiden"; did you mean hidden\?$/));
  await assert.rejects(tuneThreads(ds, any({ hiden: 8 })), refused(/^tuneThreads\(\) has no option "hiden"; did you mean hidden\?$/));
  await assert.rejects(loadDataSet([file], any({ labelColum: 'x' })), refused(/^loadDataSet\(\) has no option "labelColum"; did you mean labelColumn\?$/));
  await assert.rejects(loadDataSet([file], any({ requireLabels: false })), refused(/^loadDataSet\(\) has no option "requireLabels"$/));
  const { model } = await train({ files: [file], ...TINY });
  await assert.rejects(evaluateFile(model, file, any({ labelColum: 'x' })), refused(/^evaluateFile\(\) has no option "labelColum"/));
  let epochs = 0;
  await assert.rejects(train(any({ files: [file], ...TINY, onEpoch: 5, onBatch: () => epochs++ })), refused(/^onEpoch must be a function \(got number\)$/));
  assert.equal(epochs, 0, 'refused before training');
  await assert.rejects(fit(ds, null, any({ onBatch: 'x' })), refused(/^onBatch must be a function/));
  await assert.rejects(train(any({ files: [file], ...TINY, signal: {} })), refused(/^signal must be an AbortSignal/));
  await assert.rejects(train(any({ files: [file], ...TINY, requireLabels: false })), refused(/^train\(\) has no option "requireLabels"$/));
  assert.deepEqual(readdirSync(dir), ['train.csv']);
});

test('a data set built by hand is refused where its arrays disagree, naming the array and the sequence, before any work', async () => {
  const ds = syntheticDataSet(8, 2, 3);
  const bad = (change: (d: { values: Float32Array; offsets: Float64Array; lengths: Int32Array; labels: Int32Array }) => void, extra: object = {}) => {
    const d = { ...ds, values: Float32Array.from(ds.values), offsets: Float64Array.from(ds.offsets), lengths: Int32Array.from(ds.lengths), labels: Int32Array.from(ds.labels), ...extra };
    change(d);
    return any(d);
  };
  const cases: [ReturnType<typeof bad>, RegExp][] = [
    [bad((d) => { d.labels[2] = 3; }), /^fit\(\) data: labels\[2\] is 3, past the 3 classes/],
    [bad((d) => { d.labels[0] = -1; }), /^fit\(\) data: labels\[0\] is -1: every training sequence needs a class \(0 to 2\)/],
    [bad((d) => { d.lengths[4] = 0; }), /^fit\(\) data: sequence 4 has length 0/],
    [bad((d) => { d.offsets[7] = ds.values.length; }), /^fit\(\) data: sequence 7 \(offset \d+, length \d+\) lies outside values' \d+ steps of 2 channel\(s\)/],
    [bad((d) => { d.offsets[1] = 0.5; }), /^fit\(\) data: sequence 1 has offset 0.5; an offset is a whole number of steps ≥ 0/],
    [bad((d) => { d.values[ds.offsets[3] * 2 + 3] = Number.NaN; }), /^fit\(\) data: sequence 3 has a value that is not finite \(NaN, at step 1, channel 1\); remove or replace it$/],
    [bad(() => {}, { labels: new Int32Array(7) }), /^fit\(\) data: offsets \(8\), lengths \(8\) and labels \(7\) must have one entry per sequence/],
    [bad(() => {}, { classes: 'abc' }), /^fit\(\) data: classes must be an array of the class names/],
    [bad(() => {}, { values: Array.from(ds.values) }), /^fit\(\) data: values must be a Float32Array;/],
    // a Proxy passes instanceof, then the typed arrays' methods threw a TypeError on it
    [bad(() => {}, { values: new Proxy(Float32Array.from(ds.values), {}) }), /^fit\(\) data: values must be a Float32Array;/],
    [bad(() => {}, { lengths: new Proxy(Int32Array.from(ds.lengths), {}) }), /^fit\(\) data: lengths must be an Int32Array/],
  ];
  for (const [d, phrase] of cases) {
    let epochs = 0;
    await assert.rejects(fit(d, null, { ...TINY, onEpoch: () => epochs++ }), refused(phrase));
    assert.equal(epochs, 0);
  }
  await assert.rejects(fit(any(undefined), null, TINY), refused(/^fit\(\) data: a data set is an object \(got undefined\)/));
  await assert.rejects(tuneThreads(cases[0][0], { threads: [1], steps: 1 }), refused(/^tuneThreads\(\) data: labels\[2\] is 3, past the 3 classes/));
  const { model } = await fit(ds, null, TINY);
  assert.throws(() => score(model, cases[0][0]), refused(/^score\(\) data: labels\[2\] is 3, past the 3 classes/));
  assert.throws(() => score(model, ds, Int32Array.of(0, 8)), refused(/^score\(\) indices\[1\] is 8, not a sequence of the 8 in data$/));
  for (const [parameters, got] of [[new Proxy(model.parameters, {}), 'a Proxy of a Float32Array'], [Float64Array.from(model.parameters), 'a Float64Array'], [Array.from(model.parameters), 'an array']] as const) {
    assert.throws(() => score(any({ ...model, parameters }), ds), refused(new RegExp(`^model\\.parameters must be a Float32Array, as loadModel\\(\\) returns it \\(got ${got}\\); Float32Array\\.from\\(\\) it$`)));
  }
  const unlabelled = { ...ds, labels: new Int32Array(8).fill(-1) };
  assert.equal(score(model, unlabelled).count, 8, 'score takes sequences without labels');
  // Data the model does not read as it is: another width (it read past the values), or other classes.
  const wide = syntheticDataSet(8, 3, 3);
  assert.throws(() => score(model, wide), refused(/^score\(\) data has 3 value\(s\) a step, but the model reads 2 \(.*\): give it modelInputs\(model, dataSet\)/));
  assert.throws(() => score(model, any({ ...ds, classes: [...ds.classes].reverse() })), refused(/^score\(\) data's classes \(.*\) are not the model's \(.*\) in its order/));
  // fit() refuses a normalization the model could not be used with, and options that are no object.
  await assert.rejects(fit(ds, { mean: [Number.NaN, 0], std: [0, 1] }, TINY), refused(/^fit\(\) normalization must be null or \{ mean, std \} of 2 finite float32 means/));
  await assert.rejects(fit(ds, { mean: [0], std: [1] }, TINY), refused(/^fit\(\) normalization must be null/));
  // The options second, where the normalization goes: the order is the fix.
  await assert.rejects(fit(ds, TINY as never), refused(/^fit\(data, normalization, options\) takes the normalization second \(null for none, or the \{ mean, std \} of channelStatistics\(\)\) and the options third; it was given "/));
  await assert.rejects(fit(ds, null, any(null)), refused(/^fit\(\) options must be an object \(got null\)/));
  // train()'s ensemble and selection asked of fit() are refused, not ignored; what fit() does anyway is taken.
  await assert.rejects(fit(ds, null, any({ ...TINY, members: 3 })), refused(/^fit\(\) trains one model: members 3 \(an ensemble\) is train\(\)'s/));
  await assert.rejects(fit(ds, null, any({ ...TINY, select: 'on' })), refused(/^fit\(\) trains one model with the options given: select "on" \(model selection\) is train\(\)'s/));
  // modelInputs gives a new data set and leaves the one given as it was, run after run.
  const normalizing = (await fit(ds, channelStatistics(ds), TINY)).model;
  const before = Float32Array.from(ds.values);
  const once = modelInputs(normalizing, ds);
  assert.deepEqual(ds.values, before);
  assert.notDeepEqual(once.values, before);
  assert.deepEqual(modelInputs(normalizing, ds).values, once.values);
  assert.ok(once.values.buffer instanceof SharedArrayBuffer);
  // Statistics a program keeps in typed arrays are taken as the plain arrays a model holds (they were refused,
  // by a message that read as asking for float32).
  const stats = channelStatistics(ds);
  const typed = any({ mean: Float32Array.from(stats.mean), std: Float64Array.from(stats.std) });
  const fromTyped = (await fit(ds, typed, TINY)).model;
  assert.deepEqual(fromTyped.normalization, stats);
  assert.deepEqual(fromTyped.parameters, normalizing.parameters);
  const copy = { ...ds, values: Float32Array.from(ds.values) };
  applyNormalization(copy, typed);
  assert.deepEqual(copy.values, once.values);
  await assert.rejects(fit({ ...ds, channels: ds.channels.map(() => 'x') }, null, TINY), refused(/channels must not repeat a name \("x"\)/));
});

test('the lower-level exports refuse what is not their argument with a UserError, not a TypeError or NaN values', async () => {
  const ds = syntheticDataSet(6, 2, 2);
  assert.throws(() => channelStatistics(any({})), refused(/^channelStatistics\(\) data: D must be a whole number ≥ 1 \(got undefined\)/));
  assert.throws(() => channelStatistics(any({ D: '2' })), refused(/^channelStatistics\(\) data: D must be a whole number ≥ 1 \(got "2"\)/));
  const holed = { ...ds, values: Float32Array.from(ds.values) };
  holed.values[3] = Number.NaN;
  assert.throws(() => channelStatistics(holed), refused(/^channelStatistics\(\) data: sequence 0 has a value that is not finite \(NaN, at step 1, channel 1\)/));
  // A D that disagrees with the channels read the values in other steps: every channel got another's statistics.
  assert.throws(() => channelStatistics({ ...ds, D: 1 }), refused(/^channelStatistics\(\) data: channels must be an array of the 1 channel names/));
  const before = Float32Array.from(ds.values);
  assert.throws(() => applyNormalization({ ...ds, D: 1 }, { mean: [0], std: [1] }), refused(/^applyNormalization\(\) data: channels must be an array of the 1 channel names/));
  assert.throws(() => applyNormalization(ds, { mean: [0], std: [1] }), refused(/^applyNormalization\(\): the normalization must have a finite mean and a std > 0 for each of the data's 2 channel\(s\)/));
  assert.throws(() => applyNormalization(ds, { mean: [0, 0], std: [1, 0] }), refused(/^applyNormalization\(\)/));
  assert.deepEqual(ds.values, before, 'the values are left as they were');
  assert.throws(() => serializeModel(any({})), refused(/^model must be a model as loadModel\(\) returns it/));
  assert.throws(() => totalMetrics(any(null)), refused(/^totalMetrics\(\) takes the array evaluate\(\) returns$/));
  assert.throws(() => renderReport(any({})), refused(/^the report input must be an object with model and evaluations/));
  const shape = { D: 1, H: 2, C: 2 };
  assert.throws(() => mergeMembers(shape, [new Float32Array(layoutOf(shape).size), new Float32Array(3)]), refused(/^mergeMembers\(\): weights must be .* \(weights\[1\] is not\)$/));
  assert.throws(() => mergeMembers(shape, []), refused(/^mergeMembers\(\): .*weights\[0\] is not/));
  assert.throws(() => mergeMembers(any([]), []), refused(/^mergeMembers\(\): member must be the members' shape/));
  // Options that are no object, contents that are no file's, paths that are none.
  await assert.rejects(loadDataSet(['x.csv'], any(null)), refused(/^loadDataSet\(\) options must be an object \(got null\)$/));
  await assert.rejects(train(any('x')), refused(/^train\(\) options must be an object \(got "x"\)$/));
  await assert.rejects(train({ files: ['x.csv'], report: 'r.html', commandLine: any(5) }), refused(/^commandLine must be a string, the command the report names \(got 5\)$/));
  assert.throws(() => parseModel(any(null), 'x'), refused(/^parseModel\(\) text must be a model file's contents, a string \(got null\)$/));
  assert.throws(() => parseSafetensors(any('abc'), 'x'), refused(/^parseSafetensors\(\) bytes must be a file's contents/));
  assert.throws(() => parseCheckpoint(any({}), 'x'), refused(/^parseCheckpoint\(\) text must be a checkpoint file's contents/));
  assert.throws(() => loadModel(any(undefined)), refused(/^the model file must be named by a file path \(got undefined\)$/));
  // A program gave the path, not a flag (it named --model).
  assert.throws(() => loadModel(join(tempDir('ts-lib-'), 'missing.json')), (e: Error) => e instanceof UserError && /model file not found; check the path$/.test(e.message));
  await assert.rejects(fit(ds, null, { ...TINY, resume: any({}) }), refused(/^fit\(\) resume must be a state as onCheckpoint gives it/));
});

test('evaluate --report by import: writeReport with evaluate()\'s results and totalMetrics()', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const { model } = await train({ files: [file], ...TINY });
  const results = await evaluate(model, { files: [file] });
  const path = join(dir, 'report.html');
  writeReport(path, { model, evaluations: results, total: totalMetrics(results) });
  const html = readFileSync(path, 'utf8');
  assert.ok(html.startsWith('<!doctype html>') || html.startsWith('<!DOCTYPE html>'), html.slice(0, 40));
  assert.ok(html.includes('train.csv'));
});

test('standard input read by import is read once, and a stopped read leaves process.stdin to the program, not destroyed', () => {
  const index = new URL('../src/index.js', import.meta.url).href;
  const once = `import { loadDataSet } from ${JSON.stringify(index)};
    const ds = await loadDataSet(['-']);
    const again = await loadDataSet(['-']).then(() => 'read', (e) => e.message);
    console.log(JSON.stringify({ n: ds.lengths.length, again }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', once], { input: 'label,t0,t1\nrun,1,2\nwalk,3,4\n', encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { n: 2, again: 'stdin: standard input was read already in this process, and its text is gone; give the data as a file' });
  // Stopped after its first block: the rest of the input is still the program's to read.
  const stopped = `import { loadDataSet } from ${JSON.stringify(index)};
    const stop = new AbortController();
    const why = await loadDataSet(['-'], { signal: stop.signal, onRead: () => stop.abort() }).then(() => 'loaded', (e) => e.name);
    const destroyed = process.stdin.destroyed;
    let rest = 0;
    for await (const chunk of process.stdin) rest += chunk.length;
    console.log(JSON.stringify({ why, destroyed, rest: rest > 0 }));`;
  const big = 'label,t0,t1\n' + 'run,1,2\n'.repeat(200_000);
  const s = spawnSync(process.execPath, ['--input-type=module', '-e', stopped], { input: big, encoding: 'utf8', timeout: 20_000 });
  assert.equal(s.status, 0, s.stderr);
  assert.deepEqual(JSON.parse(s.stdout), { why: 'InterruptedError', destroyed: false, rest: true });
});

test('a callback that throws in the final fit stops train with its own error, as thrown; selection\'s checkpoint stays to resume from', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const out = join(dir, 'm.json');
  class Stop extends Error {}
  const mine = new Stop('enough');
  await assert.rejects(train({ files: [file], ...TINY, select: 'on', epochs: 2, out, onEpoch: () => { throw mine; } }), (e: unknown) => e === mine);
  assert.ok(existsSync(`${out}.ckpt`), 'the scores of model selection are kept');
  const resumed = await train({ files: [file], ...TINY, select: 'on', epochs: 2, out, resume: `${out}.ckpt` });
  const fresh = await train({ files: [file], ...TINY, select: 'on', epochs: 2 });
  assert.deepEqual(resumed.model.parameters, fresh.model.parameters);
});

test('an abort just after model selection names selection\'s checkpoint, which resumes (it said nothing was written, and the next run was refused)', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const out = join(dir, 'm.json');
  const ac = new AbortController();
  await assert.rejects(
    train({ files: [file], ...TINY, select: 'on', epochs: 2, out, signal: ac.signal, onSelected: () => ac.abort() }),
    (e: unknown) => e instanceof InterruptedError && e.checkpoint === `${out}.ckpt`,
  );
  assert.ok(existsSync(`${out}.ckpt`));
  const resumed = await train({ files: [file], ...TINY, select: 'on', epochs: 2, out, resume: `${out}.ckpt` });
  const fresh = await train({ files: [file], ...TINY, select: 'on', epochs: 2 });
  assert.deepEqual(resumed.model.parameters, fresh.model.parameters);
});

test('a checkpoint between an ensemble\'s members resumes only with its members; one edited to fewer than have finished is refused as damaged', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const out = join(dir, 'm.json');
  const ac = new AbortController();
  const o = { files: [file], ...TINY, epochs: 2, members: 3, out };
  await assert.rejects(train({ ...o, signal: ac.signal, onMember: (m: number) => { if (m === 2) ac.abort(); } }), (e: unknown) => e instanceof InterruptedError);
  const ckpt = `${out}.ckpt`;
  const text = readFileSync(ckpt, 'utf8');
  const finished = parseCheckpoint(text, ckpt).members?.length ?? 0;
  // A changed character of a weight's base64 decodes as well as the right one: the checksum tells it.
  const flipped = text.replace(/("params": ")(.)/, (_a, k: string, c: string) => k + (c === 'A' ? 'B' : 'A'));
  assert.throws(() => parseCheckpoint(flipped, ckpt), refused(/its checksum does not match its contents: the checkpoint changed after train wrote it/));
  assert.ok(finished >= 1, 'stopped after a finished member');
  await assert.rejects(train({ ...o, members: finished, resume: ckpt }), refused(new RegExp(`this run has --members ${finished} but the checkpoint was trained with --members 3`)));
  const edited = JSON.parse(text);
  edited.hyperparameters.members = finished;
  assert.throws(() => parseCheckpoint(JSON.stringify(edited), ckpt), refused(new RegExp(`"members" holds ${finished} finished member\\(s\\) and a member in training, but "hyperparameters.members" is ${finished}; the checkpoint is damaged`)));
  const resumed = await train({ ...o, resume: ckpt });
  const fresh = await train({ ...o, out: undefined });
  assert.deepEqual(resumed.model.parameters, fresh.model.parameters);
});

test('fit() refuses data of one class (it returned a model every other function refused)', async () => {
  const one = { ...syntheticDataSet(8, 1, 2), classes: ['only'], labels: new Int32Array(8) };
  await assert.rejects(fit(one, null, { epochs: 1, hidden: 4, threads: 1 }), refused(/fit\(\) data: classes must name at least two classes \(got 1\)/));
});

test('callbacks get copies: a host that rounds an epoch\'s valLoss or edits the hyperparameters it is shown changes nothing of the run', async () => {
  const o = { files: [join(ROOT, 'datasets/cbf/train.csv')], ...TINY, epochs: 3, valSplit: 0.2, patience: 0, seed: 2 } as const;
  const plain = await train(o);
  const meddled = await train({
    ...o,
    onStart: (hp: { epochs: number; hidden: number }) => { hp.epochs = 5; hp.hidden = 16; },
    onEpoch: (e: { valLoss: number | null }) => { e.valLoss = 0; },
  });
  assert.deepEqual(meddled.model.parameters, plain.model.parameters);
  const untimed = (h: readonly { seconds: number; sequencesPerSecond: number }[]) => h.map(({ seconds: _s, sequencesPerSecond: _q, ...rest }) => rest);
  assert.deepEqual(untimed(meddled.history), untimed(plain.history));
});

test('a file: URL where a path goes is named, with the way to its path', async () => {
  await assert.rejects(train({ files: [new URL('file:///tmp/x.csv') as never] }), refused(/files must be a non-empty array of file paths \(got \[the URL "file:\/\/\/tmp\/x\.csv": give its path, fileURLToPath\(url\) from node:url\]\)/));
});

test('column options with .ts training files do nothing, say so, and stay out of the model\'s layout (evaluate of a CSV read with them)', async () => {
  const dir = tempDir('calls-');
  const ts = join(dir, 'gp.ts');
  writeFileSync(ts, '@problemName G\n@classLabel true 1 2\n@data\n-0.64,-0.64,-0.63:2\n-0.77,-0.77,-0.77:1\n-0.6,-0.6,-0.63:2\n-0.7,-0.77,-0.77:1\n');
  const lines: string[] = [];
  const { model } = await train({ files: [ts], ...TINY, labelColumn: 'foo', format: 'long', onWarning: (w) => lines.push(w) });
  assert.ok(lines.includes("--format, --label-column do nothing for files in the archive's .ts or ARFF format; the model records the default columns for the CSV files it will read"), lines.join('\n'));
  assert.deepEqual(model.layout, { format: 'auto', labelColumn: 'label', idColumn: 'id', timeColumn: 't' });
});

test('train() hands a program the warnings the CLI prints, through onWarning, a line each', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'train.csv');
  writeFileSync(file, 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\nA,2,2,2\n');
  const lines: string[] = [];
  await train({ files: [file], test: [file], ...TINY, patience: 2, onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines, [
    'class "A" has a single training sequence; little can be learned of a class from one (a header row, or a line of another kind, read as data?)',
    'classes "A", "a" differ only in letter case; they are trained as different classes',
    '--patience 2 has no effect without validation data; give --val-split',
    `--test ${file} holds the same bytes as the training file ${file}; its accuracy is not a held-out figure`,
  ]);
});

// A data fuzz's find: a label of 100 kB came back whole in the warning, a line of 100 kB on stderr.
test('a class of a long name is named cut to 40 characters in the warnings', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'train.csv');
  writeFileSync(file, `label,t0,t1\n${'L'.repeat(100_000)},1,2\na,1,2\na,2,3\nb,3,1\nb,1,1\n`);
  const lines: string[] = [];
  const { model } = await train({ files: [file], ...TINY, onWarning: (w) => lines.push(w) });
  assert.ok(lines.includes(`class "${'L'.repeat(40)}"… has a single training sequence; little can be learned of a class from one (a header row, or a line of another kind, read as data?)`), lines.join('\n').slice(0, 2000));
  const held = join(dir, 'held.csv');
  writeFileSync(held, `label,t0,t1\n${'l'.repeat(100_000)},1,3\na,1,2\n`);
  const said: string[] = [];
  await evaluate(model, { files: [held], onWarning: (w) => said.push(w) });
  assert.ok(said.includes(`${held}: label "${'l'.repeat(40)}"… is not a class of the model, which has "${'L'.repeat(40)}"…; its sequences count as errors (write the labels as the training files did)`), said.join('\n').slice(0, 2000));
  assert.ok(said.every((w) => w.length < 1000), 'every line short');
});

test('two training files of the same bytes under two names are warned of: every sequence would train twice', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'train.csv');
  const text = 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\n';
  writeFileSync(file, text);
  writeFileSync(join(dir, 'copy.csv'), text);
  writeFileSync(join(dir, 'other.csv'), text.replace('4,2,1', '4,2,2')); // the same size, other bytes
  const lines: string[] = [];
  await train({ files: [file, join(dir, 'other.csv'), join(dir, 'copy.csv')], ...TINY, onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines.filter((l) => l.startsWith('training files')), [`training files ${file} and ${join(dir, 'copy.csv')} hold the same bytes: each of their sequences trains twice; give the file once`]);
});

test('classes ten times apart in size are warned of, with --class-weights balanced offered; not once it is given', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'train.csv');
  writeFileSync(file, 'label,t0,t1,t2\n' + Array.from({ length: 22 }, (_, n) => (n < 2 ? `rare,${n},1,${n}` : `common,1,${n % 5},2`)).join('\n') + '\n');
  const lines: string[] = [];
  await train({ files: [file], ...TINY, onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines.filter((l) => l.startsWith('the classes differ')), ['the classes differ much in size ("common": 20 sequences, "rare": 2); a model may learn to answer the large ones: --class-weights balanced weighs every class alike in the loss (compare the balanced accuracy of both)']);
  const weighted: string[] = [];
  await train({ files: [file], ...TINY, classWeights: 'balanced', onWarning: (w) => weighted.push(w) });
  assert.deepEqual(weighted.filter((l) => l.startsWith('the classes differ')), []);
});

// A newcomer's find: numpy's savetxt writes label 0 as 0.000000000000000000e+00, and the same data with the labels
// written %d were refused (none of its labels a class). A number names one class where only one class names it.
test('labels that name one number differently: warned of as training classes; as test labels, read as the model\'s one class of that number, and said', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'train.csv');
  const heldOut = join(dir, 'test.csv');
  writeFileSync(file, 'label,t0,t1,t2\n1,1,2,3\n2,3,2,1\n1,1,2,4\n2,4,2,1\n2.0,4,2,1\n02,4,2,0\n');
  writeFileSync(heldOut, 'label,t0,t1,t2\n1.0,1,2,3.5\n2,3,2,1.5\n01e0,1,2,4.5\nb,4,2,1\n'); // no training sequence (the same values and label, 1.0 read as 1)
  const lines: string[] = [];
  const { model } = await train({ files: [file], test: [heldOut], ...TINY, onWarning: (w) => lines.push(w) });
  assert.ok(lines.includes('classes "02", "2", "2.0" name the same number; they are trained as different classes (write each label one way)'), lines.join('\n'));
  const respelled = lines.filter((w) => w.startsWith(`${heldOut}: label`));
  assert.deepEqual(respelled, [`${heldOut}: labels that are the model's classes written otherwise, the same numbers, are read as them: "01e0" as "1", "1.0" as "1"`]);
  const again: string[] = [];
  const [r] = await evaluate(model, { files: [heldOut], onWarning: (w) => again.push(w) });
  assert.deepEqual(again, respelled, 'evaluate() warns as train --test does');
  assert.deepEqual(r.unknownLabels, { count: 1, labels: ['b'] }, 'a word the model lacks counts as an error');
  assert.deepEqual(r.unknownLabels, r.metrics.unknownLabels, 'in the order first met, as the tables and --json list them');
  assert.equal(r.metrics.perClass.find((p) => p.class === '1')?.support, 2, 'both read as class 1');
  // Every label written otherwise (pandas' 1.0 for 1): the same figures as the labels written as in training.
  const pandas = join(dir, 'pandas.csv');
  const plain = join(dir, 'plain.csv');
  writeFileSync(pandas, 'label,t0,t1,t2\n1.0,1,2,3\n01,3,2,1\n');
  writeFileSync(plain, 'label,t0,t1,t2\n1,1,2,3\n1,3,2,1\n');
  const [p] = await evaluate(model, { files: [pandas] });
  const [q] = await evaluate(model, { files: [plain] });
  assert.deepEqual([p.accuracy, p.loss, p.metrics.confusion], [q.accuracy, q.loss, q.metrics.confusion]);
  // The training file with its 1s written 1.0 is training data all the same: said so (it scored as held out).
  const relabelled = join(dir, 'relabelled.csv');
  writeFileSync(relabelled, readFileSync(file, 'utf8').replace(/^1,/gm, '1.0,'));
  const relabelledLines: string[] = [];
  await evaluate(model, { files: [relabelled], onWarning: (w) => relabelledLines.push(w) });
  assert.ok(relabelledLines.includes(`every one of the 6 sequences of ${relabelled} is a training sequence of the model (the same values and label); its accuracy is not a held-out figure`), relabelledLines.join('\n'));
  // Where several classes name the number ("2", "2.0", "02"), a label "2e0" that is none of them is no class.
  const twos = join(dir, 'twos.csv');
  writeFileSync(twos, 'label,t0,t1,t2\n2e0,1,2,3\n1,3,2,1\n');
  const twoLines: string[] = [];
  const [t] = await evaluate(model, { files: [twos], onWarning: (w) => twoLines.push(w) });
  assert.deepEqual(t.unknownLabels, { count: 1, labels: ['2e0'] });
  assert.ok(twoLines.includes(`${twos}: label "2e0" names the same number as the model's classes "02", "2", "2.0", so it is read as none of them; its sequences count as errors`), twoLines.join('\n'));
  const onlyTwos = join(dir, 'only-twos.csv');
  writeFileSync(onlyTwos, 'label,t0,t1,t2\n2e0,1,2,3\n');
  await assert.rejects(evaluate(model, { files: [onlyTwos] }), refused(/none of its labels \(2e0\) is a class of the model \(.*\) \("2e0" names the same number as classes "02", "2", "2\.0", so it is read as none of them\)/));
  // A word in other letter case is no class: counted as an error, said so.
  const cased = join(dir, 'cased.csv');
  const { model: words } = await train({ files: [smallFile(tempDir('calls-'))], ...TINY });
  writeFileSync(cased, 'label,t0,t1,t2\nA,1,2,3\nb,3,2,1\n');
  const caseLines: string[] = [];
  await evaluate(words, { files: [cased], onWarning: (w) => caseLines.push(w) });
  assert.deepEqual(caseLines.filter((w) => w.includes('label "A"')), [`${cased}: label "A" is not a class of the model, which has "a"; its sequences count as errors (write the labels as the training files did)`]);
});

test('a file whose every sequence has a single time step is warned of in evaluate and predict, with the --format to try (a long file read as wide, as a --format wide model reads every file, scored 5120 one-sample sequences silently)', async () => {
  const dir = tempDir('calls-');
  const wide = join(dir, 'wide.csv');
  writeFileSync(wide, 'id,label,t0,t1,t2\nr1,a,1,2,3\nr2,b,3,2,1\nr3,a,1,2,4\nr4,b,4,2,1\n');
  const long = join(dir, 'long.csv');
  writeFileSync(long, 'id,label,value\n' + ['a', 'b', 'a', 'b'].flatMap((c, n) => [0, 1, 2].map((t) => `s${n},${c},${n + t}`)).join('\n') + '\n');
  const { model } = await train({ files: [wide], format: 'wide', ...TINY });
  const lines: string[] = [];
  await evaluate(model, { files: [long], onWarning: (w) => lines.push(w) });
  assert.deepEqual(lines, [`${long}: every one of its 12 sequences has a single time step, so each is scored from one sample; if it holds a row per time step (the long layout, an id column naming each row's sequence), give --format long (it was read with --format wide, the layout the model was trained with)`]);
  const right: string[] = [];
  const [r] = await evaluate(model, { files: [long], format: 'long', onWarning: (w) => right.push(w) });
  assert.deepEqual([right, r.sequences], [[], 4], 'read as long: four sequences of three steps');
  // Read as the file says (no --format): a wide file of one value column, a long file of one row per id.
  const { model: auto } = await train({ files: [long], ...TINY });
  const column = join(dir, 'column.csv');
  writeFileSync(column, 'label,t0\na,1\nb,2\n');
  const perId = join(dir, 'per-id.csv');
  writeFileSync(perId, 'id,label,value\nx,a,1\ny,b,2\n');
  const told: string[] = [];
  await evaluate(auto, { files: [column, perId], onWarning: (w) => told.push(w) });
  assert.deepEqual(told.map((w) => w.replace(/^.*sample; /, '')), [
    'each row holds one value (if a row is a time step, the long layout, give the file an id column naming its sequence)',
    'if each row is a whole sequence (the wide layout), give --format wide (its column "id" made it the long layout)',
  ]);
  // Predict says it too (the CLI, from the summary's longest sequence).
  const modelFile = join(dir, 'm.json');
  saveModel(modelFile, model);
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'predict', '--model', modelFile, long, '--out', join(dir, 'p.csv')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /^train-signals: warning: .*long\.csv: every one of its 12 sequences has a single time step, so each is scored from one sample; if it holds a row per time step \(the long layout, an id column naming each row's sequence\), give --format long/m);
  const quiet = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'predict', '--model', modelFile, long, '--out', join(dir, 'q.csv'), '--quiet'], { encoding: 'utf8' });
  assert.deepEqual([quiet.status, quiet.stderr], [0, ''], '--quiet prints only results');
});

test('a call reads the options it was called with: changing them (or their arrays) once the promise is returned changes nothing (train() wrote its model over the training file)', async () => {
  const dir = tempDir('calls-');
  const file = join(dir, 'train.csv');
  const other = join(dir, 'other.csv');
  writeFileSync(file, 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,4\nb,4,2,1\n');
  writeFileSync(other, 'label,t0,t1\nc,1,2\nd,2,1\n');
  const before = readFileSync(file, 'utf8');
  const o: { files: string[]; out: string; hidden: number; epochs: number; select: 'off'; members: number; threads: number } = { ...TINY, files: [file], out: join(dir, 'm.json'), hidden: 4 };
  const running = train(o);
  o.out = file;
  o.files.push(other);
  o.hidden = 9;
  const r = await running;
  assert.equal(readFileSync(file, 'utf8'), before, 'the training file is left alone');
  assert.ok(existsSync(join(dir, 'm.json')));
  assert.equal(r.model.shape.H, 4);
  assert.deepEqual(r.model.classes, ['a', 'b']);
  const files = [file];
  const evaluating = evaluate(r.model, { files });
  files.push(join(dir, 'missing.csv'));
  assert.equal((await evaluating).length, 1);
  // Options an object inherits, or its class's getters, are its options as before the copy.
  const inherited = Object.create({ ...TINY, files: [file], hidden: 3 }) as Parameters<typeof train>[0];
  assert.equal((await train(inherited)).model.shape.H, 3);
  class Files { get files() { return [file]; } }
  assert.equal((await evaluate(r.model, new Files() as unknown as Parameters<typeof evaluate>[1]))[0].sequences, 4);
  assert.equal((await loadDataSet([file], Object.create({ format: 'long', idColumn: 't0' }))).lengths.length, 3, 'long, by the ids of t0');
  // A class's method as a callback is called on its object (it uses a private field).
  class Run {
    files = [file];
    epochs = 2; select = 'off' as const; members = 1; hidden = 4; threads = 1;
    #epochs = 0;
    onEpoch() { this.#epochs++; }
    get seen() { return this.#epochs; }
  }
  const run = new Run();
  await train(run);
  assert.equal(run.seen, 2);
});

test('train() calls running at once in one process may not write each other\'s files: one\'s --report as another\'s --out was the model overwritten by a page', async () => {
  const dir = tempDir('calls-');
  const file = smallFile(dir);
  const o = { files: [file], ...TINY, out: join(dir, 'm.json') };
  const [first, ...others] = await Promise.allSettled([
    train(o), train(o), train({ ...o, out: join(dir, 'n.json'), checkpoint: join(dir, 'm.json.ckpt') }), train({ ...o, out: join(dir, 'k.json'), report: join(dir, 'm.json') }),
  ]);
  assert.equal(first.status, 'fulfilled');
  const why = others.map((r) => (r.status === 'rejected' && r.reason instanceof UserError ? r.reason.message : String(r.status)));
  assert.deepEqual(why.map((m) => m.replace(/ .*json(\.ckpt)?:/, ' PATH:')), [
    '--out PATH: another call in this very process is writing this file (its --out); give each run outputs of its own',
    '--checkpoint PATH: another call in this very process is writing this file (its --checkpoint); give each run outputs of its own',
    '--report PATH: another call in this very process is writing this file (its --out); give each run outputs of its own',
  ]);
  assert.deepEqual(readdirSync(dir).sort(), ['m.json', 'train.csv']);
  assert.ok(parseModel(readFileSync(join(dir, 'm.json'), 'utf8'), 'm.json').classes.length > 0, 'the model is a model');
  await train({ ...o, out: join(dir, 'k.json') }); // once a run is done, its files are free
});

test('TRAIN_DEFAULTS cannot be changed by a program that imports it (every run in the process would train otherwise)', async () => {
  const { TRAIN_DEFAULTS } = await import('../src/index.js');
  assert.throws(() => { (TRAIN_DEFAULTS as { hidden: number }).hidden = 2; }, TypeError);
  assert.throws(() => { (TRAIN_DEFAULTS.lr as { adam: number }).adam = 1; }, TypeError);
  assert.equal(TRAIN_DEFAULTS.hidden, 64);
});

test('select "on" that cannot select says why, through onWarning (it did nothing without a word)', async () => {
  const file = smallFile(tempDir('calls-'));
  const { model } = await train({ files: [file], ...TINY });
  const withInit: string[] = [];
  await train({ files: [file], ...TINY, select: 'on', init: model, onWarning: (w) => withInit.push(w) });
  assert.ok(withInit.includes('--select on does nothing with --init: the model fixes its shape, and training goes on with the options given (or the defaults)'), withInit.join('\n'));
  const allGiven: string[] = [];
  await train({ files: [file], ...TINY, select: 'on', noise: 0, warp: 0, mixup: 0, readout: 'last', resample: 0, onWarning: (w) => allGiven.push(w) });
  const why = '; selection compares the regularization where none of --noise, --warp and --mixup is given, and the readout with --readout auto';
  assert.ok(allGiven.includes(`--select on has nothing to compare: --noise 0, --warp 0 and --mixup 0 fix the augmentation, --readout last the readout, and --resample off the resampling${why}`), allGiven.join('\n'));
  // What was given, and only that: --warp alone fixes the augmentation; sequences of one length leave nothing to resample.
  const some: string[] = [];
  await train({ files: [file], ...TINY, select: 'on', warp: 0.1, readout: 'mean', onWarning: (w) => some.push(w) });
  assert.ok(some.includes(`--select on has nothing to compare: --warp 0.1 fixes the augmentation and --readout mean the readout, and the training sequences are all of one length (nothing to resample)${why}`), some.join('\n'));
});

test('--init of an ensemble: the hidden it fixes is its members\' own, which go on each from its own weights; a refusal says so', async () => {
  const file = smallFile(tempDir('calls-'));
  const { model } = await train({ files: [file], ...TINY, members: 2 });
  const again = await train({ files: [file], ...TINY, members: undefined, init: model });
  assert.equal(again.model.shape.H, 8);
  await assert.rejects(train({ files: [file], ...TINY, hidden: 8, members: undefined, init: model }), refused(/^--hidden 8, but the --init model has --hidden 4; leave out --hidden/));
  // Trained on as one model (a weight across its members' units): its hidden is the whole model's.
  const joined = Float32Array.from(model.parameters);
  recurrenceOf(viewsOf(joined, model.shape), 0, 0).W_hh[4] = 0.01; // unit 0 reading unit 4, of the other member
  await assert.rejects(train({ files: [file], ...TINY, members: undefined, init: { ...model, parameters: joined } }), refused(/^--hidden 4, but the --init model has --hidden 8 \(2 members of 4, which train on as one model of 8\); leave out --hidden/));
});

test('bptt with an init model of two layers names the init model as the reason', async () => {
  const file = smallFile(tempDir('calls-'));
  const { model } = await train({ files: [file], ...TINY, layers: 2 });
  await assert.rejects(train({ files: [file], ...TINY, init: model, bptt: 5 }), refused(/^bptt 5: the init model has two layers, and a model of two layers trains with full backpropagation through time; leave out bptt/));
});

test('TRAIN_SIGNALS_KERNEL changed after a process chose its kernel build is refused in one line (it was ignored, a bad value too); where it asks for the build chosen, the bits are the same', async () => {
  const dir = tempDir('ts-build-');
  const file = join(dir, 'd.csv');
  writeFileSync(file, readFileSync(join(ROOT, 'datasets/cbf/train.csv'), 'utf8').split('\n').slice(0, 81).join('\n') + '\n');
  const run = async () => {
    let scores: unknown;
    const r = await train({ files: [file], hidden: 8, members: 1, epochs: 2, threads: 2, select: 'on', onSelected: (s) => { scores = s.scores; } });
    return { scores, kernel: (r.model.training as { timing?: { kernel?: string } }).timing?.kernel, parameters: Array.from(r.model.parameters) };
  };
  const before = await run();
  const was = process.env.TRAIN_SIGNALS_KERNEL;
  try {
    process.env.TRAIN_SIGNALS_KERNEL = 'avx';
    await assert.rejects(run(), refused(/^TRAIN_SIGNALS_KERNEL is "avx"; it can only be plain/));
    process.env.TRAIN_SIGNALS_KERNEL = 'plain';
    if (before.kernel === 'wasm-plain') assert.deepEqual(await run(), before, 'plain asks for the build the CPU chose');
    else await assert.rejects(run(), refused(/^TRAIN_SIGNALS_KERNEL is plain now and was unset \(or empty\) when this process chose its kernel build \(fma\) for its first run; .*run in a new process$/));
    delete process.env.TRAIN_SIGNALS_KERNEL;
    assert.deepEqual(await run(), before);
    // Changed while a run trains: the run goes on with the build it started with (it is checked as a run starts).
    const midRun = await train({ files: [file], hidden: 8, members: 1, epochs: 3, threads: 2, select: 'off', onEpoch: (e) => { if (e.epoch === 1) process.env.TRAIN_SIGNALS_KERNEL = 'avx'; } });
    assert.equal(midRun.history.length, 3);
  } finally {
    if (was === undefined) delete process.env.TRAIN_SIGNALS_KERNEL;
    else process.env.TRAIN_SIGNALS_KERNEL = was;
  }
});

test('modelInputs() refuses data of other channels, and arguments that are no model or data set, in one line', async () => {
  const dir = tempDir('ts-inputs-');
  const out = join(dir, 'm.json');
  await train({ files: [join(ROOT, 'datasets/cbf/train.csv')], out, hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 });
  const m = loadModel(out);
  const motion = await loadDataSet([join(ROOT, 'datasets/motion/test.csv')]);
  // It named applyNormalization() and the model's inputs' width (with their differences), not the channels.
  assert.throws(() => modelInputs(m, motion), (e: unknown) => e instanceof UserError && /^modelInputs\(\) data's channels \(ax, ay, az\) are not the model's \(value\)/.test(e.message));
  assert.throws(() => modelInputs(m, null as never), (e: unknown) => e instanceof UserError && /^modelInputs\(\) data: a data set is an object/.test(e.message));
  assert.throws(() => modelInputs({} as never, motion), (e: unknown) => e instanceof UserError && /^modelInputs\(\) model must be a model as loadModel\(\) returns it, or a checkpoint's model/.test(e.message));
});

test('score() takes its indices as an array too; ensembleShape() refuses a count of members that is none', async () => {
  const { ensembleShape } = await import('../src/model/ensemble.js');
  const dir = tempDir('ts-score-');
  const out = join(dir, 'm.json');
  await train({ files: [join(ROOT, 'datasets/cbf/train.csv')], out, hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 });
  const m = loadModel(out);
  const data = modelInputs(m, await loadDataSet([join(ROOT, 'datasets/cbf/test.csv')]));
  assert.deepEqual(score(m, data, [0, 2] as never).probabilities, score(m, data, Int32Array.from([0, 2])).probabilities);
  assert.throws(() => score(m, data, [0, 'x'] as never), (e: unknown) => e instanceof UserError && /^score\(\) indices\[1\] is x/.test(e.message));
  assert.throws(() => ensembleShape(m.shape, 0), (e: unknown) => e instanceof UserError && /members must be a whole number ≥ 1 \(got 0\)/.test(e.message));
});

test('a file whose name is not UTF-8, named as Node lists it (with U+FFFD), is said to be so through the library too', async () => {
  const dir = tempDir('ts-lost-');
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/d`), Buffer.from([0xff]), Buffer.from('.csv')]), 'label,t0\na,1\nb,2\n');
  const [name] = readdirSync(dir);
  assert.equal(name, 'd\uFFFD.csv');
  await assert.rejects(loadDataSet([join(dir, name)]), (e: unknown) => e instanceof UserError && /the path holds bytes that are not UTF-8/.test(e.message));
});

test('membersOf(), formatTune() and writeFileAtomic() refuse arguments of another kind in one line (they were TypeErrors)', async () => {
  const { membersOf, formatTune, writeFileAtomic } = await import('../src/index.js');
  const refused = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
  assert.throws(() => membersOf({} as never), refused(/^membersOf\(\) model must be a model/));
  assert.throws(() => formatTune({} as never), refused(/^formatTune\(\) takes a result as tune\(\) or tuneThreads\(\) gives it/));
  assert.throws(() => writeFileAtomic(join(tempDir('ts-write-'), 'x'), 3 as never), refused(/^writeFileAtomic\(\) data must be a string or a Uint8Array \(got number\)/));
});

test('lengthsWarning(), gapsWarning() and fillGaps() refuse arguments of another shape in one line (a TypeError, null, or values read past the end)', async () => {
  const { lengthsWarning, gapsWarning, fillGaps } = await import('../src/index.js');
  for (const bad of [null, {}, 3, { sequences: 2, below: {}, above: {}, shorter: {}, longer: {} }]) {
    assert.throws(() => lengthsWarning('f.csv', bad as never, { training: undefined, resample: undefined } as never), refused(/^lengthsWarning\(file, tally, model\) takes a file's tally as predict\(\) returns it/));
  }
  for (const bad of [null, {}, { values: 1, sequences: 1, line: 2 }]) assert.throws(() => gapsWarning(bad as never), refused(/^gapsWarning\(\) takes a gap tally as the library gives it/));
  const x = new Float32Array([1, NaN, 3]);
  for (const [values, T, D] of [[[1, NaN, 3], 3, 1], [x, 5, 1], [x, 2, 2], [x, -1, 1], [x, '3', 1], [x, 1.5, 2]] as const) {
    assert.throws(() => fillGaps(values as never, T as never, D as never), refused(/^fillGaps\(values, T, D\) takes a sequence's values as a Float32Array of T steps of D channels/));
  }
  assert.ok(Number.isNaN(x[1]), 'nothing filled');
  assert.deepEqual(fillGaps(x, 3, 1), { filled: 1, empty: -1 });
  assert.deepEqual([...x], [1, 2, 3]);
});

test('a host near its limit on open files: every call resolves, or rejects with one line naming the limit, nothing written (a worker thread that could not start ended the process; a kernel file said to be missing)', { skip: process.platform !== 'linux' }, () => {
  const dir = tempDir('calls-');
  // The host holds every descriptor its limit allows but `free`, for free = 0, 1, 2, …, until a training with
  // four threads and its outputs has room: on the way each part runs short in turn (the kernel's file, the data
  // file, a worker thread's module or its event loop, the outputs).
  const host = `
    import { closeSync, openSync, readdirSync } from 'node:fs';
    const t = await import(${JSON.stringify(join(ROOT, 'dist/src/index.js'))});
    const outcomes = [];
    for (let free = 0; free <= 64; free++) {
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch (e) { if (e.code !== 'EMFILE') throw e; }
      for (let i = 0; i < free; i++) closeSync(held.pop());
      const out = ${JSON.stringify(join(dir, 'm.json'))};
      let outcome = 'ok';
      try {
        await t.train({ files: ['datasets/cbf/train.csv'], epochs: 1, select: 'off', members: 1, hidden: 4, threads: 4, out, checkpoint: out + '.ckpt' });
      } catch (e) {
        outcome = e.name + ': ' + e.message;
      }
      for (const fd of held) closeSync(fd);
      if (outcome !== 'ok' && readdirSync(${JSON.stringify(dir)}).length > 0) outcome += ' (and wrote something)';
      outcomes.push(outcome);
      if (outcome === 'ok') break;
    }
    // With no descriptor left: reading, writing and scoring a model.
    const model = t.loadModel(${JSON.stringify(join(dir, 'm.json'))});
    const held = [];
    try { for (;;) held.push(openSync('/dev/null', 'r')); } catch (e) { if (e.code !== 'EMFILE') throw e; }
    for (const call of [() => t.loadModel(${JSON.stringify(join(dir, 'm.json'))}), () => t.saveModel(${JSON.stringify(join(dir, "again.json"))}, model), () => t.evaluateFile(model, 'datasets/cbf/test.csv')]) {
      try { await call(); outcomes.push('ok'); } catch (e) { outcomes.push(e.name + ': ' + e.message); }
    }
    for (const fd of held) closeSync(fd);
    console.log(JSON.stringify(outcomes));`;
  const r = spawnSync('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" --input-type=module -e '${host.replace(/'/g, "'\\''")}'`], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const outcomes = JSON.parse(r.stdout) as string[];
  const crowded = outcomes.splice(-3);
  assert.equal(outcomes.at(-1), 'ok', r.stdout);
  for (const o of [...outcomes.slice(0, -1), ...crowded]) {
    assert.match(o, /^UserError: .*(as many files open as its limit allows \(EMFILE\); raise the limit \(ulimit -n\)|could not start 4 computing thread\(s\) \(EMFILE: this process has as many files open as its limit allows, ulimit -n\))/, o);
  }
  assert.ok(outcomes.some((o) => o.includes('could not start 4 computing thread(s)')), r.stdout);
  assert.deepEqual(readdirSync(dir).sort(), ['m.json', 'm.json.ckpt'], 'the run that had room wrote its model and kept its named checkpoint; no lock or temp file left, no second model');
});

test('evaluateFile() reads a file as the model\'s layout says, as evaluate() does: a model of custom column names needs no options (it refused the file for a missing "label")', async () => {
  const dir = tempDir('lib-');
  const file = join(dir, 'custom.csv');
  const rows = [0, 1, 2, 3].flatMap((k) => Array.from({ length: 6 }, (_, t) => `d${k},${t * 20},${k % 2 ? 'walk' : 'run'},${Math.sin(t * (1 + (k % 2)) + k)}`));
  writeFileSync(file, ['device,ms,activity,ax', ...rows].join('\n') + '\n');
  const { model } = await train({ files: [file], idColumn: 'device', timeColumn: 'ms', labelColumn: 'activity', hidden: 4, epochs: 1, select: 'off', members: 1, threads: 1 });
  const one = await evaluateFile(model, file);
  const [all] = await evaluate(model, { files: [file] });
  assert.equal(one.sequences, 4);
  assert.deepEqual(Array.from(one.scores.probabilities), Array.from(all.scores.probabilities));
  await assert.rejects(evaluateFile(model, file, { labelColumn: 'label' }), /no label column named "label"/, 'an option takes the place of the model\'s');
  // Its warnings, as evaluate()'s: a file in a thousand times the unit.
  const milli = join(dir, 'milli.csv');
  writeFileSync(milli, ['device,ms,activity,ax', ...rows.map((r) => r.replace(/,([^,]*)$/, (_, x) => `,${1000 * Number(x)}`))].join('\n') + '\n');
  const [warned, warnedAll]: string[][] = [[], []];
  await evaluateFile(model, milli, { onWarning: (w) => warned.push(w) });
  await evaluate(model, { files: [milli], onWarning: (w) => warnedAll.push(w) });
  assert.equal(warned.length, 1);
  assert.match(warned[0], /milli\.csv: its values lie far from the training data's/);
  assert.deepEqual(warned, warnedAll);
  await assert.rejects(evaluateFile(model, file, { onWarning: 'x' as never }), /onWarning/);
});

test('train() on data in memory: the model train() gives of the same data read from its file, bit for bit, the program\'s arrays untouched; files and data together refused', async () => {
  const dir = tempDir('calls-');
  const file = join(ROOT, 'datasets/motion/train.csv');
  const opts = { hidden: 4, epochs: 2, threads: 1, members: 2 } as const; // the defaults' selection, differences, ensemble
  const fromFile = (await train({ files: [file], ...opts })).model;
  const data = await loadDataSet([file]);
  const before = Float32Array.from(data.values);
  const warnings: string[] = [];
  const out = join(dir, 'm.json');
  const fromData = (await train({ data, ...opts, out, labelColumn: 'label', onWarning: (w) => warnings.push(w) })).model;
  assert.deepEqual(fromData.parameters, fromFile.parameters);
  assert.deepEqual(fromData.normalization, fromFile.normalization);
  assert.equal(fromData.differences, fromFile.differences);
  assert.deepEqual(data.values, before, 'the program\'s data set is as it was');
  assert.deepEqual(warnings, []);
  assert.equal(fromData.layout?.labelColumn, 'label', 'the column options given, which read the files it will score');
  assert.equal(fromData.training['files'], undefined);
  // Columns of other names: the model records them, and reads its kind of file (it recorded the defaults).
  const renamed = join(dir, 'renamed.csv');
  writeFileSync(renamed, readFileSync(file, 'utf8').replace(/^id,t,label,/, 'id,t,activity,'));
  const named = (await train({ data: await loadDataSet([renamed], { labelColumn: 'activity' }), ...opts, members: 1, labelColumn: 'activity', test: [renamed] })).model;
  assert.equal(named.layout?.labelColumn, 'activity');
  assert.equal((await evaluateFile(named, renamed)).sequences, data.lengths.length);
  // Classes named that no label is: one class with sequences is no classifier's data.
  const oneClass = { ...data, labels: new Int32Array(data.labels.length) };
  await assert.rejects(train({ data: oneClass, ...opts }), refused(/^train\(\) data: only one class \(".*"\) in the training data \(of the \d+ it names\); a classifier needs at least two: give sequences of two classes or more, and check that the label column holds their classes$/));
  assert.match(readFileSync(out, 'utf8'), /"sequenceDigests"/);
  await assert.rejects(train(any({ files: [file], data, ...opts })), refused(/^train\(\) takes its training data as files or as data, not both$/));
  await assert.rejects(train(any({ data: { ...data, labels: new Int32Array(data.labels.length).fill(-1) }, ...opts })), refused(/^train\(\) data: labels\[0\] is -1: every training sequence needs a class/));
});

test('a library fuzzer\'s finds: fit()\'s signal and init checked (a controller was ignored, a path a TypeError), values without text named by their kind, a model without a training record saved readable', async () => {
  const ds = syntheticDataSet(12, 2, 2, 6, 3, 8);
  const small = { epochs: 1, hidden: 3, threads: 1 } as const;
  const refused = async (o: object, phrase: RegExp) => assert.rejects(fit(ds, null, { ...small, ...o } as never), (e: unknown) => e instanceof UserError && phrase.test(e.message));
  await refused({ signal: new AbortController() }, /^fit\(\) signal must be an AbortSignal, or an object whose aborted turns true: give the controller's \.signal \(got an AbortController\)$/);
  await refused({ signal: 'x' }, /^fit\(\) signal must be an AbortSignal.*\(got string\)$/);
  await refused({ init: 'm.json' }, /^init must be a model as loadModel\(\) returns it \(got "m\.json"\); read it first/);
  await refused({ epochs: Object.create(null) }, /^epochs must be .* \(got a value of type object that has no text\)$/);
  // A stop flag as model selection's workers give one (an object whose aborted turns true) is a signal still.
  await fit(ds, null, { ...small, signal: { aborted: false } as never });
  const file = smallFile(tempDir('calls-'));
  await assert.rejects(loadDataSet([file], { labelColumn: 1n as never }), (e: unknown) => e instanceof UserError && /labelColumn must be a non-empty column name, not a bigint$/.test(e.message));
  const { model } = await train({ files: [file], ...TINY });
  const { training: _t, ...slim } = model;
  const path = join(tempDir('calls-'), 'slim.json');
  saveModel(path, slim as never);
  assert.deepEqual(loadModel(path).training, {});
  // predict's CSV and info's summary for a program: arguments of another kind are UserErrors, not TypeErrors.
  const { csvField, predictionHeader, predictionRow, checkpointSummary } = await import('../src/index.js');
  const no = (f: () => unknown, phrase: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && phrase.test(e.message));
  no(() => csvField(0 as never), /^csvField\(\) takes text \(got a number\)/);
  no(() => predictionHeader('m.json' as never), /^predictionHeader\(\) model must be a model as loadModel\(\) returns it/);
  const row = { file: 'f.csv', id: '1', label: null, predicted: model.classes[0], probabilities: new Float32Array(model.classes.length) };
  assert.match(predictionRow(row), /^f\.csv,1,,/);
  no(() => predictionRow({ ...row, probabilities: null } as never), /^predictionRow\(\) takes a prediction as predict\(\) gives it/);
  no(() => predictionRow({ ...row, probabilities: ['x'] } as never), /^predictionRow\(\)/);
  no(() => checkpointSummary(null as never, 'c.ckpt'), /^checkpointSummary\(\) takes a checkpoint as loadCheckpoint\(\) returns it/);
});
