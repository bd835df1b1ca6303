// A cap on address space (ulimit -v, common on compute clusters) and the threads it leaves room for. V8 reserves
// address space for each thread (its code space, about half a GiB) and ends the whole process itself where it
// cannot (exit 133 or 134, no message), so the threads must fit the cap. Measured per Node (docs/errors.md): the
// least cap a small training runs under on one thread (floor), a margin above it that the threads are counted
// from (base), and each further thread's reservation (perThread); Node 24 reserves more for its main thread,
// Node 26 more for each worker.

import { readFileSync } from 'node:fs';

const GiB = 2 ** 30;

/** What this Node reserves, in bytes (`major` for tests). */
export function capNeeds(major = Number(process.versions.node.split('.')[0])): { floor: number; base: number; perThread: number } {
  return { floor: (major >= 24 ? 1.5 : 1) * GiB, base: (major >= 24 ? 1.9 : 1.5) * GiB, perThread: (major >= 26 ? 0.9 : 0.6) * GiB };
}

/** This process's limit on address space in bytes (Linux's /proc/self/limits), or null: none, or not known. */
export function addressSpaceCap(): number | null {
  try {
    const m = /^Max address space\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? null : Number(m[1]);
  } catch {
    return null; // not Linux: the limit is not known, and the message says what it can
  }
}

/** The one line refusing a cap below what this Node needs to run `what` at all, or null where it fits. */
export function capTooLow(what: string, cap = addressSpaceCap(), { floor } = capNeeds()): string | null {
  if (cap === null || cap >= floor) return null;
  return `this process may use ${(Math.floor((cap / GiB) * 100) / 100).toFixed(2)} GiB of address space (ulimit -v), and Node ${process.versions.node} needs ${(floor / GiB).toFixed(1)} GiB or more to run ${what}; raise the limit (ulimit -v unlimited)`;
}

/** The most threads the cap leaves room for (no cap: any number). */
export function threadsWithinCap(cap = addressSpaceCap()): number {
  if (cap === null) return Infinity;
  const { base, perThread } = capNeeds();
  return Math.max(1, Math.floor((cap - base) / perThread));
}

/**
 * The most threads model selection may run its fits on at once within the cap: n pool workers, and a fit given
 * several threads (a stage of fewer fits than threads) starts workers of its own beside them, so with this
 * thread up to 2n threads where a training of n has n.
 */
export function selectionThreadsWithinCap(cap = addressSpaceCap()): number {
  const room = threadsWithinCap(cap);
  return room === Infinity ? Infinity : Math.max(1, Math.floor(room / 2));
}

/** How much address space each thread reserves, as the warnings say it. */
export function perThreadGiB(): string {
  return (capNeeds().perThread / GiB).toFixed(1);
}
