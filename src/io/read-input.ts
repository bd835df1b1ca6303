// Reading a whole input file (model, checkpoint, safetensors) with the failures a user can cause turned into
// one-line errors that name the file and say what to give instead.

import { closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { didYouMeanFile } from '../data/suggest.js';
import { pathProblem } from '../data/path-problem.js';
import { untilDone } from './pipe-wait.js';
import { FIFO_WAIT_MS, isNamedFifo, noWriter } from '../data/fifo.js';
import { pathIs } from './path-is.js';

export interface InputKind {
  readonly isDirectory: string; // what to say when the path is a folder
  readonly notFound: string; // what to say when nothing is there
  readonly cannotRead: string; // e.g. 'the model file'
  readonly maxBytes?: number | ((head: Uint8Array) => number); // larger files are refused before reading (default: what a JSON text can be); a function: by the file's first bytes
}

/** The largest JSON text read: V8's strings end at 2^29 − 24 characters, and the parse needs several times that. */
export const MAX_JSON_BYTES = 500 * 2 ** 20;

/**
 * Far more values than MAX_JSON_BYTES of weights can write (≥ 10 bytes each), and below the 2^27 elements past
 * which V8 ends the process when JSON.parse builds one array (a fatal error, not an exception).
 */
const MAX_JSON_VALUES = 100_000_000;

/** Refuses a JSON text with more than MAX_JSON_VALUES commas (no model or checkpoint has them) before it is parsed. */
export function checkJsonValues(text: string, file: string, what: string): void {
  if (text.length <= MAX_JSON_VALUES) return; // cannot hold that many
  let commas = 0;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
    if (++commas > MAX_JSON_VALUES) {
      throw new UserError(`holds more than ${MAX_JSON_VALUES.toLocaleString('en-US')} values, more than ${what} has; is this the right file?`, { file });
    }
  }
}

/** Nesting far deeper than any model, checkpoint or safetensors header has (theirs is a few levels). */
const MAX_JSON_DEPTH = 32;

/** A small file's text (a lock's stamp, a cgroup's limit), or null where it cannot be read: no such file is an answer there. */
export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Refuses a parsed JSON value nested deeper than MAX_JSON_DEPTH (no file of ours is): walking it later (a
 * message echoing it, a comparison) would exhaust the stack, an internal error. Walks without recursion.
 */
export function checkJsonDepth(doc: unknown, file: string, what: string): void {
  if (doc === null || typeof doc !== 'object') return;
  const stack: Array<[unknown, number]> = [[doc, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) throw new UserError(`is nested more than ${MAX_JSON_DEPTH} levels deep, deeper than ${what} is; is this the right file?`, { file });
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
}

export function readInputFile(path: string, kind: InputKind): Buffer {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(kind.isDirectory, { file: path });
    if (!st.isFile()) return readPipe(path, kind);
    const max = limitOf(kind, headOf(path));
    if (st.size > max) throw tooLarge(path, st.size, max, kind);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const problem = pathProblem(code, path);
    if (problem !== null) throw new UserError(problem, { file: path });
    if (code === 'ENOENT') throw new UserError(`${kind.notFound}${didYouMeanFile(path)}`, { file: path });
    throw new UserError(`cannot read ${kind.cannotRead} (${code ?? (e as Error).message})`, { file: path });
  }
}

/** The most bytes `kind` reads of a file that opens with `head` (its first HEAD_BYTES, or fewer if it is shorter). */
function limitOf(kind: InputKind, head: Uint8Array): number {
  const max = kind.maxBytes ?? MAX_JSON_BYTES;
  return typeof max === 'number' ? max : max(head);
}

const HEAD_BYTES = 16;

function headOf(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    return head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string, size: number | null, max: number, kind: InputKind): UserError { // size null: a pipe, read that far
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  return new UserError(`${size === null ? 'gives' : `is ${mib(size)},`} more than the ${mib(max)} ${kind.cannotRead} can be; is this the right file?`, { file: path });
}

/**
 * A FIFO, pipe or device read to its end without blocking in open(2) or read(2) (pipe-wait.ts), up to the
 * limit of what its first bytes say it is (one that never ends, /dev/zero, stops there). A FIFO named in the file
 * system waits up to FIFO_WAIT_MS for its writer, which may open it after this reader does (until then a read
 * gives 0 bytes, as at the end); a pipe that is no such name (/dev/stdin, a shell's <(…)) ends at its first 0.
 */
function readPipe(path: string, kind: InputKind): Buffer {
  const named = isNamedFifo(path);
  const since = Date.now();
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  let total = 0;
  let max = Infinity;
  let writer = !named; // a writer is there (a read said EAGAIN, or gave bytes)
  const buf = Buffer.allocUnsafe(1 << 16);
  try {
    untilDone(() => {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        writer = true;
        return null;
      }
      if (n === 0) {
        if (writer) return true;
        // No writer yet, or one that came and went between two reads without a byte: neither is waited on for ever.
        if (Date.now() - since > FIFO_WAIT_MS) throw noWriter(path);
        return null;
      }
      writer = true;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      const before = total;
      total += n;
      if (before < HEAD_BYTES && total >= HEAD_BYTES) max = limitOf(kind, Buffer.concat(chunks).subarray(0, HEAD_BYTES));
      if (total > max) throw tooLarge(path, null, max, kind);
      return false;
    });
  } finally {
    closeSync(fd);
  }
  if (total === 0) throw new UserError(`${named ? 'a FIFO whose writer wrote nothing' : pathIs(path, (st) => st.isCharacterDevice()) ? 'a device that gave no bytes' : 'gave no bytes: the program writing to it wrote nothing'}; is this the right file?`, { file: path });
  return Buffer.concat(chunks, total);
}
