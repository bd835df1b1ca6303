// An output path that holds a file already is replaced only where that file is of the kind the output writes
// (a model by a model, a report by a report): one of another kind (a data file named by a slip, `--out test.csv`
// for `--test test.csv`; a checkpoint to resume from) would be lost, and nothing could bring it back. Asked before
// any work, so that a refusal writes nothing. The checkpoint has its own rule (train/preflight.ts).

import { lstatSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { CHECKPOINT_FORMAT, HEAD_BYTES, MODEL_FORMAT, binaryKind, firstBytes, headText, namesFormat } from './formats.js';
import { descriptorOf, writesAtEnd } from './descriptors.js';
import { MAX_LINKS, linkTarget, physicalPath } from './paths.js';

/** What an output writes. */
export type OutputKind = 'model' | 'predictions' | 'report' | 'onnx' | 'safetensors';

/** Each kind as the program writes it, told by its first bytes. */
const KINDS: Record<OutputKind, { readonly what: string; readonly is: (head: Buffer) => boolean }> = {
  model: { what: 'a model file', is: (h) => namesFormat(h, MODEL_FORMAT) && !namesFormat(h, CHECKPOINT_FORMAT) },
  predictions: { what: 'a predictions file', is: (h) => /^"?file"?,"?id"?,"?label"?,"?predicted"?[,\r\n]/.test(headText(h)) },
  // the head every report has, whatever its title (writeReport takes one)
  report: { what: 'a report', is: (h) => headText(h).startsWith('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\n<link rel="icon" href="data:,"><title>') },
  onnx: { what: 'an ONNX file', is: (h) => binaryKind(h) === 'onnx' },
  safetensors: { what: 'a safetensors file', is: (h) => binaryKind(h) === 'safetensors' },
};

/** What the file's first bytes say it is, for the message: one of the program's kinds, a checkpoint, or undefined. */
function kindOf(head: Buffer): string | undefined {
  if (namesFormat(head, CHECKPOINT_FORMAT)) return 'a checkpoint, to resume a training from';
  for (const k of Object.values(KINDS)) if (k.is(head)) return k.what;
  return undefined;
}

/**
 * Refuses `path` (the option `flag`) where a regular file that is not empty is there and is not `kind`: the
 * output would replace it. A device, a FIFO, nothing there, or an empty file: written as before; so is a file
 * the shell opened for the command to write at its end (`--out /dev/stdout >> log`), which is added to, not
 * replaced. One open on stdout or stderr before its end (`1<> file`) is refused whatever it holds: the output
 * would write over part of it.
 */
export function checkReplaceable(path: string, flag: string, kind: OutputKind): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return;
    size = st.size;
  } catch {
    return; // nothing there (or no way to it, which checkWritable says)
  }
  if (size === 0) return;
  const d = descriptorFor(path);
  if (d !== null) {
    // Another descriptor's file is opened again to add to it (atomic.ts); stdout and stderr are written where they stand.
    if (d.fd >= 3 || writesAtEnd(d.at, size)) return;
    throw new UserError(
      `${flag} ${path}: ${d.fd === 1 ? 'standard output' : 'standard error'} is open on a file of ${size} bytes before its end (1<> file?), ` +
        'so the output would write over part of it and leave the rest; redirect it with >> to add to the file, or with > to replace it',
    );
  }
  const head = firstBytes(path, HEAD_BYTES);
  if (head !== undefined && KINDS[kind].is(head)) return;
  const found = head === undefined ? undefined : kindOf(head);
  throw new UserError(
    `${flag} ${path}: a file that is not ${KINDS[kind].what} is there${found !== undefined ? ` (it is ${found})` : ''}, and would be replaced; ` +
      `give another ${flag}, or move the file away (or delete it) first`,
  );
}

/** The descriptor of this process that `path` names (its links followed: /dev/stdout), or null. */
function descriptorFor(path: string): { fd: number; at: string } | null {
  let p = physicalPath(path);
  for (let links = 0; links <= MAX_LINKS; links++) {
    const d = descriptorOf(p);
    if (d !== null) return d.fd >= 0 ? d : null;
    if (!lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) return null;
    p = linkTarget(p);
  }
  return null;
}
