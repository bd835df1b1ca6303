// predict end to end: one row per sequence with every class probability, labels optional, the same predictions
// as evaluate, long files streamed when their ids are contiguous and loaded whole when not, atomic --out, and
// rows coming out while the input is still being written (a FIFO), which is what streaming means.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, constants, createWriteStream, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from './helpers/cli.js';
import { cliHere } from './helpers/cli-here.js';
import { loadModel } from '../src/io/model-file.js';
import { evaluateFile } from '../src/eval/evaluate.js';
import { csvField } from '../src/eval/predict.js';
import { createBatchScorer, createSequenceScorer } from '../src/eval/batch-scorer.js';
import { streamFile } from '../src/data/csv.js';
import { tempDir } from './helpers/temp.js';

const dir = tempDir('ts-predict-');
const cbfModel = join(dir, 'cbf.json');
const motionModel = join(dir, 'motion.json');

function parse(csv: string): string[][] {
  return csv.trim().split('\n').map((l) => l.split(','));
}

test('setup: two small models', () => {
  for (const [data, out] of [['datasets/cbf/train.csv', cbfModel], ['datasets/motion/train.csv', motionModel]]) {
    const r = cliHere(['train', data, '--out', out, '--epochs', '3', '--hidden', '8', '--threads', '1', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
  }
});

test('wide file: one row per sequence, probabilities summing to 1, the accuracy evaluate reports', () => {
  const r = cliHere(['predict', '--model', cbfModel, 'datasets/cbf/test.csv']);
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(r.stdout);
  assert.deepEqual(rows[0], ['file', 'id', 'label', 'predicted', 'p_bell', 'p_cylinder', 'p_funnel']);
  assert.equal(rows.length, 301);
  assert.equal(rows[1][1], '1'); // row number
  let correct = 0;
  for (const row of rows.slice(1)) {
    const p = row.slice(4).map(Number);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4, row.join(','));
    const best = ['bell', 'cylinder', 'funnel'][p.indexOf(Math.max(...p))];
    assert.equal(row[3], best);
    if (row[2] === row[3]) correct++;
  }
  const e = cliHere(['evaluate', '--model', cbfModel, 'datasets/cbf/test.csv', '--json']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(correct / 300, JSON.parse(e.stdout).files[0].accuracy);
});

test('the label column is optional', () => {
  const lines = readFileSync(join(ROOT, 'datasets/cbf/test.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const li = header.indexOf('label');
  const strip = (l: string) => l.split(',').filter((_, i) => i !== li).join(',');
  const f = join(dir, 'unlabelled.csv');
  writeFileSync(f, lines.slice(0, 6).map(strip).join('\n') + '\n');
  const r = cliHere(['predict', '--model', cbfModel, f]);
  assert.equal(r.code, 0, r.stderr);
  const rows = parse(r.stdout);
  assert.equal(rows.length, 6);
  assert.ok(rows.slice(1).every((row) => row[2] === '' && ['bell', 'cylinder', 'funnel'].includes(row[3])));
});

test('long layout: contiguous ids stream, interleaved ids fall back to loading, same predictions', () => {
  const src = readFileSync(join(ROOT, 'datasets/motion/test.csv'), 'utf8').trim().split('\n');
  const header = src[0];
  const idAt = header.split(',').indexOf('id');
  const body = src.slice(1);
  const byId = [...body].sort((a, b) => (a.split(',')[idAt] < b.split(',')[idAt] ? -1 : a.split(',')[idAt] > b.split(',')[idAt] ? 1 : 0));
  const contiguous = join(dir, 'contiguous.csv');
  writeFileSync(contiguous, [header, ...byId].join('\n') + '\n'); // a stable sort keeps each id's time order
  const interleaved = join(dir, 'interleaved.csv');
  writeFileSync(interleaved, [header, ...body].join('\n') + '\n');
  const a = cliHere(['predict', '--model', motionModel, contiguous]);
  assert.equal(a.code, 0, a.stderr);
  assert.doesNotMatch(a.stderr, /loaded whole/);
  const b = cliHere(['predict', '--model', motionModel, interleaved]);
  assert.equal(b.code, 0, b.stderr);
  const rowsA = parse(a.stdout).slice(1);
  const rowsB = parse(b.stdout).slice(1);
  const ids = new Set(body.map((l) => l.split(',')[idAt]));
  assert.equal(rowsA.length, ids.size);
  const key = (r: string[]) => r.slice(1).join(',');
  assert.deepEqual(rowsA.map(key).sort(), rowsB.map(key).sort());
  assert.match(b.stderr, /loaded whole/); // the bundled file interleaves its sequences
  // without labels (no label column, or every label cell empty), read whole all the same: no class is named
  const labelAt = header.split(',').indexOf('label');
  const drop = (l: string) => l.split(',').filter((_, i) => i !== labelAt).join(',');
  const blank = (l: string) => l.split(',').map((c, i) => (i === labelAt ? '' : c)).join(',');
  for (const [name, edit, head] of [['unlabelled.csv', drop, drop(header)], ['blank-labels.csv', blank, header]] as const) {
    const f = join(dir, name);
    writeFileSync(f, [head, ...body.map(edit)].join('\n') + '\n');
    const c = cliHere(['predict', '--model', motionModel, f]);
    assert.equal(c.code, 0, `${name}: ${c.stderr}`);
    assert.match(c.stderr, /loaded whole/);
    const rowsC = parse(c.stdout).slice(1);
    assert.ok(rowsC.every((r) => r[2] === ''), name);
    const unlabelled = (r: string[]) => [r[1], ...r.slice(3)].join(',');
    assert.deepEqual(rowsC.map(unlabelled).sort(), rowsB.map(unlabelled).sort(), name);
  }
});

// A wide file names no channel (its one is `value`): a long file of one channel, whatever its column is called,
// is the same data, and the other way round; two named channels that differ are still refused.
test('one channel in the other layout: a wide model predicts and evaluates a long file of one channel, and the other way round', () => {
  const rows = readFileSync(join(ROOT, 'datasets/cbf/test.csv'), 'utf8').trim().split('\n').slice(1, 13);
  const long = join(dir, 'one-channel-long.csv');
  writeFileSync(long, ['id,t,label,c0', ...rows.flatMap((r, i) => r.split(',').slice(1).map((v, t) => `s${i},${t},${r.split(',')[0]},${v}`))].join('\n') + '\n');
  const wide = join(dir, 'one-channel-wide.csv');
  writeFileSync(wide, [readFileSync(join(ROOT, 'datasets/cbf/test.csv'), 'utf8').split('\n')[0], ...rows].join('\n') + '\n');
  const probabilities = (csv: string) => parse(csv).slice(1).map((r) => r.slice(4).join(','));
  const fromWide = cliHere(['predict', '--model', cbfModel, wide]);
  const fromLong = cliHere(['predict', '--model', cbfModel, long]);
  assert.equal(fromLong.code, 0, fromLong.stderr);
  assert.deepEqual(probabilities(fromLong.stdout), probabilities(fromWide.stdout));
  assert.equal(cliHere(['evaluate', '--model', cbfModel, long]).code, 0);
  const longModel = join(dir, 'one-channel-long.json');
  assert.equal(cliHere(['train', long, '--out', longModel, '--epochs', '1', '--hidden', '4', '--threads', '1', '--select', 'off', '--members', '1', '--quiet']).code, 0);
  const back = cliHere(['predict', '--model', longModel, wide]);
  assert.equal(back.code, 0, back.stderr);
  writeFileSync(join(dir, 'renamed.csv'), readFileSync(long, 'utf8').replace('c0', 'c1'));
  assert.match(cliHere(['predict', '--model', longModel, join(dir, 'renamed.csv')]).stderr, /channels \[c1\] differ from the model's \[c0\]/);
});

test('--out is written atomically: complete on success, absent after an error, no temp file left', () => {
  const out = join(dir, 'preds.csv');
  const r = cliHere(['predict', '--model', cbfModel, 'datasets/cbf/test.csv', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(parse(readFileSync(out, 'utf8')).length, 301);
  const bad = join(dir, 'bad.csv');
  const lines = readFileSync(join(ROOT, 'datasets/cbf/test.csv'), 'utf8').trim().split('\n');
  writeFileSync(bad, [...lines.slice(0, 50), lines[50].replace(/,[^,]*$/, ',oops'), ...lines.slice(51)].join('\n'));
  const out2 = join(dir, 'never.csv');
  const e = cliHere(['predict', '--model', cbfModel, bad, '--out', out2]);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /bad\.csv.*51/);
  assert.ok(!existsSync(out2));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  // To stdout, the rows made before the bad line are out (errors.md): every row of the file before it, and the
  // bad wide file's before line 51. They were dropped with the block not yet written (an outputs audit's find).
  const streamed = cliHere(['predict', '--model', cbfModel, 'datasets/cbf/test.csv', bad]);
  assert.equal(streamed.code, 2);
  const rows = parse(streamed.stdout);
  assert.equal(rows.length, 1 + 300 + 49, streamed.stderr);
  assert.deepEqual(rows.at(-1)!.slice(0, 2), [bad, '49']);
  const ch = cliHere(['predict', '--model', motionModel, 'datasets/cbf/test.csv', '--out', out2]);
  assert.equal(ch.code, 2);
  assert.match(ch.stderr, /channel/);
});

test('streams: rows come out while the input is still being written', { timeout: 180_000 }, async () => {
  const fifo = join(dir, 'in.csv');
  execFileSync('mkfifo', [fifo]);
  const lines = readFileSync(join(ROOT, 'datasets/cbf/test.csv'), 'utf8').trim().split('\n');
  const child = spawn(process.execPath, [CLI, 'predict', '--model', cbfModel, fifo, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const w = createWriteStream(fifo);
  // If the child dies before opening the FIFO, our open would block a libuv thread forever and hang the test
  // process; the finally block below opens the read end itself to release it. Errors after that are expected.
  w.on('error', (e) => { if (child.exitCode === null) stderr += `writer: ${e.message}`; });
  try {
  w.write(lines[0] + '\n');
  // 64 KiB of output is flushed at once: write enough sequences for that, then wait for rows before the rest.
  const first = 1600;
  for (let i = 0; i < first; i++) w.write(lines[1 + (i % 300)] + '\n');
  const early = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no rows before the input ended; stderr: ${stderr}`)), 120_000);
    child.on('close', (code) => reject(new Error(`predict exited (${code}) before any row; stderr: ${stderr}`)));
    child.stdout.on('data', (d) => {
      stdout += d;
      const n = stdout.split('\n').length - 2;
      if (n > 0) {
        clearTimeout(timer);
        resolve(n);
      }
    });
  });
  assert.ok(early > 0 && early <= first, `rows before the end: ${early}`);
  for (let i = 0; i < 400; i++) w.write(lines[1 + (i % 300)] + '\n');
  w.end();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim().split('\n').length, 1 + first + 400);
  } finally {
    if (child.exitCode === null) child.kill();
    closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    w.destroy();
  }
});

test('evaluate\'s log-loss is the mean of −log max(p[label], 1e-15) over the probabilities it scored, and the loss its scoring computed', async () => {
  // A mutation audit's find: the log-loss of p[predicted] passed every test.
  const model = loadModel(cbfModel);
  const r = await evaluateFile(model, join(ROOT, 'datasets/cbf/test.csv'));
  const C = model.shape.C;
  let sum = 0;
  for (let n = 0; n < r.sequences; n++) sum -= Math.log(Math.max(r.scores.probabilities[n * C + model.classes.indexOf(r.data.classes[r.data.labels[n]])], 1e-15));
  assert.ok(Math.abs(r.metrics.logLoss - sum / r.sequences) < 1e-12, `${r.metrics.logLoss} against ${sum / r.sequences}`);
  assert.ok(Math.abs(r.metrics.logLoss - r.loss) < 1e-5, `${r.metrics.logLoss} against the scored loss ${r.loss}`);
  assert.ok(r.metrics.accuracy < 1, 'some sequences wrong, where p[label] and p[predicted] differ');
});

test('predict (streamed, one sequence at a time or in batches) and evaluate (the whole file) give bit-identical probabilities', async () => {
  // The bundled motion file interleaves its sequences' rows: sorted by id (stably), it streams.
  const [header, ...rows] = readFileSync(join(ROOT, 'datasets/motion/test.csv'), 'utf8').trim().split('\n');
  const idAt = header.split(',').indexOf('id');
  const contiguous = join(dir, 'motion-contiguous.csv');
  writeFileSync(contiguous, [header, ...rows.map((r, i) => [r, i] as const)
    .sort((a, b) => a[0].split(',')[idAt].localeCompare(b[0].split(',')[idAt]) || a[1] - b[1]).map((r) => r[0])].join('\n') + '\n');
  // A model that reads each sequence on its own scale with its differences: the streamed path widens them too.
  const scaledModel = join(dir, 'cbf-scaled.json');
  const t = cliHere(['train', 'datasets/cbf/train.csv', '--out', scaledModel, '--epochs', '1', '--hidden', '4', '--threads', '1', '--select', 'off', '--members', '1', '--sequence-norm', 'on', '--differences', 'on', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  assert.deepEqual([loadModel(scaledModel).sequenceNorm, loadModel(scaledModel).differences], [true, true]);
  for (const [modelFile, data] of [[cbfModel, join(ROOT, 'datasets/cbf/test.csv')], [motionModel, contiguous], [scaledModel, join(ROOT, 'datasets/cbf/test.csv')]]) {
    const model = loadModel(modelFile);
    const evaluated = (await evaluateFile(model, data)).scores.probabilities;
    const score = createSequenceScorer(model);
    const streamed: number[] = [];
    await streamFile(data, { requireLabels: false }, (s) => streamed.push(...score(s)));
    assert.equal(streamed.length, evaluated.length, data);
    assert.deepEqual(Float32Array.from(streamed), evaluated, data);
    // In batches (the CBF file's 300 sequences fill several), the rows in file order, each as on its own.
    const batch = createBatchScorer(model);
    const batched: Float32Array[] = [];
    await streamFile(data, { requireLabels: false }, (s) => batch.add(s, (p) => batched.push(p)));
    batch.flush();
    assert.deepEqual(Float32Array.from(batched.flatMap((p) => [...p])), evaluated, data);
    // The CLI's streamed rows, the same probabilities as evaluate's to its 6 digits.
    const r = cliHere(['predict', '--model', modelFile, data]);
    assert.equal(r.code, 0, r.stderr);
    const C = model.classes.length;
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').slice(-C).map(Number));
    assert.deepEqual(rows.flat(), [...evaluated].map((p) => Number(p.toPrecision(6))), data);
  }
});

test('labels and ids a spreadsheet would run as formulas are written with a leading quote; plain numbers like -1 are not', () => {
  const labels = ['=1+1', '-1', '@SUM(A1)', '+cmd'];
  const rows = Array.from({ length: 16 }, (_, i) => `${i % 4 === 3 ? '-2+3' : `s${i}`},${labels[i % 4]},${(i % 4) - 1},${i % 3},1`);
  const data = join(dir, 'formula.csv');
  writeFileSync(data, `id,label,t0,t1,t2\n${rows.join('\n')}\n`);
  const model = join(dir, 'formula.json');
  const t = cliHere(['train', data, '--out', model, '--epochs', '1', '--hidden', '4', '--threads', '1', '--select', 'off', '--stride', '1', '--quiet']);
  assert.equal(t.code, 0, t.stderr);
  const r = cliHere(['predict', '--model', model, data]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'file,id,label,predicted,p_+cmd,p_-1,p_=1+1,p_@SUM(A1)'); // p_ first: nothing to neutralize
  const cells = lines.slice(1).map((l) => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '')));
  assert.deepEqual(cells.slice(0, 4).map((c) => c[2]), [`"'=1+1"`, '-1', `"'@SUM(A1)"`, `"'+cmd"`]);
  assert.equal(cells[3][1], `"'-2+3"`); // an id too
  for (const c of cells) assert.ok(!/^[=+@]/.test(c[3]) && !/^-[^0-9]/.test(c[3]), `predicted ${c[3]}`);
});

test('a label that starts with \' gets one more, so the escape can be undone: the classes =x and \'=x stay apart (both were \'=x)', () => {
  assert.equal(csvField('=x'), `"'=x"`);
  assert.equal(csvField("'=x"), `"''=x"`);
  assert.equal(csvField("'plain"), `"''plain"`);
  assert.equal(csvField('plain'), 'plain');
  const undo = (cell: string) => { const text = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell; return text.startsWith("'") ? text.slice(1) : text; };
  for (const name of ['=x', "'=x", "'plain", "''", '-1', '+ve', 'a,b', 'say "hi"']) assert.equal(undo(csvField(name)), name, name);
});

test('a long file with the model\'s channels by name, in another order or beside columns it does not read (each sequence\'s own value: predict streaming refused the second sequence), is read as the model\'s: the same answers', () => {
  const model = join(dir, 'motion-by-name.json');
  assert.equal(cliHere(['train', 'datasets/motion/train.csv', '--out', model, '--epochs', '1', '--hidden', '4', '--threads', '1', '--select', 'off', '--members', '1', '--quiet']).code, 0);
  const [head, ...rows] = readFileSync('datasets/motion/test.csv', 'utf8').trim().split('\n');
  assert.equal(head, 'id,t,label,ax,ay,az');
  const moved = join(dir, 'motion-moved.csv');
  writeFileSync(moved, ['operator,id,t,az,label,ax,ay', ...rows.map((r) => { const [id, t, label, ax, ay, az] = r.split(','); return [`op-${id}`, id, t, az, label, ax, ay].join(','); })].join('\n') + '\n'); // an operator of each sequence
  const want = cliHere(['predict', '--model', model, 'datasets/motion/test.csv']);
  const got = cliHere(['predict', '--model', model, moved]);
  assert.equal(got.code, 0, got.stderr);
  const answers = (out: string) => out.trim().split('\n').slice(1).map((l) => l.split(',').slice(1).join(','));
  assert.deepEqual(answers(got.stdout), answers(want.stdout));
  assert.equal(cliHere(['evaluate', '--model', model, moved]).stdout.split('\n')[1].split(/\s+/).slice(1).join(' '), cliHere(['evaluate', '--model', model, 'datasets/motion/test.csv']).stdout.split('\n')[1].split(/\s+/).slice(1).join(' '));
});
