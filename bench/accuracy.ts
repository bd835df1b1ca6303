// `npm run bench:accuracy -- <folder> [--seeds 1,2,3] [--<train option> value ...]`: trains with the defaults on
// every sub-folder of <folder> that holds a train/test pair and prints data set, classes, channels, length,
// test accuracy, the published 1-NN DTW and ROCKET accuracies (read from <folder>/README.md's tables, when it has
// them) and the training time as a Markdown table: train()'s wall clock (loading, model selection, training,
// the test evaluation) and, as a multiple, that time over one final fit's alone (one member's, for an ensemble).
//
// A sub-folder qualifies with train.csv + test.csv (wide) or train.long.csv + test.long.csv (long); when it has
// both, the wide pair is used (the same data for univariate sets, and a wide file parses faster). Extra flags
// override train() options by their camelCase name (`--hidden 32`, `--readout last`, `--lr 3e-3`), which is how
// the rows of docs/accuracy.md were produced; `--seeds` repeats each set over seeds and reports mean ± sd;
// `--cells rnn,gru` runs every set with each cell and gives each its column; `--only A,B` keeps those sets.
// `--json` prints one JSON object per run instead of the table. Nothing is written to the data folder.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { train, type TrainOptions } from '../src/index.js';
import { maxOf, minOf } from '../src/data/extent.js';

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

interface Args {
  folder: string;
  seeds: number[];
  json: boolean;
  only: string[] | null;
  cells: (string | undefined)[]; // each set runs once per cell (undefined: the default cell)
  over: Record<string, unknown>;
}

const USAGE = 'usage: npm run bench:accuracy -- <folder> [--seeds 1,2,3] [--only A,B] [--cells rnn,gru] [--json] [--<train option> value ...]\n';

/** The value after flag argv[i], or exit 2 naming the flag when there is none. */
function valueAfter(argv: string[], i: number): string {
  if (i + 1 >= argv.length) {
    process.stderr.write(`bench:accuracy: ${argv[i]} needs a value\n${USAGE}`);
    process.exit(2);
  }
  return argv[i + 1];
}

function parseArgs(argv: string[]): Args {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  let folder = '';
  let seeds = [1];
  let json = false;
  let only: string[] | null = null;
  let cells: (string | undefined)[] = [undefined];
  const over: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--seeds') seeds = valueAfter(argv, i++).split(',').map(Number);
    else if (a === '--only') only = valueAfter(argv, i++).split(',');
    else if (a === '--cells') cells = valueAfter(argv, i++).split(',');
    else if (a.startsWith('--')) {
      const key = a.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      over[key] = parseValue(valueAfter(argv, i++));
    } else folder = a;
  }
  if (folder === '') {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  return { folder, seeds, json, only, cells, over };
}

/** One cell's runs of one set over the seeds. */
interface Runs {
  accs: number[];
  times: number[]; // train()'s wall clock
  ratios: number[]; // that over one member's fit
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const pct = (x: number) => (100 * x).toFixed(2);

async function main(): Promise<void> {
  const { folder, seeds, json, only, cells, over } = parseArgs(process.argv.slice(2));
  const pairs = pairsIn(folder).filter((p) => only === null || only.includes(p.name));
  if (pairs.length === 0) {
    process.stderr.write(`no sub-folder of ${folder} holds train.csv + test.csv or train.long.csv + test.long.csv\n`);
    process.exit(2);
  }
  const baselines = baselinesIn(folder);
  const named = (c: string | undefined) => (c === undefined ? 'test accuracy %' : `--cell ${c} %`);
  const summary: { accs: number[]; dtw?: number; rocket?: number }[] = [];
  if (!json) {
    const both = (what: string) => (cells.length > 1 ? `${what} (${cells.join(', ')})` : what);
    process.stdout.write(`| data set | classes | channels | length | train | ${cells.map(named).join(' | ')} | 1-NN DTW % | ROCKET % | ${both('training time s')} | ${both('× one fit')} |\n`);
    process.stdout.write(`|---|---:|---:|---|---:|${cells.map(() => '---:|').join('')}---:|---:|---:|---:|\n`);
  }
  for (const p of pairs) {
    let shape = { C: 0, D: 0, n: 0, lengths: '' };
    const runs: Runs[] = [];
    for (const c of cells) {
      const r: Runs = { accs: [], times: [], ratios: [] };
      runs.push(r);
      for (const seed of seeds) {
        const o = { files: [p.train], test: [p.test], seed, ...over, ...(c === undefined ? {} : { cell: c }) } as TrainOptions;
        const t0 = performance.now();
        const result = await train(o);
        const wall = (performance.now() - t0) / 1000; // loading, model selection, training and the test evaluation
        const t = result.test[0];
        r.accs.push(t.accuracy);
        r.times.push(wall);
        r.ratios.push(wall / (result.seconds / result.members)); // over one member's fit
        const tr = result.model.training as { sequences: number; hyperparameters: Record<string, unknown> };
        // The set's lengths, training and test files together (as the archive's tables give them).
        const trained = (tr as { lengths?: { shortest: number; longest: number } }).lengths;
        const min = minOf(t.data.lengths, trained?.shortest);
        const max = maxOf(t.data.lengths, trained?.longest);
        shape = { C: result.model.shape.C, D: result.model.channels.length, n: tr.sequences, lengths: min === max ? String(min) : `${min}–${max}` };
        if (json) {
          process.stdout.write(JSON.stringify({
            data: p.name, seed, accuracy: t.accuracy, seconds: wall, fitSeconds: result.seconds, members: result.members, bestEpoch: result.bestEpoch, epochs: result.history.length,
            trainAccuracy: result.history[result.history.length - 1]?.accuracy, hyperparameters: tr.hyperparameters, over: { ...over, ...(c === undefined ? {} : { cell: c }) },
            selection: (result.model.training as { selection?: unknown }).selection,
          }) + '\n');
        }
      }
    }
    if (!json) {
      const b = baselines.get(p.name) ?? {};
      const num = (x?: number) => (x === undefined ? '–' : x.toFixed(1));
      const acc = (r: Runs) => {
        const m = mean(r.accs);
        const sd = Math.sqrt(r.accs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, r.accs.length - 1));
        const mark = b.dtw !== undefined && 100 * m >= b.dtw ? ' ✓' : '';
        return (r.accs.length > 1 ? `${pct(m)} ± ${pct(sd)}` : pct(m)) + mark;
      };
      const times = runs.map((r) => mean(r.times).toFixed(1)).join(', ');
      const ratios = runs.map((r) => mean(r.ratios).toFixed(1)).join(', ');
      process.stdout.write(`| ${p.name} | ${shape.C} | ${shape.D} | ${shape.lengths} | ${shape.n} | ${runs.map(acc).join(' | ')} | ${num(b.dtw)} | ${num(b.rocket)} | ${times} | ${ratios} |\n`);
      summary.push({ accs: runs.map((r) => 100 * mean(r.accs)), ...b });
    }
  }
  if (!json && summary.length > 0) {
    const withDtw = summary.filter((s) => s.dtw !== undefined);
    const withRocket = summary.filter((s) => s.rocket !== undefined);
    process.stdout.write('\n');
    cells.forEach((c, i) => {
      // A clause only where some set has the figure it compares with (held-out sets may have neither).
      const dtw = withDtw.length > 0 ? `; ≥ 1-NN DTW on ${withDtw.filter((s) => s.accs[i] >= s.dtw!).length} of ${withDtw.length}` : '; no set has a 1-NN DTW figure';
      const rocket = withRocket.length > 0
        ? `; on the ${withRocket.length} sets with a ROCKET figure: ours ${mean(withRocket.map((s) => s.accs[i])).toFixed(1)}, ROCKET ${mean(withRocket.map((s) => s.rocket!)).toFixed(1)}`
        : '; no set has a ROCKET figure';
      process.stdout.write(`${c === undefined ? '' : `--cell ${c}: `}mean test accuracy ${mean(summary.map((s) => s.accs[i])).toFixed(1)} % over ${summary.length} sets${dtw}${rocket}\n`);
    });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:accuracy: ${(e as Error).message}\n`);
  process.exit(1);
});
