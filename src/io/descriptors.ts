// Output paths that name one of this process's open descriptors (/dev/stdout, /dev/fd/N, /proc/self/fd/N):
// which descriptor, and whether it may be written. Linux's /proc tells; elsewhere no path names one.

import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { UserError } from '../errors.js';

/**
 * The descriptor N of a path /proc/<this process>/fd/N (where /dev/stdout and /dev/fd/N lead, the folder's links
 * followed), with that path; fd −1: another process's; null: none.
 */
export function descriptorOf(p: string): { fd: number; at: string } | null {
  let folder = dirname(p);
  try {
    folder = realpathSync(folder);
  } catch {
    // a folder that does not exist holds no descriptors
  }
  const m = /^\/proc\/(self|thread-self|\d+)(\/task\/\d+)?\/fd$/.exec(folder);
  if (m === null || !/^\d+$/.test(basename(p))) return null;
  const own = m[1] === 'self' || m[1] === 'thread-self' || Number(m[1]) === process.pid;
  return { fd: own ? Number(basename(p)) : -1, at: join(folder, basename(p)) };
}

/**
 * An open descriptor as an output, `p` its /proc path: stdout and stderr are written through (the descriptor
 * is returned); another one through its file, opened again at `p` (null returned: a pipe, as bash's
 * `>(gzip > p.gz)` passes, a terminal, or a regular file written at its end, never truncated). Refused: a
 * descriptor not open for writing, and one the runtime opened for itself (its event loop's pipes, both of whose
 * ends this process holds, and its anonymous inodes), which writing would corrupt.
 */
export function descriptorTarget(p: string, fd: number, say: (what: string) => UserError): number | null {
  if (fd === 0) throw say('is the standard input; choose a file to write');
  if (fd <= 2) return fd;
  const refuse = () => say(`names descriptor ${fd}, which is not open on a file to write; open it (e.g. ${fd}> file) or choose a file`);
  let link: string;
  try {
    link = readlinkSync(p);
  } catch {
    throw refuse();
  }
  const flags = descriptorFlags(dirname(p), basename(p));
  if (flags === null || flags % 4 === 0 || /^(anon_inode|socket):/.test(link)) throw refuse();
  if (link.startsWith('pipe:') && readdirSync(dirname(p)).some((f) => readsPipe(dirname(p), f, link))) throw refuse();
  return null;
}

/**
 * Whether this process's descriptor at /proc path `p` writes at the end of what its file holds (`size` bytes):
 * opened to append (`>>`), or at a position at the file's end; not one at its start (`1<> file`), which would
 * write over what is there.
 */
export function writesAtEnd(p: string, size: number): boolean {
  try {
    const info = readFileSync(join(dirname(p), '..', 'fdinfo', basename(p)), 'utf8');
    const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(info)?.[1] ?? '', 8);
    const pos = Number(/^pos:\s*(\d+)/m.exec(info)?.[1] ?? NaN);
    return (flags & 0o2000) !== 0 || pos === size; // O_APPEND
  } catch {
    return false;
  }
}

/** Flags of descriptor `fd` listed in folder `fds` (/proc/<pid>/fd), as open(2) takes them; null where it is gone. */
function descriptorFlags(fds: string, fd: string): number | null {
  try {
    return parseInt(/^flags:\s*([0-7]+)/m.exec(readFileSync(join(fds, '..', 'fdinfo', fd), 'utf8'))?.[1] ?? '', 8);
  } catch {
    return null;
  }
}

/** Whether descriptor `fd` in folder `fds` is the read end of pipe `link` (this process then holds both ends). */
function readsPipe(fds: string, fd: string, link: string): boolean {
  try {
    return readlinkSync(join(fds, fd)) === link && (descriptorFlags(fds, fd) ?? 1) % 4 === 0;
  } catch {
    return false;
  }
}
