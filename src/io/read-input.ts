// Reading a whole input file (model, checkpoint, safetensors) with the failures a user can cause turned into
// one-line errors that name the file and say what to give instead.

import { closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { didYouMeanFile } from '../data/suggest.js';
import { untilDone } from './pipe-wait.js';

export interface InputKind {
  readonly isDirectory: string; // what to say when the path is a folder
  readonly notFound: string; // what to say when nothing is there
  readonly cannotRead: string; // e.g. 'the model file'
  readonly maxBytes?: number; // larger files are refused before reading (default: what a JSON text can be)
}

/** The largest JSON text read: V8's strings end at 2^29 − 24 characters, and the parse needs several times that. */
export const MAX_JSON_BYTES = 500 * 2 ** 20;

/**
 * Far more values than MAX_JSON_BYTES of weights can write (≥ 10 bytes each), and below the 2^27 elements past
 * which V8 ends the process when JSON.parse builds one array (a fatal error, not an exception).
 */
export const MAX_JSON_VALUES = 100_000_000;

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

export function readInputFile(path: string, kind: InputKind): Buffer {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(kind.isDirectory, { file: path });
    const max = kind.maxBytes ?? MAX_JSON_BYTES;
    if (st.size > max) throw tooLarge(path, st.size, max, kind);
    return st.isFile() ? readFileSync(path) : readPipe(path, max, kind);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${kind.notFound}${didYouMeanFile(path)}`, { file: path });
    throw new UserError(`cannot read ${kind.cannotRead} (${code ?? (e as Error).message})`, { file: path });
  }
}

function tooLarge(path: string, size: number | null, max: number, kind: InputKind): UserError { // size null: a pipe, read that far
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  return new UserError(`${size === null ? 'gives' : `is ${mib(size)},`} more than the ${mib(max)} ${kind.cannotRead} can be; is this the right file?`, { file: path });
}

/**
 * A FIFO, pipe or device read to its end without blocking in open(2) or read(2) (pipe-wait.ts): a FIFO with no
 * writer reads as empty rather than hang, and one that never ends (/dev/zero) stops at the size limit.
 */
function readPipe(path: string, max: number, kind: InputKind): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  try {
    untilDone(() => {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        return null;
      }
      total += n;
      if (total > max) throw tooLarge(path, null, max, kind);
      chunks.push(Buffer.from(buf.subarray(0, n)));
      return n === 0;
    });
  } finally {
    closeSync(fd);
  }
  // A FIFO's writer counts from the moment it opens (even while its open waits for a reader); none, and nothing read.
  if (total === 0 && statSync(path).isFIFO()) throw new UserError('is a FIFO that no process writes; start its writer first', { file: path });
  return Buffer.concat(chunks, total);
}
