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
