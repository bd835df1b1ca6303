#!/usr/bin/env node
// The command line's process, which bin.ts (the installed command) imports once Node's version is checked: runs
// the program (program.ts) as this process, ending it with the program's exit code, and decides what a failing
// stdout or stderr means for the process.

import { fstatSync } from 'node:fs';
import { hideBin } from 'yargs/helpers';
import { PROGRAM as NAME } from './command-line.js';
import { exitProcess, hangedUp, stopGracefully, stopping } from './interrupt.js';
import { main } from './program.js';
import { endPipeWaitsOnSignal } from '../io/pipe-wait.js';
import { writtenSoFar } from './written.js';
import { writeAll } from '../io/atomic.js';
import { needsRerun, rerunWithoutTrapHandler, watchParent } from './rerun.js';

endPipeWaitsOnSignal();
watchParent();

writeStdoutFileWhole();

// A reader that stops early (`evaluate … | head`) closes the pipe: the output is no longer wanted, so end
// quietly, as Unix tools do, rather than with a stack trace. Files being written are atomic and stay whole.
let stdoutFailed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  if (stdoutFailed) return; // the writes after the first failure fail too: one line
  stdoutFailed = true;
  // Any other failure (a full disk under `> file`, /dev/full) is the user's surroundings: one line, exit 2.
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  const why = full && stdoutIsDevice() ? `the device takes no more (${e.code});` : full ? `the disk is full (${e.code}); free space, or`
    : e.code === 'EFBIG' ? 'the file grew past the size this process or file system allows (EFBIG); raise the limit (ulimit -f), or'
      : `${e.code ?? e.message};`;
  process.stderr.write(`${NAME}: cannot write to stdout: ${why} send the output elsewhere${writtenSoFar()}\n`, () => process.exit(2));
  setTimeout(() => process.exit(2), 1000).unref();
});

/**
 * Node writes a stdout that is a file (`> out.csv`) with one write(2) per chunk and drops what a short write
 * leaves (a disk that fills, a limit on file size): the output was cut mid-row and the command ended 0. Here
 * such a stdout is written whole, or its error event says why not.
 */
function writeStdoutFileWhole(): void {
  try {
    if (!fstatSync(1).isFile()) return;
  } catch {
    return;
  }
  const out = process.stdout as unknown as { _write(chunk: Buffer | string, encoding: BufferEncoding, done: (e?: Error) => void): void };
  out._write = (chunk, encoding, done) => {
    try {
      writeAll(1, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk, null);
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  };
}

function stdoutIsDevice(): boolean {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return false;
  }
}

// With stderr gone there is no one left to tell: a closed pipe ends the run as SIGPIPE would (141), any other
// failure (a log on a full disk) as the user's surroundings (2), rather than as a bug whose stack trace could not
// be printed either. While training (`train … 2>&1 | head`, `2>> full/log`) it stops gracefully first, so that
// the checkpoint holds the work done (a rerun with --resume goes on). During a graceful stop (a closed
// terminal's SIGHUP takes stderr with it) the checkpoint comes first too: the run goes on to write it and exits
// 130 as it would have.
let stderrLost: number | undefined; // the exit code a lost stderr gives the run it stopped
process.stderr.on('error', (e: NodeJS.ErrnoException) => {
  // EIO: a terminal that hung up, whose SIGHUP stops the run gracefully (it may come just after the error).
  if (stopping() || e.code === 'EIO') return;
  const code = e.code === 'EPIPE' ? 141 : 2;
  if (stopGracefully(e.code ?? 'stderr')) {
    stderrLost = code;
    return;
  }
  process.exit(code);
});

(needsRerun(hideBin(process.argv)) ? rerunWithoutTrapHandler() : main(hideBin(process.argv))).then((code) => {
  if (hangedUp()) exitProcess(code); // the terminal is gone (interrupt.ts)
  if (stderrLost !== undefined) code = stderrLost;
  process.exitCode = code;
  // After a failure nothing may keep the process alive (a stuck worker thread, a pending handle): exit
  // anyway once stderr has had time to drain.
  if (code !== 0) setTimeout(() => process.exit(code), 2000).unref();
});
