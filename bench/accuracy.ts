// `npm run bench:accuracy -- <folder> [--seeds 1,2,3] [--<train option> value ...]`: trains with the defaults on
// every sub-folder of <folder> that holds a train/test pair and prints data set, classes, channels, length,
// test accuracy, the published 1-NN DTW and ROCKET accuracies (read from <folder>/README.md's tables, when it has
// them) and the training time as a Markdown table: train()'s wall clock (loading, model selection, training,
// the test evaluation) and, as a multiple, that time over the final fit's alone.
//
// A sub-folder qualifies with train.csv + test.csv (wide) or train.long.csv + test.long.csv (long); when it has
// both, the wide pair is used (the same data for univariate sets, and a wide file parses faster). Extra flags
// override train() options by their camelCase name (`--hidden 32`, `--readout last`, `--lr 3e-3`), which is how
// README's "Defaults, measured" rows were produced; `--seeds` repeats each set over seeds and reports mean ± sd.
// `--json` prints one JSON object per run instead of the table. Nothing is written to the data folder.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { train, type TrainOptions } from '../src/index.js';

interface Pair {
  name: string;
  train: string;
  test: string;
}

function pairsIn(folder: string): Pair[] {
  const out: Pair[] = [];
  for (const name of readdirSync(folder).sort()) {
    const dir = join(folder, name);
    if (!statSync(dir).isDirectory()) continue;
    for (const [tr, te] of [['train.csv', 'test.csv'], ['train.long.csv', 'test.long.csv']]) {
      if (existsSync(join(dir, tr)) && existsSync(join(dir, te))) {
        out.push({ name, train: join(dir, tr), test: join(dir, te) });
        break;
      }
    }
  }
  return out;
}

interface Baseline {
  dtw?: number;
  rocket?: number;
}

/** The first number of a table cell ("90.67 [D]", "98.7 [C] (98.9 [S])"), or undefined ("not found"). */
function firstNumber(cell: string): number | undefined {
  const m = /-?\d+(\.\d+)?/.exec(cell);
  return m === null ? undefined : Number(m[0]);
}

/**
 * Published 1-NN DTW (full window, or dependent for multichannel sets) and ROCKET accuracies by data set, from
 * the Markdown tables of the folder's README: a table's header names its columns, a row's first cell its set.
 */
function baselinesIn(folder: string): Map<string, Baseline> {
  const out = new Map<string, Baseline>();
  const readme = join(folder, 'README.md');
  if (!existsSync(readme)) return out;
  let header: string[] | null = null;
  for (const line of readFileSync(readme, 'utf8').split('\n')) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (header === null) {
      header = cells.map((c) => c.toLowerCase());
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    const col = (want: (h: string) => boolean) => header!.findIndex(want);
    const dtwAt = [col((h) => h.includes('dtw') && h.includes('full window')), col((h) => h.includes('dtw-d')), col((h) => h.includes('dtw'))]
      .find((i) => i >= 0);
    const rocketAt = col((h) => h.startsWith('rocket'));
    const b: Baseline = {
      dtw: dtwAt === undefined ? undefined : firstNumber(cells[dtwAt]),
      rocket: rocketAt < 0 ? undefined : firstNumber(cells[rocketAt]),
    };
    if (b.dtw !== undefined || b.rocket !== undefined) out.set(cells[0], { ...out.get(cells[0]), ...b });
  }
  return out;
}

function parseValue(s: string): unknown {
  if (s === 'true') return true;
  if (s === 'false') return false;
  const x = Number(s);
  return s.trim() !== '' && Number.isFinite(x) ? x : s;
}

function parseArgs(argv: string[]): { folder: string; seeds: number[]; json: boolean; only: string[] | null; over: Record<string, unknown> } {
  let folder = '';
  let seeds = [1];
  let json = false;
  let only: string[] | null = null;
  const over: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--seeds') seeds = argv[++i].split(',').map(Number);
    else if (a === '--only') only = argv[++i].split(',');
    else if (a.startsWith('--')) {
      const key = a.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      over[key] = parseValue(argv[++i]);
    } else folder = a;
  }
  if (folder === '') {
    process.stderr.write('usage: npm run bench:accuracy -- <folder> [--seeds 1,2,3] [--only A,B] [--json] [--<train option> value ...]\n');
    process.exit(2);
  }
  return { folder, seeds, json, only, over };
}

const pct = (x: number) => (100 * x).toFixed(2);

async function main(): Promise<void> {
  const { folder, seeds, json, only, over } = parseArgs(process.argv.slice(2));
  const pairs = pairsIn(folder).filter((p) => only === null || only.includes(p.name));
  if (pairs.length === 0) {
    process.stderr.write(`no sub-folder of ${folder} holds train.csv + test.csv or train.long.csv + test.long.csv\n`);
    process.exit(2);
  }
  const baselines = baselinesIn(folder);
  const summary: { acc: number; dtw?: number; rocket?: number }[] = [];
  if (!json) {
    process.stdout.write('| data set | classes | channels | length | train | test accuracy % | 1-NN DTW % | ROCKET % | training time s | × final fit |\n');
    process.stdout.write('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n');
  }
  for (const p of pairs) {
    const accs: number[] = [];
    const times: number[] = [];
    const ratios: number[] = [];
    let shape = { C: 0, D: 0, n: 0, lengths: '' };
    for (const seed of seeds) {
      const o = { files: [p.train], test: [p.test], seed, ...over } as TrainOptions;
      const t0 = performance.now();
      const r = await train(o);
      const wall = (performance.now() - t0) / 1000; // loading, model selection, training and the test evaluation
      const t = r.test[0];
      accs.push(t.accuracy);
      times.push(wall);
      ratios.push(wall / r.seconds);
      const tr = r.model.training as { sequences: number; hyperparameters: Record<string, unknown>; lengths?: { min: number; max: number } };
      const min = Math.min(...t.data.lengths);
      const max = Math.max(...t.data.lengths);
      shape = { C: r.model.shape.C, D: r.model.channels.length, n: tr.sequences, lengths: min === max ? String(min) : `${min}–${max}` };
      if (json) {
        process.stdout.write(JSON.stringify({
          data: p.name, seed, accuracy: t.accuracy, seconds: wall, fitSeconds: r.seconds, bestEpoch: r.bestEpoch, epochs: r.history.length,
          trainAccuracy: r.history[r.history.length - 1]?.accuracy, hyperparameters: tr.hyperparameters, over,
          selection: (r.model.training as { selection?: unknown }).selection,
        }) + '\n');
      }
    }
    if (!json) {
      const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
      const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
      const acc = accs.length > 1 ? `${pct(mean)} ± ${pct(sd)}` : pct(mean);
      const time = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(1);
      const ratio = (ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(1);
      const b = baselines.get(p.name) ?? {};
      const cell = (x?: number) => (x === undefined ? '–' : x.toFixed(1));
      const mark = b.dtw !== undefined && 100 * mean >= b.dtw ? ' ✓' : '';
      process.stdout.write(`| ${p.name} | ${shape.C} | ${shape.D} | ${shape.lengths} | ${shape.n} | ${acc}${mark} | ${cell(b.dtw)} | ${cell(b.rocket)} | ${time} | ${ratio} |\n`);
      summary.push({ acc: 100 * mean, ...b });
    }
  }
  if (!json && summary.length > 0) {
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const withDtw = summary.filter((s) => s.dtw !== undefined);
    const withRocket = summary.filter((s) => s.rocket !== undefined);
    process.stdout.write(`\nmean test accuracy ${avg(summary.map((s) => s.acc)).toFixed(1)} % over ${summary.length} sets; ` +
      `≥ 1-NN DTW on ${withDtw.filter((s) => s.acc >= s.dtw!).length} of ${withDtw.length}; ` +
      `on the ${withRocket.length} sets with a ROCKET figure: ours ${avg(withRocket.map((s) => s.acc)).toFixed(1)}, ROCKET ${avg(withRocket.map((s) => s.rocket!)).toFixed(1)}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench:accuracy: ${(e as Error).message}\n`);
  process.exit(1);
});
