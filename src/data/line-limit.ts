// A guard between a file's text and csv-parse: a line longer than the limit stops the read. csv-parse limits
// each field (max_record_size), not a record of many fields, and a line of tens of millions of small cells grows
// its record past what V8 can hold (a fatal error, not an exception) before any of our code sees it.

import { Transform, type TransformCallback } from 'node:stream';

/** The read stopped at a line longer than `limit` bytes (or characters). */
export class LineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`a line longer than ${limit} bytes`);
  }
}

/**
 * Passes text through unchanged; fails with LineTooLong once a line exceeds `limit`. Once the text has passed,
 * `lastLineOpen` says whether its last line has no line end: known so for any source (stdin, a pipe, gzip).
 */
export class LineLimit extends Transform {
  private since = 0; // bytes (or characters) since the last line break

  constructor(private readonly limit: number) {
    super();
  }

  get lastLineOpen(): boolean {
    return this.since > 0;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    // The last break in the chunk: \n or \r (bytes 10, 13 in a Buffer); a chunk (64 KiB) is far below the limit,
    // so only a run of chunks without one can pass it.
    const last = typeof chunk === 'string'
      ? Math.max(chunk.lastIndexOf('\n'), chunk.lastIndexOf('\r'))
      : Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13));
    this.since = last < 0 ? this.since + chunk.length : chunk.length - last - 1;
    if (this.since > this.limit) done(new LineTooLong(this.limit));
    else done(null, chunk);
  }
}
