// `npm run bench:accuracy -- <folder> [--seeds 1,2,3] [--<train option> value ...]`: trains with the defaults on
// every sub-folder of <folder> that holds a train/test pair and prints data set, classes, channels, length,
// test accuracy and training time (wall clock of train(): loading, training, the test evaluation) as a Markdown table.
//
// A sub-folder qualifies with train.csv + test.csv (wide) or train.long.csv + test.long.csv (long); when it has
// both, the wide pair is used (the same data for univariate sets, and a wide file parses faster). Extra flags
// override train() options by their camelCase name (`--hidden 32`, `--readout last`, `--lr 3e-3`), which is how
// README's "Defaults, measured" rows were produced; `--seeds` repeats each set over seeds and reports mean ± sd.
// `--json` prints one JSON object per run instead of the table. Nothing is written to the data folder.

import { existsSync, readdirSync, statSync } from 'node:fs';
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
  if (!json) {
    process.stdout.write('| data set | classes | channels | length | train | test accuracy % | training time s |\n');
    process.stdout.write('|---|---:|---:|---|---:|---:|---:|\n');
  }
  for (const p of pairs) {
    const accs: number[] = [];
    const times: number[] = [];
    let shape = { C: 0, D: 0, n: 0, lengths: '' };
    for (const seed of seeds) {
      const o = { files: [p.train], test: [p.test], seed, ...over } as TrainOptions;
      const t0 = performance.now();
      const r = await train(o);
      const wall = (performance.now() - t0) / 1000; // loading, the readout probe, training and the test evaluation
      const t = r.test[0];
      accs.push(t.accuracy);
      times.push(wall);
      const tr = r.model.training as { sequences: number; hyperparameters: Record<string, unknown>; lengths?: { min: number; max: number } };
      const min = Math.min(...t.data.lengths);
      const max = Math.max(...t.data.lengths);
      shape = { C: r.model.shape.C, D: r.model.shape.D, n: tr.sequences, lengths: min === max ? String(min) : `${min}–${max}` };
      if (json) {
        process.stdout.write(JSON.stringify({
          data: p.name, seed, accuracy: t.accuracy, seconds: wall, fitSeconds: r.seconds, bestEpoch: r.bestEpoch, epochs: r.history.length,
          trainAccuracy: r.history[r.history.length - 1]?.accuracy, hyperparameters: tr.hyperparameters, over,
        }) + '\n');
      }
    }
    if (!json) {
      const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
      const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
      const acc = accs.length > 1 ? `${pct(mean)} ± ${pct(sd)}` : pct(mean);
      const time = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(1);
      process.stdout.write(`| ${p.name} | ${shape.C} | ${shape.D} | ${shape.lengths} | ${shape.n} | ${acc} | ${time} |\n`);
    }
  }
}

main().catch((e) => {
  process.stderr.write(`bench:accuracy: ${(e as Error).message}\n`);
  process.exit(1);
});
