// The gap filling of src/data/gaps.ts as its comment states it, missing value by missing value, for the tests
// to check the reader's fill against.

/** fillGaps as its comment states it, missing value by missing value: the nearest read steps on either side. */
export function fillReference(x: Float32Array, T: number, D: number): number {
  let filled = 0;
  const read = (t: number, d: number) => !Number.isNaN(x[t * D + d]);
  const out = Float32Array.from(x);
  for (let d = 0; d < D; d++) {
    for (let t = 0; t < T; t++) {
      if (read(t, d)) continue;
      let a = t - 1;
      while (a >= 0 && !read(a, d)) a--;
      let b = t + 1;
      while (b < T && !read(b, d)) b++;
      if (a < 0 && b >= T) continue; // no read value at all
      filled++;
      const xa = x[a * D + d];
      const xb = x[b * D + d];
      out[t * D + d] = a < 0 ? xb : b >= T ? xa : xa + ((xb - xa) * (t - a)) / (b - a);
    }
  }
  x.set(out);
  return filled;
}
