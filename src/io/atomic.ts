// Atomic file writes: a temp file in the same folder, fsync, rename. A reader (or a crash) sees the old file
// or the new one, never a torn one: a failed write (disk full, EIO) removes the temp file and leaves the old
// file as it was; a kill mid-write leaves at most a stray temp file. Also the up-front check that an output
// path is writable, so that no one learns after hours of training that the folder does not exist.
//
// What an output path may be, and what is refused before any work, is output-target.ts'. The user's conditions
// while writing (disk full, quota, read-only file system, permission) are user errors that say what to do; the old
// file is kept.

import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError, tooManyOpenFiles } from '../errors.js';
import { type OutputTarget, checkFolder, outputTarget } from './output-target.js';
import { untilDone } from './pipe-wait.js';
import { physicalPath } from './paths.js';
import { pathIs } from './path-is.js';
import { tildeFix } from '../data/suggest.js';

/** What a failed write leaves at its path: the old file, nothing new, or a part of the output (written in place). */
export type LeftBehind = 'kept' | 'none' | 'part';

const AFTER: Record<LeftBehind, string> = { kept: 'the old file is unchanged', none: 'nothing was written', part: 'what reached it is incomplete' };

/**
 * A failure while writing `path` as what the user can do about it, then "run again" where the write would
 * succeed once that is done, and what it left behind; or the error itself when it is not the user's condition
 * (EIO and the like stay loud).
 */
export function writeError(e: unknown, path: string, left: LeftBehind): unknown {
  const p = writeProblem(e, path);
  if (p === null) return e;
  const again = p.again ? (p.fix === '' ? 'run again' : ' and run again') : '';
  return new UserError(`${p.what}; ${p.fix}${again} (${AFTER[left]})`, { file: path, cause: e });
}

/**
 * Whether `e` is writeError's for a pipe whose reader closed it (`--out /dev/stdout | head`): the output is no
 * longer wanted, and the command ends quietly, as with stdout (`-`) itself.
 */
export function readerClosed(e: unknown): boolean {
  return e instanceof UserError && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/**
 * The failure to write `path` and what mends it, without "run again" or what it left behind, for a caller that
 * says what comes next itself (a trained model not written: its checkpoint is resumed); null as for writeError.
 */
export function writeFailure(e: unknown, path: string): string | null {
  const p = writeProblem(e, path);
  return p === null ? null : p.fix === '' ? p.what : `${p.what}; ${p.fix}`;
}

/** The parts of writeError's message: what happened, what to do (may be empty), whether to run again after it. */
function writeProblem(e: unknown, path: string): { what: string; fix: string; again: boolean } | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const dir = dirname(physicalPath(path));
  const said = (what: string, fix: string, again = false) => ({ what, fix, again });
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      if (isDevice(path)) return said(`the device takes no more (${code})`, 'send the output elsewhere');
      return said(`the disk is full (${code}) while writing it`, `free space in ${dir}`, true);
    case 'EFBIG':
      return said('the file grew past the size this process or file system allows (EFBIG)', 'raise the limit (ulimit -f) or choose another file system');
    case 'EROFS':
      return said('the file system is read-only (EROFS)', 'choose another path');
    case 'EACCES':
    case 'EPERM':
      return said(`permission denied (${code})`, `check the permissions of ${dir} or choose another path`);
    case 'ENOENT':
      if (isFolder(dir)) return said(`its temp file in ${dir} was removed while it was being written (by another program?)`, '', true);
      return said(`the folder ${dir} does not exist`, tildeFix(path) ?? 'create it or choose another path');
    case 'ENXIO': // opening a FIFO to write without blocking, where none reads it; a device with nothing behind it
      if (isFifo(path)) return said('is a FIFO that no process reads', 'start its reader first');
      return isDevice(path) ? said('no device answers at it (ENXIO: /dev/tty in a process without a terminal, a device unplugged)', 'send the output to a file') : null;
    case 'ENAMETOOLONG':
      return said('the name is longer than this file system allows (ENAMETOOLONG)', 'choose a shorter one');
    case 'EPIPE':
      return said('the program reading the pipe closed it (EPIPE) before the whole file was written', 'let it read to the end');
    case 'EISDIR':
      return said("a folder has taken the file's place", 'move it away or choose another path');
    case 'ENOTDIR':
      return said(`a part of the folder path ${dir} is not a folder`, 'choose another path');
    case 'EMFILE':
    case 'ENFILE': {
      const [what, ...fix] = tooManyOpenFiles(code)!.split('; ');
      return said(what, fix.join('; '));
    }
    default:
      return null;
  }
}

const isFolder = (path: string) => pathIs(path, (st) => st.isDirectory());
const isFifo = (path: string) => pathIs(path, (st) => st.isFIFO());
const isDevice = (path: string) => pathIs(path, (st) => st.isCharacterDevice() || st.isBlockDevice());

/**
 * Writes all of buf at fd, from position `at` (null: the current one, as a device or FIFO has); a FIFO opened
 * by openInPlace does not block, so a full pipe is waited on (pipe-wait.ts).
 */
export function writeAll(fd: number, buf: Uint8Array, at: number | null, sent?: { bytes: number }): void {
  let off = 0;
  untilDone(() => {
    try {
      const n = writeSync(fd, buf, off, buf.length - off, at === null ? null : at + off);
      off += n;
      if (sent) sent.bytes += n;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      return null;
    }
    return off >= buf.length;
  });
}

/**
 * Opens a device, FIFO or descriptor's file to write in place, or gives the standard descriptor the target
 * names (never closed: see closeInPlace). A FIFO is opened without blocking: with no process reading it, open(2) would wait
 * for one with the whole process stopped, deaf to Ctrl-C; it is refused instead.
 */
export function openInPlace(t: OutputTarget, path: string): number {
  if (t.fd !== null) return t.fd;
  const target = t.path;
  const st = statSync(target);
  if (st.isFile()) return openSync(target, constants.O_WRONLY | constants.O_APPEND); // only through a descriptor
  if (!st.isFIFO()) {
    try {
      return openSync(target, 'w');
    } catch (e) {
      throw writeError(e, path, 'none');
    }
  }
  try {
    return openSync(target, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw (e as NodeJS.ErrnoException).code === 'ENXIO' ? writeError(e, path, 'none') : e;
  }
}

/** Closes what openInPlace opened (a descriptor the process had before stays open). */
export function closeInPlace(t: OutputTarget, fd: number): void {
  if (t.fd === null) closeSync(fd);
}

/**
 * The temp file a write to `target` goes through: beside it, hidden, named after it (its first 200 bytes' worth:
 * a name of 255 bytes, the most a folder holds, would not fit with the rest), this process, now and a count.
 */
export function tempPathFor(target: string): string {
  removeStrays(target);
  // The count tells apart two outputs staged in the same millisecond whose names share their first 200 bytes.
  return hiddenBeside(target, `${process.pid}.${Date.now()}.${++temps}.tmp`);
}

let temps = 0;

const swept = new Set<string>(); // targets whose folders were looked through for strays by this process

/**
 * Removes the temp files of writes to `target` that a killed process left (kill -9, a power cut), once per
 * target and process: those of a process that no longer runs here (or of an earlier process of this one's
 * number: pid 1 in every container), and not written to for an hour (STRAY_AGE_MS).
 */
function removeStrays(target: string): void {
  if (swept.has(target)) return;
  swept.add(target);
  const stem = basename(hiddenBeside(target, ''));
  const folder = dirname(target);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return; // the write itself will say what is wrong with the folder
  }
  for (const name of names) {
    if (!name.startsWith(stem)) continue;
    const m = /^(\d+)\.(?:(\d+)\.\d+\.(?:probe\.)?tmp|probe\.tmp)$/.exec(name.slice(stem.length)); // tempPathFor's, checkWritable's
    if (m === null) continue;
    const pid = Number(m[1]);
    const mine = pid === process.pid && m[2] !== undefined && Number(m[2]) >= STARTED_MS;
    if (mine || (pid !== process.pid && isRunning(pid))) continue;
    const path = join(folder, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STRAY_AGE_MS) rmSync(path, { force: true });
    } catch {
      // gone meanwhile, or not ours to remove: left as it is
    }
  }
}

// An hour: a writer waiting on a slow input writes nothing for minutes, and one in another PID namespace (a
// container) or on another machine sharing the folder looks dead by its number.
const STRAY_AGE_MS = 3_600_000;
const STARTED_MS = Date.now() - process.uptime() * 1000 - 1000; // with a second's slack for the clock's rounding

/** Whether a process of this number runs here (one of another user's counts: it cannot be signalled, but runs). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** `.<target's name>.<suffix>` in target's folder, the name cut to 200 bytes so that the whole fits in 255. */
function hiddenBeside(target: string, suffix: string): string {
  const chars = [...basename(target)]; // cut by code points: half an emoji would be written as U+FFFD
  while (Buffer.byteLength(chars.join('')) > 200) chars.pop();
  const name = chars.join('');
  return join(dirname(target), `.${name}.${suffix}`);
}

/** Writes `data` to `path` whole or not at all: a temp file beside it, synced, renamed over it (a FIFO or device in place). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  if (typeof path !== 'string' || path === '') throw new UserError('writeFileAtomic() path must be a file name');
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new UserError(`writeFileAtomic() data must be a string or a Uint8Array (got ${data === null ? 'null' : typeof data})`);
  stageFile(path, data).commit();
}

/**
 * Several files written as one: every one goes to its temp file (synced) first, and only when all of them are
 * there does any replace its path. A failure while writing (disk full on the second) leaves every old file as
 * it was. Devices, FIFOs and descriptors, written in place, are written before any file is replaced: one that
 * fails (`/dev/full`, a FIFO no one reads) leaves the files as they were and no temp file behind.
 */
export function writeFilesAtomic(files: ReadonlyArray<readonly [path: string, data: string | Uint8Array]>): void {
  const staged: Staged[] = [];
  try {
    for (const [path, data] of files) staged.push(stageFile(path, data));
  } catch (e) {
    for (const f of staged) f.abort();
    throw e;
  }
  const ordered = [...staged.filter((f) => f.inPlace), ...staged.filter((f) => !f.inPlace)];
  for (let i = 0; i < ordered.length; i++) {
    try {
      ordered[i].commit();
    } catch (e) {
      for (const f of ordered.slice(i + 1)) f.abort();
      throw e;
    }
  }
}

/** A write prepared and not yet seen at its path: commit() puts it there, abort() drops it. */
interface Staged {
  readonly inPlace: boolean; // written on commit (a device, FIFO or descriptor), nothing staged before
  commit(): void;
  abort(): void;
}

/** Writes data to a synced temp file beside path's target (for a device or FIFO: nothing yet, it is written in place on commit). */
function stageFile(path: string, data: string | Uint8Array): Staged {
  const t = outputTarget(path);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (t.inPlace) {
    return {
      inPlace: true,
      commit() {
        const fd = openInPlace(t, path);
        const sent = { bytes: 0 };
        try {
          writeAll(fd, buf, null, sent);
        } catch (e) {
          throw writeError(e, path, sent.bytes > 0 ? 'part' : 'none');
        } finally {
          closeInPlace(t, fd);
        }
      },
      abort() {},
    };
  }
  const tmp = tempPathFor(t.path);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o666); // a new file's mode is the umask's, as any program's
    if (t.mode !== null) fchmodSync(fd, t.mode);
    keepOwner(fd, t.owner);
    writeAll(fd, buf, 0);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    removeTemp(tmp);
    throw writeError(e, path, t.mode !== null ? 'kept' : 'none');
  }
  return {
    inPlace: false,
    commit() {
      try {
        renameSync(tmp, t.path);
      } catch (e) {
        removeTemp(tmp);
        throw writeError(e, path, t.mode !== null ? 'kept' : 'none');
      }
      syncFolder(t.path);
    },
    abort() {
      rmSync(tmp, { force: true });
    },
  };
}

/**
 * Removes a failed write's temp file. Where even that fails (its folder replaced by a file: ENOTDIR), the write's
 * own error is the one to tell; a temp file left behind is removed by a later write's sweep (removeStrays).
 */
function removeTemp(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // the write's error follows
  }
}

/**
 * Gives the temp file at `fd` the owner of the file it replaces, as `cp` and `>` keep it: only root may, and a
 * root in a container writing into a user's mounted folder would otherwise leave the user a file of root's. A
 * file system that refuses even root (NFS's root squash) keeps the temp file's owner: the write goes on.
 */
export function keepOwner(fd: number, owner: OutputTarget['owner']): void {
  if (owner === undefined || process.getuid?.() !== 0 || (owner.uid === 0 && owner.gid === 0)) return;
  try {
    fchownSync(fd, owner.uid, owner.gid);
  } catch {
    // the owner is kept where it can be; the file's contents and mode are what the write promises
  }
}

/** Makes a rename into path's folder durable. */
export function syncFolder(path: string): void {
  try {
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  }
}

/**
 * Checks, before any work starts, that `path` can be written: outputTarget accepts it, and unless it is written
 * in place, its folder exists and accepts a new file (one is created and removed). `flag` names the option in
 * the message (e.g. '--out'). Throws a UserError saying what to do.
 */
export function checkWritable(path: string, flag: string): void {
  const say = (what: string) => new UserError(`${flag} ${path}: ${what}`);
  checkFolder(path, flag);
  const t = outputTarget(path, say);
  if (t.inPlace) return;
  const into = dirname(t.path);
  // The probe's name is cut to fit; the file's own is not (255 bytes, the most a folder holds almost anywhere).
  if (Buffer.byteLength(basename(t.path)) > 255) throw say('the name is longer than file systems allow (255 bytes); choose a shorter one');
  // A name of its own each time: a probe left by a killed process of the same number (pid 1 in every container)
  // must not read as a folder that refuses new files.
  removeStrays(t.path);
  const probe = hiddenBeside(t.path, `${process.pid}.${Date.now()}.${++temps}.probe.tmp`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    if (code === 'ENOENT') throw say(`the folder ${into} does not exist; ${tildeFix(t.path) ?? 'create it or choose another path'}`);
    if (code === 'EROFS') throw say(`${into} is on a read-only file system (EROFS); choose another path`);
    if (code === 'ENAMETOOLONG') throw say('the name is longer than this file system allows (ENAMETOOLONG); choose a shorter one');
    if (code === 'EACCES' || code === 'EPERM') throw say(`no permission to create files in ${into} (${code}); choose a folder of your own, or make this one writable to you`);
    if (code === 'ENOSPC' || code === 'EDQUOT') throw say(`no room for a file in ${into} (${code}: the disk or your quota is full); free space or choose another path`);
    if (code === 'EMFILE' || code === 'ENFILE') throw say(tooManyOpenFiles(code) ?? code);
    throw say(`cannot create files in ${into} (${code}); check its permissions and free space, or choose another path`);
  }
  rmSync(probe, { force: true });
}
