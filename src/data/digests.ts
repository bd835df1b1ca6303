// A 64-bit digest of each sequence as read (its label, length, channels and float32 values), so that a file
// scored later can be told to hold training sequences whatever its bytes (compressed, other line ends, numbers
// written otherwise, rows reordered or mixed with new ones). Two 32-bit hashes of the murmur3 kind with their
// own seeds; a chance match is about N / 2^64 a sequence. Pure.

import type { DataSet } from './dataset.js';

/** The most training sequences whose digests a model keeps (8 bytes each, in base64: about 0.5 MiB at most). */
export const MAX_DIGESTS = 50_000;

const SEEDS = [0x9747b28c, 0x2f8e6d13] as const;

/** Digests of ds's sequences: [h1, h2] of sequence n at 2n, 2n + 1. */
export function sequenceDigests(ds: DataSet): Uint32Array {
  const N = ds.lengths.length;
  const out = new Uint32Array(2 * N);
  const bits = new Uint32Array(ds.values.buffer, ds.values.byteOffset, ds.values.length);
  for (let n = 0; n < N; n++) {
    const label = ds.labels[n] >= 0 ? ds.classes[ds.labels[n]] : '';
    const from = ds.offsets[n] * ds.D;
    const to = from + ds.lengths[n] * ds.D;
    for (let k = 0; k < 2; k++) {
      let h: number = SEEDS[k];
      for (let i = 0; i < label.length; i++) h = mix(h, label.charCodeAt(i));
      h = mix(h, 0xffffffff); // the label's end
      h = mix(h, ds.lengths[n]);
      h = mix(h, ds.D);
      for (let i = from; i < to; i++) h = mix(h, bits[i] === 0x80000000 ? 0 : bits[i]); // -0 as 0
      out[2 * n + k] = finish(h, to - from);
    }
  }
  return out;
}

/** The digests as the model file keeps them: sorted, little-endian, base64. */
export function encodeDigests(d: Uint32Array): string {
  const pairs = Array.from({ length: d.length / 2 }, (_, n) => [d[2 * n], d[2 * n + 1]] as const);
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out = new Uint32Array(d.length);
  pairs.forEach(([a, b], n) => { out[2 * n] = a; out[2 * n + 1] = b; });
  return Buffer.from(out.buffer).toString('base64');
}

/** The digests a model file keeps, as keys of a set; null where it keeps none (or none readable). */
export function decodeDigests(text: unknown): Set<string> | null {
  if (typeof text !== 'string' || text.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 8 !== 0) return null;
  const words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Set<string>();
  for (let i = 0; i < words.length; i += 2) out.add(`${words[i]}:${words[i + 1]}`);
  return out;
}

/**
 * How many of ds's sequences have a digest among `known`. Flat ones (two steps or more, every one its first: a day
 * of no cases, a sensor at rest) turn up in training and test files alike without a recording leaked, so they count
 * only beside others that are known, or where the whole file is flat training sequences of more than one kind:
 * days of no cases alone make no file training data.
 */
export function countKnown(ds: DataSet, known: ReadonlySet<string>): number {
  const d = sequenceDigests(ds);
  let other = 0;
  const flat: string[] = [];
  for (let n = 0; n < d.length / 2; n++) {
    const key = `${d[2 * n]}:${d[2 * n + 1]}`;
    if (!known.has(key)) continue;
    if (isFlat(ds, n)) flat.push(key);
    else other++;
  }
  const whole = flat.length === d.length / 2 && new Set(flat).size > 1;
  return other > 0 || whole ? other + flat.length : 0;
}

/** Whether sequence n has two steps or more, every one holding the values of its first. */
function isFlat(ds: Pick<DataSet, 'D' | 'values' | 'offsets' | 'lengths'>, n: number): boolean {
  if (ds.lengths[n] < 2) return false; // a one-step sequence is a whole recording
  const from = ds.offsets[n] * ds.D;
  const to = from + ds.lengths[n] * ds.D;
  for (let i = from + ds.D; i < to; i++) if (ds.values[i] !== ds.values[from + ((i - from) % ds.D)]) return false;
  return true;
}

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, count: number): number {
  h ^= count;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
