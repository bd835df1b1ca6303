// Waiting on a pipe without blocking in the kernel: a FIFO or device opened with O_NONBLOCK answers EAGAIN where
// a plain read or write would stop the whole process (deaf to Ctrl-C, since no JavaScript handler runs while a
// call blocks), so the wait happens here, a millisecond at a time. It does not own the descriptors.

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let signalsEndWaits = false;

/**
 * For the command line only: while a read or write waits on a pipe, Ctrl-C, SIGTERM and SIGHUP end the process
 * (as by default) rather than wait for a peer that may never come (a pager left open, a FIFO no one writes). A
 * program that imports the library keeps its own handlers, which run once the wait is over.
 */
export function endPipeWaitsOnSignal(): void {
  signalsEndWaits = true;
}

/**
 * Calls step() until it gives true (done). false: it made progress, call again at once; null: the pipe would
 * block, wait a millisecond first. No signal handler can run meanwhile (see endPipeWaitsOnSignal).
 */
export function untilDone(step: () => boolean | null): void {
  let restore: (() => void) | null = null;
  try {
    for (let r = step(); r !== true; r = step()) {
      if (r === null) {
        if (signalsEndWaits) restore ??= signalsToDefault();
        Atomics.wait(PAUSE, 0, 0, 1);
      }
    }
  } finally {
    restore?.();
  }
}

/** Removes the handlers of the stop signals (so they end the process as by default); gives what puts them back. */
function signalsToDefault(): () => void {
  // rawListeners: a listener added with once() comes back as one, not as one called every time.
  const saved = STOP_SIGNALS.map((s) => [s, process.rawListeners(s) as Array<(...a: unknown[]) => void>] as const);
  for (const s of STOP_SIGNALS) process.removeAllListeners(s);
  return () => {
    for (const [s, listeners] of saved) for (const l of listeners) process.on(s, l);
  };
}
