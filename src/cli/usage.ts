// A usage error: a command line yargs or the tool's own checks of its words refuse, as one line that points to
// the help of the command it names.

import { UserError } from '../errors.js';
import { PROGRAM as NAME } from './command-line.js';

/** The help that a usage error points to: the command's own, where the command line names one (set by run). */
let helpCommand = `${NAME} --help`;

/** Points the usage errors that follow to `command`'s help (undefined: the program's). */
export function setHelpCommand(command: string | undefined): void {
  helpCommand = command === undefined ? `${NAME} --help` : `${NAME} ${command} --help`;
}

/** A usage error (unknown flag, bad choice, missing argument) as one line. */
export function usageError(msg: string): UserError {
  return new UserError(`${msg.replace(/\s*\n\s*/g, ' ').trim()} (see ${helpCommand})`);
}
