// Reading a whole input file (model, checkpoint, safetensors) with the failures a user can cause turned into
// one-line errors that name the file and say what to give instead.

import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

export interface InputKind {
  readonly isDirectory: string; // what to say when the path is a folder
  readonly notFound: string; // what to say when nothing is there
  readonly cannotRead: string; // e.g. 'the model file'
}

export function readInputFile(path: string, kind: InputKind): Buffer {
  try {
    if (statSync(path).isDirectory()) throw new UserError(kind.isDirectory, { file: path });
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(kind.notFound, { file: path });
    throw new UserError(`cannot read ${kind.cannotRead} (${code ?? (e as Error).message})`, { file: path });
  }
}
