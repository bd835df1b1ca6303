// The bad-input table, run through the built CLI's program (every eighth case also as a process of its own, as a
// user meets it): every malformed input file, model file, checkpoint or output path gives exactly one line on
// stderr, `train-signals: <file>:<line>[:<column>]: ...` (no file part for flag errors), exit code 2, and leaves
// the folder as it was: no model, no checkpoint, no temp file, and an existing model file unchanged. A UTF-8 BOM
// and CRLF line ends are accepted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runAll, start } from './helpers/spawn.js';
import { cliHere } from './helpers/cli-here.js';
import type { Run } from './helpers/cli.js';
import { serializeModel } from '../src/io/model-file.js';
import { initParameters } from '../src/model/init.js';
import { layoutOf } from '../src/model/layout.js';
import type { Model } from '../src/model/model.js';
import { createRng } from '../src/model/rng.js';
import { tempDir } from './helpers/temp.js';
import { checkClassesRecur } from '../src/train/preflight.js';

function modelText(channels: string[], classes: string[], H = 3): string {
  const shape = { D: channels.length, H, C: classes.length };
  const parameters = new Float32Array(layoutOf(shape).size);
  initParameters(parameters, shape, createRng(2));
  const m: Model = { shape, readout: 'mean', classes, channels, normalization: null, parameters, training: {} };
  return serializeModel(m);
}

const WIDE = 'label,t0,t1,t2\na,1,2,3\nb,3,2,1\na,1,2,2\nb,3,3,1\n';
const LONG = 'id,t,label,ax,ay,az\ns1,0,p,1,2,3\ns1,1,p,2,3,4\ns2,0,q,0,1,0\ns2,1,q,1,0,1\ns3,0,p,1,1,1\ns4,0,q,2,2,2\n';
// 30 channels, c0 … c29: messages name the first 20 and say how many more.
const MANY = Array.from({ length: 30 }, (_, d) => `c${d}`);
const MANY_LONG = `id,t,label,${MANY.join(',')}\n` + ['s1,0,p', 's1,1,p', 's2,0,q', 's3,0,p', 's4,0,q'].map((r, i) => `${r},${MANY.map((_, d) => (i + d) % 3).join(',')}`).join('\n') + '\n';
const MANY_SHOWN = 'c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, … 10 more';
const WIDE_MODEL = modelText(['value'], ['a', 'b']);
const LONG_MODEL = modelText(['ax', 'ay', 'az'], ['p', 'q']);
const withModel = (f: (m: any) => void, base = WIDE_MODEL): string => {
  const doc = JSON.parse(base);
  f(doc);
  return JSON.stringify(doc, null, 1);
};
const GZIP = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0x2c, 0xcb, 0x0a, 0x41, 0x00, 0xff]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0x08, 0, 0, 0, 0x21, 0, 0x5b, 0xff]); // a spreadsheet

type Content = string | Buffer | { dir: true };
interface Bad {
  name: string;
  files: Record<string, Content>; // written into a fresh folder, the CLI's working directory
  args: string[]; // without the common training flags (added for `train`)
  error: RegExp; // the whole line after `train-signals: `
}

const T = (...extra: string[]) => ['train', 'data.csv', ...extra];
const bad: Bad[] = [
  // ── CSV content ──
  { name: 'empty file', files: { 'data.csv': '' }, args: T(), error: /^data\.csv:1: the file is empty/ },
  { name: 'header only (wide)', files: { 'data.csv': 'label,t0,t1\n' }, args: T(), error: /^data\.csv:1: no sequences: the file has a header but no data rows/ },
  { name: 'header only (long)', files: { 'data.csv': 'id,t,label,x\n' }, args: T(), error: /^data\.csv:1: no sequences/ },
  { name: 'non-numeric cell', files: { 'data.csv': 'label,t0,t1\na,1,2\nb,1,abc\n' }, args: T(), error: /^data\.csv:3:3: non-numeric value "abc" in column "t1"/ },
  // on the first row, in a column no id goes by: a typo, not a long file (--id-column v1 would train on nonsense)
  { name: 'a typo on the first row', files: { 'data.csv': 'label,v0,v1\na,1,x\nb,2,3\n' }, args: T(), error: /^data\.csv:2:3: non-numeric value "x" in column "v1"; every value cell of a wide row must be a number \(a decimal number such as 1\.5 or -2e-3\)$/ },
  { name: 'a long file\'s id column under another name, on the first row', files: { 'data.csv': 'label,x,y,subject\na,1,2,s1\na,2,3,s1\n' }, args: T(), error: /^data\.csv:2:4: non-numeric value "s1" in column "subject"; .*; if each row is one time step \(the long layout\), name the id column: --id-column subject$/ },
  { name: 'NaN, gaps refused', files: { 'data.csv': 'label,t0,t1\na,1,2\nb,NaN,1\n' }, args: T('--gaps', 'refuse'), error: /^data\.csv:3:2: missing value NaN in column "t0" before the last value of the row; .*: fill the gap \(interpolate it, or repeat the value before it; without --gaps refuse the tool interpolates it\) or leave the row out$/ },
  { name: 'Infinity', files: { 'data.csv': 'label,t0\na,1\nb,-Infinity\n' }, args: T(), error: /^data\.csv:3:2: non-finite value "-Infinity"/ },
  { name: '1e400', files: { 'data.csv': 'label,t0\na,1\nb,1e400\n' }, args: T(), error: /^data\.csv:3:2: value "1e400" in column "t0" is out of float32 range/ },
  { name: 'missing label (wide)', files: { 'data.csv': 'label,t0\na,1\n,2\n' }, args: T(), error: /^data\.csv:3:1: missing label in column "label"/ },
  { name: 'empty label (long)', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\nr,0,  ,1\n' }, args: T(), error: /^data\.csv:3:3: missing label in column "label"/ },
  { name: 'no label column', files: { 'data.csv': 'a,b\n1,2\n' }, args: T(), error: /^data\.csv:1: the first row looks like a header .* but no column named "label"/ },
  { name: 'the same training file twice', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', './data.csv', '--out', 'm.json'], error: /^\.\/data\.csv: is named twice \(also as data\.csv\) among the training files; name each file once/ },
  { name: 'a --time-column not in the header', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\nr,0,b,1\n' }, args: T('--time-column', 'tme'), error: /^data\.csv:1: no time column named "tme" in the header \(id, t, label, x\); name an existing column \(--time-column\)/ },
  { name: 'an --id-column not in the header', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\nr,0,b,1\n' }, args: T('--id-column', 'sid'), error: /^data\.csv:1: no id column named "sid" in the first row \(id, t, label, x\); name an existing column/ },
  { name: 'a --label-column not in the header (long)', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\nr,0,b,1\n' }, args: T('--label-column', 'lab'), error: /^data\.csv:1: no label column named "lab" in the header \(id, t, label, x\); .*\(--label-column\)/ },
  { name: 'a single class', files: { 'data.csv': 'label,t0\na,1\na,2\n' }, args: T(), error: /^data\.csv: only one class \("a"\) in the training data/ },
  { name: 'wide row with no values', files: { 'data.csv': 'label,t0,t1\na,1,2\nb,,\n' }, args: T(), error: /^data\.csv:3: row has no values/ },
  { name: 'wide row longer than the header', files: { 'data.csv': 'label,t0\na,1,2\n' }, args: T(), error: /^data\.csv:2:3: row has 3 cells but the header has 2/ },
  { name: 'long: empty id', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\n,1,a,2\n' }, args: T(), error: /^data\.csv:3:1: empty id in column "id"/ },
  { name: 'long forced, no id column', files: { 'data.csv': WIDE }, args: T('--format', 'long'), error: /^data\.csv:1: the long layout needs a header with an id column named "id"/ },
  { name: 'long: duplicate (id, t)', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\nr,0,b,1\ns,0,a,2\n' }, args: T(), error: /^data\.csv:4:2: duplicate time 0 for id "s" \(also on line 2\)/ },
  { name: 'long: times past 2^53 that read as one', files: { 'data.csv': 'id,t,label,x\ns,9007199254740992,a,1\ns,9007199254740993,a,2\nr,0,b,1\n' }, args: T(), error: /^data\.csv:3:2: duplicate time 9007199254740992 for id "s" \(also on line 2\) \(numbers past 2\^53 lose their last digits: give the times in coarser units/ },
  { name: 'long: duplicate (id, t) after reordering', files: { 'data.csv': 'id,t,label,x\ns,2,a,1\ns,1,a,1\ns,2,a,3\nr,0,b,1\n' }, args: T(), error: /^data\.csv:4:2: duplicate time 2 for id "s" \(also on line 2\)/ },
  { name: 'long: empty time', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\ns,,a,2\n' }, args: T(), error: /^data\.csv:3:2: empty time in column "t"; every row needs its time, which orders its sequence's steps: write it in, or leave the row out$/ },
  { name: 'long: non-numeric time', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\ns,later,a,2\n' }, args: T(), error: /^data\.csv:3:2: time "later" in column "t" is neither a number nor an ISO 8601 date and time; the time column must hold finite numbers, or dates and times such as/ },
  { name: 'long: label changes within a sequence', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\nr,0,b,1\ns,1,b,2\n' }, args: T(), error: /^data\.csv:4:3: label changes from "a" to "b" within sequence "s" \(first row on line 2\); a sequence has one label: a recording whose class changes is several sequences, so give each stretch of one label \(or each window of it\) an id of its own \(docs\/data\.md, "One recording labelled row by row"\)$/ },
  { name: 'long: too few cells', files: { 'data.csv': 'id,t,label,x\ns,0,a,1\ns,1,a\n' }, args: T(), error: /^data\.csv:3: ragged long-format row: 3 cells but the header has 4; every row needs one cell per column \(a line cut short, as a logger stopped mid-line leaves it, must be completed or removed; an empty cell, at a row's end too, still needs its separator\)$/ },
  { name: 'long: too many cells', files: { 'data.csv': 'id,t,label,x\ns,0,a,1,9\n' }, args: T(), error: /^data\.csv:2: ragged long-format row: 5 cells but the header has 4; every row needs one cell per column; a row one cell longer/ },
  { name: 'unterminated quote', files: { 'data.csv': 'label,t0\na,1\n"b,2\nc,3\n' }, args: T(), error: /^data\.csv:3: unterminated quote/ },
  { name: 'damaged gzip', files: { 'data.csv': GZIP }, args: T(), error: /^data\.csv:1: not a whole gzip file \(Z_[A-Z_]+: .*\); it is damaged or cut short/ },
  { name: 'binary garbage (zip)', files: { 'data.csv': ZIP }, args: T(), error: /^data\.csv:1: compressed or archived \(zip\), not CSV text; unpack it first/ },
  { name: 'Latin-1 labels (café, cafè)', files: { 'data.csv': Buffer.from('label,t0\ncaf\xe9,1\ncaf\xe8,2\n', 'latin1') }, args: T(), error: /^data\.csv:2:1: text that is not UTF-8 .*; save the file as UTF-8/ },
  { name: 'a Latin-1 channel name (long)', files: { 'data.csv': Buffer.from('id,t,label,\xb5V\ns,0,a,1\nr,0,b,1\n', 'latin1') }, args: T(), error: /^data\.csv:1:4: text that is not UTF-8/ },
  { name: 'a Latin-1 byte in a value', files: { 'data.csv': Buffer.from('label,t0,t1\na,1,2\nb,1,2\xb0\n', 'latin1') }, args: T(), error: /^data\.csv:3:3: text that is not UTF-8/ },
  { name: 'NUL bytes in a cell', files: { 'data.csv': Buffer.from('label,t0,t1\na,1,2\nb,1,\0\0\n') }, args: T(), error: /^data\.csv:3:3: binary data/ },
  { name: 'a directory instead of a file', files: { 'data.csv': { dir: true } }, args: T(), error: /^data\.csv: is a directory, not a CSV file/ },
  { name: 'a missing file', files: {}, args: T(), error: /^data\.csv: no such file; check the path$/ },
  { name: 'a missing file beside one a slip away', files: { 'dtaa.csv': WIDE }, args: T(), error: /^data\.csv: no such file; check the path; did you mean dtaa\.csv\?$/ },
  { name: 'a missing model file beside one a slip away', files: { 'data.csv': WIDE, 'mdoel.json': '{}' }, args: ['evaluate', '--model', 'model.json', 'data.csv'], error: /^model\.json: model file not found; check the path given to --model; did you mean mdoel\.json\?$/ },
  { name: 'two training files with other channels', files: { 'data.csv': LONG, 'more.csv': LONG.replace('az', 'bz') }, args: ['train', 'data.csv', 'more.csv'], error: /^more\.csv:1: channels \[ax, ay, bz\] differ from \[ax, ay, az\] of data\.csv/ },
  { name: 'two training files, one with a channel of 30 renamed', files: { 'data.csv': MANY_LONG, 'more.csv': MANY_LONG.replace(',c25,', ',x25,') }, args: ['train', 'data.csv', 'more.csv'], error: new RegExp(`^more\\.csv:1: channels \\[${MANY_SHOWN}\\] differ from \\[${MANY_SHOWN}\\] of data\\.csv \\("x25" where it has "c25"\\); files loaded together`) },
  // ── --test files, parsed before training ──
  { name: '--test: a bad cell', files: { 'data.csv': WIDE, 'test.csv': 'label,t0\na,1\nb,x1\n' }, args: T('--test', 'test.csv'), error: /^test\.csv:3:2: non-numeric value "x1"/ },
  { name: '--test: missing', files: { 'data.csv': WIDE }, args: T('--test', 'nope.csv'), error: /^nope\.csv: no such file/ },
  { name: '--test: other channel count', files: { 'data.csv': LONG, 'test.csv': WIDE }, args: T('--test', 'test.csv'), error: /^test\.csv:1: has 1 channel\(s\) \[value\] but the training data has 3 \[ax, ay, az\]/ },
  { name: '--test: other channel names', files: { 'data.csv': LONG, 'test.csv': LONG.replace('ay', 'gy') }, args: T('--test', 'test.csv'), error: /^test\.csv:1: channels \[ax, gy, az\] differ from the training data's \[ax, ay, az\]/ },
  { name: '--test: a channel of 30 renamed', files: { 'data.csv': MANY_LONG, 'test.csv': MANY_LONG.replace(',c25,', ',x25,') }, args: T('--test', 'test.csv'), error: new RegExp(`^test\\.csv:1: channels \\[${MANY_SHOWN}\\] differ from the training data's \\[${MANY_SHOWN}\\] \\("x25" where it has "c25"\\); give data`) },
  // ── --init model files ──
  { name: '--init: other channel count', files: { 'data.csv': WIDE, 'm.json': LONG_MODEL }, args: T('--init', 'm.json'), error: /^data\.csv:1: has 1 channel\(s\) \[value\] but the --init model has 3 \[ax, ay, az\]/ },
  { name: '--init: other channel names', files: { 'data.csv': LONG.replace('az', 'gz'), 'm.json': LONG_MODEL }, args: T('--init', 'm.json'), error: /^data\.csv:1: channels \[ax, ay, gz\] differ from the --init model's \[ax, ay, az\]/ },
  { name: '--init: other classes', files: { 'data.csv': WIDE, 'm.json': modelText(['value'], ['a', 'c']) }, args: T('--init', 'm.json'), error: /^data\.csv: classes \[a, b\] differ from the --init model's \[a, c\]/ },
  { name: '--init: truncated', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL.slice(0, 300) }, args: T('--init', 'm.json'), error: /^m\.json:\d+:\d+: not valid JSON: .*the model file is damaged/ },
  { name: '--init: another format', files: { 'data.csv': WIDE, 'm.json': withModel((m) => (m.format = 'keras/h5')) }, args: T('--init', 'm.json'), error: /^m\.json:3: "format" is "keras\/h5", expected "train-signals\/rnn"/ },
  { name: '--init: another version', files: { 'data.csv': WIDE, 'm.json': withModel((m) => (m.version = 99)) }, args: T('--init', 'm.json'), error: /^m\.json: a model file of version 99, written by a newer train-signals \(this one reads model files of versions 1 and 2\); upgrade train-signals to read it$/ },
  { name: '--init: wrong shapes', files: { 'data.csv': WIDE, 'm.json': withModel((m) => m.parameters.W_hh.pop()) }, args: T('--init', 'm.json'), error: /^m\.json:\d+: "W_hh" must have 3 rows of 3/ },
  { name: '--init: NaN in the text', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL.replace(/"b_y": \[[^\]]*\]/, '"b_y": [NaN,0]') }, args: T('--init', 'm.json'), error: /^m\.json:\d+:\d+: not valid JSON: unexpected "N" \(NaN and Infinity cannot be stored in JSON\)/ },
  { name: '--init: a number that overflows to Infinity', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL.replace(/"b_h": \[[^,\]]*/, '"b_h": [1e999') }, args: T('--init', 'm.json'), error: /^m\.json:\d+: "b_h" holds a value that is not a finite number/ },
  { name: '--init: a bias beyond float32 (1e39)', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL.replace(/"b_h": \[[^,\]]*/, '"b_h": [1e39') }, args: T('--init', 'm.json'), error: /^m\.json:\d+: "b_h" holds 1e\+39, beyond float32's range/ },
  { name: 'evaluate: a file without a label column (for predict)', files: { 'data.csv': 't0,t1,t2\n1,2,3\n', 'm.json': WIDE_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^data\.csv:1: the first row looks like a header .* but no column named "label" .*, or remove the header; a file without labels is for predict \(evaluate scores labelled files\)$/ },
  { name: 'evaluate: a normalization mean beyond float32', files: { 'data.csv': WIDE, 'm.json': withModel((m) => (m.normalization = { mean: [1e39], std: [1] })) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json:\d+: "normalization\.mean" holds 1e\+39, beyond float32's range/ },
  { name: 'evaluate: a zero standard deviation', files: { 'data.csv': WIDE, 'm.json': withModel((m) => (m.normalization = { mean: [0], std: [0] })) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json:\d+: "normalization\.std" must hold positive numbers/ },
  { name: 'evaluate: a subnormal standard deviation', files: { 'data.csv': WIDE, 'm.json': withModel((m) => (m.normalization = { mean: [0], std: [1e-40] })) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json:\d+: "normalization\.std" must hold positive numbers/ },
  { name: '--init: a CSV file', files: { 'data.csv': WIDE }, args: T('--init', 'data.csv'), error: /^data\.csv:1: this looks like a data file, not a model file/ },
  { name: '--init: a directory', files: { 'data.csv': WIDE, 'm.json': { dir: true } }, args: T('--init', 'm.json'), error: /^m\.json: is a directory/ },
  { name: 'a long file read with --format wide (given, or a model\'s layout)', files: { 'data.csv': LONG }, args: ['train', 'data.csv', '--format', 'wide'], error: /^data\.csv:1:2: column "t" comes before the label column "label", with values after it, beside the id column "id": if each row is one time step \(the long layout\), give --format long \(the file is read with --format wide, given or the layout the model was trained with\); else remove it$/ },
  { name: '--id-column in another letter case', files: { 'data.csv': 'device,t,label,ax\ns1,0,p,1\ns1,1,p,2\n' }, args: ['train', 'data.csv', '--id-column', 'Device', '--time-column', 't'], error: /^data\.csv:1: the long layout needs a header with an id column named "Device" .*; the header has it in another letter case: --id-column device$/ },
  { name: '--time-column in another letter case', files: { 'data.csv': 'id,ms,label,ax\ns1,0,p,1\ns1,1,p,2\n' }, args: ['train', 'data.csv', '--time-column', 'MS'], error: /^data\.csv:1: no time column named "MS" in the header .*; the header has it in another letter case: --time-column ms$/ },
  { name: 'a headerless file whose label is last (text)', files: { 'data.csv': '0.5,0.25,bell\n0.75,0.125,cylinder\n' }, args: T(), error: /^data\.csv:1:3: non-numeric value "bell" in column 3; .*; a file without a header has its label first and numbers after it: put the label first, or add a header row naming the label column "label" \(a file of one row per time step, the long layout, names its "id" column there too\)$/ },
  { name: 'a long file read as wide (its id column has another name, its label last)', files: { 'data.csv': 'subject,t,ax,label\n1,0,1,p\n1,1,2,p\n2,0,3,q\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1: the first row names a time column, "t", but no id column named "id" \(subject, t, ax, label\): a file of one row per time step \(the long layout\) needs a column naming each row's sequence; name yours \(--id-column\); if the file is one recording with a class a row, cut it into windows, each a sequence with an id \(docs\/data\.md, "One recording labelled row by row"\); if each row is a whole sequence, give --format wide \(with --id-column t if that column names or times the rows rather than holding a sample\)$/ },
  { name: 'a long file without an id column (one recording, a time column named time)', files: { 'data.csv': 'Time,ax,label\n0,1,p\n1,2,p\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1: the first row names a time column, "Time", but no id column named "id" \(Time, ax, label\): .*name yours \(--id-column\) and the time column \(--time-column Time\); if the file is one recording .*; if each row is a whole sequence, give --format wide \(with --id-column Time .*\)$/ },
  // A device audit's finds: a phone app's `Time (s)` beside a label column trained as wide rows of one sequence each,
  // and a logger's recording without a label column was told to remove its header (its clock then the labels).
  { name: "a long file without an id column (a phone app's \"Time (s)\")", files: { 'data.csv': 'label,"Time (s)",ax,ay\na,0.00,1,2\na,0.01,2,3\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1: the first row names a time column, "Time \(s\)", but no id column named "id" .*name yours \(--id-column\) and the time column \(--time-column 'Time \(s\)'\); if the file is one recording .*; if each row is a whole sequence, give --format wide/ },
  { name: 'a long file without an id column (Polar\'s "sensor timestamp [ns]", numbers: the review\'s find)', files: { 'data.csv': 'label,sensor timestamp [ns],ax\na,599000000000000000,1\na,599000000007692307,2\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1: the first row names a time column, "sensor timestamp \[ns\]", but no id column named "id"/ },
  { name: "a logger's recording (a clock, no id and no label column)", files: { 'data.csv': 'millis,ax,ay,az\n1523,0.1,0.2,0.3\n1543,0.2,0.3,0.4\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1: the first row names a time column, "millis", but neither an id column "id" nor a label column "label" \(millis, ax, ay, az\): a recording of one row per time step, most likely; .*\(docs\/data\.md, "One file per recording"\), or name yours \(--id-column, --label-column\); to train on one recording with a class a row, cut it into windows \(docs\/data\.md, "One recording labelled row by row"\)$/ },
  { name: 'a long file read as wide (its id column has another name)', files: { 'data.csv': 'device,t,label,ax\ns1,0,p,1\ns1,1,p,2\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1:1: column "device" comes before the label column "label", with values after it; if each row is one time step \(the long layout\), name the id column: --id-column device; if each row is a whole sequence and the column names it, --format wide --id-column device and remove "t"; else remove the columns$/ },
  { name: 'a wide header naming the label column twice', files: { 'data.csv': 'label,t0,label\na,1,x\nb,2,y\n' }, args: ['train', 'data.csv'], error: /^data\.csv:1: the header names column "label" twice \(columns 1 and 3\); name each column once/ },
  { name: 'info: a missing model file', files: {}, args: ['info', 'gone.json'], error: /^gone\.json: model file not found; check the path given to info/ },
  { name: '--init: missing', files: { 'data.csv': WIDE }, args: T('--init', 'gone.json'), error: /^gone\.json: model file not found/ },
  // ── evaluate ──
  { name: 'evaluate: other channel count', files: { 'data.csv': WIDE, 'm.json': LONG_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^data\.csv:1: has 1 channel\(s\) \[value\] but the model has 3 \[ax, ay, az\]; give data with the same channels in the same order$/ }, // no --channels: it cannot add channels
  { name: 'train: a model file as the training data', files: { 'm.json': LONG_MODEL }, args: ['train', 'm.json', '--out', 'out.json'], error: /^m\.json:1: this looks like a JSON file \(a model file or checkpoint\?\), not a data file; give the CSV files of labelled sequences here$/ },
  { name: 'predict: the model without --model', files: { 'data.csv': LONG, 'm.json': LONG_MODEL }, args: ['predict', 'm.json', 'data.csv'], error: /^predict needs --model \(m\.json looks like a model file: put --model before it\): / },
  { name: 'evaluate: a data file as the model (arguments swapped)', files: { 'data.csv': WIDE, 'm.json': LONG_MODEL }, args: ['evaluate', '--model', 'data.csv', 'm.json'], error: /^data\.csv:1: this looks like a data file, not a model file \(its first line: "label,t0,t1/ },
  { name: 'info: a data file in the long layout', files: { 'data.csv': LONG }, args: ['info', 'data.csv'], error: /^data\.csv:1: this looks like a data file, not a model file \(its first line: "id,t,label,ax,ay,az"\); give a model file that train wrote$/ },
  { name: 'evaluate: other channel names', files: { 'data.csv': LONG.replace('ax', 'gx'), 'm.json': LONG_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^data\.csv:1: channels \[gx, ay, az\] differ from the model's \[ax, ay, az\]/ },
  { name: 'evaluate: truncated model', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL.slice(0, -40) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json:\d+:\d+: not valid JSON/ },
  { name: 'evaluate: a model file of {} (it said "format" is undefined)', files: { 'data.csv': WIDE, 'm.json': '{}' }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json: no "format" is named \(a model file names "train-signals\/rnn"\)/ },
  { name: 'evaluate: a model file of a list', files: { 'data.csv': WIDE, 'm.json': '[1,2,3]' }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json: not a JSON object \(a list\)/ },
  { name: '--resume: a checkpoint of {}', files: { 'data.csv': WIDE, 'c.ckpt': '{}' }, args: T('--resume', 'c.ckpt'), error: /^c\.ckpt: no "format" is named \(a checkpoint names "train-signals\/checkpoint"\)/ },
  { name: 'evaluate: NaN in a model', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL.replace(/"b_y": \[[^\]]*\]/, '"b_y": [0,NaN]') }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^m\.json:\d+:\d+: not valid JSON: unexpected "N"/ },
  { name: 'evaluate: a bad cell', files: { 'data.csv': 'label,t0\na,1\nb,--1\n', 'm.json': WIDE_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^data\.csv:3:2: non-numeric value "--1"/ },
  { name: 'evaluate: a channel of 30 renamed', files: { 'data.csv': MANY_LONG.replace(',c25,', ',x25,'), 'm.json': modelText(MANY, ['p', 'q']) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: new RegExp(`^data\\.csv:1: channels \\[${MANY_SHOWN}\\] differ from the model's \\[${MANY_SHOWN}\\] \\("x25" where it has "c25"\\)`) },
  { name: 'evaluate: 30 channels for a model of 3', files: { 'data.csv': MANY_LONG, 'm.json': LONG_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: new RegExp(`^data\\.csv:1: has 30 channel\\(s\\) \\[${MANY_SHOWN}\\] but the model has 3 \\[ax, ay, az\\]`) },
  // ── predict and export ──
  { name: 'predict: other channel names', files: { 'data.csv': LONG.replace('ax', 'gx'), 'm.json': LONG_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv'], error: /^data\.csv:1: channels \[gx, ay, az\] differ from the model's \[ax, ay, az\]/ },
  { name: 'predict: channels picked in another order (--channels)', files: { 'data.csv': LONG, 'm.json': LONG_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--channels', 'ay,ax,az'], error: /^data\.csv:1: channels \[ay, ax, az\] differ from the model's \[ax, ay, az\]/ },
  { name: 'predict: --out is the input file', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'data.csv'], error: /^--out data\.csv: is one of the input files/ },
  { name: 'predict: a bad cell', files: { 'data.csv': 'label,t0\na,1\nb,1;2\n', 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'p.csv'], error: /^data\.csv:3:2: non-numeric value "1;2"/ },
  { name: 'predict: other channel count', files: { 'data.csv': WIDE, 'm.json': LONG_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'p.csv'], error: /^data\.csv:1: has 1 channel\(s\) \[value\] but the model has 3 \[ax, ay, az\]; give data with the same channels/ },
  { name: 'export: --onnx in a missing folder', files: { 'm.json': WIDE_MODEL }, args: ['export', '--model', 'm.json', '--onnx', 'gone/m.onnx'], error: /^--onnx gone\/m\.onnx: the folder .*gone does not exist; create it/ },
  // ── --resume checkpoints ──
  { name: '--init: missing', files: { 'data.csv': WIDE }, args: T('--init', 'gone.json'), error: /^gone\.json: model file not found; check the path given to --init/ },
  { name: 'evaluate --model: a checkpoint', files: { 'data.csv': WIDE, 'c.ckpt': '{"format":"train-signals/checkpoint","version":1}' }, args: ['evaluate', '--model', 'c.ckpt', 'data.csv'], error: /^c\.ckpt: this is a checkpoint, not a model file; continue the run with train … --resume c\.ckpt, which writes the model/ },
  { name: '--resume: a model file', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: T('--resume', 'm.json'), error: /^m\.json: this is a model file, not a checkpoint/ },
  { name: '--resume: a data file', files: { 'data.csv': WIDE }, args: T('--resume', 'data.csv'), error: /^data\.csv:1: this looks like a data file, not a checkpoint \(its first line: "label,t0,t1,t2"\); give --resume the \.ckpt file train wrote$/ },
  { name: '--resume: a file of notes (not a checkpoint: no advice to delete it)', files: { 'data.csv': WIDE, 'notes.txt': 'precious notes\n' }, args: T('--resume', 'notes.txt'), error: /^notes\.txt:1:1: not valid JSON \(unexpected "p"\), so not a checkpoint; give the \.ckpt file train wrote/ },
  { name: '--resume: truncated', files: { 'data.csv': WIDE, 'c.ckpt': '{"format":"train-signals/checkpoint","version":1,"model":{"sha' }, args: T('--resume', 'c.ckpt'), error: /^c\.ckpt:1:\d+: not valid JSON: unterminated string; the checkpoint is damaged, perhaps truncated/ },
  { name: '--resume: missing', files: { 'data.csv': WIDE }, args: T('--resume', 'c.ckpt'), error: /^c\.ckpt: checkpoint not found/ },
  // ── output paths and flags (no file part) ──
  { name: 'predict: --out in a missing folder', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'gone/p.csv'], error: /^--out gone\/p\.csv: the folder .*gone does not exist; create it/ },
  { name: '--report in a missing folder', files: { 'data.csv': WIDE }, args: T('--report', 'gone/r.html'), error: /^--report gone\/r\.html: the folder .*gone does not exist; create it/ },
  { name: '--out in a missing folder', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', '--out', 'no/such/m.json'], error: /^--out no\/such\/m\.json: the folder .*such does not exist; create it/ },
  // An ops audit's find: `--out=~/m.json` (no expansion after =) was told only that the folder ./~ does not exist.
  { name: '--report=~/r.html, the ~ not expanded', files: { 'data.csv': WIDE }, args: T('--report=~/r.html'), error: /^--report ~\/r\.html: the folder .*\/~ does not exist; the ~ was not expanded \(a shell expands it only at the start of a word and unquoted, so not after = nor in quotes\): write the full path$/ },
  { name: 'a data file "~/data.csv", quoted', files: { 'data.csv': WIDE }, args: ['train', '~/data.csv'], error: /^~\/data\.csv: no such file; check the path; the ~ was not expanded/ },
  { name: '--out is a folder', files: { 'data.csv': WIDE, 'models': { dir: true } }, args: ['train', 'data.csv', '--out', 'models'], error: /^--out models: is a folder; give a file name/ },
  { name: '--out is the training file', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', '--out', 'data.csv'], error: /^--out data\.csv: is one of the input files/ },
  { name: '--out is the training file by another spelling', files: { 'data.csv': WIDE }, args: ['train', './data.csv', '--out', 'data.csv'], error: /^--out data\.csv: is one of the input files/ },
  { name: '--checkpoint names a file that is not a checkpoint', files: { 'data.csv': WIDE, 'other.csv': WIDE }, args: T('--checkpoint', 'other.csv'), error: /^other\.csv: a file that is not a checkpoint is there, and training would write its checkpoint over it; give another --checkpoint/ },
  { name: '--out is the --resume checkpoint', files: { 'data.csv': WIDE, 'run.ckpt': '{}' }, args: T('--resume', 'run.ckpt', '--out', 'run.ckpt'), error: /^--out run\.ckpt: is the --resume checkpoint; writing it would destroy it/ },
  { name: '--report is the --resume checkpoint', files: { 'data.csv': WIDE, 'run.ckpt': '{}' }, args: T('--resume', 'run.ckpt', '--report', 'run.ckpt'), error: /^--report run\.ckpt: is the --resume checkpoint; writing it would destroy it/ },
  { name: 'train --test: a value that overflows float32 under the training data\'s normalization (refused before training, not after the model is written)', files: { 'data.csv': 'label,t0,t1,t2\na,0.001,0.002,0.003\nb,0.003,0.002,0.001\na,0.001,0.002,0.002\nb,0.003,0.003,0.001\n', 'test.csv': 'label,t0,t1,t2\na,1,3e38,2\n' }, args: T('--test', 'test.csv', '--normalize', 'zscore'), error: /^test\.csv:2: sequence "1": a value of channel "value" overflows float32 once normalized/ },
  { name: 'evaluate: a label that is a class of the model in another Unicode form', files: { 'data.csv': 'label,t0,t1,t2\ncafe\u0301,1,2,3\nb,3,2,1\n', 'm.json': modelText(['value'], ['caf\u00e9', 'b']) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^data\.csv:2: label "cafe\\u\{301\}" is the class "caf\\u\{e9\}" written in another Unicode form/ },
  { name: 'train --test: a label that is a training class in another Unicode form', files: { 'data.csv': 'label,t0,t1,t2\ncaf\u00e9,1,2,3\nb,3,2,1\ncaf\u00e9,1,2,2\nb,3,3,1\n', 'test.csv': 'label,t0,t1,t2\ncafe\u0301,1,2,3\n' }, args: T('--test', 'test.csv'), error: /^test\.csv:2: label "cafe\\u\{301\}" is the class "caf\\u\{e9\}" written in another Unicode form/ },
  { name: '--report is the --init model', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: T('--init', 'm.json', '--report', 'm.json'), error: /^--report m\.json: is the --init model; writing it would destroy it/ },
  { name: 'evaluate --report is the test file', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv', '--report', 'data.csv'], error: /^--report data\.csv: is one of the input files/ },
  { name: 'evaluate --report is the model', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv', '--report', './m.json'], error: /^--report \.\/m\.json: is the --model file/ },
  { name: 'export --onnx is the model', files: { 'm.json': WIDE_MODEL }, args: ['export', '--model', 'm.json', '--onnx', 'm.json'], error: /^--onnx m\.json: is the --model file/ },
  { name: 'export --safetensors is --onnx', files: { 'm.json': WIDE_MODEL }, args: ['export', '--model', 'm.json', '--onnx', 'x.out', '--safetensors', 'x.out'], error: /^--safetensors x\.out: is also the path of --onnx/ },
  { name: '--checkpoint in a missing folder', files: { 'data.csv': WIDE }, args: T('--checkpoint', 'gone/c.ckpt'), error: /^--checkpoint gone\/c\.ckpt: the folder .* does not exist/ },
  { name: '--checkpoint equals --out', files: { 'data.csv': WIDE }, args: T('--checkpoint', 'model.json'), error: /^--checkpoint model\.json: is also the path of --out/ },
  { name: 'channels, the label, then a subject (pandas: df["label"], df["subject"] appended to a long frame): the subject named (a second review\'s find)', files: { 'data.csv': 'acc_x,acc_y,acc_z,label,subject\n1,2,3,a,s1\n2,3,4,a,s1\n' }, args: T(), error: /^data\.csv:1:5: column "subject" comes after the label column "label", with values before it; .*name the id column: --id-column subject;/ },
  { name: 'a column before the label beside the id column given: removed, not made the id (a second review\'s find: --id-column day, then --id-column LCLid, a loop)', files: { 'data.csv': 'LCLid,day,label,h0,h1\nM1,d1,a,1,2\n' }, args: T('--format', 'wide', '--id-column', 'LCLid'), error: /^data\.csv:1:2: column "day" comes before the label column "label", with values after it, beside the id column "LCLid": if each row is one time step \(the long layout\), give --format long .*; else remove it$/ },
  { name: 'columns before the label beside the id column given: all of them named (a third review\'s find)', files: { 'data.csv': 'rec,subject,session,label,v0,v1\nr1,s1,1,a,1,2\n' }, args: T('--format', 'wide', '--id-column', 'rec'), error: /^data\.csv:1:2: columns "subject" and "session" come before the label column "label", with values after them, beside the id column "rec": .*; else remove them$/ },
  { name: 'a long file without an id column whose rows are named by three columns (a review\'s find: a channel was named as the id)', files: { 'data.csv': 'subject,trial,t,label,x,y\ns1,1,0,a,1,2\ns1,1,1,a,2,3\n' }, args: T(), error: /^data\.csv:1:1: column "subject" comes before the label column "label", with values after it; .*name the id column: --id-column subject; .*--format wide --id-column subject and remove "trial" and "t"; else remove the columns$/ },
  { name: 'a wide file with a named column before its label and values after it (pandas index_label)', files: { 'data.csv': 'idx,label,0,1,2\n0,a,1,2,3\n1,b,3,2,1\n' }, args: T(), error: /^data\.csv:1:1: column "idx" comes before the label column "label", with values after it; .*--format wide --id-column idx/ },
  { name: 'every sequence a class of its own (a headerless file whose label is last)', files: { 'data.csv': '0.5,0.25,1\n0.75,0.125,2\n0.375,0.5,1\n0.625,0.875,2\n' }, args: T(), error: /^data\.csv: each of the 4 sequences has a label of its own \(0\.375, 0\.5, 0\.625, 0\.75\), all of them fractional numbers like signal values; .*--label-column.*paste -d, labels\.csv values\.csv > train\.csv, or paste -d' ' where values are separated by blanks\)$/ },
  { name: 'nine in ten sequences a class of their own (a headerless file whose first value recurs once)', files: { 'data.csv': '0.100,0.238,0.544\n0.137,0.370,0.604\n0.174,0.626,0.066\n0.211,0.013,0.837\n0.248,0.259,0.234\n0.285,0.996,0.470\n0.322,0.836,0.476\n0.359,0.639,0.151\n0.396,0.635,0.868\n0.433,0.523,0.741\n0.470,0.671,0.064\n0.507,0.758,0.591\n0.544,0.301,0.031\n0.581,0.866,0.473\n0.618,0.719,0.879\n0.655,0.714,0.921\n0.692,0.395,0.801\n0.729,0.445,0.936\n0.766,0.879,0.097\n0.137,0.136,0.217\n' }, args: T(), error: /^data\.csv: the 20 sequences have 19 labels, nearly one each \(0\.100, 0\.137, 0\.174, 0\.211, … 15 more\), all of them fractional numbers like signal values; .*--label-column.*paste -d, labels\.csv values\.csv > train\.csv, or paste -d' ' where values are separated by blanks\)$/ },
  { name: '--time-column for a wide file', files: { 'data.csv': WIDE }, args: T('--time-column', 'tt'), error: /^data\.csv:1: no time column named "tt" in the first row \(label, t0, t1, t2\); --time-column names the time column of a long-layout file/ },
  { name: '--hidden past the limit with the default members', files: { 'data.csv': WIDE }, args: T('--hidden', '1400'), error: /^--hidden 1400 with the default --members 3 makes 4200 hidden units, more than 4096; lower --hidden \(to 1365 at most\) or give --members 1$/ },
  { name: '--lr 0', files: { 'data.csv': WIDE }, args: T('--lr', '0'), error: /^--lr must be a number > 0 \(got 0\)/ },
  { name: '--threads 300', files: { 'data.csv': WIDE }, args: T('--threads', '300'), error: /^--threads must be auto or a whole number from 1 to 256/ },
  { name: 'predict: a headerless file without labels', files: { 'm.json': WIDE_MODEL, 'nolabel.csv': '0.52,1,2\n-0.25,3,4\n' }, args: ['predict', '--model', 'm.json', 'nolabel.csv'], error: /^nolabel\.csv:1:1: the first cell, 0\.52, would be the label \(a file without a header has its label first\), but it is a number and none of the model's classes \(a, b\); put each row's label first, or give the file a header row/ },
  { name: 'an ONNX export as the model', files: { 'data.csv': WIDE, 'm.onnx': Buffer.from([0x08, 0x08, 0x12, 0x0d]) }, args: ['predict', '--model', 'm.onnx', 'data.csv'], error: /^m\.onnx: an ONNX export, which this tool writes but does not read; give the model file \(\.json\) train wrote/ },
  { name: 'a gzip-compressed model', files: { 'data.csv': WIDE, 'm.json.gz': gzipSync(WIDE_MODEL) }, args: ['predict', '--model', 'm.json.gz', 'data.csv'], error: /^m\.json\.gz:1: gzip-compressed; unpack it first \(gunzip\)/ },
  { name: 'evaluate: no label is a class of the model', files: { 'm.json': WIDE_MODEL, 'other.csv': 'label,t0,t1\nq,1,2\nr,3,4\n' }, args: ['evaluate', '--model', 'm.json', 'other.csv'], error: /^other\.csv: none of its labels \(q, r\) is a class of the model \(a, b\); give data of those classes/ },
  { name: 'train --test: no label is a class of the training data (refused before training)', files: { 'data.csv': WIDE, 'other.csv': 'label,t0,t1,t2\nzebra,1,2,3\n' }, args: T('--test', 'other.csv'), error: /^other\.csv: none of its labels \(zebra\) is a class of the training data \(a, b\)/ },
  { name: 'evaluate: a headerless file without labels', files: { 'm.json': WIDE_MODEL, 'nolabel.csv': '-1.5e-3,1,2\n' }, args: ['evaluate', '--model', 'm.json', 'nolabel.csv'], error: /^nolabel\.csv:1:1: the first cell, -1\.5e-3, would be the label/ },
  { name: 'train --files (the files take no flag)', files: { 'data.csv': WIDE }, args: ['train', '--files', 'data.csv'], error: /^--files is not a flag: give the file\(s\) without one, e\.g\. train-signals train data\.csv/ },
  { name: 'evaluate --files after a file (yargs dropped it, exit 0)', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv', '--files', 'nope.csv'], error: /^--files is not a flag: give the file\(s\) without one/ },
  { name: 'info: a second file', files: { 'm.json': WIDE_MODEL }, args: ['info', 'm.json', 'extra.json'], error: /^info reads one model file, not also extra\.json: train-signals info model\.json/ },
  { name: 'export: a file besides --model', files: { 'm.json': WIDE_MODEL }, args: ['export', '--model', 'm.json', '--onnx', 'x.onnx', 'extra'], error: /^export reads only the --model file, not also extra: / },
  { name: 'a negative number in e-notation, as its own word, out of range', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', '--lr', '-1e-3'], error: /^--lr must be a number > 0 \(got -0\.001\)/ },
  { name: 'predict --file', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', '--file', 'data.csv'], error: /^--file is not a flag: give the file\(s\) without one, e\.g\. train-signals predict --model model\.json data\.csv/ },
  { name: 'info - (stdin)', files: {}, args: ['info', '-'], error: /^the model file cannot be - \(stdin or stdout\) here; give a file path/ },
  { name: '--no-bidirectional and --bidirectional', files: { 'data.csv': WIDE }, args: T('--no-bidirectional', '--bidirectional'), error: /^--bidirectional was given more than once \(also as --no-bidirectional\)/ },
  { name: '--hidden 3 --hidden 1 (yargs adds a second 1 to the first)', files: { 'data.csv': WIDE }, args: T('--hidden', '3', '--hidden', '1'), error: /^--hidden was given more than once/ },
  { name: '--members 2 --members=1', files: { 'data.csv': WIDE }, args: T('--members', '2', '--members=1'), error: /^--members was given more than once/ },
  { name: '--out ending in /', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', '--out', 'm.json/'], error: /^--out m\.json\/: ends in \/, so it names a folder; give a file name/ },
  { name: '--channels with an empty name', files: { 'data.csv': WIDE }, args: T('--channels', 'ax,,ay'), error: /^--channels "ax,,ay": an empty name \(only blanks, two commas together, or one at an end\)/ },
  { name: '--channels of blanks only', files: { 'data.csv': WIDE }, args: T('--channels', ' '), error: /^--channels " ": an empty name \(only blanks, two commas together, or one at an end\); name each channel, comma-separated$/ },
  { name: '--label-column of blanks', files: { 'data.csv': WIDE }, args: T('--label-column', ' '), error: /^--label-column needs a column name \(it was given only blanks\)/ },
  { name: 'a file whose name starts with a dash', files: { '-data.csv': WIDE }, args: ['train', '-data.csv'], error: /^unknown flag -data\.csv: for the file of that name, write \.\/-data\.csv/ },
  { name: '--no-hidden (not a yes/no flag)', files: { 'data.csv': WIDE }, args: T('--hidden', '8', '--no-hidden'), error: /^--no-hidden is not a flag; --hidden takes a value/ },
  { name: 'tune --threads 1,,2', files: { 'data.csv': WIDE }, args: ['tune', 'data.csv', '--threads', '1,,2'], error: /^--threads must be a comma-separated list of whole numbers from 1 to 256 \(got 1,,2\)/ },
  { name: '--hidden 0x10 (hexadecimal)', files: { 'data.csv': WIDE }, args: T('--hidden', '0x10'), error: /^--hidden must be a number in decimal notation \(got 0x10\)/ },
  { name: '--lr=1e-3x (not a number)', files: { 'data.csv': WIDE }, args: T('--lr=1e-3x'), error: /^--lr must be a number in decimal notation \(got 1e-3x\)/ },
  { name: '--out -o.json (a value that starts with a dash)', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', '--out', '-o.json'], error: /^--out -o\.json: a value that starts with a dash is read as flags; write --out \.\/-o\.json for a file, or --out=-o\.json/ },
  { name: 'predict --out p.csv.gz (it was written as plain text)', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'p.csv.gz'], error: /^--out p\.csv\.gz: the tool writes it uncompressed, not as the name says; name it without \.gz/ },
  { name: 'predict --out p.tsv (it was written comma-separated)', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'p.tsv'], error: /^--out p\.tsv: predictions are written as CSV \(cells separated by commas\), not as \.tsv says; name it \.csv$/ },
  { name: 'a file named -1e3 after a yes/no flag (it was dropped, with the flag, exit 0)', files: { 'data.csv': WIDE, '-1e3': WIDE }, args: ['train', 'data.csv', '--quiet', '-1e3'], error: /^-1e3 is read as flags \(a negative number in e-notation or ending in its point\): give a number right after the flag it is for, and a file of that name as \.\/-1e3/ },
  { name: '--normalize -zscore (a stray dash: no file advice)', files: { 'data.csv': WIDE }, args: ['train', 'data.csv', '--normalize', '-zscore'], error: /^--normalize -zscore: a value that starts with a dash is read as flags; write --normalize=-zscore/ },
  { name: 'evaluate --channels picking fewer than the model has: the hint names the flag', files: { 'data.csv': LONG, 'm.json': LONG_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv', '--channels', 'ax'], error: /^data\.csv:1: has 1 channel\(s\) \[ax\] but the model has 3 \[ax, ay, az\]; give data with the same channels in the same order \(or --channels to pick them\)$/ },
  { name: '--test=t.csv followed by a file (a training file to one user, a test file to another)', files: { 'data.csv': WIDE, 't.csv': WIDE, 'b.csv': WIDE }, args: ['train', 'data.csv', '--test=t.csv', 'b.csv'], error: /^--test=t\.csv is followed by b\.csv: give the test files after --test without "=" \(--test t\.csv b\.csv\), and the training files before --test/ },
  { name: '--test=t.csv followed by - (stdin became a second test file)', files: { 'data.csv': WIDE, 't.csv': WIDE }, args: ['train', 'data.csv', '--test=t.csv', '-'], error: /^--test=t\.csv is followed by -: give the test files after --test without "=" \(--test t\.csv -\)/ },
  { name: 'a yes/no flag before the command word, a folder of its name beside (a data folder: train/)', files: { 'data.csv': WIDE, train: { dir: true } }, args: ['--quiet', 'train', 'data.csv'], error: /^--quiet before the command train: give the command first/ },
  { name: 'a flag with a typographic dash pasted from a document (it was taken for a missing file)', files: { 'data.csv': WIDE }, args: T('\u2014quiet'), error: /^\u2014quiet starts with a typographic dash \(pasted from a document\?\), not two hyphens: type --quiet/ },
  { name: 'a yes/no flag before the command word (it took the command as its value)', files: { 'data.csv': WIDE }, args: ['--quiet', 'train', 'data.csv'], error: /^--quiet before the command train: give the command first and its flags after it \(train-signals train … --quiet\)/ },
  { name: 'export --onnx=- (a file named - was written)', files: { 'm.json': WIDE_MODEL }, args: ['export', '--model', 'm.json', '--onnx=-'], error: /^--onnx cannot be - \(stdin or stdout\) here; give a file path/ },
  { name: 'predict: a missing second file refused before a row of the first reached stdout', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', 'gone.csv'], error: /^gone\.csv: no such file; check the path/ },
  { name: 'train: a missing --test file refused before the training files are read', files: { 'data.csv': WIDE }, args: T('--test', 'gone.csv'), error: /^gone\.csv: no such file; check the path/ },
  { name: '--lr with a Unicode minus', files: { 'data.csv': WIDE }, args: T('--lr', '\u22121.5'), error: /^--lr must be a number in decimal notation \(got \u22121\.5\); type the minus sign as -/ },
  { name: '--lr with a blank in it', files: { 'data.csv': WIDE }, args: T('--lr', ' 5'), error: /^--lr must be a number in decimal notation \(got " 5"\); give it without blanks/ },
  { name: 'evaluate --model /dev/null', files: { 'data.csv': WIDE }, args: ['evaluate', '--model', '/dev/null', 'data.csv'], error: /^\/dev\/null: a device that gave no bytes; is this the right file\?/ },
  { name: 'tune --steps 1_0', files: { 'data.csv': WIDE }, args: ['tune', 'data.csv', '--steps', '1_0'], error: /^--steps must be a number in decimal notation \(got 1_0\)/ },
  { name: '--hidden without a value', files: { 'data.csv': WIDE }, args: T('--hidden'), error: /^--hidden needs a value/ },
  { name: '--out= (empty)', files: { 'data.csv': WIDE }, args: T('--out='), error: /^--out needs a value \(it was given an empty one\)/ },
  { name: '--init "" (empty)', files: { 'data.csv': WIDE }, args: T('--init', ''), error: /^--init needs a value \(it was given an empty one\)/ },
  { name: 'predict --out= (empty)', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', '--out='], error: /^--out needs a value \(it was given an empty one\)/ },
  { name: '--epochs past its bound', files: { 'data.csv': WIDE }, args: T('--epochs', '1e9'), error: /^--epochs must be auto or a whole number from 1 to 1000000 \(got 1e9\)/ },
  { name: '--batch-size past its bound', files: { 'data.csv': WIDE }, args: T('--batch-size', '1000000000'), error: /^--batch-size must be a whole number from 1 to 1000000/ },
  { name: 'tune --steps past its bound', files: { 'data.csv': WIDE }, args: ['tune', 'data.csv', '--steps', '1000000000'], error: /^--steps must be a whole number from 1 to 100000/ },
  { name: '--members 0', files: { 'data.csv': WIDE }, args: T('--members', '0'), error: /^--members must be a whole number ≥ 1 with --members × --hidden at most 4096 \(got 0\)/ },
  { name: '--members × --hidden past the bound', files: { 'data.csv': WIDE }, args: T('--members', '65', '--hidden', '64'), error: /^--members must be a whole number ≥ 1/ },
  { name: '--members with --init', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: T('--init', 'm.json', '--members', '2'), error: /^--members 2 cannot be combined with --init: the members would start from the same weights; leave out --members \(with --init, the members are the model's/ },
  { name: '--hidden past its bound', files: { 'data.csv': WIDE }, args: T('--hidden', '10000000'), error: /^--hidden must be a whole number from 1 to 4096/ },
  { name: 'an unknown flag', files: { 'data.csv': WIDE }, args: T('--hiden', '8'), error: /^unknown flag --hiden; did you mean --hidden\? \(see train-signals train --help\)/ },
  { name: 'a choice out of range', files: { 'data.csv': WIDE }, args: T('--optimizer', 'lbfgs'), error: /^--optimizer must be adam, sgd or momentum \(got lbfgs\) \(see train-signals train --help\)$/ },
  { name: 'evaluate without --model', files: { 'data.csv': WIDE }, args: ['evaluate', 'data.csv'], error: /^evaluate needs --model: train-signals evaluate --model model\.json <test\.csv\.\.\.>/ },
  { name: 'evaluate: a file named twice', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['evaluate', '--model', 'm.json', 'data.csv', './data.csv'], error: /^\.\/data\.csv: is named twice \(also as data\.csv\) among the files to evaluate; name each file once/ },
  { name: 'predict: a file named twice', files: { 'data.csv': WIDE, 'm.json': WIDE_MODEL }, args: ['predict', '--model', 'm.json', 'data.csv', 'data.csv', '--out', 'p.csv'], error: /^data\.csv: is named more than once among the files to predict/ },
  { name: 'a long file whose time column is given but not its id column', files: { 'data.csv': LONG.replace('id,', 'device,') }, args: T('--time-column', 't'), error: /^data\.csv:1: the long layout needs a header with an id column named "id" .*\(--id-column\)/ },
  { name: 'evaluate: a value that overflows float32 once normalized', files: { 'data.csv': 'label,t0,t1,t2\na,1,2,3\nb,3e38,2,1\n', 'm.json': withModel((m) => (m.normalization = { mean: [0], std: [0.001] })) }, args: ['evaluate', '--model', 'm.json', 'data.csv'], error: /^data\.csv:3: sequence "2": a value of channel "value" overflows float32 once normalized or differenced/ },
  { name: 'predict: a value that overflows float32 once normalized', files: { 'data.csv': 'label,t0,t1,t2\na,1,2,3\nb,3e38,2,1\n', 'm.json': withModel((m) => (m.normalization = { mean: [0], std: [0.001] })) }, args: ['predict', '--model', 'm.json', 'data.csv', '--out', 'p.csv'], error: /^data\.csv:3: sequence "2": a value of channel "value" overflows float32/ },
  { name: 'a difference that overflows float32', files: { 'data.csv': 'label,t0,t1,t2\na,1,2,3\nb,2e38,-2e38,1\na,1,2,2\nb,3,3,1\n' }, args: T('--differences', 'on', '--sequence-norm', 'off'), error: /^data\.csv:3: sequence "2": a value of channel "Δvalue" overflows float32/ },
  { name: 'a file name with a line break: still one line', files: { 'bad\nname.csv': 'label,t0\nx,1\ny,--1\n' }, args: ['train', 'bad\nname.csv'], error: /^bad\\nname\.csv:3:2: non-numeric value "--1"/ },
  { name: 'ARFF: a label the class attribute does not list', files: { 'data.arff': '@relation R\n@attribute t0 numeric\n@attribute class {a,b}\n@data\n1,a\n2,c\n' }, args: ['train', 'data.arff'], error: /^data\.arff:6: label "c" is not one of the classes the class attribute lists \(a, b\)/ },
  { name: 'ARFF: a sparse line', files: { 'data.arff': '@relation R\n@attribute t0 numeric\n@attribute class {a,b}\n@data\n{0 1, 1 a}\n' }, args: ['train', 'data.arff'], error: /^data\.arff:5: a sparse data line/ },
  { name: 'tune: --lr 0', files: { 'data.csv': WIDE }, args: ['tune', 'data.csv', '--lr', '0'], error: /^--lr must be a number > 0 \(got 0\)/ },
];

/** A model file of before, as its first bytes tell one (an output replaces only a file of its kind). */
const PREVIOUS_MODEL = '{\n"format": "train-signals/rnn",\n"note": "the previous model"\n}\n';

function setUp(files: Record<string, Content>, preexisting: boolean): string {
  const dir = tempDir('ts-bad-');
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'object' && 'dir' in content) mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  if (preexisting) writeFileSync(join(dir, 'model.json'), PREVIOUS_MODEL);
  return dir;
}

/** Every file's name, size and mtime: the folder must look the same afterwards. */
function snapshot(dir: string): string {
  return readdirSync(dir).sort().map((n) => {
    const s = statSync(join(dir, n));
    return `${n}:${s.isDirectory() ? 'dir' : s.size}:${s.mtimeMs}`;
  }).join('\n');
}

const COMMON = ['--out', 'model.json', '--epochs', '1', '--hidden', '2', '--threads', '1', '--quiet'];

/** The case's command line: a training one gets the common flags, unless the case gives its own value of one. */
function commandLine(b: Bad): string[] {
  if (b.args[0] !== 'train') return b.args;
  const common: string[] = [];
  for (let k = 0; k < COMMON.length; k += COMMON[k + 1]?.startsWith('--') || COMMON[k] === '--quiet' ? 1 : 2) {
    if (!b.args.includes(COMMON[k])) common.push(...(COMMON[k] === '--quiet' ? [COMMON[k]] : [COMMON[k], COMMON[k + 1]]));
  }
  return [...b.args, ...common];
}

interface Prepared { b: Bad; args: string[]; dir: string; before: string; preexisting: boolean }

/** A fresh folder for case i: odd cases start with a model file in place (it must stay as it was), even ones without (none may appear). */
function prepare(b: Bad, i: number): Prepared {
  // Every other case finds a model of before at model.json, which it must leave as it was (but a case that
  // reads its model from there, or makes its own).
  const preexisting = i % 2 === 1 && !('model.json' in b.files) && b.args[b.args.indexOf('--model') + 1] !== 'model.json';
  const dir = setUp(b.files, preexisting);
  return { b, args: commandLine(b), dir, before: snapshot(dir), preexisting };
}

/** What is wrong with a case's outcome: exit code, stderr's one line, stdout, and the folder as it was. */
function problemsOf({ b, dir, before, preexisting }: Prepared, r: Run): string[] {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  const problems: string[] = [];
  if (r.code !== 2) problems.push(`exit ${r.code}`);
  if (lines.length !== 1) problems.push(`${lines.length} lines on stderr`);
  const m = /^train-signals: (.*)$/.exec(lines[0] ?? '');
  if (m === null || !b.error.test(m[1])) problems.push(`message does not match ${b.error}`);
  const after = snapshot(dir);
  if (after !== before) problems.push(`the folder changed:\n${before}\n→\n${after}`);
  if (preexisting && readFileSync(join(dir, 'model.json'), 'utf8') !== PREVIOUS_MODEL) problems.push('model.json changed');
  if (r.stdout !== '') problems.push(`stdout: ${r.stdout}`);
  return problems;
}

test(`${bad.length} bad inputs: one line naming file and line, exit 2, nothing written or changed`, async () => {
  assert.ok(bad.length >= 30);
  // Every case through the CLI's program in this file's server (a process per case spent most of its time starting).
  const cases = bad.map(prepare);
  const results = cases.map(({ args, dir }) => cliHere(args, { cwd: dir }));
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const problems = problemsOf(c, results[i]);
    if (problems.length > 0) failures.push(`${c.b.name}: ${problems.join('; ')}\n    stderr: ${results[i].stderr.trim()}`);
  });
  assert.equal(failures.length, 0, `\n${failures.join('\n')}`);
  // Every eighth case again as a process of its own, as a user runs it: the same outcome, now the process's.
  const sample = bad.map((b, i) => [b, i] as const).filter(([, i]) => i % 8 === 0);
  const alone = await runAll(sample.map(([b, i]) => async () => {
    const c = prepare(b, i);
    return { c, r: await start(c.args, { cwd: c.dir }).done, i };
  }), 2);
  for (const { c, r, i } of alone) {
    assert.deepEqual(problemsOf(c, r), [], `${c.b.name}, as a process of its own: ${r.stderr}`);
    assert.deepEqual([r.code, r.stdout, r.stderr.replaceAll(c.dir, '<dir>')], [results[i].code, results[i].stdout, results[i].stderr.replaceAll(cases[i].dir, '<dir>')], c.b.name);
  }
});

test('a UTF-8 BOM and CRLF line ends are accepted (both layouts)', async () => {
  const wide = '\ufeff' + WIDE.replace(/\n/g, '\r\n');
  const long = '\ufeff' + LONG.replace(/\n/g, '\r\n');
  for (const [name, content] of [['wide', wide], ['long', long]] as const) {
    const dir = setUp({ 'data.csv': content, 'test.csv': content }, false);
    const r = await start(['train', 'data.csv', '--test', 'test.csv', ...COMMON], { cwd: dir }).done;
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.deepEqual(model.classes, name === 'wide' ? ['a', 'b'] : ['p', 'q']);
    assert.deepEqual(model.channels, name === 'wide' ? ['value'] : ['ax', 'ay', 'az']);
  }
});

test('nine in ten sequences a class of their own: refused where the labels are fractional numbers (signal values), trained where they are words (a small set)', () => {
  const set = (classes: string[], N: number) => ({ classes, lengths: new Int32Array(N) });
  const words = Array.from({ length: 9 }, (_, i) => `w${String.fromCharCode(97 + i)}`);
  assert.doesNotThrow(() => checkClassesRecur(set(words, 10), ['a.csv']));
  assert.throws(() => checkClassesRecur(set(words, 9), ['a.csv']), /each of the 9 sequences has a label of its own/);
  assert.throws(() => checkClassesRecur(set(words.map((_, i) => `0.${i + 1}5`), 10), ['a.csv']), /the 10 sequences have 9 labels, nearly one each .*, all of them fractional numbers like signal values/);
});
