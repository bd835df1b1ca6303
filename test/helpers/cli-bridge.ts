// The worker thread behind cli-here.ts: owns the cli-server.ts process, passes it each command line the test's
// thread posts, and posts the answer back once the server has answered and its stdout and stderr have both
// reached the marker written after that line (what came before the marker was written to fd 1 or 2 straight,
// past the server's capture: it goes into the answer as `late`). Then it wakes the test's thread, blocked in
// Atomics.wait. A server that has ended answers every line after it at once, saying so.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type MessagePort, workerData } from 'node:worker_threads';
import { type Job, marker } from './cli-protocol.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
const SERVER = fileURLToPath(new URL('./cli-server.js', import.meta.url));
const server = fork(SERVER, [], { env: { ...process.env, NO_COLOR: '1' }, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
const streams = { stdout: '', stderr: '' };
server.stdout!.on('data', (d: Buffer) => (streams.stdout += d.toString()));
server.stderr!.on('data', (d: Buffer) => (streams.stderr += d.toString()));

let ended: string | null = null;
let waiting: { id: number; answer: Record<string, unknown> | null } | null = null;

function post(message: unknown): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

/** Posts the answer waited for once the markers after its line have come through both streams. */
function settle(): void {
  if (waiting === null || waiting.answer === null) return;
  const m = marker(waiting.id);
  if (!streams.stdout.includes(m) || !streams.stderr.includes(m)) return;
  const direct = (['stdout', 'stderr'] as const).map((s) => {
    const [before, after] = [streams[s].slice(0, streams[s].indexOf(m)), streams[s].slice(streams[s].indexOf(m) + m.length)];
    streams[s] = after;
    return before === '' ? '' : `written to ${s} straight: ${before}`;
  }).join('');
  const { answer } = waiting;
  waiting = null;
  post({ ...answer, late: `${answer.late ?? ''}${direct}` });
}

server.stdout!.on('data', settle);
server.stderr!.on('data', settle);
server.on('message', (answer: Record<string, unknown>) => {
  if (waiting !== null && answer.id === waiting.id) waiting.answer = answer;
  settle();
});
/** From now on every line is answered at once with why the server is gone. */
function end(why: string): void {
  ended ??= why;
  if (waiting !== null) post({ id: waiting.id, ended });
  waiting = null;
}

// A send to a server that ended is an error its exit event answers; a server that never started has no exit event.
server.on('error', (e) => {
  if (server.pid === undefined) end(`the server process could not start: ${e.message}`);
});
server.on('exit', (code, signal) => end(`the server process ended (${signal ?? code}): ${streams.stdout}${streams.stderr}`));
process.on('uncaughtException', (e) => end(`the bridge failed: ${e.stack ?? e}`));

port.on('message', (job: Job) => {
  if (ended !== null) return post({ id: job.id, ended });
  waiting = { id: job.id, answer: null };
  server.send(job);
});
