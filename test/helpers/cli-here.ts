// Runs a command line of the built CLI through its program in a server process this test file keeps
// (cli-server.ts), synchronously as cli.ts runs a process: Node's start, the module graph and the WebAssembly
// kernel's compilation are paid once per server rather than once per line, two thirds of a small training's cost.
// For what a command prints through process.stdout and process.stderr, writes to files, and exits with; what
// only a process shows stays with cli.ts: signals, main.ts's handling of a failing stdout or stderr, stdin, the
// environment (the server's is the test's at its start), --help (yargs ends the process after it), a path that
// names the process's own fds (/dev/stdout), /proc/self.

import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ROOT, type Run } from './cli.js';

interface Bridge {
  port: MessagePort;
  flag: Int32Array;
  worker: Worker;
}

let bridge: Bridge | undefined;
let jobs = 0;

function startBridge(): Bridge {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./cli-bridge.js', import.meta.url), { workerData: { port: port2, flag }, transferList: [port2] });
  worker.unref();
  worker.on('error', () => {}); // the bridge answers its own failure (cli-bridge.ts); the next line starts afresh
  return { port: port1, flag, worker };
}

/** Ends the server (with its bridge): the next line starts a fresh one. */
function dropBridge(): void {
  void bridge?.worker.terminate(); // the server's IPC channel closes with the bridge: it exits (cli-server.ts)
  bridge = undefined;
}

type Answer = Run & { id: number; left?: string[]; late?: string; ended?: string; error?: string };

export function cliHere(args: string[], opts: { cwd?: string; timeout?: number } = {}): Run {
  bridge ??= startBridge();
  const { port, flag } = bridge;
  const id = ++jobs;
  const line = args.join(' ');
  Atomics.store(flag, 0, 0);
  port.postMessage({ id, args, cwd: opts.cwd ?? ROOT });
  const deadline = performance.now() + (opts.timeout ?? 240_000);
  let answer: Answer | undefined;
  while (answer === undefined) {
    const remaining = deadline - performance.now();
    if (remaining <= 0 || Atomics.wait(flag, 0, 0, remaining) === 'timed-out') {
      dropBridge();
      throw new Error(`${line}: no answer in time`);
    }
    Atomics.store(flag, 0, 0);
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      if ((m.message as Answer).id === id) answer = m.message as Answer;
    }
  }
  if (answer.ended !== undefined || answer.error !== undefined) {
    dropBridge();
    throw new Error(`${line}: ${answer.ended ?? answer.error}`);
  }
  const { left, late, code, stdout, stderr } = answer;
  if (left!.length > 0 || late !== '') dropBridge(); // the next line gets a server this one left nothing in
  assert.deepEqual({ left, late }, { left: [], late: '' }, `${line}: left running, or printed outside the command`);
  return { code, stdout, stderr };
}
