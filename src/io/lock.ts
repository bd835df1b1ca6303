// A run's claim on its checkpoint: `<checkpoint>.lock`, created exclusively, holding the process id and host.
// Two runs writing the same checkpoint (the same --out started twice) would overwrite each other's progress,
// and the one that finishes first would delete the other's interrupted checkpoint; so the second is refused
// while the first is alive. A lock whose process is gone on this host (killed, power lost) is stale and taken
// over; one from another host (a shared folder) cannot be checked and is respected.

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';

export interface CheckpointLock {
  readonly path: string;
  /** Removes the lock file if it is still this run's. Idempotent. */
  release(): void;
}

/** Claims `checkpoint` for this process, or refuses while another live run holds it. */
export function lockCheckpoint(checkpoint: string): CheckpointLock {
  const path = `${checkpoint}.lock`;
  const stamp = `${process.pid}\n${hostname()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, stamp);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(`${path}: cannot create the checkpoint's lock file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the folder's permissions`);
      }
      const holder = lockHolder(path);
      if (holder !== null && (holder.host !== hostname() || isAlive(holder.pid)) || attempt > 0) {
        const who = holder === null ? 'another run' : `another run (process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''})`;
        throw new UserError(
          `${checkpoint}: ${who} is writing this checkpoint; wait for it to finish, or give another --out or --checkpoint ` +
            `(if no run is going, delete ${path})`,
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const holder = lockHolder(path);
    if (holder !== null && holder.pid === process.pid && holder.host === hostname()) rmSync(path, { force: true });
  };
  process.on('exit', release); // a command stopped at once (a signal while loading) exits past any finally
  return { path, release };
}

/** The process id and host a lock file names; null when it cannot be read or names none (stale or torn). */
function lockHolder(path: string): { pid: number; host: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const [pid, host] = text.split('\n');
  return /^[1-9][0-9]*$/.test(pid) && host ? { pid: Number(pid), host } : null;
}

/** Whether a process of this id runs on this host (one of another user's counts). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
