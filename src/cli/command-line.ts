// The command line as the user would type it again: shown in the HTML report, and in the resume hint after an
// interrupt.

import { hideBin } from 'yargs/helpers';

export const PROGRAM = 'train-signals';

/** s as one word for a POSIX shell: bare when every character is safe there, else in single quotes. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The words as one shell command line. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/** How to run the program again as it was run now: through npx (npm exec) when it was, else by its name. */
export function programWords(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.npm_command === 'exec' ? ['npx', PROGRAM] : [PROGRAM];
}

/** This process's command line: the program as run and its arguments as given, quoted for a shell. */
export function invokedCommand(): string {
  return shellCommand([...programWords(), ...hideBin(process.argv)]);
}
