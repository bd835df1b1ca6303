// What an output path may be, asked before any work (outputTarget): a new or existing regular file (replaced
// atomically, keeping the existing file's permissions); a symbolic link (its target is written, the link stays a
// link); a character device or a FIFO (written in place: `--out /dev/null` discards, a pipe receives); one of this
// process's own open files (`/dev/stdout`, `/dev/fd/3`: written in place, stdout and stderr through their
// descriptors and a file another descriptor holds at its end, so a shell's `>> log` appends and its `> out`
// receives, where replacing the file would leave the shell writing to an orphaned one and lose what was there).
// Refused: a read-only file (no write permission for anyone: the tool will not override that, even as root), a
// file this user may not write (another's, in a folder the user may write: `>` would be refused too), a folder,
// a block device or a socket, a folder that is not there. atomic.ts writes to what this finds.

import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { descriptorOf, descriptorTarget } from './descriptors.js';
import { MAX_LINKS, linkTarget, physicalPath } from './paths.js';
import { pathIs } from './path-is.js';
import { NOT_UTF8_PROBLEM, folderProblem, lostBytes } from '../data/path-problem.js';
import { tildeFix } from '../data/suggest.js';

/** Where a write to a path lands: `path` after following links, written in place (device, FIFO) or replaced. */
export interface OutputTarget {
  readonly path: string;
  readonly inPlace: boolean;
  readonly mode: number | null; // the existing file's permission bits, kept on replacing it; null: a new file
  readonly owner?: { readonly uid: number; readonly gid: number }; // the existing file's, kept on replacing it where this process may (root)
  readonly fd: number | null; // the standard descriptor the path names (/dev/stdout: 1), written through
}

/** The target of an output path; `say` words a refusal (flag and path in front). */
export function outputTarget(path: string, say: (what: string) => UserError = (w) => new UserError(`${path}: ${w}`)): OutputTarget {
  if (path.endsWith('/')) throw say('ends in /, so it names a folder; give a file name');
  let p = physicalPath(path);
  for (let links = 0; ; links++) {
    const d = descriptorOf(p);
    if (d?.fd === -1) throw say("is another process's open file; choose a file of your own");
    let st;
    try {
      st = lstatSync(p);
    } catch {
      if (d !== null) throw say(`names descriptor ${d.fd}, which is not open; open it (e.g. ${d.fd}> file) or choose a file`);
      return { path: p, inPlace: false, mode: null, fd: null }; // a new file (or a dangling link's target)
    }
    if (d !== null) return { path: d.at, inPlace: true, mode: null, fd: descriptorTarget(d.at, d.fd, say) };
    if (st.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw say('is a chain of more than 40 symbolic links; choose another path');
      p = linkTarget(p);
      continue;
    }
    if (st.isCharacterDevice() || st.isFIFO()) return { path: p, inPlace: true, mode: null, fd: null };
    if (st.isDirectory()) throw say('is a folder; give a file name');
    if (!st.isFile()) throw say(`is a ${st.isBlockDevice() ? 'block device' : 'socket'}; refusing to write over it; choose a regular file`);
    if ((st.mode & 0o222) === 0) throw say('is read-only; make it writable (chmod u+w) or choose another path');
    if (isOthersInStickyFolder(p, st.uid)) throw say("is another user's file in a folder where only a file's owner may replace it (sticky, as /tmp); choose another path");
    // Replacing it needs only the folder's permission; the user's own right to write the file is what `>` asks.
    if (!writableByMe(p)) throw say("is not writable by this user (another's file, or its permissions); move it away or delete it if it may go (its folder lets you), or choose another path");
    return { path: p, inPlace: false, mode: st.mode & 0o7777, owner: { uid: st.uid, gid: st.gid }, fd: null };
  }
}

/** Whether writing `path` writes this process's stdout (/dev/stdout, /dev/fd/1); false for a path refused, whose check says why. */
export function writesStdout(path: string): boolean {
  try {
    return outputTarget(path).fd === 1;
  } catch {
    return false;
  }
}

/** Whether this process may write the file at `path` (access(2), W_OK: its owner, group and mode, as root may). */
function writableByMe(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return !(code === 'EACCES' || code === 'EPERM'); // a read-only file system and the like are said when written
  }
}

/**
 * Whether replacing the file at `path`, owned by `uid`, would be refused (EPERM) because its folder is sticky and
 * neither the file nor the folder is this user's: known before any work, where the rename would fail after it.
 */
function isOthersInStickyFolder(path: string, uid: number): boolean {
  const me = process.getuid?.();
  if (me === undefined || me === 0 || uid === me) return false;
  const folder = statSync(dirname(path), { throwIfNoEntry: false });
  return folder !== undefined && (folder.mode & 0o1000) !== 0 && folder.uid !== me;
}

/** Checks that the folder `path` would be written into exists. Throws a UserError naming `flag` and what to do. */
export function checkFolder(path: string, flag: string): void {
  // Node would write another name than the one meant (each byte that is not UTF-8 as U+FFFD).
  if (lostBytes(path)) throw new UserError(`${flag} ${path}: ${NOT_UTF8_PROBLEM}`);
  // A reader would take the name at its word and fail on plain text (gunzip, pandas' read_csv).
  const packed = /\.(gz|bz2|xz|zst|zip)$/i.exec(path);
  // A FIFO or device is written in place: a compressor may be reading it.
  if (packed !== null && !pathIs(path, (st) => st.isFIFO() || st.isCharacterDevice())) throw new UserError(`${flag} ${path}: the tool writes it uncompressed, not as the name says; name it without .${packed[1]} (and compress it afterwards)`);
  const dir = dirname(physicalPath(path));
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    const problem = lostBytes(dir) ? `the path of the folder ${dir} holds bytes that are not UTF-8 (shown as \uFFFD), which Node cannot name; rename the folder in UTF-8` : folderProblem((e as NodeJS.ErrnoException).code, dir);
    throw new UserError(`${flag} ${path}: ${problem ?? `the folder ${dir} does not exist; ${tildeFix(path) ?? 'create it or choose another path'}`}`);
  }
  if (!st.isDirectory()) throw new UserError(`${flag} ${path}: ${dir} is not a folder; choose another path`);
}
