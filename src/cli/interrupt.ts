// SIGINT, SIGTERM, SIGHUP (a closed terminal), SIGXCPU (a limit on CPU time) and SIGUSR1 (a batch system's time
// limit near) for the command line. While training runs (between armGraceful() and disarmGraceful()),
// the first Ctrl-C aborts the command's graceful signal: training finishes the step in progress (model
// selection abandons the candidate fits in progress), writes its checkpoint and stops, and the entry point exits 130 with the command that resumes. A second signal, or a
// signal at any other time (loading data, evaluating), stops at once (exit 130): there is nothing to save.
//
// Stopping at once is safe for every file: each one is written synchronously and atomically (temp file,
// fsync, rename; src/io/atomic.ts), and a signal handler only runs between two JavaScript tasks, so no write
// is ever half done when it exits. An output written over time (predict's rows) registers its cleanup with
// atStop(), which removes its temp file before the exit.
//
// Does not own exit codes for anything but these signals; main.ts owns the rest.

import { constants } from 'node:os';
import { eventLoopTurn } from '../engine/turns.js';
import { isRerunChild } from './rerun.js';
import { dropLoadingListener } from './loading-listener.js';

const STOP_CODE = 130;
// SIGXCPU: a soft limit on CPU time (ulimit -t, a batch system's) reached; the kernel sends it again every second
// of CPU until the hard limit kills the process. SIGUSR1: a batch system's warning before its time limit (Slurm's
// --signal=USR1@120); Node would otherwise open its debugger on a local port to it, for any user of the machine
// to connect to. The repeats of these two are no second Ctrl-C: they are ignored.
const REPEATED: readonly NodeJS.Signals[] = ['SIGXCPU', 'SIGUSR1'];
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', ...REPEATED.filter((s) => (constants.signals as Record<string, number | undefined>)[s] !== undefined)];

let graceful: AbortController | null = null;
let hungUp = false; // a SIGHUP came: the terminal is gone
let armed = false;
let installed = false;
const cleanups = new Set<() => void>();

/** Runs `cleanup` if a signal stops the command at once; the returned function unregisters it. */
export function atStop(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Installs the handlers (once). `name` prefixes the messages.
 */
export function installSignalHandlers(name: string): void {
  if (installed) return;
  installed = true;
  dropLoadingListener();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGHUP') hungUp = true;
    // On a terminal the cursor may sit after a progress bar and the echoed ^C: start the message on a new line.
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (graceful !== null && armed && !graceful.signal.aborted) {
      graceful.abort(sig);
      // The next signal takes the system's default action, ending the process at once even while the main
      // thread is inside a long step, where no JavaScript handler could run; the shell sees status 130 (143).
      // A rerun's child (rerun.ts) gets a signal sent to the process group twice, from the sender and passed
      // on by its parent: a second one within a second is that copy, not a second Ctrl-C.
      const restore = () => {
        for (const s of SIGNALS) if (!REPEATED.includes(s)) process.removeListener(s, ignore);
      };
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      for (const s of SIGNALS) if (REPEATED.includes(s)) process.on(s, ignore);
      if (isRerunChild()) {
        for (const s of SIGNALS) if (!REPEATED.includes(s)) process.on(s, ignore);
        setTimeout(restore, REPEAT_MS).unref();
      }
      process.stderr.write(
        `${name}: ${sig} received; finishing the current step and writing the checkpoint, where there is one to write ` +
          '(press Ctrl-C again to stop at once)\n',
      );
      return;
    }
    for (const c of cleanups) c();
    process.stderr.write(`${name}: stopped at once (${sig}); files already written are intact\n`);
    exitProcess(STOP_CODE);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

const REPEAT_MS = 1000;
const ignore = (): void => {};

/**
 * Ends the process with `code`, as process.exit does; after a SIGHUP, by that signal instead: Node's own exit
 * restores the terminal's mode and aborts (an assertion) when the terminal is gone. Exit listeners run first
 * either way (they release the checkpoint's lock).
 */
export function exitProcess(code: number): void {
  if (!hungUp) process.exit(code);
  process.emit('exit', code);
  process.removeAllListeners('exit');
  process.removeAllListeners('SIGHUP');
  process.kill(process.pid, 'SIGHUP');
}

/** Whether a SIGHUP has come (the entry point then ends by exitProcess). */
export function hangedUp(): boolean {
  return hungUp;
}

/** Whether a graceful stop is under way: the checkpoint is still to be written, whatever becomes of stderr. */
export function stopping(): boolean {
  return graceful !== null && armed && graceful.signal.aborted;
}

/**
 * Resolves once a signal that arrived during synchronous work (scoring a file) has been handled: such a signal
 * waits for the event loop, so without this the work's outputs would be written before it stops the command.
 */
export const signalsHandled = eventLoopTurn;

/** A signal that the first SIGINT / SIGTERM aborts while armed, for the command that runs now. */
export function gracefulSignal(): AbortSignal {
  graceful = new AbortController();
  armed = false;
  return graceful.signal;
}

/**
 * Stops training gracefully as a first signal would (the step in progress, then the checkpoint), without a
 * signal: stderr's reader went away. False where nothing is armed to stop so (not training, or stopping already).
 */
export function stopGracefully(why: string): boolean {
  if (graceful === null || !armed || graceful.signal.aborted) return false;
  graceful.abort(why);
  return true;
}

/** From now on the first signal stops gracefully (training has started). */
export function armGraceful(): void {
  armed = true;
}

/** From now on a signal stops at once again (training has ended). */
export function disarmGraceful(): void {
  armed = false;
}
