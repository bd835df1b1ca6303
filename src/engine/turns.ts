// Turns of the event loop during long synchronous work (training steps, drawing the weights, scoring a file),
// so that a signal handler (Ctrl-C) runs within YIELD_MS rather than after the work. A signal is read in the
// loop's poll phase: a turn is two setImmediates, the first of which may still be in an iteration whose poll
// phase is past.

/** At most this long (ms) between two turns: one every 50 ms costs nothing measurable. */
const YIELD_MS = 50;

/** Resolves once the event loop has passed a poll phase: a signal that arrived before has been handled. */
export function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** A function that returns a turn when YIELD_MS have passed since the last one, else null (nothing to await). */
export function turnsEvery(ms = YIELD_MS): () => Promise<void> | null {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < ms) return null;
    last = now;
    return eventLoopTurn();
  };
}
