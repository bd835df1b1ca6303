// What the HTML report draws for data of many channels: the small charts show the first twelve, each in its own
// colour, and the legend says how many are left out (a 963-channel set's report had been 96 MB).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, renderReport, totalMetrics } from '../src/index.js';
import { createRng } from '../src/model/rng.js';
import { randomModel } from './helpers/models.js';
import { tempDir } from './helpers/temp.js';

async function reportFor(D: number): Promise<string> {
  const model = randomModel(createRng(3), D, 4, 2, 'mean', true);
  const names = model.channels;
  const rows = ['s1,0,k0', 's1,1,k0', 's1,2,k0', 's2,0,k1', 's2,1,k1'].map((r, i) => `${r},${names.map((_, d) => Math.sin(i + d).toFixed(3)).join(',')}`);
  const file = join(tempDir('ts-report-'), 'data.csv');
  writeFileSync(file, [`id,t,label,${names.join(',')}`, ...rows].join('\n') + '\n');
  const evaluations = await evaluate(model, { files: [file] });
  return renderReport({ model, evaluations, total: totalMetrics(evaluations) });
}

test('a report of 30 channels draws the first 12 in the small charts and says so; one of 3 draws all three', async () => {
  const many = await reportFor(30);
  const charts = [...many.matchAll(/<figure class="spark">(.*?)<\/figure>/g)].map((m) => m[1]);
  assert.ok(charts.length >= 2, 'an example of each class');
  for (const c of charts) assert.equal(c.match(/<path /g)?.length, 12);
  assert.match(many, /Channels: (<span style="color:#[0-9a-f]{6}">■<\/span> c\d+ ){11}<span style="color:#[0-9a-f]{6}">■<\/span> c11 \(the first 12 of 30 are drawn\)<\/p>/);
  assert.match(many, /2 sequences, 30 channel\(s\) \(c0, c1, [^)]*, c19, … 10 more\)/);
  assert.match(many, /lengths min 2, median 2\.5, max 3 \(5 steps in all\)/); // the median of an even count: the middle two's mean
  const few = await reportFor(3);
  for (const [, c] of few.matchAll(/<figure class="spark">(.*?)<\/figure>/g)) assert.equal(c.match(/<path /g)?.length, 3);
  assert.match(few, /Channels: [^<]*(<span[^>]*>■<\/span> c\d ?){3}<\/p>/);
  assert.doesNotMatch(few, /are drawn/);
});

test('an ensemble\'s report says its curves are the first member\'s and gives each member\'s kept epoch (it gave the first\'s as the model\'s)', async () => {
  const model = randomModel(createRng(3), 2, 4, 2, 'mean', true);
  const epoch = (n: number) => ({ epoch: n, loss: 1 / n, accuracy: 0.5, valLoss: 1 / n, valAccuracy: 0.5 });
  const training = { history: [1, 2, 3, 4].map(epoch), bestEpoch: 3, members: [{ bestEpoch: 3, epochs: 4 }, { bestEpoch: 2, epochs: 4 }] };
  const html = renderReport({ model: { ...model, training }, evaluations: [], total: null });
  assert.match(html, /<h2>Learning curves<\/h2><p>Member 1 of 2: 4 epochs; the kept weights are from epoch 3 \(the members': 3, 2\)\./);
  const single = renderReport({ model: { ...model, training: { history: training.history, bestEpoch: 3 } }, evaluations: [], total: null });
  assert.match(single, /<h2>Learning curves<\/h2><p>4 epochs; the kept weights are from epoch 3\./);
  // A run that stopped before its epochs (early stopping) says so.
  const early = renderReport({ model: { ...model, training: { history: training.history, bestEpoch: 3, hyperparameters: { epochs: 10, kernel: 'wasm-fma' } } }, evaluations: [], total: null });
  assert.match(early, /--kernel<\/t[dh]><td[^>]*>wasm \(its fma build\)</, 'the flag\'s value, with the build the record names');
  assert.match(early, /<h2>Learning curves<\/h2><p>4 epochs of 10 planned \(stopped early\); the kept weights are from epoch 3\./);
});

test('one point is drawn as a dot (one epoch, a sequence of one step), names are cut by code points, and an empty matrix cell is its shade alone', async () => {
  const base = randomModel(createRng(3), 2, 4, 3, 'mean', true);
  const classes = ['abcdefghijkl😀xyz', 'walking_downstairs_slowly', 'b'];
  const model = { ...base, classes, training: { history: [{ epoch: 1, loss: 0.9, accuracy: 0.5, valLoss: 0.8, valAccuracy: 0.5, lr: 1e-3 }], bestEpoch: 1 } };
  // Sequences of one step each, in the long layout: one row an id.
  const rows = classes.flatMap((c, k) => [0, 1].map((i) => `s${k}${i},0,"${c}",${(k + i / 2).toFixed(2)},${(1 - k).toFixed(2)}`));
  const file = join(tempDir('ts-report-'), 'one-step.csv');
  writeFileSync(file, ['id,t,label,c0,c1', ...rows].join('\n') + '\n');
  const evaluations = await evaluate(model, { files: [file] });
  const html = renderReport({ model, evaluations, total: totalMetrics(evaluations) });
  const curves = html.slice(html.indexOf('<h2>Learning curves'), html.indexOf('</section>', html.indexOf('<h2>Learning curves')));
  assert.ok((curves.match(/<circle /g) ?? []).length >= 3, 'each one-epoch series a dot');
  assert.doesNotMatch(curves, /<path d="M[\d.]+ [\d.]+"/, 'no path of one point (it draws nothing)');
  for (const [, svg] of html.matchAll(/<figure class="spark">(.*?)<\/figure>/g)) assert.match(svg, /<circle /, 'a one-step sequence: a dot');
  assert.doesNotMatch(html, /\ud83d(?!\ude00)/, 'no emoji cut in half');
  assert.match(html, />abcdefghijkl😀…</, 'the bar chart\'s label cut by code points');
  // The confusion matrix leaves room right of its last column for that column's leaning label.
  const [, width, lastX] = /<figcaption>[^<]*confusion[^<]*<\/figcaption><svg class="chart"[^>]* width="(\d+)"[\s\S]*?translate\(([\d.]+) [\d.]+\) rotate\(-50\)">b</.exec(html) ?? [];
  assert.ok(Number(width) - Number(lastX) >= 0.64 * 7 * 17, `width ${width}, last label at ${lastX}`);
  // Every cell with a count has its title; the empty ones none.
  const cells = [...html.matchAll(/<rect [^>]*rx="3"[^>]*>(<title>[^<]*<\/title>)?<\/rect>/g)];
  assert.ok(cells.length >= 9 && cells.some((c) => c[1] === undefined) && cells.some((c) => c[1] !== undefined));
});
