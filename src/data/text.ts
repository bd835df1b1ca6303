// A data file's bytes as one stream of UTF-8 text for csv-parse to split: a gzip-compressed file decompressed
// and UTF-16 text decoded (utf16.ts) as they stream, a byte-order mark dropped, the kind of text told from its
// first line (sniff.ts), and the cells of a blank-separated file given commas (spaces.ts). The stages are
// joined by stream.pipeline, so a failure anywhere (a damaged gzip stream, a read error) destroys the last
// stage with that error, and destroying the last stage stops them all.

import { PassThrough, type Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UserError } from '../errors.js';
import { type TextKind, afterComments, sniffFormat, sniffable } from './sniff.js';
import { BlanksToCommas } from './spaces.js';
import { Utf16leToUtf8, utf16Mark, utf16leAsUtf8 } from './utf16.js';

export interface Text {
  readonly kind: TextKind; // told from the text as decompressed and decoded
  readonly text: Readable; // that text, from its first byte
  readonly head: string; // its first bytes as UTF-8 text, for messages: what one read gave (64 KiB of a file, more past opening comment lines; from a pipe, maybe only the first line), or more until a whole first line
}

const HEAD_BYTES = 64 * 1024; // the most read to tell a file's kind, past its opening comment lines
const COMMENT_BYTES = 4 * 1024 * 1024; // the most opening comment lines read to find the line after them

/** Archive and compression formats by their magic numbers: what a user may give for a CSV file. */
const MAGIC: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['zip', [0x50, 0x4b, 0x03, 0x04]], ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]], ['bzip2', [0x42, 0x5a, 0x68]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]], ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]], ['gzip (inside gzip)', [0x1f, 0x8b]],
];

/** Which archive or compression format `head` starts with (bzip2 only with its block size digit), or null. */
function archiveKind(head: Uint8Array): string | null {
  for (const [name, magic] of MAGIC) {
    if (head.length < magic.length || !magic.every((b, i) => head[i] === b)) continue;
    if (name === 'bzip2' && !(head[3] >= 0x31 && head[3] <= 0x39)) continue; // "BZh1".."BZh9": text may start with BZh
    return name;
  }
  return null;
}

/** `input` as text, and its kind. UserError for big-endian UTF-16; a read or decompression error as it comes. */
export async function openText(input: Readable, file: string): Promise<Text> {
  let text: Readable = input;
  let head = await readHead(text);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) { // gzip's magic number
    text = join(after(head, text), createGunzip());
    head = await readHead(text);
  }
  const refused = refusal(head);
  if (refused !== null) {
    // Nothing reads the rest: a gzip cut short would report it to no one, an 'error' event that ends the process.
    text.on('error', () => {}).destroy();
    throw new UserError(refused, { file, line: 1 });
  }
  const utf16 = utf16Mark(head);
  const headText = asUtf8(head);
  const kind = sniffFormat(headText);
  // A byte-order mark is no text: dropped here, once, so that nothing after this meets one.
  head = utf16 === 'le' ? head.subarray(2) : withoutUtf8Mark(head);
  text = after(head, text);
  if (utf16 === 'le') text = join(text, new Utf16leToUtf8(file));
  if (kind === 'spaces') text = join(text, new BlanksToCommas(file));
  return { kind, text, head: headText.toString('utf8') };
}

/** Why a file whose first bytes are `head` is no text to read (its first line named), or null: it may be. */
function refusal(head: Buffer): string | null {
  const packed = archiveKind(head);
  // An Excel or LibreOffice workbook is a zip of XML whose first entries name it.
  if (packed === 'zip' && (head.includes('xl/') || head.includes('opendocument.spreadsheet'))) {
    return 'a spreadsheet workbook (.xlsx or .ods), not CSV text; save it as CSV from the spreadsheet program (Save as, CSV) and give that';
  }
  if (packed !== null) return `compressed or archived (${packed}), not CSV text; unpack it first (one layer of gzip is read as it is)`;
  const utf16 = utf16Mark(head);
  if (utf16 === 'be') return 'UTF-16 big-endian text (byte-order mark FE FF); save the file as UTF-8';
  const unmarked = utf16 === null ? unmarkedUtf16(head) : null;
  if (unmarked !== null) return `UTF-16 ${unmarked} text without a byte-order mark (every other byte is 0); save the file as UTF-8, or as UTF-16 with its mark`;
  // A NUL on the first line: binary from the start (a NUL further on is refused in its cell, with its column).
  const nul = head.indexOf(0);
  if (utf16 === null && nul >= 0 && !head.subarray(0, nul).includes(0x0a)) return binaryWhat(head);
  return null;
}

/** What to say of a file whose first bytes hold a NUL (no text has one): a safetensors model named as such. */
function binaryWhat(head: Buffer): string {
  // safetensors: the JSON header's length as 8 little-endian bytes, then the header.
  if (head.length > 9 && head.readUInt32LE(4) === 0 && head[8] === 0x7b) {
    return 'this looks like a safetensors model file, not a data file; give the CSV files of labelled sequences here (a model goes to --model)';
  }
  return 'binary data (NUL bytes) on the first line: this is not a CSV text file (a model export, a program, compressed data?); give the CSV files of labelled sequences';
}

/**
 * Which byte order a head of ASCII text written as UTF-16 without a byte-order mark has: every odd byte 0 (the
 * low byte first: little-endian) or every even one (big-endian), over at least 8 bytes; null for anything else.
 */
function unmarkedUtf16(head: Uint8Array): 'little-endian' | 'big-endian' | null {
  const n = head.length - (head.length % 2);
  if (n < 8) return null;
  let odd = true;
  let even = true;
  for (let i = 0; i < n && (odd || even); i += 2) {
    odd &&= head[i] !== 0 && head[i + 1] === 0;
    even &&= head[i] === 0 && head[i + 1] !== 0;
  }
  return odd ? 'little-endian' : even ? 'big-endian' : null;
}

/** A file's first bytes as UTF-8 text without a byte-order mark: what the kind of file is told from. */
function asUtf8(head: Buffer): Buffer {
  return utf16Mark(head) === 'le' ? utf16leAsUtf8(head.subarray(2)) : withoutUtf8Mark(head);
}

/** `head` without UTF-8's byte-order mark (EF BB BF) when it starts with one. */
function withoutUtf8Mark(head: Buffer): Buffer {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
}

/** `from` piped into `to`, a failure of either destroying `to` with it (pipeline); returns `to`. */
function join(from: Readable, to: NodeJS.ReadWriteStream & Readable): Readable {
  return pipeline(from, to, () => {}); // the error reaches the reader through `to`
}

/**
 * The first bytes of `input`, read until sniffFormat can tell the file's kind from them (sniffable), up to
 * HEAD_BYTES past its opening comment lines (themselves read up to COMMENT_BYTES), or to its end: a pipe may
 * bring the first line in pieces. `after` gives them back.
 */
function readHead(input: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    const settle = (e?: Error) => {
      input.off('readable', onReadable).off('end', onEnd).off('error', onError);
      if (e) reject(e);
      else resolve(Buffer.concat(parts));
    };
    const onReadable = () => {
      for (let chunk = input.read() as Buffer | null; chunk !== null; chunk = input.read() as Buffer | null) {
        parts.push(chunk);
        bytes += chunk.length;
      }
      const head = asUtf8(Buffer.concat(parts)); // (UTF-16 made UTF-8: its offsets are those afterComments gives)
      if (sniffable(head) || head.length - Math.min(afterComments(head), COMMENT_BYTES) >= HEAD_BYTES) settle();
    };
    const onEnd = () => settle();
    const onError = (e: Error) => settle(e);
    input.on('readable', onReadable).on('end', onEnd).on('error', onError);
  });
}

/** `head`, then what `input` gives after it: one stream. */
function after(head: Buffer, input: Readable): Readable {
  const out = new PassThrough();
  out.write(head);
  return join(input, out);
}
