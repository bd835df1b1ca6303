#!/usr/bin/env node
// The command-line entry point: yargs commands over the library, and the only place that sets exit codes.
// User errors: one line, exit 2. Bugs: a short message, exit 1 (the stack with --debug).

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserError } from '../errors.js';
import { trainCommand } from './commands/train.js';
import { evaluateCommand } from './commands/evaluate.js';
import { tuneCommand } from './commands/tune.js';

const NAME = 'train-signals';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  let usageError: string | null = null;
  try {
    await yargs(argv)
      .scriptName(NAME)
      .command(evaluateCommand as any)
      .command(trainCommand as any)
      .command(tuneCommand as any)
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of internal errors' })
      .strict()
      .demandCommand(1, 'give a training CSV file, or a command (see --help)')
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .fail((msg, err) => {
        if (err) throw err;
        usageError = msg;
      })
      .help()
      .version()
      .parseAsync();
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`${NAME}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`${NAME}: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    else process.stderr.write(`${NAME}: this is a bug; rerun with --debug for the stack trace and report it\n`);
    return 1;
  }
  if (usageError !== null) {
    process.stderr.write(`${NAME}: ${usageError} (see ${NAME} --help)\n`);
    return 2;
  }
  return 0;
}

main(hideBin(process.argv)).then((code) => {
  process.exitCode = code;
});
