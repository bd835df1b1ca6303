#!/usr/bin/env node
// The installed command: checks the Node version before anything else loads, since the CLI's dependencies (yargs
// and what it imports) fail to parse on older ones with a stack trace that names neither Node nor its version.
// Deliberately imports nothing statically.

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`train-signals: needs Node.js 20.19 or newer, and this is ${process.versions.node}; install a newer Node\n`);
  process.exit(2);
}
// Node opens its debugger on a local port to SIGUSR1 (a batch system's warning before its time limit) unless the
// process listens for it. Until the program's own handlers are installed (interrupt.ts, which removes this one by
// its name), the signal stops the command at once, as theirs would before training: nothing is written yet.
process.on('SIGUSR1', function stopWhileLoading() {
  process.stderr.write('train-signals: stopped at once (SIGUSR1); files already written are intact\n');
  process.exit(130);
});
// NO_COLOR beside FORCE_COLOR: the program's colours follow NO_COLOR (progress.ts), and Node, which would warn on a
// terminal that it ignores NO_COLOR when a module it loads asks for colours, is left only NO_COLOR.
if (process.env.FORCE_COLOR !== undefined && (process.env.NO_COLOR !== undefined || process.env.NODE_DISABLE_COLORS !== undefined)) delete process.env.FORCE_COLOR;
// Loading the program opens some hundred files at once: under a low limit (ulimit -n 64) that fails inside
// Node's module loader, with its stack trace, before any of the program's own messages could run. Node 20's
// resolver can also take a package.json it could not open for a missing one (ERR_MODULE_NOT_FOUND): under a
// limit that low (src/io/open-files.ts), that is the same cause.
await import('./main.js').catch(async (e: { code?: string; message?: string }) => {
  const low = async () => {
    try {
      const files = await import('../io/open-files.js');
      return files.openFilesLimit() <= files.LOW_OPEN_FILES;
    } catch (again) {
      return (again as { code?: string })?.code !== 'ERR_MODULE_NOT_FOUND'; // not opened for want of descriptors, rather than not there
    }
  };
  const code = e?.code === 'EMFILE' || e?.code === 'ENFILE' ? e.code
    : e?.code === 'ERR_MODULE_NOT_FOUND' && (await low()) ? 'EMFILE' : null;
  if (code !== null) {
    process.stderr.write(`train-signals: too few files may be open at once to load the program (${code}); raise the limit (ulimit -n 1024) and run again\n`);
    process.exit(2);
  }
  // Otherwise a module of the program or of its dependencies is not there: a damaged installation, said as
  // errors.ts's incompleteInstallation says it (not imported: the module that holds it may be the one missing).
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write(`train-signals: the installation is incomplete (${JSON.stringify(e.message ?? '').slice(1, -1)}); reinstall train-signals (in a clone: npm ci && npm run build)\n`);
  process.exit(2);
});
