// Temporary folders for tests, all inside one folder per test process that is removed when the process exits:
// a test run leaves nothing behind in the system's temporary folder, however many files it writes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

/** A fresh empty folder whose name starts with prefix, removed with all the others when this process exits. */
export function tempDir(prefix: string): string {
  if (root === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'train-signals-test-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    root = dir;
  }
  return mkdtempSync(join(root, prefix));
}
