// Runs the built CLI as a user would, capturing stdout, stderr and the exit code.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** The installed command (package.json's bin), which loads the program (CLI) once Node's version is checked. */
export const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
/** For `node --import`: every engine's gradient worker becomes the failing fixture (fixtures/failing-worker.ts). */
export const FAILING_WORKER_HOOK = new URL('../fixtures/failing-worker-hook.js', import.meta.url).href;
/** The failing fixture itself, for an engine or fit() in the test's own process. */
export const FAILING_WORKER = new URL('../fixtures/failing-worker.js', import.meta.url);

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeout?: number; input?: string | Buffer } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: opts.timeout ?? 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
