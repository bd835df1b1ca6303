// Runs many command lines of the built CLI's program in this one process, one after another (run-main.ts). Node's
// start and the module graph, most of a command line that stops at its input, are paid once
// (test/bad-input.test.ts). Usage: node cli-batch.js jobs.json results.json, jobs [{ args, cwd }], results
// [{ code, stdout, stderr }].

import { readFileSync, writeFileSync } from 'node:fs';
import { runMain } from './run-main.js';
import type { Run } from './cli.js';

const [jobsFile, resultsFile] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as Array<{ args: string[]; cwd: string }>;
const results: Run[] = [];
for (const { args, cwd } of jobs) results.push(await runMain(args, cwd));
writeFileSync(resultsFile, JSON.stringify(results));
