// Runs a command line of the built CLI through its program in a server process this test file keeps
// (cli-server.ts), synchronously as cli.ts runs a process: Node's start, the module graph and the WebAssembly
// kernel's compilation are paid once per file rather than once per line, a third of a small training's cost.
// For what a command prints, writes and exits with; what only a process shows (signals, exit timing, stdin, the
// environment, --help, which ends the process) stays with cli.ts.

import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ROOT, type Run } from './cli.js';

let bridge: { port: MessagePort; flag: Int32Array } | undefined;

function startBridge(): { port: MessagePort; flag: Int32Array } {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./cli-bridge.js', import.meta.url), { workerData: { port: port2, flag }, transferList: [port2] });
  worker.unref();
  return { port: port1, flag };
}

export function cliHere(args: string[], opts: { cwd?: string; timeout?: number } = {}): Run {
  bridge ??= startBridge();
  const { port, flag } = bridge;
  Atomics.store(flag, 0, 0);
  port.postMessage({ args, cwd: opts.cwd ?? ROOT });
  if (Atomics.wait(flag, 0, 0, opts.timeout ?? 240_000) === 'timed-out') throw new Error(`${args.join(' ')}: no answer in time`);
  const answer = receiveMessageOnPort(port)?.message as (Run & { left: string[]; late: string }) | { ended: string } | undefined;
  if (answer === undefined || 'ended' in answer) throw new Error(`${args.join(' ')}: ${answer?.ended ?? 'no answer'}`);
  const { left, late, ...run } = answer;
  assert.deepEqual({ left, late }, { left: [], late: '' }, `${args.join(' ')}: left running, or printed after it returned`);
  return run;
}
