// UTF-16 text, as spreadsheets save "Unicode text" (little-endian, after the byte-order mark FF FE), turned into
// UTF-8 as it streams, so that everything after it reads one encoding. A character cut between two chunks is
// held until its second half comes (StringDecoder).

import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

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

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, Buffer.from(this.decoder.write(chunk), 'utf8'));
  }

  override _flush(done: TransformCallback): void {
    const rest = this.decoder.end();
    done(null, rest === '' ? null : Buffer.from(rest, 'utf8'));
  }
}
