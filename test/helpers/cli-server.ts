// A process that runs the command lines a test file sends it (over the IPC channel, { args, cwd }) through the
// CLI's program, one at a time, and answers each with its exit code, stdout and stderr (run-main.ts). What a
// process of its own would add to be sure of, this checks after every line: nothing printed once the command
// returned, and nothing left running that would keep a process from ending (a worker, a handle, a timer).

import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { capture, runMain } from './run-main.js';

/** Writes outside a command line: kept, and reported with the next answer. */
const stray = { text: '' };
capture(process.stdout, stray);
capture(process.stderr, stray);

/** The server's own handles (its stdio, the IPC channel), as the first command line found them. */
let idle: string | undefined;

/** Worker threads still running (Node lists no worker among the active resources). */
const workers = new Set<Worker>();
process.on('worker', (w: Worker) => {
  workers.add(w);
  w.once('exit', () => workers.delete(w));
});

/** What keeps the event loop alive beyond the server's own handles, once it has had up to 3 s to settle. */
async function leftRunning(): Promise<string[]> {
  for (let waited = 0; ; waited += 10) {
    const now = process.getActiveResourcesInfo().sort();
    if (workers.size > 0) now.push(`${workers.size} worker thread(s)`);
    if (now.join() === idle || waited >= 3000) return now.join() === idle ? [] : now;
    await sleep(10);
  }
}

process.on('message', async (job: { args: string[]; cwd: string }) => {
  idle ??= process.getActiveResourcesInfo().filter((r) => !/Req(Callback)?$/.test(r)).sort().join(); // handles, not requests in flight
  const run = await runMain(job.args, job.cwd);
  const left = await leftRunning();
  const late = stray.text;
  stray.text = '';
  process.send!({ ...run, left, late });
});
process.on('disconnect', () => process.exit(0));
