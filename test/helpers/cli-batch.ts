// Runs many command lines of the built CLI's program in this one process, one after another: each in its own
// working directory, with its stdout and stderr captured and main()'s exit code. Node's start and the module
// graph, most of a command line that stops at its input, are paid once (test/bad-input.test.ts).
// Usage: node cli-batch.js jobs.json results.json, jobs [{ args, cwd }], results [{ code, stdout, stderr }].

import { readFileSync, writeFileSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { main } from '../../src/cli/program.js';

type Write = typeof process.stdout.write;

/** stream.write, appending to `sink` instead; calls a callback as a finished write would. */
function capture(stream: NodeJS.WriteStream, sink: { text: string }): Write {
  const write = stream.write;
  stream.write = ((chunk: string | Uint8Array, a?: unknown, b?: unknown) => {
    sink.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const done = typeof a === 'function' ? a : b;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  }) as Write;
  return write;
}

const [jobsFile, resultsFile] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as Array<{ args: string[]; cwd: string }>;
const results: Array<{ code: number; stdout: string; stderr: string }> = [];
for (const { args, cwd } of jobs) {
  process.chdir(cwd);
  const out = { text: '' };
  const err = { text: '' };
  const [write, writeErr] = [capture(process.stdout, out), capture(process.stderr, err)];
  let code: number;
  try {
    code = await main(args);
    await turn(); // what the command left to the event loop prints before the next one starts
  } finally {
    [process.stdout.write, process.stderr.write] = [write, writeErr];
  }
  results.push({ code, stdout: out.text, stderr: err.text });
}
writeFileSync(resultsFile, JSON.stringify(results));
