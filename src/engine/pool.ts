// Independent tasks on the engine's threads: up to `threads` at a time, each in a piscina worker that runs
// `worker` (a module whose default export takes one task and returns its result synchronously or as a
// promise). For work that splits into whole jobs rather than one step's chunks, such as the candidates of model
// selection, each of which trains on one thread of its own. Results come back in task order, whatever order
// they finish in, so they never depend on the thread count; with one thread the tasks run one after another in
// a single worker.
//
// Stopping is cooperative: an aborted signal (or a failed task) raises a flag in shared memory that every task
// reads through taskPoolWorker().stop, and the run settles once each task has returned. A worker is never
// terminated in the middle of a task: its result would then arrive for a task the pool has forgotten (piscina
// throws that as an error event), and Node aborts the process when a worker is terminated while it is still
// loading its module.

import { Piscina, workerData } from 'piscina';
import { UserError, incompleteInstallation } from '../errors.js';
import { type KernelBuild, adoptBuild, defaultBuild } from './wasm.js';
import { onAbort } from '../data/on-abort.js';
import { LOW_OPEN_FILES, openFilesLimit } from '../io/open-files.js';

export interface TaskPool<T, R> {
  /** Runs every task; onDone(i, result) as each finishes. Rejects with the first failure, once all have ended. */
  run(tasks: readonly T[], onDone?: (i: number, r: R) => void): Promise<R[]>;
  close(): Promise<void>;
}

/** What a task sees of a stop: `aborted` turns true once the run is to end (fit's `signal` takes it). */
export interface StopFlag {
  readonly aborted: boolean;
}

/** What every worker of a pool gets once. */
interface PoolData<S> {
  readonly shared: S;
  readonly stop: Int32Array; // [1] over a SharedArrayBuffer: 1 once the run is to stop
  readonly build: KernelBuild; // the kernel build this thread chose, which every worker takes
}

/**
 * A pool of `threads` workers running `worker`; `shared` goes to every worker once (workerData), so large
 * shared arrays are not sent with each task. Once `signal` aborts, the tasks in flight see their stop flag and
 * end at their next check, those not begun see it at once, and the run rejects with the signal's reason.
 */
export function createTaskPool<T, R>(worker: URL, threads: number, shared: unknown, signal?: AbortSignal): TaskPool<T, R> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const data: PoolData<unknown> = { shared, stop, build: defaultBuild() };
  let pool: Piscina;
  try {
    pool = new Piscina({ filename: worker.href, minThreads: 1, maxThreads: Math.max(1, threads), idleTimeout: 60_000, workerData: data });
  } catch (e) {
    throw workerStartError(e, threads);
  }
  const raise = () => Atomics.store(stop, 0, 1);
  // A worker that fails as it starts (EMFILE where the process is near its limit on open files) without a task
  // is an 'error' event on the pool, which unheard would end the process: it stops the run and is its failure.
  // Tasks not begun wait for a worker; once none is left after a failure (piscina starts no more once one
  // failed as it started, and replaces one lost later before the failure reaches us), none will come.
  let startFailure: unknown = null;
  let noWorkerLeft!: (e: unknown) => void;
  const noWorkers = new Promise<never>((_, reject) => {
    noWorkerLeft = reject;
  });
  noWorkers.catch(() => {});
  pool.on('error', (e: unknown) => {
    startFailure ??= e;
    raise();
    if (pool.threads.length === 0) noWorkerLeft(e);
  });
  return {
    async run(tasks, onDone) {
      // One wait for the whole run (not one per task; onAbort shares one listener among the calls).
      const stopWaiting = onAbort(signal, raise);
      try {
        if (signal?.aborted) throw signal.reason;
        const failures: unknown[] = []; // as they came: the first is the cause, the others were stopped by it
        const results = await Promise.all(tasks.map(async (t, i) => {
          try {
            const r = (await Promise.race([pool.run(t), noWorkers])) as R | ReturnedUserError;
            if (isReturnedUserError(r)) throw new UserError(r.userError.detail, r.userError);
            onDone?.(i, r);
            return r;
          } catch (e) {
            failures.push(e);
            raise();
            if (pool.threads.length === 0) noWorkerLeft(e);
            return null;
          }
        }));
        if (signal?.aborted) throw signal.reason;
        if (startFailure !== null || failures.length > 0) throw workerStartError(startFailure ?? failures[0], threads);
        return results as R[];
      } finally {
        stopWaiting();
      }
    },
    close: () => pool.destroy(),
  };
}

/**
 * A worker thread that could not be started as the user's condition: Node's ERR_WORKER_INIT_FAILED (EAGAIN where
 * the limit on processes and threads, ulimit -u, is reached; EMFILE where the one on open files is), or a worker
 * that could not open its module's files (EMFILE, ENFILE), or whose module is not there. Any other error as it is.
 */
export function workerStartError(e: unknown, threads: number): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const message = String((e as Error | null)?.message);
  // A worker's own error may arrive without its code (its message crosses the thread): Node 24 reads its
  // imports' package.json natively and says "too many open files" (EMFILE) or "file table overflow" (ENFILE).
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || /^Cannot find (module|package) /.test(message);
  // Node 20 may call a package.json it could not open for want of descriptors a module not found (open-files.ts).
  const files = code === 'EMFILE' || code === 'ENFILE' || /\bE[MN]FILE\b|too many open files|file table overflow/.test(message) ||
    (notFound && openFilesLimit() <= LOW_OPEN_FILES);
  // Otherwise its module, or one it imports, is not there (a damaged installation): the program's own say so alike.
  if (notFound && !files) {
    return new UserError(incompleteInstallation(message), { cause: e });
  }
  if (code !== 'ERR_WORKER_INIT_FAILED' && !files) return e;
  const why = message === 'EAGAIN' ? 'EAGAIN: the limit on processes and threads, ulimit -u, is reached'
    : code === 'ENFILE' || /\bENFILE\b|file table overflow/.test(message) ? 'ENFILE: the system has as many files open as it allows'
    : files ? 'EMFILE: this process has as many files open as its limit allows, ulimit -n'
    : message;
  return new UserError(`could not start ${threads} computing thread(s) (${why}); run with fewer (--threads 1) or raise the limit`, { cause: e });
}

/** A task's UserError on its way to the pool: thrown across the thread, it would arrive as a plain Error (a bug). */
export interface ReturnedUserError {
  readonly userError: { readonly detail: string; readonly file?: string; readonly line?: number; readonly column?: number };
}

function isReturnedUserError(r: unknown): r is ReturnedUserError {
  return typeof r === 'object' && r !== null && 'userError' in r;
}

/** A pool worker's task function that returns its UserErrors for the pool to throw as such (see ReturnedUserError). */
export function returningUserErrors<T, R>(task: (t: T) => Promise<R>): (t: T) => Promise<R | ReturnedUserError> {
  return async (t) => {
    try {
      return await task(t);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return { userError: { detail: e.detail, file: e.file, line: e.line, column: e.column } };
    }
  };
}

/** In a pool's worker: the `shared` value the pool was made with, and the run's stop flag. */
export function taskPoolWorker<S>(): { shared: S; stop: StopFlag } {
  const { shared, stop, build } = workerData as PoolData<S>;
  adoptBuild(build);
  return { shared, stop: { get aborted() { return Atomics.load(stop, 0) === 1; } } };
}
