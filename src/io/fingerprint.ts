// What identifies an input file's contents: its size and the SHA-256 of its bytes. A model records its training
// files' (train.ts), so that evaluating on one of them can say so: its accuracy is not a held-out figure.

import { createHash } from 'node:crypto';
import { type Stats, closeSync, openSync, readSync, statSync } from 'node:fs';

export interface FileFingerprint {
  readonly bytes: number;
  readonly sha256: string;
}

const BLOCK = 1 << 20;

/**
 * The file's size and SHA-256, read in blocks; null when it is not a regular file (stdin, a pipe) or can no
 * longer be read (the fingerprint only informs: it is no reason to fail).
 */
function fileFingerprint(path: string): FileFingerprint | null {
  const st = regularFile(path);
  if (st === undefined) return null;
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(BLOCK);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  let bytes = 0;
  try {
    let n: number;
    while ((n = readSync(fd, buf, 0, BLOCK, null)) > 0) {
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * What tells the file at `path` from another put in its place: device, inode and size (not its time: a file only
 * touched is the same; one written to while it was read is refused by the reader); null where none.
 */
export function fileIdentity(path: string): string | null {
  const st = regularFile(path);
  return st === undefined ? null : `${st.dev}:${st.ino}:${st.size}`;
}

/**
 * The fingerprints a model's training record holds, one per training file in order (null for one that was not a
 * regular file, or an entry not of that form: the record is informational and may have been edited by hand).
 */
export function recordedFingerprints(training: Readonly<Record<string, unknown>>): Array<FileFingerprint | null> {
  const list = training.fingerprints;
  if (!Array.isArray(list)) return [];
  return list.map((f) => (typeof f === 'object' && f !== null && Number.isSafeInteger(f.bytes) && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) ? { bytes: f.bytes, sha256: f.sha256 } : null));
}

/** Whether `path` holds the same bytes as a recorded fingerprint (the hash is read only when a size matches). */
export function matchesAny(path: string, recorded: ReadonlyArray<FileFingerprint | null>): boolean {
  const st = regularFile(path);
  if (st === undefined || !recorded.some((r) => r?.bytes === st.size)) return false;
  const f = fileFingerprint(path);
  return f !== null && recorded.some((r) => r?.bytes === f.bytes && r.sha256 === f.sha256);
}

/** Whether two regular files hold the same bytes (hashed only when their sizes match). */
export function sameBytes(a: string, b: string): boolean {
  const [sa, sb] = [regularFile(a), regularFile(b)];
  if (sa === undefined || sb === undefined || sa.size !== sb.size) return false;
  const [fa, fb] = [fileFingerprint(a), fileFingerprint(b)];
  return fa !== null && fb !== null && fa.sha256 === fb.sha256;
}

/**
 * The stats of the regular file at `path`; undefined for anything else, or a path that cannot be reached (a loop
 * of links, a folder that cannot be searched): the reading of the file names that, not this.
 */
function regularFile(path: string): Stats | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}
