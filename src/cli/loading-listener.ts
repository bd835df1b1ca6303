// bin.ts listens for SIGUSR1 from its first line, since Node opens its debugger to the signal where nothing
// listens; the program drops that listener once it listens itself (interrupt.ts, or rerun.ts passing the
// signal on to a rerun's child).

/** Removes bin.ts' SIGUSR1 listener for the time the program loads, which it names `stopWhileLoading`. */
export function dropLoadingListener(): void {
  for (const l of process.listeners('SIGUSR1')) if (l.name === 'stopWhileLoading') process.removeListener('SIGUSR1', l);
}
