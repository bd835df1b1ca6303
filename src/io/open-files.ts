// This process's soft limit on open files, from /proc/self/limits: under a low one, Node 20's module loader takes
// a package.json it could not open for a missing module (ERR_MODULE_NOT_FOUND), so a caller tells the two apart.

import { readFileSync } from 'node:fs';

/** At or below this soft limit on open files (256: macOS's default, and the tests') a module the loader could not find is taken for one it could not open. */
export const LOW_OPEN_FILES = 256;

/** The soft limit on open files: Infinity where unknown or unlimited, 0 where even the limits file cannot be opened for want of descriptors. */
export function openFilesLimit(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? Infinity : Number(m[1]);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'EMFILE' || code === 'ENFILE' ? 0 : Infinity;
  }
}
