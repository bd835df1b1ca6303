// ARFF files (data/arff.ts) read as their CSV twins: the UCR archive's univariate shape (a numeric attribute per
// time step, then the class) and the UEA archive's multivariate one (a relational attribute whose quoted value
// holds the channels, separated by \n), with comments, quoted names and labels, unequal lengths padded with ?,
// and unlabelled lines for prediction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataSet, readDataSet, streamFile } from '../src/data/csv.js';
import { ROOT } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('ts-arff-');
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const csvRows = (f: string) => readFileSync(join(ROOT, f), 'utf8').trim().split('\n').slice(1).map((r) => r.split(','));

test('a univariate ARFF file reads as its wide CSV twin: values, lengths, labels, classes and the channel name', async () => {
  const rows = csvRows('datasets/cbf/train.csv');
  const T = rows[0].length - 1;
  const arff = [
    '% CBF, as the UCR archive writes it', "@RELATION 'CBF train'", '',
    ...Array.from({ length: T }, (_, t) => `@attribute att${t} numeric${t === 0 ? ' % the first sample' : ''}`),
    '@attribute target {bell,cylinder,funnel}', '', '@data', '% the sequences',
    // Comments after a line's values too (% outside quotes, as Weka reads them), on some lines.
    ...rows.map((r, n) => `${r.slice(1).join(',')},${n % 2 ? `'${r[0]}'` : r[0]}${n % 3 === 0 ? ` % sequence ${n + 1}, 'quoted'` : ''}`),
  ];
  const fromArff = await loadDataSet([write('cbf.arff', arff.join('\r\n') + '\r\n')]);
  const fromCsv = await loadDataSet([join(ROOT, 'datasets/cbf/train.csv')]);
  assert.deepEqual(fromArff.channels, ['value']);
  assert.deepEqual(fromArff.classes, fromCsv.classes);
  assert.deepEqual(Array.from(fromArff.labels), Array.from(fromCsv.labels));
  assert.deepEqual(Array.from(fromArff.lengths), Array.from(fromCsv.lengths));
  assert.deepEqual(Array.from(fromArff.values), Array.from(fromCsv.values));
  assert.deepEqual(fromArff.sources.slice(0, 2).map((s) => s.line), [T + 8, T + 9]);
  assert.equal(fromArff.ids[1], '2');
});

test('a multivariate ARFF file (relational) reads as its long CSV twin, channels dim_0, dim_1, …', async () => {
  const rows = csvRows('datasets/motion/train.csv');
  const ids = [...new Set(rows.map((r) => r[0]))];
  const D = rows[0].length - 3;
  const T = Math.max(...ids.map((id) => rows.filter((r) => r[0] === id).length));
  const labels = [...new Set(rows.map((r) => r[2]))];
  const lines = ids.map((id) => {
    const mine = rows.filter((r) => r[0] === id);
    const channels = Array.from({ length: D }, (_, d) => [...mine.map((r) => r[3 + d]), ...Array(T - mine.length).fill('?')].join(','));
    return `'${channels.join('\\n')}',${mine[0][2]}`;
  });
  const arff = ['@relation motion', '@attribute relationalAtt relational', ...Array.from({ length: T }, (_, t) => `  @attribute t${t} numeric`), '@end relationalAtt',
    `@attribute classAttribute {${labels.join(',')}}`, '@data', ...lines];
  const fromArff = await loadDataSet([write('motion.arff', arff.join('\n') + '\n')]);
  const fromCsv = await loadDataSet([join(ROOT, 'datasets/motion/train.csv')]);
  assert.deepEqual(fromArff.channels, Array.from({ length: D }, (_, d) => `dim_${d}`));
  assert.deepEqual(fromArff.classes, fromCsv.classes);
  assert.deepEqual(Array.from(fromArff.labels), Array.from(fromCsv.labels));
  assert.deepEqual(Array.from(fromArff.lengths), Array.from(fromCsv.lengths), 'the ? padding is not counted');
  assert.deepEqual(Array.from(fromArff.values), Array.from(fromCsv.values));
});

test('ARFF: quoted names and labels with escapes, unequal lengths, and unlabelled lines streamed for prediction', async () => {
  const file = write('odd.arff', [
    "@relation 'odd one'", "@attribute 'step \\'one\\'' real", '@attribute "step \\"two\\"" integer', '@attribute t2 NUMERIC',
    "@attribute class {'slow walk',\"it\\'s\", fast}", '@data',
    "1,2,3,'slow walk'", "4,5,?,'it\\'s'", '6,?,?, fast', '7,8,9,?', '',
  ].join('\n'));
  const ds = await readDataSet([file], { requireLabels: false });
  assert.deepEqual(Array.from(ds.lengths), [3, 2, 1, 3]);
  assert.deepEqual(Array.from(ds.values), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(ds.labels, (c) => (c < 0 ? null : ds.classes[c])), ['slow walk', "it's", 'fast', null]);
  const streamed: Array<{ id: string; label: string | null; values: number[] }> = [];
  await streamFile(file, { requireLabels: false }, (s) => streamed.push({ id: s.id, label: s.label, values: Array.from(s.values) }));
  assert.deepEqual(streamed.map((s) => s.id), ['1', '2', '3', '4']);
  assert.deepEqual(streamed.map((s) => s.values.length), [3, 2, 1, 3]);
  assert.deepEqual(streamed.map((s) => s.label), ['slow walk', "it's", 'fast', null]);
});

test('ARFF: numeric attributes that are a series but for one or two at an end (Year before Jan … Dec; t0 … t9 and a session) are refused as the wide reader refuses such columns; a series throughout is read', async () => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const arff = (names: string[]) => ['@relation r', '% the attributes', ...names.map((n) => `@attribute ${n} numeric`), '@attribute class {a,b}', '@data',
    `${names.map((_, k) => k).join(',')},a`, `${names.map((_, k) => k + 1).join(',')},b`].join('\n') + '\n';
  await assert.rejects(loadDataSet([write('year.arff', arff(['Year', ...months]))]),
    /year\.arff:3: attribute "Year" is named unlike the attributes beside it \(Jan, Feb, … Dec\), yet would be read as a sample of every sequence: .*remove it \(its @attribute line and its value in every row\); if it does, name it as the others$/);
  const t = Array.from({ length: 10 }, (_, k) => `t${k}`);
  await assert.rejects(loadDataSet([write('session.arff', arff(['subject', ...t, 'session']))]), /session\.arff:3: attributes "subject" and "session" are named unlike the attributes beside them \(t0, t1, … t9\)/);
  assert.deepEqual(Array.from((await loadDataSet([write('months.arff', arff(months))])).lengths), [12, 12]);
  // A numeric class attribute last (Weka's CSVLoader writes labels 1, 2 so): the missing class is what is said.
  const numericClass = ['@relation r', ...t.map((n) => `@attribute ${n} numeric`), '@attribute target numeric', '@data', `${t.map((_, k) => k).join(',')},1`].join('\n') + '\n';
  await assert.rejects(loadDataSet([write('numeric-class.arff', numericClass)]), /numeric-class\.arff:\d+: the file has no class attribute/);
  assert.deepEqual(Array.from((await loadDataSet([write('att.arff', arff(t.map((_, k) => `att${k + 1}`)))])).lengths), [10, 10]);
});
