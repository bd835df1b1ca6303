// Waiting on a stop signal: one 'abort' listener per signal in this thread, however many calls wait on it. A
// host that hands one stop signal to all its runs (eleven at once, say) would otherwise pass the EventTarget's
// limit of ten listeners and get Node's leak warning, though every call removes its own.

const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `f` once when `signal` aborts; returns what stops that (call it when the wait is over). */
export function onAbort(signal: AbortSignal | undefined, f: () => void): () => void {
  if (signal === undefined) return () => {};
  let calls = waiting.get(signal);
  if (calls === undefined) {
    const set = new Set<() => void>();
    signal.addEventListener('abort', () => {
      const now = [...set];
      set.clear();
      for (const g of now) g();
    }, { once: true });
    waiting.set(signal, set);
    calls = set;
  }
  const mine = () => f(); // its own entry, should one function wait twice
  calls.add(mine);
  return () => {
    calls.delete(mine);
  };
}
