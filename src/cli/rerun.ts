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
  const child = spawn(process.execPath, [...process.execArgv, '--disable-wasm-trap-handler', ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, [PARENT]: String(process.pid) },
  });
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

const PARENT = 'TRAIN_SIGNALS_RERUN_BY';

/**
 * In the child of a rerun: once the process that started it is gone (killed outright, which no signal tells),
 * stop as SIGTERM would (gracefully, with the checkpoint, while training), rather than run on unseen.
 */
export function watchParent(env: Readonly<Record<string, string | undefined>> = process.env): void {
  const parent = Number(env[PARENT]);
  if (!(parent > 0)) return;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  watch.unref();
}

function signalNumber(signal: NodeJS.Signals): number {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGPIPE: 13, SIGTERM: 15 }[signal as string] ?? 1;
}
