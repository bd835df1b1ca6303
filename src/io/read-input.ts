// Reading a whole input file (model, checkpoint, safetensors) with the failures a user can cause turned into
// one-line errors that name the file and say what to give instead.

import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { didYouMeanFile } from '../data/suggest.js';

export interface InputKind {
  readonly isDirectory: string; // what to say when the path is a folder
  readonly notFound: string; // what to say when nothing is there
  readonly cannotRead: string; // e.g. 'the model file'
  readonly maxBytes?: number; // larger files are refused before reading (default: what a JSON text can be)
}

/** The largest JSON text read: V8's strings end at 2^29 − 24 characters, and the parse needs several times that. */
export const MAX_JSON_BYTES = 500 * 2 ** 20;

export function readInputFile(path: string, kind: InputKind): Buffer {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(kind.isDirectory, { file: path });
    const max = kind.maxBytes ?? MAX_JSON_BYTES;
    if (st.size > max) {
      const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
      throw new UserError(`is ${mib(st.size)}, more than the ${mib(max)} ${kind.cannotRead} can be; is this the right file?`, { file: path });
    }
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${kind.notFound}${didYouMeanFile(path)}`, { file: path });
    throw new UserError(`cannot read ${kind.cannotRead} (${code ?? (e as Error).message})`, { file: path });
  }
}
