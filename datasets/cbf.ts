// The Cylinder-Bell-Funnel generator (Saito 1994), deterministic for a seed, and the wide-layout CSV writer
// used for the bundled copy. Each sequence, for t = 1..128, with a ~ U{16..32}, b − a ~ U{32..96},
// η ~ N(0, 1), ε(t) ~ N(0, 1) and χ(t) = 1 on [a, b], else 0:
//   cylinder: (6 + η) χ(t) + ε(t)
//   bell:     (6 + η) χ(t) (t − a) / (b − a) + ε(t)
//   funnel:   (6 + η) χ(t) (b − t) / (b − a) + ε(t)
// Not a loader: reading CSV is src/data/csv.ts' job.

import { type Rng, normal, randInt, shuffle } from '../src/model/rng.js';

export const CBF_CLASSES = ['cylinder', 'bell', 'funnel'] as const;
export type CbfClass = (typeof CBF_CLASSES)[number];
export const CBF_LENGTH = 128;

/** One single-channel labelled sequence. */
export interface Labelled {
  readonly label: string;
  readonly values: readonly number[]; // [T]
}

/** One sequence of class `label`. */
export function cbfSequence(rng: Rng, label: CbfClass): number[] {
  const a = 16 + randInt(rng, 17); // U{16..32}
  const b = a + 32 + randInt(rng, 65); // b − a ~ U{32..96}
  const height = 6 + normal(rng); // 6 + η
  const values: number[] = [];
  for (let t = 1; t <= CBF_LENGTH; t++) {
    let shape = 0; // χ(t) times the class's ramp
    if (t >= a && t <= b) {
      if (label === 'cylinder') shape = 1;
      else if (label === 'bell') shape = (t - a) / (b - a);
      else shape = (b - t) / (b - a);
    }
    values.push(height * shape + normal(rng)); // + ε(t)
  }
  return values;
}

/** `n` sequences of `make`, the classes in turn (balanced when their count divides n), then shuffled. */
export function balanced<L extends string, V>(
  rng: Rng, n: number, classes: readonly L[], make: (rng: Rng, label: L) => V,
): Array<{ label: L; values: V }> {
  const out: Array<{ label: L; values: V }> = [];
  for (let i = 0; i < n; i++) {
    const label = classes[i % classes.length];
    out.push({ label, values: make(rng, label) });
  }
  return shuffle(rng, out);
}

/** `n` CBF sequences, balanced when 3 divides n. */
export function cbf(rng: Rng, n: number): Labelled[] {
  return balanced(rng, n, CBF_CLASSES, cbfSequence);
}

/** Shortest text within 4 decimals: 1.2300 → '1.23', −0.00001 → '0'. Keeps the bundled files small. */
export function fmt(x: number): string {
  const s = x.toFixed(4).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** Wide layout: header `label,t0,...`, one sequence per row (shorter rows end early). */
export function wideCsv(seqs: readonly Labelled[]): string {
  const T = Math.max(0, ...seqs.map((s) => s.values.length));
  const header = ['label', ...Array.from({ length: T }, (_, t) => `t${t}`)].join(',');
  const rows = seqs.map((s) => [s.label, ...s.values.map(fmt)].join(','));
  return [header, ...rows].join('\n') + '\n';
}
