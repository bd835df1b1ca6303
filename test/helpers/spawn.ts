// Runs the built CLI asynchronously: several at once, or one that a test signals while it runs (interrupts); and
// cli.test's usage errors through the program, one of them also as a process. Complements cli.ts, which runs one
// synchronously.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, ROOT, type Run } from './cli.js';
import { cliHere } from './cli-here.js';

export interface Running {
  readonly child: ChildProcess;
  /** Resolves when stderr has printed something matching `re` (rejects if the process ends first). */
  waitFor(re: RegExp): Promise<void>;
  /** Resolves with the outcome and the seconds it took from the start. */
  readonly done: Promise<Run & { seconds: number; signal: NodeJS.Signals | null }>;
}

/** `node` flags go before the CLI (opts.node), e.g. `--import` of a test fixture. */
/** `stdin: true` gives the child a pipe to write to (child.stdin). */
/** `entry`: the script run (default the program, main.js; BIN is the installed command's). */
export function start(args: string[], opts: { cwd?: string; env?: Record<string, string>; node?: string[]; stdin?: boolean; entry?: string } = {}): Running {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(opts.node ?? []), opts.entry ?? CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].re.test(stderr)) waiters.splice(i, 1)[0].resolve();
    }
  });
  const done = new Promise<Run & { seconds: number; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the CLI ended (code ${code}) before printing ${w.re}; stderr: ${stderr}`));
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000 });
    });
  });
  return {
    child,
    done,
    waitFor: (re) =>
      re.test(stderr) ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.push({ re, resolve, reject })),
  };
}

/** Runs every job with at most `limit` at once; results in job order. */
export async function runAll<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

/**
 * Command lines that stop at their arguments or inputs (usage errors, refused files) through the CLI's program in
 * the test file's server (cli-here.ts), the first of them also as a process of its own, whose exit code, stdout
 * and stderr must be the same: a process per line spent nearly all its time starting. Not --help, after which
 * yargs ends the process.
 */
export async function cliLines(lines: string[][], cwd = ROOT): Promise<Run[]> {
  const results = lines.map((args) => cliHere(args, { cwd }));
  const { code, stdout, stderr } = await start(lines[0], { cwd }).done;
  assert.deepEqual({ code, stdout, stderr }, results[0], `${lines[0].join(' ')}: as a process of its own, and through the program`);
  return results;
}
