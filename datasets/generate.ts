// `npm run datasets`: writes the bundled CSVs (deterministic, fixed seeds) under datasets/, or under the
// directory given as the first argument:
//   cbf/train.csv, cbf/test.csv        Cylinder-Bell-Funnel, wide layout, 300 sequences each (100 per class)
//   motion/train.csv, motion/test.csv  3-channel synthetic motion, long layout, 60 sequences each (20 per class)
// The generators live in cbf.ts and long.ts; this file only picks seeds and sizes and writes.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRng } from '../src/model/rng.js';
import { cbf, wideCsv } from './cbf.js';
import { longCsv, motion } from './long.js';

/** Relative path → file contents of every bundled data set file. */
export function bundledFiles(): Map<string, string> {
  return new Map([
    ['cbf/train.csv', wideCsv(cbf(createRng(1), 300))],
    ['cbf/test.csv', wideCsv(cbf(createRng(2), 300))],
    ['motion/train.csv', longCsv(motion(createRng(3), 60))],
    ['motion/test.csv', longCsv(motion(createRng(4), 60))],
  ]);
}

/** The datasets/ directory of the repository (this file runs from dist/datasets/). */
export function datasetsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../datasets');
}

export async function writeBundled(outDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [rel, text] of bundledFiles()) {
    const path = join(outDir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ?? datasetsDir();
  for (const path of await writeBundled(outDir)) console.log(`wrote ${path}`);
}
