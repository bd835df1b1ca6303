// What an error in reaching a file by its path says to the user, where the error code alone would not: a link
// that leads nowhere or in a circle, a file name taken for a folder, a folder on the way that cannot be searched.

import { lstatSync, readlinkSync } from 'node:fs';
import { visible } from './visible.js';

/** The message for `code` met opening `path` (without the path), or null where the caller's own wording fits. */
export function pathProblem(code: string | undefined, path: string): string | null {
  switch (code) {
    case 'ENOENT': {
      const target = danglingTarget(path);
      return target === null ? null : `is a symbolic link to ${visible(target)}, which leads to no file; point it at the file`;
    }
    case 'ELOOP':
      return 'is a loop of symbolic links (ELOOP); check where the links lead';
    case 'ENOTDIR':
      return 'a part of the path before the name is not a folder (ENOTDIR); check the path (a file name followed by /?)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}); make the file readable, and the folders on its path searchable`;
    default:
      return null;
  }
}

/** Where the symbolic link at `path` leads, when it is one; null otherwise. */
function danglingTarget(path: string): string | null {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : null;
  } catch {
    return null;
  }
}
