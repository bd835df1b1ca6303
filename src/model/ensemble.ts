// An ensemble of M members as one model. Members share the shape (H hidden units per direction), readout and
// stride and differ in their weights (trained from different seeds). Their hidden units side by side make one
// recurrence of M·H units whose W_hh is block-diagonal (a unit reads only its own member's state), so every
// unit computes exactly what it computed in its member; the classifier reads all of them with each member's
// W_hy divided by M and the mean of the b_y:
//   logits(x) = Σ_m (W_hy_m z_m(x) + b_y_m) / M,    probabilities = softmax(logits)
// the mean of the members' logits (their probabilities' normalized geometric mean). Being one model of the
// same kind, it needs nothing new from the model file, predict, evaluate, the ONNX export or PyTorch. With two
// layers, a second-layer unit likewise reads only its own member's first-layer states (of both directions), so
// W_xh_l1 is block-structured too.
//
// Legend: M members, H hidden units per member and direction, G gates (1 tanh RNN, 3 GRU), K directions,
// D inputs per step, C classes.

import { type Shape, directionsOf, gatesOf, layersOf, layoutOf, recurrenceOf, viewsOf } from './layout.js';
import type { Model } from './model.js';
import { UserError } from '../errors.js';

/** The seed member m trains with: the run's own for the first (so one member is the plain run), mixed for the rest. */
export function memberSeed(seed: number, m: number): number {
  if (m === 0) return seed;
  const x = Math.imul((seed >>> 0) ^ Math.imul(m, 0x9e3779b9), 0x85ebca6b) >>> 0;
  return (x ^ (x >>> 15)) >>> 1; // a non-negative 31-bit integer, like any --seed
}

/** The merged model's shape: M·H hidden units per direction. */
export function ensembleShape(member: Shape, M: number): Shape {
  if (!(Number.isInteger(M) && M >= 1)) throw new UserError(`ensembleShape() members must be a whole number ≥ 1 (got ${M})`);
  return { ...member, H: member.H * M };
}

/** The members' weights [M][P] (each in the layout of a model of shape `member`) as one model's [P'] of shape ensembleShape(member, M). */
export function mergeMembers(member: Shape, weights: readonly Float32Array[]): Float32Array {
  const whole = (x: unknown) => Number.isInteger(x) && (x as number) >= 1;
  if (!(typeof member === 'object' && member !== null && whole(member.D) && whole(member.H) && whole(member.C))) {
    throw new UserError('mergeMembers(): member must be the members\' shape ({ D, H, C, … }, as a model\'s shape)');
  }
  const size = layoutOf(member).size;
  const bad = Array.isArray(weights) && weights.length > 0 ? weights.findIndex((w) => !(w instanceof Float32Array && w.length === size)) : 0;
  if (bad >= 0) {
    throw new UserError(`mergeMembers(): weights must be one or more members' parameters, each a Float32Array of the ${size} values a model of this shape has (weights[${bad}] is not)`);
  }
  const M = weights.length;
  const { H, D, C } = member;
  const G = gatesOf(member);
  const K = directionsOf(member);
  const shape = ensembleShape(member, M);
  const HM = H * M;
  const out = new Float32Array(new SharedArrayBuffer(layoutOf(shape).size * 4));
  const Q = viewsOf(out, shape);
  weights.forEach((w, m) => {
    const P = viewsOf(w, member);
    for (let layer = 0; layer < layersOf(member); layer++) {
      for (let d = 0; d < K; d++) {
        const src = recurrenceOf(P, d, layer);
        const dst = recurrenceOf(Q, d, layer);
        for (let g = 0; g < G; g++) {
          for (let i = 0; i < H; i++) {
            const from = g * H + i; // gate g of unit i in the member …
            const to = g * HM + m * H + i; // … is gate g of unit m·H + i in the ensemble
            if (layer === 0) {
              dst.W_xh.set(src.W_xh.subarray(from * D, (from + 1) * D), to * D);
            } else {
              // The member's inputs [h_fwd; h_rev] (K·H) are units m·H … of each direction's K·HM.
              for (let e = 0; e < K; e++) dst.W_xh.set(src.W_xh.subarray(from * K * H + e * H, from * K * H + (e + 1) * H), to * K * HM + e * HM + m * H);
            }
            dst.W_hh.set(src.W_hh.subarray(from * H, (from + 1) * H), to * HM + m * H); // the diagonal block
            dst.b_h[to] = src.b_h[from];
          }
        }
        if (G === 3) dst.b_hn.set(src.b_hn, m * H);
      }
    }
    for (let c = 0; c < C; c++) {
      for (let d = 0; d < K; d++) {
        for (let i = 0; i < H; i++) Q.W_hy[c * K * HM + d * HM + m * H + i] = P.W_hy[c * K * H + d * H + i] / M;
      }
      Q.b_y[c] += P.b_y[c] / M;
    }
  });
  return out;
}

/**
 * The M members' weights [M][P] of a merged model's [P'] (mergeMembers' inverse), each of shape `member`; null
 * where the weights are no M members side by side (a weight across two members' units is not 0: a merged model
 * trained on as one). A member's W_hy is M times its share; its b_y is the mean the merged model keeps, so that
 * the mean of the members' logits is the merged model's.
 */
export function splitMembers(member: Shape, merged: Float32Array, M: number): Float32Array[] | null {
  const { H, D, C } = member;
  const G = gatesOf(member);
  const K = directionsOf(member);
  const HM = H * M;
  const Q = viewsOf(merged, ensembleShape(member, M));
  const out = Array.from({ length: M }, () => new Float32Array(layoutOf(member).size));
  const own = (a: number, b: number) => Math.floor(a / H) === Math.floor(b / H); // units a and b of one member (of one direction's HM)
  for (let layer = 0; layer < layersOf(member); layer++) {
    for (let d = 0; d < K; d++) {
      const q = recurrenceOf(Q, d, layer);
      for (let g = 0; g < G; g++) {
        for (let u = 0; u < HM; u++) {
          const row = g * HM + u;
          for (let v = 0; v < HM; v++) if (!own(u, v) && q.W_hh[row * HM + v] !== 0) return null;
          if (layer > 0) for (let e = 0; e < K; e++) for (let v = 0; v < HM; v++) if (!own(u, v) && q.W_xh[row * K * HM + e * HM + v] !== 0) return null;
        }
      }
    }
  }
  out.forEach((w, m) => {
    const P = viewsOf(w, member);
    for (let layer = 0; layer < layersOf(member); layer++) {
      for (let d = 0; d < K; d++) {
        const src = recurrenceOf(Q, d, layer);
        const dst = recurrenceOf(P, d, layer);
        for (let g = 0; g < G; g++) {
          for (let i = 0; i < H; i++) {
            const to = g * H + i;
            const from = g * HM + m * H + i;
            if (layer === 0) dst.W_xh.set(src.W_xh.subarray(from * D, (from + 1) * D), to * D);
            else for (let e = 0; e < K; e++) dst.W_xh.set(src.W_xh.subarray(from * K * HM + e * HM + m * H, from * K * HM + e * HM + (m + 1) * H), to * K * H + e * H);
            dst.W_hh.set(src.W_hh.subarray(from * HM + m * H, from * HM + (m + 1) * H), to * H);
            dst.b_h[to] = src.b_h[from];
          }
        }
        if (G === 3) dst.b_hn.set(src.b_hn.subarray(m * H, (m + 1) * H));
      }
    }
    for (let c = 0; c < C; c++) {
      for (let d = 0; d < K; d++) {
        for (let i = 0; i < H; i++) P.W_hy[c * K * H + d * H + i] = Q.W_hy[c * K * HM + d * HM + m * H + i] * M;
      }
      P.b_y[c] = Q.b_y[c];
    }
  });
  return out;
}

/** How many members a model's training record says it merges (1 when it says nothing usable). */
export function membersOf(m: Pick<Model, 'shape' | 'training'>): number {
  if (typeof m !== 'object' || m === null || typeof m.shape !== 'object' || m.shape === null) throw new UserError('membersOf() model must be a model as loadModel() returns it');
  const M = (m.training as { hyperparameters?: { members?: unknown } } | undefined)?.hyperparameters?.members;
  return typeof M === 'number' && Number.isInteger(M) && M >= 1 && m.shape.H % M === 0 ? M : 1;
}

/** "H = 64" or, for an ensemble, "H = 192 (3 members of 64)": what the CLI and the report print. */
export function hiddenText(m: Pick<Model, 'shape' | 'training'>, eq = ' = '): string {
  const M = membersOf(m);
  return `H${eq}${m.shape.H}` + (M > 1 ? ` (${M} members of ${m.shape.H / M})` : '');
}
