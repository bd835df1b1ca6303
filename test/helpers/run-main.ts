// Runs one command line through the CLI's program (program.ts's main) in this process, as the built command
// would run it after its entry point (main.ts, whose handlers for a failing stdout or stderr are not here): in its
// working directory, with process.argv as the command's (reports record the command line), stdout and stderr
// written through process.stdout and process.stderr captured, and main()'s exit code (cli-server.ts).

import { setImmediate as turn } from 'node:timers/promises';
import { main } from '../../src/cli/program.js';
import { CLI, type Run } from './cli.js';

type Write = typeof process.stdout.write;

/** stream.write, appending to `sink` instead; calls a callback as a finished write would. */
export function capture(stream: NodeJS.WriteStream, sink: { text: string }): Write {
  const write = stream.write;
  stream.write = ((chunk: string | Uint8Array, a?: unknown, b?: unknown) => {
    sink.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const done = typeof a === 'function' ? a : b;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  }) as Write;
  return write;
}

export async function runMain(args: string[], cwd: string): Promise<Run> {
  process.chdir(cwd);
  const argv = process.argv;
  process.argv = [process.execPath, CLI, ...args];
  const out = { text: '' };
  const err = { text: '' };
  const [write, writeErr] = [capture(process.stdout, out), capture(process.stderr, err)];
  let code: number;
  try {
    code = await main(args);
    await turn(); // what the command left to the event loop prints before the next one starts
  } finally {
    [process.stdout.write, process.stderr.write] = [write, writeErr];
    process.argv = argv;
  }
  return { code, stdout: out.text, stderr: err.text };
}
