// Under a cap on address space (ulimit -v, common on compute clusters), V8's WebAssembly needs the trap handler
// off: with it, every kernel memory reserves about 10 GiB of address space, so a capped process cannot have its
// kernel, and a worker thread that then cannot reserve its own code space ends the process in V8 itself (no
// message, exit 133). The handler is chosen when Node starts, so the command runs again in a child Node started
// without it: the same results (the kernel's arithmetic does not change), bounds checked in code instead.

import { spawn } from 'node:child_process';
import { addressSpaceCap, trapHandlerOn } from '../engine/wasm.js';

/** Whether this process runs capped with the trap handler on (and so should run the command again without it). */
export function needsRerun(): boolean {
  return addressSpaceCap() !== null && trapHandlerOn();
}

/**
 * Runs this command again in a child Node without the trap handler, its standard streams this process's, and
 * resolves to its exit code. At a terminal, Ctrl-C and a hang-up reach the child from the terminal itself (they
 * go to the whole process group), so this process only outlives them: passed on too, a second SIGINT would stop
 * the child at once, without its checkpoint. Elsewhere a signal is sent to this process alone, and passed on.
 */
export function rerunWithoutTrapHandler(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, '--disable-wasm-trap-handler', ...process.argv.slice(1)], { stdio: 'inherit' });
  const fromTerminal = process.stdin.isTTY === true;
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (signal === 'SIGTERM' || !fromTerminal) child.kill(signal);
    });
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : signalNumber(signal))));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 }[signal as string] ?? 1;
}
