// What an error in reaching a file by its path says to the user, where the error code alone would not: a link
// that leads nowhere or in a circle, a file name taken for a folder, a folder on the way that cannot be searched,
// a path too long, a name whose bytes are not UTF-8 (which Node cannot name).

import { lstatSync, readlinkSync } from 'node:fs';
import { visible } from './visible.js';

/** The message for `code` met opening `path` (without the path), or null where the caller's own wording fits. */
export function pathProblem(code: string | undefined, path: string): string | null {
  switch (code) {
    case 'ENOENT': {
      if (path.includes(NOT_UTF8)) return NOT_UTF8_PROBLEM;
      const target = danglingTarget(path);
      return target === null ? null : `is a symbolic link to ${visible(target)}, which leads to no file; point it at the file`;
    }
    case 'ELOOP':
      return 'is a loop of symbolic links (ELOOP); check where the links lead';
    case 'ENOTDIR':
      return 'a part of the path before the name is not a folder (ENOTDIR); check the path (a file name followed by /?)';
    case 'ENAMETOOLONG':
      return 'the path is longer than the system allows (ENAMETOOLONG); give a shorter one (relative to a nearer folder)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}); make the file readable, and the folders on its path searchable`;
    default:
      return null;
  }
}

/**
 * How Node shows bytes of a file name that are not UTF-8 (U+FFFD): it reads them from the command line, a link
 * or the working folder as that character and cannot name the file they name.
 */
export const NOT_UTF8 = '\uFFFD';
export const NOT_UTF8_PROBLEM = 'the path holds bytes that are not UTF-8 (shown as \uFFFD), which Node cannot name; rename the file or folder in UTF-8';

/** Where the symbolic link at `path` leads, when it is one; null otherwise. */
function danglingTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null;
  } catch {
    return null;
  }
}
