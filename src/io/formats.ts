// The program's files told apart by their first HEAD_BYTES: the "format" a model file and a checkpoint name, a
// head as text in either encoding the readers take, and the binary kinds a model path may hold (safetensors,
// ONNX, gzip). One place, so that the outputs' replace rule, train's check of a checkpoint path and `info` read
// the same head by the same rules, as the readers tell a binary file's kind.

import { closeSync, openSync, readSync } from 'node:fs';

export const MODEL_FORMAT = 'train-signals/rnn';
export const CHECKPOINT_FORMAT = 'train-signals/checkpoint';

/**
 * The bytes read from a file's start to tell its kind: every kind as the program writes it names itself within them,
 * and so does a model saved again with its keys sorted (many classes before its format). A checkpoint so saved has
 * its arrays first, past any head: --resume reads it, the checks by kind do not know it.
 */
export const HEAD_BYTES = 65536;

/** The first `bytes` of the file at path; undefined where it cannot be read. */
export function firstBytes(path: string, bytes: number): Buffer | undefined {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } catch {
    return undefined;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** A head as text: UTF-8, or UTF-16 little-endian after its byte-order mark (a file saved by PowerShell's `>`, which the readers take); a UTF-8 mark dropped. */
export function headText(head: Uint8Array): string {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return (b[0] === 0xff && b[1] === 0xfe ? b.subarray(2).toString('utf16le') : b.toString('utf8')).replace(/^\uFEFF/, '');
}

/** Whether a head is a JSON object's that names `format` (`"format": "<format>"`, after any keys before it). */
export function namesFormat(head: Uint8Array, format: typeof MODEL_FORMAT | typeof CHECKPOINT_FORMAT): boolean {
  const text = headText(head);
  const at = text.search(/\S/);
  return at >= 0 && text[at] === '{' && new RegExp(`"format"\\s*:\\s*"${format.replace('/', '\\/')}"`).test(text);
}

/** Whether the file at `path` opens as a checkpoint train wrote; false where it cannot be read (its reader says why). */
export function isCheckpointFile(path: string): boolean {
  const head = firstBytes(path, HEAD_BYTES);
  return head !== undefined && namesFormat(head, CHECKPOINT_FORMAT);
}

const ONNX_NEXT_TAGS = new Set([0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0x7a]);

/**
 * What a file that is no JSON text opens as: a safetensors file (its JSON header's length in 8 little-endian
 * bytes, under 4 GiB, then `{`), gzip (1f 8b), an ONNX ModelProto (any program's, PyTorch's too); null for anything else.
 */
export function binaryKind(head: Uint8Array): 'gzip' | 'onnx' | 'safetensors' | null {
  const le32 = (at: number) => (head[at] | (head[at + 1] << 8) | (head[at + 2] << 16) | (head[at + 3] << 24)) >>> 0;
  // First: a safetensors header's length may well open with the bytes below (0x08 of a length of 8·k).
  if (head.length >= 9 && le32(4) === 0 && le32(0) > 0 && head[8] === 0x7b) return 'safetensors';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  // ir_version (field 1, a varint under 128), then another of ModelProto's fields (producer_name, graph, …).
  if (head.length > 3 && head[0] === 0x08 && head[1] < 0x80 && ONNX_NEXT_TAGS.has(head[2])) return 'onnx';
  return null;
}
