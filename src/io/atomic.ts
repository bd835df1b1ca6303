// Atomic file writes: a temp file in the same folder, fsync, rename. A reader (or a crash) sees the old file
// or the new one, never a torn one: a failed write (disk full, EIO) removes the temp file and leaves the old
// file as it was; a kill mid-write leaves at most a stray temp file. Also the up-front check that an output
// path is writable, so that no one learns after hours of training that the folder does not exist.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o644);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    // Make the rename itself durable.
    const dfd = openSync(dirname(path), 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
  }
}

/**
 * Checks, before any work starts, that `path` can be written atomically: its folder exists and accepts a new
 * file (one is created and removed), and `path` is not a folder. `flag` names the option in the message
 * (e.g. '--out'). Throws a UserError saying what to do.
 */
export function checkWritable(path: string, flag: string): void {
  const dir = dirname(resolve(path));
  const say = (what: string) => new UserError(`${flag} ${path}: ${what}`);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw say(`the folder ${dir} does not exist; create it or choose another path`);
  }
  if (!st.isDirectory()) throw say(`${dir} is not a folder; choose another path`);
  try {
    if (statSync(path).isDirectory()) throw say('is a folder; give a file name');
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe.tmp`);
  try {
    closeSync(openSync(probe, 'wx', 0o644));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw say(`cannot create files in ${dir} (${code}); check its permissions and free space, or choose another path`);
  }
  rmSync(probe, { force: true });
}
