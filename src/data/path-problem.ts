// What an error in reaching a file by its path says to the user, where the error code alone would not: a link
// that leads nowhere or in a circle, a file name taken for a folder, a folder on the way that cannot be searched,
// a path too long, a name whose bytes are not UTF-8 (which Node cannot name).

import { isUtf8 } from 'node:buffer';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { visible } from './visible.js';
import { tooManyOpenFiles } from '../errors.js';

/** The message for `code` met opening `path` (without the path), or null where the caller's own wording fits. */
export function pathProblem(code: string | undefined, path: string): string | null {
  switch (code) {
    case 'ENOENT': {
      if (lostBytes(path)) return NOT_UTF8_PROBLEM;
      const target = danglingTarget(path);
      return target === null ? null : `is a symbolic link to ${visible(target)}, which leads to no file; point it at the file`;
    }
    case 'ELOOP':
      return 'is a loop of symbolic links (ELOOP); check where the links lead';
    case 'ENOTDIR':
      return 'a part of the path before the name is not a folder (ENOTDIR); check the path (a file name followed by /?)';
    case 'ENXIO':
      return 'is a socket or a device with nothing behind it, not a file; give the path of a file';
    case 'ENAMETOOLONG':
      return 'the path, or a name in it (255 bytes at most), is longer than the system allows (ENAMETOOLONG); shorten it';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}); make the file readable, and the folders on its path searchable`;
    default:
      return tooManyOpenFiles(code);
  }
}

/**
 * How Node shows bytes of a file name that are not UTF-8 (U+FFFD): it reads them from the command line, a link
 * or the working folder as that character and cannot name the file they name.
 */
const NOT_UTF8 = '\uFFFD';

/**
 * Whether `path` holds bytes that are not UTF-8 (where Node shows U+FFFD): a name on its way is so on disk (its
 * folder's listing, read as bytes), or it came so from the command line (a raw word, /proc's cmdline: a new
 * file's name is on no disk yet). A name that holds U+FFFD itself, as UTF-8, is a name like any other. Where
 * /proc cannot tell, every U+FFFD is taken for such bytes.
 */
export function lostBytes(path: string): boolean {
  if (!path.includes(NOT_UTF8)) return false;
  if (lostOnDisk(resolve(path))) return true;
  const words = rawWordsNotUtf8();
  if (words === null) return true;
  return words.some((w) => w === path || w.endsWith(`=${path}`));
}

/** Whether a name of the absolute path `p` that holds U+FFFD stands, in its folder, for a name not in UTF-8. */
function lostOnDisk(p: string): boolean {
  const parts = p.split('/');
  for (let i = 1; i < parts.length; i++) {
    if (!parts[i].includes(NOT_UTF8)) continue;
    try {
      const names = readdirSync(parts.slice(0, i).join('/') || '/', { encoding: 'buffer' });
      if (names.some((n) => !isUtf8(n) && n.toString('utf8') === parts[i])) return true;
    } catch {
      return false; // a folder that cannot be listed: the command line tells, if anything does
    }
  }
  return false;
}

let rawWords: string[] | null | undefined;

/**
 * The command line's words whose bytes are not UTF-8, as Node decodes them; null where /proc cannot tell. In the
 * child that cli/rerun.ts starts (its words the parent's, decoded already), the parent's command line.
 */
function rawWordsNotUtf8(): string[] | null {
  if (rawWords === undefined) {
    try {
      const parent = Number(process.env.TRAIN_SIGNALS_RERUN_BY);
      const all = readFileSync(parent > 0 ? `/proc/${parent}/cmdline` : '/proc/self/cmdline');
      const words: Buffer[] = [];
      for (let at = 0; at < all.length;) {
        const end = all.indexOf(0, at);
        words.push(all.subarray(at, end < 0 ? all.length : end));
        at = end < 0 ? all.length : end + 1;
      }
      rawWords = words.filter((w) => !isUtf8(w)).map((w) => w.toString('utf8'));
    } catch {
      rawWords = null;
    }
  }
  return rawWords;
}

export const NOT_UTF8_PROBLEM = 'the path holds bytes that are not UTF-8 (shown as \uFFFD), which Node cannot name; rename the file or folder in UTF-8';

/**
 * What an error in reaching the folder `dir` an output goes to says (the clause after the output's flag and
 * path), or null where the folder is simply not there.
 */
export function folderProblem(code: string | undefined, dir: string): string | null {
  switch (code) {
    case 'ENOENT': {
      const target = danglingTarget(dir);
      return target === null ? null : `the folder ${visible(dir)} is a symbolic link to ${visible(target)}, which leads to no folder; point it at one`;
    }
    case 'ELOOP':
      return `the folder ${visible(dir)} is a loop of symbolic links (ELOOP); check where the links lead`;
    case 'ENOTDIR':
      return `a part of ${visible(dir)} is not a folder (ENOTDIR); check the path`;
    case 'EACCES':
    case 'EPERM':
      return `a folder on the way to ${visible(dir)} cannot be searched (${code}); make the folders on the path searchable to you, or choose another path`;
    case 'ENAMETOOLONG':
      return `the folder's path ${visible(dir)} is longer than the system allows (ENAMETOOLONG); write to a folder nearer the root`;
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
