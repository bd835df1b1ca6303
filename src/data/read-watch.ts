// Whether a regular data file stayed what it was while it was read. A file cut short, appended to by a writer
// still at work, or rewritten in place while it is read gives a version cut mid-row, or part of one and part of
// another; a file replaced by a rename, deleted or only touched meanwhile was read whole (the open file is the
// one it was). Asked of a descriptor of its own, opened before the read: the path may lead elsewhere by the end.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface ReadWatch {
  /** Each chunk of the file's bytes as read, in order. */
  see(chunk: Buffer | string): void;
  /** How the file changed while read (for a message), or null: it did not. */
  changed(): string | null;
  /** The size and SHA-256 of the file's bytes, where every one was seen and the file did not change while read; else null. */
  digest(): { readonly bytes: number; readonly sha256: string } | null;
  close(): void;
}

/** A watch on the regular file at `path`; null for anything else (stdin, a pipe, a device) or one that cannot be opened. */
export function watchRead(path: string): ReadWatch | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  const before = fstatSync(fd);
  if (!before.isFile()) {
    closeSync(fd);
    return null;
  }
  const hash = createHash('sha256');
  let seen = 0;
  let verdict: { why: string | null } | undefined; // asked once
  let sum: string | undefined;
  const sha256 = () => (sum ??= hash.digest('hex')); // a hash digests once
  const bytes = (n: number) => n.toLocaleString('en-US');
  return {
    see(chunk) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(b);
      seen += b.length;
    },
    changed() {
      verdict ??= { why: compare() };
      return verdict.why;
    },
    digest() {
      return seen === before.size && this.changed() === null ? { bytes: seen, sha256: sha256() } : null;
    },
    close: () => closeSync(fd),
  };

  function compare(): string | null {
    const after = fstatSync(fd);
    if (after.size !== before.size) return `held ${bytes(before.size)} bytes when it was opened and ${bytes(after.size)} when it had been read`;
    if (after.mtimeMs === before.mtimeMs) return null;
    // Written to at the same size, or only touched: the bytes read against those there now.
    return headHashesTo(fd, seen, sha256()) ? null : 'was written to in place, its size kept';
  }
}

/** Whether the first n bytes of the open file hash to sha256. */
function headHashesTo(fd: number, n: number, sha256: string): boolean {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let at = 0; at < n;) {
    const got = readSync(fd, buf, 0, Math.min(buf.length, n - at), at);
    if (got === 0) return false;
    hash.update(buf.subarray(0, got));
    at += got;
  }
  return hash.digest('hex') === sha256;
}
