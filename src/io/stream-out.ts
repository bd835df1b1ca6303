// Streamed text output for predict: rows go out as they are made, to a file or to stdout.
//
// To a file: into a temp file in the same folder, in 64 KiB writes; commit() fsyncs it and renames it over the
// destination (and fsyncs the folder), so a reader sees the old file or the whole new one; abort() removes it.
// A character device or FIFO (`--out /dev/null`) is written in place; a symbolic link's target is written
// (io/output-target.ts's outputTarget).
// A file's rows can be taken back (mark() / rewind(): the temp file is truncated to the mark), which predict
// uses when a long-layout file turns out not to be streamable and is read again whole.
// To stdout: written as they come, with backpressure (pending() is the promise to await). Between mark() and
// release() rows are held in memory instead, since stdout cannot be taken back.

import { closeSync, fchmodSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync } from 'node:fs';
import { closeInPlace, keepOwner, openInPlace, syncFolder, tempPathFor, writeAll, writeError } from './atomic.js';
import { type OutputTarget, outputTarget } from './output-target.js';

export interface RowOutput {
  write(s: string): void;
  /** Start of a part that may be taken back. */
  mark(): void;
  /** Drops everything written since mark(). */
  rewind(): void;
  /** The part since mark() is final. */
  release(): void;
  /** A promise to await before writing more (stdout backpressure), or null. */
  pending(): Promise<void> | null;
  commit(): Promise<void>;
  abort(): void;
}

const FLUSH_BYTES = 64 * 1024;

export function fileOutput(path: string): RowOutput {
  const t = outputTarget(path);
  return t.inPlace ? deviceOutput(path, t) : replacingOutput(path, t);
}

/** Into a temp file beside the target, renamed over it on commit (keeping an existing file's mode and, as root, owner). */
function replacingOutput(path: string, t: OutputTarget): RowOutput {
  const { path: target, mode } = t;
  const tmp = tempPathFor(target);
  let fd: number | null = openSync(tmp, 'w', 0o666); // a new file's mode is the umask's
  if (mode !== null) fchmodSync(fd, mode);
  keepOwner(fd, t.owner);
  let buf: string[] = [];
  let bufBytes = 0;
  let pos = 0; // bytes in the temp file
  let markAt = 0;
  const flush = () => {
    if (bufBytes === 0 || fd === null) return;
    const b = Buffer.from(buf.join(''), 'utf8');
    try {
      writeAll(fd, b, pos);
    } catch (e) {
      throw writeError(e, path, mode !== null ? 'kept' : 'none');
    }
    pos += b.length;
    buf = [];
    bufBytes = 0;
  };
  return {
    write(s) {
      buf.push(s);
      bufBytes += s.length;
      if (bufBytes >= FLUSH_BYTES) flush();
    },
    mark() {
      flush();
      markAt = pos;
    },
    rewind() {
      buf = [];
      bufBytes = 0;
      if (fd !== null) ftruncateSync(fd, markAt);
      pos = markAt;
    },
    release() {},
    pending: () => null,
    async commit() {
      flush();
      try {
        fsyncSync(fd!);
      } catch (e) {
        throw writeError(e, path, mode !== null ? 'kept' : 'none');
      }
      closeSync(fd!);
      fd = null;
      try {
        renameSync(tmp, target);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw writeError(e, path, mode !== null ? 'kept' : 'none');
      }
      syncFolder(target);
    },
    abort() {
      if (fd !== null) closeSync(fd);
      fd = null;
      rmSync(tmp, { force: true });
    },
  };
}

/** Where a forward-only output's text goes: written in blocks, then finished or dropped. */
interface Sink {
  write(text: string): void;
  pending(): Promise<void> | null;
  finish(): Promise<void>;
  drop(): void;
}

/**
 * Rows to a sink that cannot take text back (stdout, a device, a FIFO): written in 64 KiB blocks; between mark()
 * and release() they are held in memory instead, so that rewind() can drop them.
 */
function forwardOutput(sink: Sink): RowOutput {
  let buf: string[] = [];
  let bufBytes = 0;
  let holding = false;
  let held: string[] = [];
  const flush = () => {
    if (bufBytes === 0) return;
    sink.write(buf.join(''));
    buf = [];
    bufBytes = 0;
  };
  return {
    write(s) {
      if (holding) {
        held.push(s);
        return;
      }
      buf.push(s);
      bufBytes += s.length;
      if (bufBytes >= FLUSH_BYTES) flush();
    },
    mark() {
      holding = true;
      held = [];
    },
    rewind() {
      held = [];
    },
    release() {
      holding = false;
      for (const s of held) this.write(s);
      held = [];
    },
    pending: () => sink.pending(),
    async commit() {
      flush();
      await sink.finish();
    },
    // The rows written before the failure are final (those of earlier files, a wide file's before its bad line):
    // they go out, as the ones flushed already did; only the held ones are dropped.
    abort() {
      held = [];
      try {
        flush();
      } catch {
        // the sink failing too (a reader gone): the error that stopped the run is the one to report
      } finally {
        buf = [];
        bufBytes = 0;
        sink.drop();
      }
    },
  };
}

/** Written in place to a character device, FIFO or open descriptor (`--out /dev/null`, `--out /dev/stdout`). */
function deviceOutput(path: string, t: OutputTarget): RowOutput {
  let fd: number | null = openInPlace(t, path);
  const sent = { bytes: 0 };
  const close = () => {
    if (fd !== null) closeInPlace(t, fd);
    fd = null;
  };
  return forwardOutput({
    write(text) {
      try {
        writeAll(fd!, Buffer.from(text, 'utf8'), null, sent);
      } catch (e) {
        throw writeError(e, path, sent.bytes > 0 ? 'part' : 'none');
      }
    },
    pending: () => null,
    finish: async () => close(),
    drop: close,
  });
}

/** What streamOutput needs of a stream (process.stdout is one); no Node type, so the declarations need no @types/node. */
export interface TextSink {
  write(text: string): boolean;
  on(event: 'error', listener: (e: Error) => void): unknown;
  off(event: 'error' | 'drain', listener: (e: Error) => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export function streamOutput(stream: TextSink): RowOutput {
  let wait: Promise<void> | null = null;
  let drained = () => {};
  let broken = false;
  const failed = () => {
    broken = true; // e.g. EPIPE: the reader went away; nothing more to write
    stream.off('drain', drained);
    drained(); // no drain will come
  };
  stream.on('error', failed);
  return forwardOutput({
    write(text) {
      if (broken) return;
      if (!stream.write(text) && wait === null) {
        wait = new Promise<void>((res) => {
          drained = () => {
            wait = null;
            res();
          };
          stream.once('drain', drained);
        });
      }
    },
    pending: () => wait,
    finish: async () => {
      if (wait) await wait;
      stream.off('error', failed); // a stream that outlives the output (process.stdout in a long-running host)
    },
    drop: () => void stream.off('error', failed),
  });
}
