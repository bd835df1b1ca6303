// Under a cap on address space (ulimit -v, common on compute clusters), V8's WebAssembly needs the trap handler
// off: with it, every kernel memory reserves about 10 GiB of address space, so a capped process cannot have its
// kernel, and a worker thread that then cannot reserve its own code space ends the process in V8 itself (no
// message, exit 133). The handler is chosen when Node starts, so the command runs again in a child Node started
// without it: the same results (the kernel's arithmetic does not change), bounds checked in code instead.

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { trapHandlerOn } from '../engine/wasm.js';
import { addressSpaceCap } from '../engine/address-space.js';
import { dropLoadingListener } from './loading-listener.js';

/**
 * Whether this process runs capped with the trap handler on, and the command (its words `argv`) runs the
 * kernel: then it should run again without the handler. Help, the version, info and export use no kernel.
 */
export function needsRerun(argv: readonly string[]): boolean {
  if (['info', 'export', 'help'].includes(argv[0]) || argv.some((a) => ['--help', '-h', '--version'].includes(a))) return false;
  const cap = addressSpaceCap();
  return cap !== null && cap < ROOMY_CAP && trapHandlerOn();
}

/**
 * A cap this large leaves room for every reservation a run makes with the trap handler (model selection's
 * engines, about 10 GiB of address space each, and the threads' code): no rerun, whose
 * bounds checks cost speed.
 */
const ROOMY_CAP = 128 * 2 ** 30;

/**
 * Runs this command again in a child Node without the trap handler, its standard streams this process's, and
 * resolves to its exit code (128 + the signal's number where a signal ended it). Every SIGINT, SIGTERM, SIGHUP
 * and SIGUSR1 is passed on: one sent to the whole process group (Ctrl-C at a terminal, timeout, a job scheduler)
 * reaches the child twice, and the child takes a second within a second for that copy (interrupt.ts).
 */
export function rerunWithoutTrapHandler(): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, TRAP_HANDLER_OFF, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, [PARENT]: String(process.pid) },
  });
  for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM', 'SIGUSR1'] as const) process.on(signal, () => child.kill(signal));
  dropLoadingListener();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))));
  });
}

/** Node's flags as the user gave them: a rerun's child has the one it was rerun with besides. */
export function usersNodeFlags(): string[] {
  const flags = [...process.execArgv];
  const added = flags.lastIndexOf(TRAP_HANDLER_OFF);
  if (isRerunChild() && added >= 0) flags.splice(added, 1);
  return flags;
}

const TRAP_HANDLER_OFF = '--disable-wasm-trap-handler';

/** Whether this process is a rerun's child. */
export function isRerunChild(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return Number(env[PARENT]) > 0;
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

