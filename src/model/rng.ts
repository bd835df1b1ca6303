// The one seeded pseudo-random generator (sfc32, seeded through splitmix32). Passed explicitly to init,
// shuffling, validation splits and data generation; its whole state is four integers, so a checkpoint can
// store it and a resumed run continues the same stream.

export interface Rng {
  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** The current state, to save and restore. */
  state(): [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

// A class over a Uint32Array rather than a closure over four numbers: V8 then keeps the words unboxed and
// inlines next() into the noise loops, which draw one normal per input value every epoch (about twice as fast,
// the same numbers).
class Sfc32 implements Rng {
  private readonly s: Uint32Array;

  constructor(words: readonly [number, number, number, number]) {
    this.s = Uint32Array.from(words);
  }

  next(): number {
    const s = this.s;
    let a = s[0], b = s[1], c = s[2], d = s[3];
    let t = (a + b) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) >>> 0;
    t = (t + d) >>> 0;
    c = (c + t) >>> 0;
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
    return t / 4294967296;
  }

  state(): [number, number, number, number] {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }
}

export function createRng(seed: number | readonly [number, number, number, number]): Rng {
  if (typeof seed !== 'number') return new Sfc32(seed);
  const sm = splitmix32(seed);
  const a = sm(), b = sm(), c = sm(), d = sm();
  return new Sfc32([a, b, c, d]);
}

/** A standard normal sample (Box-Muller; one of the pair is discarded to keep the state simple). */
export function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(a, 1) by Marsaglia and Tsang's squeeze (a ≥ 1), boosted by U^(1/a) for a < 1. */
export function gamma(rng: Rng, a: number): number {
  if (a < 1) return gamma(rng, a + 1) * Math.pow(rng.next(), 1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(rng.next()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); where both underflow to 0 (a and b far below 1,
 * where Beta is nearly all at 0 and 1), 1 with probability a / (a + b), else 0.
 */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const s = x + gamma(rng, b);
  if (s > 0) return x / s;
  return rng.next() < a / (a + b) ? 1 : 0;
}

/** Uniform integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T extends { length: number; [i: number]: any }>(rng: Rng, xs: T): T {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

/** A 32-bit seed for sequence n in epoch `epoch` of a run seeded `seed` (murmur3's finalizer over the three). */
export function noiseSeed(seed: number, epoch: number, n: number): number {
  let h = seed >>> 0;
  for (const k of [epoch, n]) {
    h = Math.imul(h ^ (k >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
