// A small synthetic multichannel set in the long layout: three-axis "accelerometer" traces (ax, ay, az, in g)
// of three activities, deterministic for a seed, and the long-layout CSV writer used for the bundled copy.
//   walk: gait at a period of 14–20 steps, amplitude 0.3–0.5 g; az bounces at twice the gait frequency
//   run:  the same shape at a period of 7–10 steps and 0.9–1.3 g
//   jump: standing still (az ≈ 1 g) with 1–3 jumps: crouch, push-off, free fall (az ≈ 0), landing spike
// Every channel gets N(0, 0.08²) noise; lengths are 40–80 steps. Not a loader (that is src/data/csv.ts).

import { type Rng, normal, randInt } from '../src/model/rng.js';
import { balanced, fmt } from './cbf.js';

export const MOTION_CLASSES = ['walk', 'run', 'jump'] as const;
export type MotionClass = (typeof MOTION_CLASSES)[number];
export const MOTION_CHANNELS = ['ax', 'ay', 'az'] as const;

/** One multichannel labelled sequence. */
export interface LabelledSteps {
  readonly label: string;
  readonly values: readonly (readonly number[])[]; // [T][3] (ax, ay, az)
}

const NOISE = 0.08;

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

function gait(rng: Rng, T: number, period: number, amp: number): number[][] {
  const phase = uniform(rng, 0, 2 * Math.PI);
  const sway = uniform(rng, 0.2, 0.4); // lateral share of the amplitude
  const steps: number[][] = [];
  for (let i = 0; i < T; i++) {
    const w = (2 * Math.PI * i) / period + phase;
    steps.push([amp * Math.sin(w), sway * amp * Math.sin(w / 2), 1 + 0.6 * amp * Math.sin(2 * w)]);
  }
  return steps;
}

function jumps(rng: Rng, T: number): number[][] {
  const az = new Array<number>(T).fill(1);
  const count = 1 + randInt(rng, 3);
  for (let j = 0; j < count; j++) {
    let i = randInt(rng, Math.max(1, T - 14));
    const flight = 5 + randInt(rng, 4);
    const profile = [0.6, 0.6, 0.6, 2.5, 2.5, ...new Array<number>(flight).fill(0.05), 3, 3, 1.5];
    for (const v of profile) if (i < T) az[i++] = v;
  }
  return az.map((z) => [0, 0, z]);
}

/** One sequence of class `label`, 40–80 steps. */
export function motionSequence(rng: Rng, label: MotionClass): number[][] {
  const T = 40 + randInt(rng, 41);
  let steps: number[][];
  if (label === 'walk') steps = gait(rng, T, uniform(rng, 14, 20), uniform(rng, 0.3, 0.5));
  else if (label === 'run') steps = gait(rng, T, uniform(rng, 7, 10), uniform(rng, 0.9, 1.3));
  else steps = jumps(rng, T);
  for (const s of steps) for (let d = 0; d < 3; d++) s[d] += NOISE * normal(rng);
  return steps;
}

/** `n` motion sequences, balanced when 3 divides n. */
export function motion(rng: Rng, n: number): LabelledSteps[] {
  return balanced(rng, n, MOTION_CLASSES, motionSequence);
}

/**
 * Long layout: header `id,t,label,ax,ay,az`, one row per step. Sequences are written in pairs whose rows
 * alternate in blocks of `block` steps, so a reader must group rows by id rather than expect them contiguous.
 */
export function longCsv(seqs: readonly LabelledSteps[], idPrefix = 's', block = 10): string {
  const lines = ['id,t,label,' + MOTION_CHANNELS.join(',')];
  const id = (n: number): string => idPrefix + String(n + 1).padStart(3, '0');
  const rowsOf = (n: number, from: number, to: number): void => {
    const s = seqs[n];
    for (let t = from; t < Math.min(to, s.values.length); t++) {
      lines.push([id(n), t, s.label, ...s.values[t].map(fmt)].join(','));
    }
  };
  for (let n = 0; n < seqs.length; n += 2) {
    const pair = n + 1 < seqs.length ? [n, n + 1] : [n];
    const T = Math.max(...pair.map((m) => seqs[m].values.length));
    for (let from = 0; from < T; from += block) for (const m of pair) rowsOf(m, from, from + block);
  }
  return lines.join('\n') + '\n';
}
