// The HTML report in a real browser: train and evaluate write reports, headless Chromium (Debian's `chromium`,
// driven by playwright-core) opens each from disk, and the test checks that every chart is drawn with a non-zero
// size, that the page logs no error and requests nothing but itself, and saves a full-page screenshot whose
// path it prints. No Chromium is a failure, not a skip: .ci/run installs it. The hard cases (misclassified and
// least-confident sequences) are checked against the confusion matrices evaluate --json prints.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT, cli } from './helpers/cli.js';
import { tempDir } from './helpers/temp.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = join(ROOT, 'test', 'output');

/** A drawn chart: its size, its aria-label, the heading of its row (h4 class) and its caption's lines. */
interface Chart { w: number; h: number; label: string; group: string; caption: string[] }

async function inBrowser(html: string, screenshot: string): Promise<{ charts: Chart[]; command: string | null; errors: string[]; requests: string[] }> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const context = await chromium.launchPersistentContext(tempDir('ts-chromium-'), {
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
      const caption = (e.closest('figure')?.querySelector('figcaption') as HTMLElement | null)?.innerText ?? '';
      return {
        w: r.width, h: r.height, label: e.getAttribute('aria-label') ?? '',
        group: e.closest('.row')?.previousElementSibling?.className ?? '', caption: caption.split('\n'),
      };
    }));
    const command = await page.$eval('p.command code', (e) => (e as HTMLElement).innerText).catch(() => null); // as shown, and so as copied
    await page.screenshot({ path: screenshot, fullPage: true });
    return { charts, command, errors, requests: requests.filter((u) => u !== url) };
  } finally {
    await context.close();
  }
}

test('train --report and evaluate --report open in Chromium: charts drawn, no errors, no requests', async (t) => {
  const dir = tempDir('ts-report-');
  const model = join(dir, 'm.json');
  const trainReport = join(dir, 'train  report.html'); // two spaces: the command line shows it quoted, both kept
  const trainArgs = ['train', 'datasets/motion/train.csv', '--test', 'datasets/motion/test.csv', '--out', model, '--epochs', '4',
    '--hidden', '16', '--val-split', '0.2', '--threads', '2', '--quiet', '--report', trainReport];
  const r = cli(trainArgs);
  assert.equal(r.code, 0, r.stderr);
  const evalReport = join(dir, 'evaluate.html');
  const evalArgs = ['evaluate', '--model', model, 'datasets/motion/test.csv', 'datasets/motion/train.csv', '--report', evalReport, '--json'];
  const e = cli(evalArgs);
  assert.equal(e.code, 0, e.stderr);
  // The same model on the same files: the mistakes each report's hard cases are drawn from.
  const errorsOf = (confusion: number[][]) => confusion.reduce((a, row, i) => a + row.reduce((x, y) => x + y, 0) - row[i], 0);
  const evaluated = (JSON.parse(e.stdout) as { files: { sequences: number; confusion: number[][] }[] }).files;

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
  assert.match(html, /H 48 \(3 members of 16\)/, 'the ensemble in the header');
  assert.match(readFileSync(evalReport, 'utf8'), /class="pct[^"]*"[^>]*>\d+%</);
  assert.match(html, /<h2>Misclassified and least-confident sequences<\/h2>/);
  mkdirSync(OUTPUT, { recursive: true });
  // The command line that wrote each report, as the page shows it: quoted for a shell (the path with spaces), and
  // run as it was (train-signals is not on the tests' PATH: `node` and the script, from the working directory).
  const commands = {
    train: `node dist/src/cli/main.js ${trainArgs.slice(0, -1).join(' ')} '${trainReport}'`,
    evaluate: `node dist/src/cli/main.js ${evalArgs.join(' ')}`,
  };
  const reports = [['train', trainReport, 2 + 1 + 3 * 3 + 2, evaluated.slice(0, 1)], ['evaluate', evalReport, 2 + 2 + 3 * 3 + 2, evaluated]] as const;
  for (const [name, file, minCharts, files] of reports) {
    const png = join(OUTPUT, `report-${name}.png`);
    const b = await inBrowser(file, png);
    assert.ok(b.charts.length >= minCharts, `${name}: ${b.charts.length} charts, expected at least ${minCharts}`);
    for (const c of b.charts) assert.ok(c.w > 0 && c.h > 0, `${name}: chart "${c.label}" is ${c.w}×${c.h}`);
    assert.equal(b.command, commands[name], `${name}: the command line`);
    checkHardCases(name, b.charts, files.map((f) => ({ errors: errorsOf(f.confusion), sequences: f.sequences })));
    assert.deepEqual(b.errors, [], `${name}: the page logged errors`);
    assert.deepEqual(b.requests, [], `${name}: the page made requests`);
    assert.ok(existsSync(png));
    t.diagnostic(`${name} report screenshot: ${png}`);
    console.log(`# ${name} report screenshot: ${png}`);
  }
});

/** The hard cases' top probability, and the true and predicted classes, read back from a drawn chart's caption. */
function readCaption(c: Chart): { truth: string; predicted: string; top: { name: string; pct: number }[] } {
  const [, classes, probabilities] = c.caption;
  const m = /^true (.+) → predicted (.+)$/.exec(classes ?? '');
  assert.ok(m, `caption "${c.caption.join(' | ')}" names the true and predicted class`);
  const top = (probabilities ?? '').split(', ').map((s) => /^(.+)\u00a0(\d+\.\d)\u00a0%$/.exec(s)).map((p) => {
    assert.ok(p, `caption "${c.caption.join(' | ')}" ends with the top probabilities`);
    return { name: p[1], pct: Number(p[2]) };
  });
  return { truth: m[1], predicted: m[2], top };
}

/**
 * Per file, min(6, its mistakes) misclassified charts, each wrong and the surest first, then min(6, its sequences)
 * least-confident charts, the least sure first; every caption names the 3 most probable classes.
 */
function checkHardCases(name: string, charts: readonly Chart[], files: readonly { errors: number; sequences: number }[]): void {
  const wrong = charts.filter((c) => c.group === 'misclassified');
  const unsure = charts.filter((c) => c.group === 'least-confident');
  assert.ok(files.some((f) => f.errors > 0), `${name}: the model makes mistakes, or this check checks nothing`);
  assert.equal(wrong.length, files.reduce((a, f) => a + Math.min(6, f.errors), 0), `${name}: misclassified charts`);
  assert.equal(unsure.length, files.reduce((a, f) => a + Math.min(6, f.sequences), 0), `${name}: least-confident charts`);
  let at = 0;
  for (const f of files) {
    const mine = wrong.slice(at, at + Math.min(6, f.errors)).map(readCaption);
    at += mine.length;
    for (const c of mine) {
      assert.notEqual(c.truth, c.predicted, `${name}: a misclassified sequence is wrong`);
      assert.equal(c.top[0].name, c.predicted, `${name}: the predicted class is the most probable`);
      assert.equal(c.top.length, 3, `${name}: three classes named`);
    }
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1].top[0].pct >= mine[i].top[0].pct, `${name}: misclassified, surest first`);
  }
  for (let f = 0; f < files.length; f++) {
    const mine = unsure.slice(6 * f, 6 * (f + 1)).map(readCaption);
    for (let i = 1; i < mine.length; i++) assert.ok(mine[i - 1].top[0].pct <= mine[i].top[0].pct, `${name}: least confident first`);
  }
}
