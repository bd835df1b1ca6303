// The command line as the user would type it again: shown in the HTML report, and in the resume hint after an
// interrupt.

import { realpathSync } from 'node:fs';
import path from 'node:path';
import { hideBin } from 'yargs/helpers';
import { HIDDEN, hasHidden } from '../data/visible.js';

export const PROGRAM = 'train-signals';

/**
 * s as one word for a POSIX shell: bare when every character is safe there, else in single quotes; a word with
 * control or bidirectional-formatting characters in $'…' (bash, zsh, ksh; not dash or fish), those written as
 * escapes, so that the line neither acts on the terminal nor loses them when pasted.
 */
export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  if (!hasHidden(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  // As UTF-8 bytes (\xHH each): bash reads \u… in a UTF-8 locale only.
  const escaped = s.replace(/[\\']/g, (c) => `\\${c}`).replace(HIDDEN, (c) => [...Buffer.from(c, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
  return `$'${escaped}'`;
}

/** The words as one shell command line. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/**
 * How to run the program again as it was run now: through npx (npm exec) when it was; by its name when that name
 * on the PATH is this very script; else as `node <script>` (a local install's .bin, or a clone's dist), since the
 * bare name would not be found.
 */
export function programWords(env: Readonly<Record<string, string | undefined>> = process.env, script: string | undefined = process.argv[1]): string[] {
  if (env.npm_command === 'exec') return ['npx', PROGRAM];
  if (script === undefined || onPath(env.PATH ?? '', script)) return [PROGRAM];
  const relative = path.relative(process.cwd(), script);
  return ['node', relative.length < script.length ? relative : script];
}

/** Whether some directory of the PATH holds the program's name as this script (through any links). */
function onPath(PATH: string, script: string): boolean {
  const target = realOrNull(script);
  return target !== null && PATH.split(path.delimiter).some((dir) => dir !== '' && realOrNull(path.join(dir, PROGRAM)) === target);
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
