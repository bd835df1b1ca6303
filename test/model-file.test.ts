import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { float32String, loadModel, parseModel, saveModel, serializeModel } from '../src/io/model-file.js';
import { initParameters } from '../src/model/init.js';
import { cellOf, layoutOf } from '../src/model/layout.js';
import { randomModel } from './helpers/models.js';
import type { Model } from '../src/model/model.js';
import { createRng } from '../src/model/rng.js';
import { UserError } from '../src/errors.js';
import { tempDir } from './helpers/temp.js';

function model(): Model {
  const shape = { D: 2, H: 5, C: 3 };
  const parameters = new Float32Array(layoutOf(shape).size);
  initParameters(parameters, shape, createRng(3));
  parameters[0] = 1e-40; // a subnormal survives too
  parameters[1] = -0; // and the sign of zero
  return {
    shape, readout: 'mean', classes: ['a', 'b', 'c'], channels: ['x', 'y'],
    normalization: { mean: [Math.fround(0.1), -2], std: [Math.fround(1.3), 4] }, parameters, training: { epochs: 3 },
  };
}

test('float32String is the shortest decimal that reads back as the same float32', () => {
  const rng = createRng(1);
  for (let i = 0; i < 2000; i++) {
    const x = Math.fround((rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 12 - 6));
    const s = float32String(x);
    assert.equal(Math.fround(Number(s)), x);
    const digits = s.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
    assert.ok(digits.length <= 9, s); // float32 never needs more than 9 significant digits
  }
  assert.equal(float32String(Math.fround(0.1)), '0.1');
});

test('float32String gives what trying every digit count from 1 up gives: random bit patterns, powers of two and their neighbours, subnormals', () => {
  const fewestUp = (x: number) => {
    for (let p = 1; p < 10; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return String(Number(x.toPrecision(p)));
    throw new Error(`no digits read ${x} back`);
  };
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const xs: number[] = [];
  const rng = createRng(7);
  for (let i = 0; i < 100_000; i++) {
    u[0] = Math.floor(rng.next() * 2 ** 32);
    if (Number.isFinite(f[0]) && !Object.is(f[0], -0)) xs.push(f[0]);
  }
  for (let e = -149; e < 128; e++) {
    for (const step of [-1, 0, 1]) {
      f[0] = 2 ** e;
      u[0] += step;
      if (Number.isFinite(f[0]) && f[0] !== 0) xs.push(f[0], -f[0]);
    }
  }
  for (const x of xs) assert.equal(float32String(x), fewestUp(x), `${x}`);
});

test('a saved model loads back with every parameter bit kept', () => {
  const m = model();
  const dir = tempDir('ts-model-');
  const path = join(dir, 'm.json');
  saveModel(path, m);
  const back = loadModel(path);
  assert.deepEqual(new Uint32Array(back.parameters.buffer), new Uint32Array(m.parameters.buffer));
  assert.deepEqual(back.classes, m.classes);
  assert.deepEqual(back.channels, m.channels);
  assert.deepEqual(back.normalization, m.normalization);
  assert.equal(back.readout, 'mean');
  assert.deepEqual(readdirSync(dir), ['m.json']); // no temp file left behind
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(doc.format, 'train-signals/rnn');
  assert.equal(doc.parameters.W_hh.length, 5);
  assert.equal(doc.parameters.W_xh[0].length, 2);
  assert.equal(doc.parameters.W_hy.length, 3);
});

test('a model file saved again as UTF-16 (PowerShell\'s >, Notepad\'s "Unicode") loads with every bit after its byte-order mark; without one, or big-endian, it is refused as such', () => {
  const m = model();
  const dir = tempDir('ts-model-');
  const path = join(dir, 'm.json');
  saveModel(path, m);
  const text = readFileSync(path, 'utf8');
  const le = join(dir, 'le.json');
  writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  assert.deepEqual(new Uint32Array(loadModel(le).parameters.buffer), new Uint32Array(m.parameters.buffer));
  const bare = join(dir, 'bare.json');
  writeFileSync(bare, Buffer.from(text, 'utf16le'));
  assert.throws(() => loadModel(bare), (e: unknown) => e instanceof UserError && e.message === `${bare}:1: UTF-16 text without a byte-order mark; save the model file as UTF-8, as train wrote it`);
  const be = join(dir, 'be.json');
  writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
  assert.throws(() => loadModel(be), (e: unknown) => e instanceof UserError && /:1: UTF-16 text, big-endian; save the model file as UTF-8/.test(e.message));
});

test('a bidirectional GRU with frame stacking loads back with every bit, its cell and its b_hn', () => {
  const m = randomModel(createRng(3), 2, 4, 3, 'last', true, 3, true, 'gru');
  const text = serializeModel(m);
  const back = parseModel(text, 'g.json');
  assert.deepEqual(parseModel('\ufeff' + text, 'bom.json').parameters, back.parameters, 'a UTF-8 byte-order mark in front is read past');
  assert.deepEqual(back.shape, m.shape);
  assert.equal(back.stride, 3);
  assert.deepEqual(new Uint32Array(back.parameters.buffer), new Uint32Array(m.parameters.buffer));
  const doc = JSON.parse(text);
  assert.equal(doc.cell, 'gru');
  assert.equal(doc.parameters.W_hh.length, 12); // 3H rows: r, z, n
  assert.equal(doc.parameters.b_hn.length, 4);
  assert.equal(doc.parameters.b_hn_r.length, 4);
  assert.equal(JSON.parse(serializeModel(model())).cell, 'rnn');
  const { cell: _, ...old } = JSON.parse(serializeModel(model()));
  assert.equal(cellOf(parseModel(JSON.stringify(old), 'old.json').shape), 'rnn'); // files without "cell"
  assert.throws(() => parseModel(JSON.stringify({ ...doc, cell: 'rnn' }), 'g.json'), /"b_hn" belongs to a GRU, but "cell" is "rnn"/);
  assert.throws(() => parseModel(JSON.stringify({ ...doc, cell: 'lstm' }), 'g.json'), /"cell" must be "rnn" or "gru"/);
});

test('a two-layer bidirectional GRU is version 2 with "layers": 2, and loads back with every bit', () => {
  const m = randomModel(createRng(4), 2, 4, 3, 'mean', true, 2, true, 'gru', false, false, 2);
  const text = serializeModel(m);
  const doc = JSON.parse(text);
  assert.equal(doc.version, 2);
  assert.equal(doc.layers, 2);
  assert.equal(doc.parameters.W_xh_l1.length, 12); // 3H rows …
  assert.equal(doc.parameters.W_xh_l1[0].length, 8); // … of [h_fwd; h_rev]
  assert.equal(doc.parameters.b_hn_l1_r.length, 4);
  const back = parseModel(text, 'two.json');
  assert.deepEqual(back.shape, m.shape);
  assert.deepEqual(new Uint32Array(back.parameters.buffer), new Uint32Array(m.parameters.buffer));
  assert.equal(JSON.parse(serializeModel(model())).version, 1, 'a one-layer model stays version 1');
  assert.equal(JSON.parse(serializeModel(model())).layers, undefined);
  const { layers: _, ...one } = doc;
  assert.throws(() => parseModel(JSON.stringify({ ...one, version: 1 }), 'two.json'), /"W_xh_l1" belongs to a model of two layers, but "layers" is not 2/);
  assert.throws(() => parseModel(JSON.stringify({ ...doc, version: 1 }), 'two.json'), /"version" 1 does not go with "layers" 2/);
});

test('bad model files are refused with a message naming the file', () => {
  const good = JSON.parse(serializeModel(model()));
  const cases: Array<[string, string, RegExp]> = [
    ['truncated', serializeModel(model()).slice(0, 200), /not valid JSON/],
    ['other format', JSON.stringify({ ...good, format: 'keras' }), /"format"/],
    ['a version of no number', JSON.stringify({ ...good, version: 'x' }), /"version" is "x", which is not supported \(this one reads model files of versions 1 and 2\)/],
    ['a version no train-signals wrote', JSON.stringify({ ...good, version: 0 }), /"version" is 0, which is not supported/],
    ['version 2 without two layers', JSON.stringify({ ...good, version: 2 }), /"version" 2 does not go with "layers" 1/],
    ['layers 3', JSON.stringify({ ...good, layers: 3 }), /"layers" must be 1 or 2/],
    ['wrong shape', JSON.stringify({ ...good, parameters: { ...good.parameters, W_hh: good.parameters.W_hh.slice(1) } }), /W_hh/],
    ['NaN', serializeModel(model()).replace(/"b_y": \[[^\]]*\]/, '"b_y": [NaN,0,0]'), /not valid JSON|finite/],
    ['null value', JSON.stringify({ ...good, parameters: { ...good.parameters, b_h: [null, 0, 0, 0, 0] } }), /b_h/],
    ['an empty class name', JSON.stringify({ ...good, classes: ['', ...good.classes.slice(1)] }), /"classes" must be names as data files give them: "" is empty/],
    ['a channel named twice', JSON.stringify({ ...good, channels: good.channels.map(() => 'x') }), /"channels" must not repeat a name \("x"\)/],
    // Names no CSV file gives: they could never match a label read from one, or print as another name, or act on a terminal.
    ['a class with a blank after it', JSON.stringify({ ...good, classes: ['run ', ...good.classes.slice(1)] }), /"classes" must be names as data files give them: "run " has blanks around it, which labels read from data files never have/],
    ['a class with an escape sequence', JSON.stringify({ ...good, classes: ['\u001b]0;PWNED\u0007run', ...good.classes.slice(1)] }), /"classes" must be names as data files give them: "\\u001b\]0;PWNED\\u0007run" holds a control character/],
    ['a class of half a surrogate pair', JSON.stringify({ ...good, classes: ['\ud800', ...good.classes.slice(1)] }), /"classes" must be names as data files give them: "\\ud800" holds half of a surrogate pair/],
    ['two classes that look the same (é composed and decomposed)', JSON.stringify({ ...good, classes: ['caf\u00e9', 'cafe\u0301', ...good.classes.slice(2)] }),
      /"classes" must not hold two classes that are the same text in other code points \("caf\\u\{e9\}" and "cafe\\u\{301\}"\)/],
    ['a channel with a NUL', JSON.stringify({ ...good, channels: ['a\u0000', ...good.channels.slice(1)] }), /"channels" must be names as data files give them: "a\\u0000" holds a control character/],
    ['a layout column with a control character', JSON.stringify({ ...good, layout: { format: 'auto', labelColumn: 'la\u0008bel', idColumn: 'id', timeColumn: 't' } }), /"layout" must hold "format"/],
  ];
  // A newer version's file is said to be one, not damaged.
  assert.throws(() => parseModel(JSON.stringify({ ...good, version: 3 }), 'new.json'), (e: unknown) => e instanceof UserError &&
    /^new\.json: a model file of version 3, written by a newer train-signals \(this one reads model files of versions 1 and 2\); upgrade train-signals to read it$/.test(e.message));
  for (const [name, text, re] of cases) {
    assert.throws(() => parseModel(text, 'bad.json'), (e: unknown) => {
      assert.ok(e instanceof UserError, name);
      assert.match(e.message, /^bad\.json:\d+(:\d+)?: /, name); // with the line of the fault
      assert.match(e.message, re, name);
      return true;
    });
  }
  // Channels and layout columns may keep blanks around them (an ARFF file's quoted attribute names do); classes never.
  const padded = parseModel(JSON.stringify({ ...good, channels: [' ax ', ...good.channels.slice(1)], layout: { format: 'auto', labelColumn: 'label ', idColumn: 'id', timeColumn: 't' } }), 'padded.json');
  assert.equal(padded.channels[0], ' ax ');
  // No "normalization" is no "not normalized" (null): raw values would silently meet a model trained on z-scores.
  const { normalization: _n, ...unnormalized } = good;
  assert.throws(() => parseModel(JSON.stringify(unnormalized), 'bad.json'), (e: unknown) => e instanceof UserError && /^bad\.json: "normalization" is missing \(null for a model that reads its inputs as they are\)/.test(e.message));
  const dir = tempDir('ts-model-');
  assert.throws(() => loadModel(join(dir, 'missing.json')), /not found/);
  assert.throws(() => loadModel(dir), /directory/);
  writeFileSync(join(dir, 'e.json'), '');
  assert.throws(() => loadModel(join(dir, 'e.json')), /not valid JSON/);
});

test('refuses to write a model holding NaN', () => {
  const m = model();
  m.parameters[3] = NaN;
  assert.throws(() => serializeModel(m), (e: unknown) => e instanceof UserError && /its parameters must all be finite/.test(e.message));
});

test('a model read from a FIFO waits for a writer that opens it later (without blocking in open or read, so Ctrl-C ends the wait), and a pipe that gives nothing says so', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir('model-fifo-');
  const file = join(dir, 'm.json');
  saveModel(file, model());
  const fifo = join(dir, 'fifo.json');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const writer = spawn('sh', ['-c', `sleep 0.3; cat '${file}' > '${fifo}'`], { stdio: 'ignore' });
  try {
    assert.deepEqual(loadModel(fifo), loadModel(file));
  } finally {
    writer.kill();
  }
  const script = join(dir, 'read.mjs');
  writeFileSync(script, `import { loadModel } from ${JSON.stringify(new URL('../src/io/model-file.js', import.meta.url).href)};
    try { loadModel('/dev/stdin'); } catch (e) { process.stdout.write(e.message); }`);
  const empty = spawnSync('sh', ['-c', `true | '${process.execPath}' '${script}'`], { encoding: 'utf8' });
  assert.equal(empty.stdout, '/dev/stdin: gave no bytes: the program writing to it wrote nothing; is this the right file?', empty.stderr);
});

test('a JSON of more values than any model holds is refused before parsing (V8 ends the process on an array past 2^27)', () => {
  assert.throws(() => parseModel(`[${','.repeat(100_000_001)}]`, 'huge.json'), (e: unknown) => e instanceof UserError && /huge\.json: holds more than 100,000,000 values/.test(e.message));
});

test('a model file carries the checksum of its text: a changed digit or field is refused as damaged, a CRLF checkout and a file with the line deleted still read', () => {
  const dir = tempDir('model-sum-');
  const file = join(dir, 'm.json');
  const m = model();
  saveModel(file, m);
  const text = readFileSync(file, 'utf8');
  assert.match(text.split('\n')[1], /^"checksum": "sha256:[0-9a-f]{64}",$/);
  const damaged = text.replace(/("b_y": \[)(-?)(\d)/, (_all, open: string, sign: string, d: string) => `${open}${sign}${(Number(d) + 1) % 10}`);
  assert.notEqual(damaged, text);
  assert.throws(() => parseModel(damaged, 'm.json'), (e: unknown) => e instanceof UserError && /m\.json: its checksum does not match its contents: the model file changed after train wrote it/.test(e.message));
  assert.throws(() => parseModel(text.replace('"readout": "mean"', '"readout": "last"'), 'm.json'), /checksum does not match/);
  assert.deepEqual(parseModel(text.replace(/\n/g, '\r\n'), 'm.json').parameters, m.parameters);
  assert.deepEqual(parseModel(text.trimEnd(), 'm.json').parameters, m.parameters, 'an editor that trims the last newline');
  assert.deepEqual(parseModel(`${text}\n\n`, 'm.json').parameters, m.parameters, 'or adds one');
  assert.throws(() => parseModel(text.replace('"checksum": "sha256:', '"checksum": "sha256:X'), 'm.json'), /m\.json: its "checksum" line is damaged/);
  const edited = parseModel(damaged.replace(/^"checksum".*\n/m, ''), 'm.json');
  assert.notDeepEqual(edited.parameters, m.parameters, 'read as edited, without the check');
});

test('a file whose "format" is a deeply nested value is refused in one short line (echoing it whole overflowed the stack: an internal error)', () => {
  const deep = `{"format":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  assert.throws(() => parseModel(deep, 'd.json'), (e: unknown) => e instanceof UserError && /^d\.json: is nested more than 32 levels deep/.test(e.message) && e.message.length < 200);
  assert.throws(() => parseModel('{"format": [[1]]}', 'd.json'), (e: unknown) => e instanceof UserError && /^d\.json:1: "format" is an array, expected "train-signals\/rnn"/.test(e.message));
  assert.throws(() => parseModel(JSON.stringify({ format: 'x'.repeat(10_000) }), 'd.json'), (e: unknown) => e instanceof UserError && e.message.length < 200);
  // Anywhere else (a training record printed by info --json, a checkpoint's hyperparameter compared): refused as read.
  const text = serializeModel(model()).split('\n').filter((l) => !/^"checksum"/.test(l)).join('\n');
  const nested = text.replace('"training": {', `"training": {"deep": ${'['.repeat(100_000)}${']'.repeat(100_000)},`);
  assert.notEqual(nested, text);
  assert.throws(() => parseModel(nested, 'd.json'), (e: unknown) => e instanceof UserError && /^d\.json: is nested more than 32 levels deep, deeper than any model file is/.test(e.message));
});
