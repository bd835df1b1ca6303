// The command line as the user would type it again: shown in the HTML report, and in the resume hint after an
// interrupt.

import { realpathSync } from 'node:fs';
import path from 'node:path';
import { hideBin } from 'yargs/helpers';
import { shellQuote } from '../data/visible.js';
import { usersNodeFlags } from './rerun.js';
import { readsStdin } from '../io/paths.js';

export { shellQuote };

export const PROGRAM = 'train-signals';

/** The words as one shell command line. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/**
 * How to run the program again as it was run now: through npx (npm exec) when it was; by its name when that name
 * on the PATH is this very script; else as `node <Node's flags> <script>` (a local install's .bin, or a clone's
 * dist), since the bare name would not be found.
 */
export function programWords(
  env: Readonly<Record<string, string | undefined>> = process.env, script: string | undefined = process.argv[1], nodeFlags: readonly string[] = usersNodeFlags(),
): string[] {
  if (env.npm_command === 'exec') return ['npx', PROGRAM];
  if (script === undefined || onPath(env.PATH ?? '', script)) return [PROGRAM];
  const relative = path.relative(process.cwd(), script);
  return ['node', ...nodeFlags, relative.length < script.length ? relative : script];
}

/** Whether the program's name, where the PATH first has it, is this script (through any links): what the shell would run. */
function onPath(PATH: string, script: string): boolean {
  const target = realOrNull(script);
  if (target === null) return false;
  for (const dir of PATH.split(path.delimiter)) {
    if (dir === '') continue;
    const found = realOrNull(path.join(dir, PROGRAM));
    if (found !== null) return found === target;
  }
  return false;
}

function realOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null; // not there, or unreadable: not this script
  }
}

/** This process's command line: the program as run and its arguments as given, quoted for a shell. */
export function invokedCommand(): string {
  return shellCommand([...programWords(), ...hideBin(process.argv)]);
}

/** The command line again with `--resume <ckpt>` (replacing any --resume), quoted for a POSIX shell. */
export function resumeCommand(argv: readonly string[], checkpoint: string): string {
  // After `--` every word is a file: --resume goes before it.
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const args: string[] = [];
  for (let i = 0; i < end; i++) {
    if (argv[i] === '--resume') i++;
    else if (!argv[i].startsWith('--resume=')) args.push(argv[i]);
  }
  args.push('--resume', checkpoint, ...argv.slice(end));
  return shellCommand([...programWords(), ...args]);
}

/** Whether the command line reads standard input: `-` before any `--` (after it, a file of that name), or stdin by a path. */
export function lineReadsStdin(argv: readonly string[]): boolean {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  return argv.some((a, i) => (a === '-' ? i < end : !a.startsWith('--') && readsStdin(a)));
}
