// UTF-16 text, as spreadsheets save "Unicode text" (little-endian, after the byte-order mark FF FE), turned into
// UTF-8 as it streams, so that everything after it reads one encoding. A character cut between two chunks is
// held until its second half comes (StringDecoder).

import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from '../errors.js';

/** The byte-order mark a UTF-16 text starts with: 'le' (FF FE), 'be' (FE FF), or null for none. */
export function utf16Mark(head: Uint8Array): 'le' | 'be' | null {
  if (head.length < 2) return null;
  if (head[0] === 0xff && head[1] === 0xfe) return 'le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'be';
  return null;
}

/** UTF-16LE bytes as UTF-8 (a cut character at the end left out): what a file's first bytes say, for sniffing. */
export function utf16leAsUtf8(bytes: Uint8Array): Buffer {
  return Buffer.from(new StringDecoder('utf16le').write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), 'utf8');
}

export class Utf16leToUtf8 extends Transform {
  private readonly decoder = new StringDecoder('utf16le');
  private bytes = 0;

  /** `file`: how errors name the file. */
  constructor(private readonly file: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    done(null, Buffer.from(this.decoder.write(chunk), 'utf8'));
  }

  override _flush(done: TransformCallback): void {
    // Every UTF-16 code unit is two bytes: an odd count is a file cut short, whose last character would be lost.
    if (this.bytes % 2 === 1) {
      done(new UserError('UTF-16 text with an odd number of bytes: the file is cut short (or not UTF-16); save it again whole', { file: this.file }));
      return;
    }
    const rest = this.decoder.end();
    done(null, rest === '' ? null : Buffer.from(rest, 'utf8'));
  }
}
