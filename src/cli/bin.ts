#!/usr/bin/env node
// The installed command: checks the Node version before anything else loads, since the CLI's dependencies (yargs
// and what it imports) fail to parse on older ones with a stack trace that names neither Node nor its version.
// Deliberately imports nothing statically.

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`train-signals: needs Node.js 20.19 or newer, and this is ${process.versions.node}; install a newer Node\n`);
  process.exit(2);
}
// Loading the program opens some hundred files at once: under a low limit (ulimit -n 64) that fails inside
// Node's module loader, with its stack trace, before any of the program's own messages could run.
await import('./main.js').catch((e: { code?: string }) => {
  if (e?.code !== 'EMFILE' && e?.code !== 'ENFILE') throw e;
  process.stderr.write(`train-signals: too few files may be open at once to load the program (${e.code}); raise the limit (ulimit -n 1024) and run again\n`);
  process.exit(2);
});
