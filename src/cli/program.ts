// The command-line program: yargs commands over the library, and the exit code of a command's outcome (main.ts
// decides what a failing stdout or stderr means, bin.ts refuses a Node too old).
// User errors: one line, exit 2. Bugs: a short message, exit 1 (the stack with --debug). Interrupted: exit 130,
// with the command that resumes from the checkpoint. main.ts runs it as the process. Each command's handler
// imports the library it calls as it runs, so that --help, --version and a usage error load the command line
// alone and answer sooner.

import yargs from 'yargs';
import { incompleteInstallation, isInterrupted, isUserError, tooManyOpenFiles } from '../errors.js';
import { LOW_OPEN_FILES, openFilesLimit } from '../io/open-files.js';
import { packageVersion } from '../io/version.js';
import { installSignalHandlers } from './interrupt.js';
import { closest } from '../data/suggest.js';
import { trainBuilder, trainCommand } from './commands/train.js';
import { PROGRAM as NAME, lineReadsStdin, resumeCommand } from './command-line.js';
import { evaluateCommand } from './commands/evaluate.js';
import { tuneCommand } from './commands/tune.js';
import { predictCommand } from './commands/predict.js';
import { exportCommand } from './commands/export.js';
import { infoCommand } from './commands/info.js';
import { WORKFLOW_EXAMPLES } from './help.js';
import { visible } from '../data/visible.js';
import { writesStdout } from '../io/output-target.js';
import { StreamOntoInputError, checkStreamsApart } from '../io/paths.js';
import { setHelpCommand, usageError } from './usage.js';
import {
  COMMANDS, OUTPUT_FLAGS, checkArgs, checkCommand, checkWords, inputsNamed, joinNegativeNumbers, resolveDashes, unknownFlags, withDashes,
} from './words.js';
import { USAGE, badChoice, extraWords, missing } from './yargs-messages.js';

/** Whether an output flag names stdout by a path (`--out /dev/stdout`, `/dev/fd/1`; `-` is stdout's own spelling). */
function writesStdoutByPath(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (m === null || !OUTPUT_FLAGS.includes(m[1])) continue;
    const path = m[2] ?? argv[i + 1];
    if (path !== undefined && path !== '-' && !path.startsWith('--') && writesStdout(path)) return true;
  }
  return false;
}

/**
 * Why no path can be resolved against the working folder: deleted under the shell, or its path longer than Node
 * can read (4096 bytes); null where it can.
 */
function workingFolderProblem(): string | null {
  try {
    process.cwd();
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'the current folder no longer exists (deleted or moved after the shell entered it); cd to one that does and run again';
    if (code === 'ERANGE' || code === 'ENAMETOOLONG') return 'the current folder\'s path is longer than Node can read (4096 bytes); cd to a folder with a shorter path and run again';
    throw e;
  }
}

/**
 * Runs one command line (the arguments after the program's name); resolves with its exit code. Where one of its
 * outputs is stdout by a path, everything else it would print there goes to stderr, as with `--report -`: the
 * model's summary line or evaluate's tables would otherwise end up inside that file.
 */
export async function main(argv: string[]): Promise<number> {
  if (!writesStdoutByPath(argv)) return run(argv);
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await run(argv);
  } finally {
    process.stdout.write = write;
  }
}

async function run(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  installSignalHandlers(NAME);
  // Every path is resolved against the working folder (yargs asks for it first of all): one deleted under the
  // shell leaves nothing to resolve against.
  const folderProblem = workingFolderProblem();
  if (folderProblem !== null) {
    process.stderr.write(`${NAME}: ${folderProblem}\n`);
    return 2;
  }
  // `help` and `help <command>` as `--help` and `<command> --help`.
  if (argv[0] === 'help' && argv.length <= 2 && argv[1] !== undefined && !COMMANDS.includes(argv[1])) {
    const near = closest(argv[1], COMMANDS);
    process.stderr.write(`${NAME}: help ${visible(argv[1])}: no such command; the commands are ${COMMANDS.join(', ')}${near === undefined ? '' : ` (did you mean ${near}?)`}\n`);
    return 2;
  }
  if (argv[0] === 'help' && argv.length <= 2) argv = COMMANDS.includes(argv[1]) ? [argv[1], '--help'] : ['--help'];
  setHelpCommand(COMMANDS.includes(argv[0]) ? argv[0] : undefined);
  try {
    if (argv.filter((a) => a !== '--debug').length === 0) throw usageError(`give a command and its files: ${NAME} <command> ...; the commands are ${COMMANDS.join(', ')} (train may be left out: ${NAME} ${USAGE.train})`);
    checkCommand(argv);
    checkWords(argv);
    const cli: any = yargs(withDashes(joinNegativeNumbers(argv)));
    // yargs lays out a command's whole help text as the command starts, kept for a failure it would report
    // itself; .fail below reports every failure instead, so the text is never shown, and laying it out costs a
    // command that stops at its input much of its time. --help lays its text out when asked.
    cli.getInternalMethods().getUsageInstance().cacheHelpMessage = () => {};
    await cli
      // The tool's messages are English, and its hints read yargs' English wording (missing, badChoice): a
      // locale taken from LANG would put German or Japanese lines beside them and lose the hints.
      .locale('en')
      // `--out.x p.csv` would be an object where a path goes: no flag here has parts.
      .parserConfiguration({ 'dot-notation': false })
      .scriptName(NAME)
      // Without a command word train runs, and its help is the top-level help: it shows the whole workflow.
      .command((argv[0] === 'train' ? trainCommand : { ...trainCommand, builder: (y: any) => trainBuilder(y, WORKFLOW_EXAMPLES) }) as any)
      .command(evaluateCommand)
      .command(predictCommand)
      .command(tuneCommand)
      .command(exportCommand)
      .command(infoCommand)
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces of internal errors' })
      .epilogue('Each command has its own help: train-signals <command> --help. Exit status: 0 done, 2 your input (one line says what to change), 1 a bug, 130 interrupted.')
      .version(packageVersion())
      .alias('h', 'help')
      .strict()
      .demandCommand(1, 'give a training CSV file, or a command (see --help)')
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .middleware(((a: any, y: any) => {
        checkArgs(argv, y);
        resolveDashes(a);
        checkStreamsApart(inputsNamed(a));
      }) as any, true)
      .fail((msg: string, err: Error | undefined) => {
        // Throwing stops yargs here: returning would let it run the command anyway. A mistyped flag is named
        // first, whatever yargs found (a misspelt --model is also a missing one).
        if (err) throw err;
        throw usageError(unknownFlags(argv, cli) ?? missing(argv, msg) ?? badChoice(msg) ?? extraWords(argv, msg) ?? msg);
      })
      .help()
      .parseAsync();
  } catch (e) {
    return failureExit(e, argv, debug);
  }
  return 0;
}

/**
 * The exit code of a command line that failed with e, once what to do is said: 130 interrupted (with the line
 * that resumes it), 2 the user's to mend (one line), 1 a bug (with --debug, its stack).
 */
function failureExit(e: unknown, argv: readonly string[], debug: boolean): number {
  if (isInterrupted(e)) {
    if (e.written !== undefined) {
      process.stderr.write(`${NAME}: ${visible(e.message)}; ${visible(e.written)}\n`);
    } else if (e.checkpoint === undefined) {
      process.stderr.write(`${NAME}: ${visible(e.message)}; there is no checkpoint to resume from (none written yet, or none asked for), and nothing was written\n`);
    } else {
      process.stderr.write(`${NAME}: ${visible(e.message)}; the checkpoint is ${visible(e.checkpoint)}\n`);
      process.stderr.write(`${NAME}: to resume${lineReadsStdin(argv) ? ' (with the same data on stdin again)' : ''}: ${resumeCommand(argv, e.checkpoint)}\n`);
    }
    return 130;
  }
  if (isUserError(e)) {
    // One line, whatever a file name or label holds; on stdout where stderr is an input file, on neither where both are.
    const streams = e instanceof StreamOntoInputError ? e.streams : [];
    const to = !streams.includes(2) ? process.stderr : !streams.includes(1) ? process.stdout : null;
    to?.write(`${NAME}: ${visible(e.message)}\n`);
    return 2;
  }
  // A command loads its modules as it starts: one that cannot be opened for want of descriptors (Node 20 may
  // call that a module not found, src/io/open-files.ts), or one missing, a damaged installation, is no bug.
  const code = (e as { code?: string })?.code;
  const files = tooManyOpenFiles(code === 'ERR_MODULE_NOT_FOUND' && openFilesLimit() <= LOW_OPEN_FILES ? 'EMFILE' : code);
  if (files !== null) {
    process.stderr.write(`${NAME}: could not load the program: ${files}\n`);
    return 2;
  }
  if (code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write(`${NAME}: ${visible(incompleteInstallation((e as Error).message))}\n`);
    return 2;
  }
  process.stderr.write(`${NAME}: internal error: ${visible((e as Error)?.message ?? String(e))}\n`);
  if (debug) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  else process.stderr.write(`${NAME}: this is a bug; rerun with --debug for the stack trace and report it\n`);
  return 1;
}
