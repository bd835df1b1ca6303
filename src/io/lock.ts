// A run's claim on its outputs, first its checkpoint: `<checkpoint>.lock`, created exclusively, holding the process id and host
// (and, on Linux, the process's start time, so that a later process given the same id is not taken for it).
// Two runs writing the same checkpoint (the same --out started twice) would overwrite each other's progress,
// and the one that finishes first would delete the other's interrupted checkpoint; so the second is refused
// while the first is alive. Its model file and report are claimed the same way (lockRun). A lock whose process
// is gone on this host (killed, power lost, a zombie) is stale and taken over. One from another host (a shared
// folder) cannot be asked: a live run touches its locks every half minute (its stamp says so), and one untouched
// for five minutes is a run that has ended there (a requeued job on another node goes on from its checkpoint); a
// run that finds its lock taken over (it was stopped for longer) writes nothing more.

import { chmodSync, closeSync, fchmodSync, linkSync, lstatSync, openSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';
import { followLinks } from './paths.js';
import { tempPathFor } from './atomic.js';
import { readTextOrNull } from './read-input.js';

export interface RunLock {
  readonly path: string;
  /** Removes the lock file if it is still this run's. Idempotent. */
  release(): void;
  /** Throws a UserError where another run has taken a lock over (this one was stopped for minutes): it writes now. */
  check(): void;
}

/** What a lock is of, for its messages: what its run writes, what else a run may give, and the lock file's name. */
interface Role {
  readonly writing: string;
  readonly other: string;
  readonly lock: string;
}
// A checkpoint's lock may be another run's model lock (`<out>.ckpt.lock`, lockRun): its message says both.
const CHECKPOINT: Role = { writing: 'this checkpoint, or the model file it is beside', other: 'give another --out or --checkpoint', lock: "the checkpoint's lock file" };
const MODEL: Role = { writing: 'this model file', other: 'give another --out', lock: "the model file's lock file" };
// A report's lock may be another run's checkpoint lock (`--report x.ckpt`): "this file" is true of both.
const REPORT: Role = { writing: 'this file', other: 'give another --report', lock: "the report's lock file" };

/**
 * Claims a run's outputs for this process, each by a lock beside the file a write to it lands on (links
 * followed), or refuses while another live run holds one: its checkpoint (`<checkpoint>.lock`), its model file
 * (`<out>.ckpt.lock`, the lock of its default checkpoint: runs of one --out, each with a --checkpoint of its own,
 * would each write the model over the other's) and its report (`<report>.lock`). A lock two of them share is
 * taken once; the model's and the report's are skipped where their names are too long for the file system (a
 * model's name of 246–255 bytes with a --checkpoint of its own was written before they existed, and still is).
 * All or none: a refusal releases those taken. Null: nothing to claim.
 */
export function lockRun(o: { readonly checkpoint?: string; readonly out?: string; readonly report?: string }): RunLock | null {
  const claims: Array<readonly [lock: string, target: string, role: Role, optional: boolean]> = [];
  if (o.checkpoint !== undefined) claims.push([`${followLinks(o.checkpoint)}.lock`, o.checkpoint, CHECKPOINT, false]);
  if (o.out !== undefined) claims.push([`${followLinks(o.out)}.ckpt.lock`, o.out, MODEL, true]);
  if (o.report !== undefined) claims.push([`${followLinks(o.report)}.lock`, o.report, REPORT, true]);
  const locks: RunLock[] = [];
  const release = () => { for (const l of locks.splice(0)) l.release(); };
  try {
    for (const [path, target, role, optional] of claims) {
      if (locks.some((l) => l.path === path)) continue;
      const lock = claimLock(path, target, role, optional);
      if (lock !== null) locks.push(lock);
    }
  } catch (e) {
    release();
    throw e;
  }
  return locks.length === 0 ? null : { path: locks[0].path, release, check: () => { for (const l of locks) l.check(); } };
}

/**
 * The lock file `path` claimed for a run that writes `target` (`role` says what it is), or refused; null
 * (`optional`) where the file system takes no name that long.
 */
function claimLock(path: string, target: string, role: Role, optional = false): RunLock | null {
  const stamp = `${process.pid}\n${hostname()}\n${startTime(process.pid)}\n${TOUCHED}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeLock(path, stamp);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (optional && code === 'ENAMETOOLONG') return null;
      if (code !== 'EEXIST') throw lockError(e, path, role);
    }
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (st === undefined) continue; // gone meanwhile: try again
    const text = st.isFile() ? readTextOrNull(path) : null;
    const holder = text === null ? null : stampOf(text);
    // Only a lock this tool wrote is ever taken over: a file of the user's that happens to have this name stays.
    if (text === null || (holder === null && !isTorn(text))) {
      throw new UserError(`${path}: is in the way of ${role.lock} and is not one; move it away, or ${role.other}`);
    }
    // An empty or torn lock is a run between creating it and writing its name (or one that died there, long ago).
    const starting = holder === null && Date.now() - st.mtimeMs < EMPTY_LOCK_MS;
    const foreign = holder !== null && holder.host !== hostname();
    // (An earlier version's run touched no lock: one of another host's is respected as ever.)
    if (starting || (holder !== null && (foreign ? !holder.touched || Date.now() - st.mtimeMs < FOREIGN_STALE_MS : isAlive(holder))) || attempt > 0) {
      const own = holder !== null && holder.pid === process.pid && holder.host === hostname();
      const who = holder === null ? 'another run'
        : own ? 'another call in this very process (still running, or in a worker thread ended without finishing it)'
          : `another run (process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ''})`;
      throw new UserError(
        `${target}: ${who} is writing ${role.writing}; wait for it to finish, or ${role.other} ` +
          `(if no run is going, delete ${path}${foreign && holder.touched ? `; a lock of another host's run is taken over once ${FOREIGN_STALE_MS / 60_000} minutes pass without that run touching it, ${Math.max(0, Math.ceil((FOREIGN_STALE_MS - (Date.now() - st.mtimeMs)) / 60_000))} minute(s) from now` : ''})`,
      );
    }
    removeStale(path, role);
  }
  let held = true;
  const made = lstatSync(path, { throwIfNoEntry: false });
  const touching = setInterval(() => touch(path, stamp), TOUCH_MS).unref();
  const release = (): void => {
    if (!held) return;
    held = false;
    clearInterval(touching);
    heldLocks.delete(release);
    if (heldLocks.size === 0) process.removeListener('exit', releaseAll);
    // This run's by its stamp; where the stamp cannot be read (the process has used up its limit on open
    // files, and the lock stayed to refuse every later run), by the identity of the file it made, which needs no
    // file descriptor.
    const holder = lockHolder(path);
    const now = holder === null ? lstatSync(path, { throwIfNoEntry: false }) : undefined;
    const same = made !== undefined && now !== undefined && now.dev === made.dev && now.ino === made.ino;
    if (same || (holder !== null && holder.pid === process.pid && holder.host === hostname())) rmSync(path, { force: true });
  };
  // A command stopped at once (a signal while loading) exits past any finally: one listener for every lock held,
  // however many runs a program has going at once.
  if (heldLocks.size === 0) process.on('exit', releaseAll);
  heldLocks.add(release);
  const check = (): void => {
    if (!held || readTextOrNull(path) === stamp) return;
    const now = lockHolder(path);
    throw new UserError(
      `${target}: ${now === null ? 'another run' : `another run (process ${now.pid} on ${now.host})`} took over ${role.lock} while this run was stopped ` +
        `(for over ${FOREIGN_STALE_MS / 60_000} minutes, or its host's clock is that far behind); this run writes nothing more, and leaves ${role.writing} to it`,
    );
  };
  return { path, release, check };
}

const heldLocks = new Set<() => void>();

/** How often a run touches its locks, and how long untouched a lock of another host's run is taken for one that has ended. */
const TOUCH_MS = 30_000;
const FOREIGN_STALE_MS = 5 * 60_000;

/** Touches the lock (its modification time, what another host reads) while it is still this run's. */
function touch(path: string, stamp: string): void {
  if (readTextOrNull(path) !== stamp) return;
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // gone meanwhile: nothing to touch
    // A file system that refuses to set times: the same bytes written over themselves move the time.
    try {
      const fd = openSync(path, 'r+');
      try {
        writeSync(fd, stamp, 0);
      } finally {
        closeSync(fd);
      }
    } catch {
      // not even that: another host takes the lock for an ended run's after five minutes, and this run's check() says so
    }
  }
}

/** The stamp's last line: its run touches the lock (an earlier version's did not). */
const TOUCHED = 'touched';

/** Removes a stale lock (its process is gone); one this user may not delete (another's, in /tmp) is said so. */
function removeStale(path: string, role: Role): void {
  try {
    unlinkSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // gone meanwhile
    if (code === 'EPERM' || code === 'EACCES') {
      throw new UserError(
        `${path}: the lock of a run that has ended, which this user may not delete (${code}: another user's, or its folder's permissions); ask its owner or root to delete it, or ${role.other}`,
        { cause: e },
      );
    }
    throw lockError(e, path, role);
  }
}

function releaseAll(): void {
  for (const release of [...heldLocks]) release();
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly start: string; // '' when unknown (not Linux, or a lock of an earlier version)
  readonly touched: boolean; // its run touches it (an earlier version's did not)
}

/** The process id, host and start time a lock file names; null when it cannot be read or is not a lock's stamp. */
function lockHolder(path: string): Holder | null {
  const text = readTextOrNull(path);
  return text === null ? null : stampOf(text);
}

/** The holder a lock's text names, or null when it is no whole stamp. */
function stampOf(text: string): Holder | null {
  const stamp = /^([1-9][0-9]*)\n([^\n]+)\n(?:([0-9]*)\n(touched\n)?)?$/.exec(text); // no start time, not touched: an earlier version's
  return stamp === null ? null : { pid: Number(stamp[1]), host: stamp[2], start: stamp[3] ?? '', touched: stamp[4] !== undefined };
}

/**
 * Whether a lock's text is empty, a stamp cut short (a process id and what followed of it, without the final
 * line break) or zeros (a power loss after the file's size was written but not its bytes).
 */
function isTorn(text: string): boolean {
  return /^\0*$/.test(text) || /^[1-9][0-9]*(\n[^\n]*(\n[0-9]*(\n[a-z]*)?)?)?$/.test(text);
}

/** How long an empty or torn lock file may be a run that has just created it. */
const EMPTY_LOCK_MS = 10_000;

/**
 * Creates the lock file `path` holding `stamp`, or throws (EEXIST: there is one). The stamp is written to a temp
 * file first and linked into place, so that a lock is never seen empty: a process killed between creating the
 * file and writing it left one that refused every run for its first seconds. Where the file system has no
 * hard links, the lock is created and then written, a lock half made removed.
 */
function writeLock(path: string, stamp: string): void {
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, stamp, { flag: 'wx', mode: 0o644 });
    readableToAll(() => chmodSync(tmp, 0o644));
    linkSync(tmp, path);
    return;
  } catch (e) {
    // Over NFS a link whose reply was lost is retried and then fails as EEXIST: the temp file's two links say it was made.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && linkCount(tmp) === 2) return;
    if (!NO_LINKS.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  const fd = openSync(path, 'wx', 0o644);
  try {
    readableToAll(() => fchmodSync(fd, 0o644));
    writeSync(fd, stamp);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
}

/**
 * Makes the lock readable whatever the umask (under 777 it would be unreadable to its own run, and taken for
 * someone else's file); a file system that keeps no modes (FAT) refuses the change, and the lock works without it.
 */
function readableToAll(chmod: () => void): void {
  try {
    chmod();
  } catch {
    // no modes here
  }
}

function linkCount(path: string): number {
  try {
    return statSync(path).nlink;
  } catch {
    return 0;
  }
}

/** What link(2) says on a file system without hard links (FAT, some network and FUSE ones). */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

/** A failure to create the lock file as what the user can do about it. */
function lockError(e: unknown, path: string, role: Role): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const remedy = code === 'ENOSPC' || code === 'EDQUOT' ? `free space in ${dirname(path)}`
    : code === 'EROFS' ? 'choose a folder on a writable file system'
      : code === 'ENAMETOOLONG' ? 'its name is longer than this file system allows: choose a shorter one'
        : code === 'EFBIG' ? 'this process may write no file that large (ulimit -f): raise the limit'
          : code === 'EACCES' || code === 'EPERM' ? "check the folder's permissions"
            : code === 'EMFILE' ? 'this process has as many files open as its limit allows: raise the limit (ulimit -n)'
              : code === 'ENFILE' ? 'the system has as many files open as it allows: close programs that hold many'
                : 'check the folder and its disk';
  if (code === undefined || code === 'EIO') return e;
  return new UserError(`${path}: cannot create ${role.lock} (${code}); ${remedy}, or ${role.other}`, { cause: e });
}

/**
 * Whether the holder still runs on this host (one of another user's counts): its process id is in use, by the
 * same process where both start times are known (a process killed at once leaves its lock, and its id may be
 * given to another later).
 */
function isAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie (killed, not yet reaped: for good under a container's first process that reaps none) has ended.
  const fields = statFields(holder.pid);
  if (fields?.[0] === 'Z' || fields?.[0] === 'X') return false;
  const now = fields?.[19] ?? '';
  return holder.start === '' || now === '' || now === holder.start;
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat, field 22), or '' where there is none. */
function startTime(pid: number): string {
  return statFields(pid)?.[19] ?? '';
}

/** The fields of /proc/<pid>/stat from the third (its state) on, or null where there is none (not Linux, gone). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count the fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
