// The HTML report in a real browser: train and evaluate write reports, headless Chromium (Debian's `chromium`,
// driven by playwright-core) opens each from disk, and the test checks that every chart is drawn with a non-zero
// size, that the page logs no error and requests nothing but itself, and saves a full-page screenshot whose
// path it prints. No Chromium is a failure, not a skip: .ci/run installs it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT, cli } from './helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = join(ROOT, 'test', 'output');

async function inBrowser(html: string, screenshot: string): Promise<{ charts: { w: number; h: number; label: string }[]; errors: string[]; requests: string[] }> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ts-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(html).href;
    await page.goto(url, { waitUntil: 'load' });
    const charts = await page.$$eval('svg.chart', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { w: r.width, h: r.height, label: e.getAttribute('aria-label') ?? '' };
    }));
    await page.screenshot({ path: screenshot, fullPage: true });
    return { charts, errors, requests: requests.filter((u) => u !== url) };
  } finally {
    await context.close();
  }
}

test('train --report and evaluate --report open in Chromium: charts drawn, no errors, no requests', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-report-'));
  const model = join(dir, 'm.json');
  const trainReport = join(dir, 'train.html');
  const r = cli(['train', 'datasets/motion/train.csv', '--test', 'datasets/motion/test.csv', '--out', model, '--epochs', '12',
    '--hidden', '16', '--val-split', '0.2', '--threads', '2', '--quiet', '--report', trainReport]);
  assert.equal(r.code, 0, r.stderr);
  const evalReport = join(dir, 'evaluate.html');
  const e = cli(['evaluate', '--model', model, 'datasets/motion/test.csv', 'datasets/motion/train.csv', '--report', evalReport]);
  assert.equal(e.code, 0, e.stderr);

  const html = readFileSync(trainReport, 'utf8');
  assert.doesNotMatch(html, /<script|https?:\/\/|<link rel="stylesheet"|<img/i, 'self-contained: no script, no external resource');
  // Model selection: the choice and every candidate's scores, as the model file records them.
  const selection = JSON.parse(readFileSync(model, 'utf8')).training.selection as { chosen: string; candidates: { name: string }[] };
  assert.match(html, /<h2>Model selection<\/h2>/);
  assert.ok(html.includes(`★ ${selection.chosen}`), 'the chosen candidate is marked');
  for (const c of selection.candidates) assert.ok(html.includes(c.name), `candidate ${c.name} in the report`);
  assert.match(readFileSync(evalReport, 'utf8'), /<h2>Model selection<\/h2>/, 'evaluate reads it from the model file');
  // What a practitioner looks at next: the tool's version and the date, the training files' fingerprints, the
  // hyperparameters under their flag names, the confusion matrix's row percentages.
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  assert.match(html, new RegExp(`train-signals ${version.replace(/\./g, '\\.')} · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`));
  assert.match(html, /datasets\/motion\/train\.csv \(\d+ bytes, SHA-256 [0-9a-f]{16}…\)/);
  assert.match(html, /<td>--batch-size<\/td>/);
  assert.match(readFileSync(evalReport, 'utf8'), /class="pct[^"]*"[^>]*>\d+%</);
  mkdirSync(OUTPUT, { recursive: true });
  for (const [name, file, minCharts] of [['train', trainReport, 2 + 1 + 3 * 3 + 2], ['evaluate', evalReport, 2 + 2 + 3 * 3 + 2]] as const) {
    const png = join(OUTPUT, `report-${name}.png`);
    const b = await inBrowser(file, png);
    assert.ok(b.charts.length >= minCharts, `${name}: ${b.charts.length} charts, expected at least ${minCharts}`);
    for (const c of b.charts) assert.ok(c.w > 0 && c.h > 0, `${name}: chart "${c.label}" is ${c.w}×${c.h}`);
    assert.deepEqual(b.errors, [], `${name}: the page logged errors`);
    assert.deepEqual(b.requests, [], `${name}: the page made requests`);
    assert.ok(existsSync(png));
    t.diagnostic(`${name} report screenshot: ${png}`);
    console.log(`# ${name} report screenshot: ${png}`);
  }
});
