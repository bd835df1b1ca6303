// A file that ends in the middle of its last row (a copy or download cut short, a logger stopped mid-write) reads
// as a whole file whose last sequence is short. A last line without a line end is common on its own (many
// programs write none); with a sequence shorter than every other of its file, it is most likely a cut.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DataSet } from './dataset.js';
import { visible } from './visible.js';

/**
 * A warning line for each file of ds that looks cut short in its last row;
 * `cut`: cutShortSequences(ds), where the caller has it already.
 */
export function cutShortWarnings(ds: DataSet, cut = cutShortSequences(ds)): string[] {
  return cut.map(({ n, others, line }) =>
    `${visible(ds.sources[n].file)}: its last line (${line}) has no line end, and its sequence is shorter than every other in the file ` +
      `(${ds.lengths[n]} steps, the others ${others} or more): is the file cut short? Complete it, or end the line if it is whole`);
}

/** The lengths of ds's sequences but for those that look cut short (`cut`: cutShortSequences(ds), where the caller has it). */
export function wholeLengths(ds: DataSet, cut = cutShortSequences(ds)): Int32Array {
  const isCut = new Set(cut.map((c) => c.n));
  return ds.lengths.filter((_, n) => !isCut.has(n));
}

/** The sequences of ds (by index) that look cut short, each with the shortest length of the others of its file and the file's last line. */
export function cutShortSequences(ds: DataSet): { n: number; others: number; line: number }[] {
  const last = new Map<string, number>(); // file → its sequence on the latest line
  ds.sources.forEach((s, n) => {
    const m = last.get(s.file);
    if (m === undefined || ds.sources[m].line < s.line) last.set(s.file, n);
  });
  const others = new Map<string, { shortest: number; count: number }>();
  ds.sources.forEach((s, n) => {
    if (last.get(s.file) === n) return;
    const o = others.get(s.file) ?? { shortest: Infinity, count: 0 };
    others.set(s.file, { shortest: Math.min(o.shortest, ds.lengths[n]), count: o.count + 1 });
  });
  const out: { n: number; others: number; line: number }[] = [];
  for (const [file, n] of last) {
    const o = others.get(file);
    const line = o === undefined || o.count < 2 || ds.lengths[n] >= o.shortest ? undefined : openLine(ds, file, ds.sources[n].line);
    if (line !== undefined) out.push({ n, others: o!.shortest, line });
  }
  return out;
}

/**
 * The file's last line where it has no line end and belongs to the sequence that starts on line `from`: as the
 * loader read it, or, in a data set a program built, as the file ends now (that sequence's line); else undefined.
 */
function openLine(ds: DataSet, file: string, from: number): number | undefined {
  if (ds.openEnds === undefined) return endsWithLineBreak(file) ? undefined : from;
  const line = ds.openEnds.find((e) => e.file === file)?.line;
  return line !== undefined && line >= from ? line : undefined;
}

/** Whether the regular file ends with a line break; true where that cannot be told (stdin, a pipe, gzip, unreadable). */
function endsWithLineBreak(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < 2) return true;
    const head = Buffer.alloc(2);
    readSync(fd, head, 0, 2, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return true; // gzip: its last byte is no character
    const end = Buffer.alloc(1);
    readSync(fd, end, 0, 1, st.size - 1);
    return end[0] === 0x0a || end[0] === 0x0d;
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}
