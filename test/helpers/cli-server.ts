// A process that runs the command lines a test file sends it (over the IPC channel, { id, args, cwd }) through
// the CLI's program, one at a time in the order sent, and answers each with its id, exit code, stdout and stderr
// (run-main.ts). Some of what a process of its own would show, it checks after every line: what would keep a
// process from ending (a handle, a timer, a worker thread) left running once the command returned, more
// listeners on the process, its stdout or its stderr than before the line, and text written outside the command
// (through process.stdout or process.stderr between lines; straight to fd 1 or 2 at any time, which the bridge
// sees before the marker written after each line: cli-bridge.ts). An answer with any of these says so, and the
// bridge starts a fresh server after it. State a module keeps between calls (what a process would start without)
// is not checked.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { installSignalHandlers } from '../../src/cli/interrupt.js';
import { PROGRAM } from '../../src/cli/command-line.js';
import { type Job, marker } from './cli-protocol.js';
import { capture, runMain } from './run-main.js';

// What the program's first command line does once per process, done before it: not a listener any line left.
installSignalHandlers(PROGRAM);

/** Writes through process.stdout or process.stderr outside a command line: reported with the next answer. */
const stray = { text: '' };
/** The streams' own writes, for the markers: synchronous on a pipe (Linux), so after every byte written before them. */
const [toStdout, toStderr] = [capture(process.stdout, stray), capture(process.stderr, stray)];

/** Worker threads still running (Node lists no worker among the active resources). */
const workers = new Set<Worker>();
process.on('worker', (w: Worker) => {
  workers.add(w);
  w.once('exit', () => workers.delete(w));
});

/** The server's own handles (its stdio, the IPC channel), as the first command line found them. */
let idle: string | undefined;

/** What keeps the event loop alive beyond the server's own handles, after a thousand 10 ms naps to settle at most. */
async function leftRunning(): Promise<string[]> {
  for (let waited = 0; ; waited += 10) {
    const now = process.getActiveResourcesInfo().sort();
    if (workers.size > 0) now.push(`${workers.size} worker thread(s)`);
    if (now.join() === idle || waited >= 10_000) return now.join() === idle ? [] : now;
    await sleep(10);
  }
}

/** Every listener on the process and its stdout and stderr, counted by event. */
function listeners(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [name, emitter] of [['process', process], ['stdout', process.stdout], ['stderr', process.stderr]] as const) {
    for (const event of emitter.eventNames()) counts.set(`${name} '${String(event)}'`, emitter.listenerCount(event));
  }
  return counts;
}

function listenersAdded(before: Map<string, number>): string[] {
  return [...listeners()].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k, n]) => `${n - (before.get(k) ?? 0)} listener(s) on ${k}`);
}

async function serve({ id, args, cwd }: Job) {
  idle ??= process.getActiveResourcesInfo().filter((r) => !/Req(Callback)?$/.test(r)).sort().join(); // handles, not requests in flight
  const before = listeners();
  try {
    const run = await runMain(args, cwd);
    const left = [...(await leftRunning()), ...listenersAdded(before)];
    return { id, ...run, left, late: stray.text };
  } catch (e) {
    return { id, error: (e as Error).stack ?? String(e) }; // main() itself never throws: a bug, or a cwd that is not there
  } finally {
    stray.text = '';
  }
}

let queue = Promise.resolve();
process.on('message', (job: Job) => {
  queue = queue.then(async () => {
    const answer = await serve(job);
    toStdout.call(process.stdout, marker(job.id));
    toStderr.call(process.stderr, marker(job.id));
    process.send!(answer);
  });
});
process.on('disconnect', () => process.exit(0));
