// Independent tasks on the engine's threads: up to `threads` at a time, each in a piscina worker that runs
// `worker` (a module whose default export takes one task and returns its result synchronously or as a
// promise). For work that splits into whole jobs rather than one step's chunks, such as the candidates of model
// selection, each of which trains on one thread of its own. Results come back in task order, whatever order
// they finish in, so they never depend on the thread count; with one thread the tasks run one after another in
// a single worker.

import { Piscina } from 'piscina';

export interface TaskPool<T, R> {
  /** Runs every task; onDone(i, result) as each finishes. Rejects with the first failure. */
  run(tasks: readonly T[], onDone?: (i: number, r: R) => void): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` workers running `worker`; `shared` goes to every worker once (workerData), so large
 * shared arrays are not sent with each task. An aborted `signal` ends the tasks in flight (the pool is
 * destroyed, its workers terminated) and the run rejects.
 */
export function createTaskPool<T, R>(worker: URL, threads: number, shared: unknown, signal?: AbortSignal): TaskPool<T, R> {
  const pool = new Piscina({
    filename: worker.href, minThreads: 1, maxThreads: Math.max(1, threads), idleTimeout: 60_000, workerData: shared,
  });
  return {
    async run(tasks, onDone) {
      // One listener for the whole run (not one per task, which would pass the EventTarget's warning limit).
      const stop = () => void pool.destroy();
      signal?.addEventListener('abort', stop, { once: true });
      try {
        if (signal?.aborted) throw signal.reason;
        return await Promise.all(tasks.map(async (t, i) => {
          const r = (await pool.run(t)) as R;
          onDone?.(i, r);
          return r;
        }));
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    },
    close: () => pool.destroy(),
  };
}
