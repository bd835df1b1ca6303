// Which paths name the same file: so that no output of a command is one of its inputs or another output, by
// identity rather than spelling (`./m.json`, an absolute path, a symbolic link or a hard link to the same file
// are all the same file).

import { fstatSync, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { NOT_UTF8_PROBLEM } from '../data/path-problem.js';
import { visible } from '../data/visible.js';

/**
 * `path` made absolute as the kernel resolves it: its folder through symbolic links, so that `link/../x` is x
 * beside the folder the link points to (path.resolve would take it as x beside the link), the last name as it
 * is. A folder that does not exist is resolved as spelled (writing there fails, and says so).
 */
export function physicalPath(path: string): string {
  const name = basename(path);
  try {
    if (name === '..' || name === '.' || name === '') return realpathSync.native(path);
    return join(realpathSync.native(dirname(path)), name);
  } catch {
    return resolve(path);
  }
}

export const MAX_LINKS = 40; // as the kernel's ELOOP limit

/** Where the symbolic link at the physical path `p` points, as a physical path (relative to the link's folder). */
export function linkTarget(p: string): string {
  const bytes = readlinkSync(p, { encoding: 'buffer' });
  const link = bytes.toString('utf8');
  // Node would reach another name than the link's (each byte that is not UTF-8 as U+FFFD).
  if (!Buffer.from(link, 'utf8').equals(bytes)) throw new UserError(`${p} is a symbolic link to ${visible(link)}: ${NOT_UTF8_PROBLEM}`);
  return physicalPath(isAbsolute(link) ? link : `${dirname(p)}/${link}`);
}

/**
 * The physical path a write to `path` lands on, symbolic links followed (a link that points nowhere yet, to
 * where its target would be created; a chain past MAX_LINKS stops there).
 */
export function followLinks(path: string): string {
  let p = physicalPath(path);
  for (let links = 0; links < MAX_LINKS; links++) {
    try {
      if (!lstatSync(p).isSymbolicLink()) return p;
      p = linkTarget(p);
    } catch (e) {
      if (e instanceof UserError) throw e;
      return p; // not there: a new file
    }
  }
  return p;
}

/**
 * The file's identities: the physical path a write to it lands on (links followed, so that a dangling link to
 * another output is that output), and its device and inode when it exists.
 */
export function fileKeys(path: string): string[] {
  const keys = [followLinks(path)];
  try {
    const s = statSync(path);
    keys.push(`${s.dev}:${s.ino}`);
  } catch {
    // not there yet: only its path can name it
  }
  return keys;
}

/** An input's identities: those of its file, or for `-` (stdin) those of the file stdin was redirected from. */
function inputKeys(path: string): string[] {
  if (path !== '-') return readsStdin(path) ? ['-', ...fileKeys(path)] : fileKeys(path); // /dev/stdin is `-` too
  try {
    const s = fstatSync(0);
    return s.isFile() ? ['-', `${s.dev}:${s.ino}`] : ['-'];
  } catch {
    return ['-'];
  }
}

/**
 * Refuses a model, checkpoint or --init file read from standard input (`/dev/stdin`, a pipe or terminal as much as a
 * file) beside a data file that reads it too (`-`, or /dev/stdin again): the first would take all of it, and the
 * other find it empty.
 */
export function checkStdinOnce(flag: string, file: string | undefined, files: readonly string[]): void {
  if (file === undefined || !readsStdin(file)) return;
  const other = files.find(readsStdin);
  if (other !== undefined) throw new UserError(`${flag} ${file} and ${other === '-' ? '-' : other} both read standard input; give one of them as a file`);
}

/** Whether reading `path` reads this process's standard input: `-`, or a name of what it is (/dev/stdin, /dev/fd/0). */
export function readsStdin(path: string): boolean {
  if (path === '-') return true;
  try {
    const [s, f] = [fstatSync(0), statSync(path)];
    return s.dev === f.dev && s.ino === f.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses, as a user error, an output that names the same file as an input or as an earlier output. Each entry
 * is [what, path]: the flag (`--out`), or a description of the input (`one of the input files`).
 */
export function checkDistinct(inputs: ReadonlyArray<readonly [string, string | undefined]>, outputs: ReadonlyArray<readonly [string, string | undefined]>): void {
  const inputsByKey = new Map<string, string>();
  for (const [what, path] of inputs) if (path !== undefined) for (const k of inputKeys(path)) inputsByKey.set(k, what);
  const outputsByKey = new Map<string, string>();
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    const keys = fileKeys(path);
    const input = keys.map((k) => inputsByKey.get(k)).find((w) => w !== undefined);
    if (input !== undefined) throw new UserError(`${flag} ${path}: is ${input}; writing it would destroy it; choose another name`);
    const other = keys.map((k) => outputsByKey.get(k)).find((w) => w !== undefined);
    if (other !== undefined) throw new UserError(`${flag} ${path}: is also the path of ${other}; give each output its own path`);
    for (const k of keys) outputsByKey.set(k, flag);
  }
}

/** Standard output or error redirected onto an input; `streams` are those that are (1, 2): its line goes to neither. */
export class StreamOntoInputError extends UserError {
  readonly streams: readonly number[];

  constructor(detail: string, streams: readonly number[]) {
    super(detail);
    this.streams = streams;
  }
}

/**
 * Refuses standard output or error that is one of the inputs (`predict … data.csv >> data.csv`): what the command
 * prints would be added to that file. The shell opened the file for the command; a command that writes nothing
 * there changes nothing of it.
 */
export function checkStreamsApart(inputs: ReadonlyArray<readonly [string, string | undefined]>): void {
  const inputsByKey = new Map<string, string>();
  for (const [what, path] of inputs) if (path !== undefined) for (const k of inputKeys(path)) inputsByKey.set(k, `${what}, ${path === '-' ? 'stdin' : visible(path)}`);
  const onto = ([[1, 'standard output'], [2, 'standard error']] as const).map(([fd, name]) => {
    try {
      const s = fstatSync(fd);
      const what = s.isFile() ? inputsByKey.get(`${s.dev}:${s.ino}`) : undefined;
      return what === undefined ? null : { fd, name, what };
    } catch {
      return null; // closed: nothing is written there
    }
  }).filter((o) => o !== null);
  if (onto.length === 0) return;
  const [first] = onto;
  throw new StreamOntoInputError(
    `${onto.map((o) => o.name).join(' and ')} ${onto.length > 1 ? 'are' : 'is'} ${first.what} (a redirect, > or >>, onto it): what this command prints would be added to it; redirect ${onto.length > 1 ? 'them' : 'it'} to another file`,
    onto.map((o) => o.fd),
  );
}

/**
 * Refuses, as a user error, a file named twice among `paths` (by identity: the same training file given twice
 * would silently weigh its sequences double).
 */
export function checkOnce(paths: readonly string[], what: string): void {
  const seen = new Map<string, string>();
  for (const path of paths) {
    const keys = inputKeys(path);
    const earlier = keys.map((k) => seen.get(k)).find((p) => p !== undefined);
    if (earlier !== undefined) {
      const also = earlier === path ? 'more than once' : `twice (also as ${earlier === '-' ? 'stdin' : earlier})`;
      throw new UserError(`${path === '-' ? 'stdin' : path}: is named ${also} among ${what}; name each file once`);
    }
    for (const k of keys) seen.set(k, path);
  }
}
