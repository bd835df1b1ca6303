// The worker thread behind cli-here.ts: owns the cli-server.ts process, passes it each command line the test's
// thread posts, and wakes that thread (blocked in Atomics.wait) once the answer is posted back.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type MessagePort, workerData } from 'node:worker_threads';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const SERVER = fileURLToPath(new URL('./cli-server.js', import.meta.url));
const server = fork(SERVER, [], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
let output = '';
server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
server.stderr!.on('data', (d: Buffer) => (output += d.toString()));

function answer(message: unknown): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

port.on('message', (job) => server.send(job));
server.on('message', answer);
server.on('exit', (code, signal) => answer({ ended: `the server process ended (${signal ?? code}): ${output}` }));
