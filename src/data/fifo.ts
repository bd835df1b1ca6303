// A named FIFO read without blocking in open(2) or read(2): opened with O_NONBLOCK, it is polled a timer at a
// time, so a FIFO whose writer never comes is refused after FIFO_WAIT_MS, and Ctrl-C is heard meanwhile (a
// plain open waits in a thread of libuv's pool for ever, and the process cannot even exit while it does).
// Pipes that are no such name (/dev/stdin, a shell's <(…)) have their writer already: they are read as files.

import { closeSync, constants, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { Readable } from 'node:stream';
import { UserError } from '../errors.js';

/** How long a reader waits for a FIFO's writer, which may open it after the reader does. */
export const FIFO_WAIT_MS = 10_000;

/** Whether `path` is a FIFO in the file system (through any links), not a pipe only named through /proc (/dev/stdin). */
export function isNamedFifo(path: string): boolean {
  try {
    return lstatSync(realpathSync(path)).isFIFO();
  } catch {
    return false; // a pipe's /proc link leads to no file (pipe:[…])
  }
}

/** The refusal of a FIFO no process opened to write within FIFO_WAIT_MS. */
export function noWriter(path: string): UserError {
  return new UserError(`is a FIFO that no process wrote to within ${FIFO_WAIT_MS / 1000} s; start its writer first, or at once`, { file: path });
}

/** The bytes of the named FIFO at `path`, as a stream; destroying it (an abort) ends a wait at once and closes the FIFO. */
export function fifoStream(path: string): Readable {
  const since = Date.now();
  const buf = Buffer.allocUnsafe(1 << 16);
  let fd: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  let writer = false; // a read said EAGAIN (a writer, no bytes yet) or gave bytes
  let pause = 1; // ms before the next read of a writer that has given nothing: doubled up to 32 while it is idle
  const poll = (): void => {
    if (fd === null) return;
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') {
        stream.destroy(e as Error);
        return;
      }
      writer = true;
      timer = setTimeout(poll, pause);
      pause = Math.min(2 * pause, 32);
      return;
    }
    if (n > 0) {
      writer = true;
      pause = 1;
      stream.push(Buffer.from(buf.subarray(0, n)));
    } else if (writer) {
      stream.push(null); // the writer closed it: the end
    } else if (Date.now() - since > FIFO_WAIT_MS) {
      stream.destroy(noWriter(path));
    } else {
      timer = setTimeout(poll, 10); // no writer yet: a read gives 0 bytes, as at the end
    }
  };
  const stream = new Readable({
    read: poll,
    destroy(e, done) {
      clearTimeout(timer);
      if (fd !== null) closeSync(fd);
      fd = null;
      done(e);
    },
  });
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    process.nextTick(() => stream.destroy(e as Error));
  }
  return stream;
}
