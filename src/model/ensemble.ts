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
  const out = new Float32Array(new SharedArrayBuffer(layoutOf(ensembleShape(member, M)).size * 4));
  weights.forEach((w, m) => copyMember(member, M, m, w, out, 'merge'));
  return out;
}

/**
 * The M members' weights [M][P] of a merged model's [P'] (mergeMembers' inverse), each of shape `member`; null
 * where the weights are no M members side by side (a weight across two members' units is not 0: a merged model
 * trained on as one). A member's W_hy is M times its share; its b_y is the mean the merged model keeps, so that
 * the mean of the members' logits is the merged model's.
 */
export function splitMembers(member: Shape, merged: Float32Array, M: number): Float32Array[] | null {
  const { H } = member;
  const G = gatesOf(member);
  const K = directionsOf(member);
  const HM = H * M;
  const Q = viewsOf(merged, ensembleShape(member, M));
  const own = (a: number, b: number) => Math.floor(a / H) === Math.floor(b / H); // units a and b of one member (of one direction's HM)
  for (let layer = 0; layer < layersOf(member); layer++) {
    for (let d = 0; d < K; d++) {
      const q = recurrenceOf(Q, d, layer);
      for (let row = 0; row < G * HM; row++) {
        const u = row % HM;
        for (let v = 0; v < HM; v++) if (!own(u, v) && q.W_hh[row * HM + v] !== 0) return null;
        if (layer > 0) for (let e = 0; e < K; e++) for (let v = 0; v < HM; v++) if (!own(u, v) && q.W_xh[row * K * HM + e * HM + v] !== 0) return null;
      }
    }
  }
  return Array.from({ length: M }, (_, m) => {
    const w = new Float32Array(layoutOf(member).size);
    copyMember(member, M, m, w, merged, 'split');
    return w;
  });
}

/**
 * Copies member m's weights between its own layout (`own`, of shape `member`) and the merged model's (`merged`,
 * of ensembleShape(member, M)): 'merge' into the merged one (its W_hy divided by M, its b_y added as a share of
 * the mean), 'split' out of it (W_hy times M, b_y the mean). Gate g of unit i of the member is gate g of unit
 * m·H + i of the merged model; a second layer's inputs [h_fwd; h_rev] (K·H) are units m·H … of each direction's K·HM.
 */
function copyMember(member: Shape, M: number, m: number, own: Float32Array, merged: Float32Array, way: 'merge' | 'split'): void {
  const { H, D, C } = member;
  const G = gatesOf(member);
  const K = directionsOf(member);
  const HM = H * M;
  const P = viewsOf(own, member);
  const Q = viewsOf(merged, ensembleShape(member, M));
  // Length n from the member's a[at] to the merged model's b[to], or back.
  const copy = (a: Float32Array, at: number, b: Float32Array, to: number, n: number) => {
    if (way === 'merge') b.set(a.subarray(at, at + n), to);
    else a.set(b.subarray(to, to + n), at);
  };
  for (let layer = 0; layer < layersOf(member); layer++) {
    for (let d = 0; d < K; d++) {
      const p = recurrenceOf(P, d, layer);
      const q = recurrenceOf(Q, d, layer);
      for (let g = 0; g < G; g++) {
        for (let i = 0; i < H; i++) {
          const from = g * H + i;
          const to = g * HM + m * H + i;
          if (layer === 0) copy(p.W_xh, from * D, q.W_xh, to * D, D);
          else for (let e = 0; e < K; e++) copy(p.W_xh, from * K * H + e * H, q.W_xh, to * K * HM + e * HM + m * H, H);
          copy(p.W_hh, from * H, q.W_hh, to * HM + m * H, H); // the diagonal block
          copy(p.b_h, from, q.b_h, to, 1);
        }
      }
      if (G === 3) copy(p.b_hn, 0, q.b_hn, m * H, H);
    }
  }
  for (let c = 0; c < C; c++) {
    for (let d = 0; d < K; d++) {
      for (let i = 0; i < H; i++) {
        const [at, to] = [c * K * H + d * H + i, c * K * HM + d * HM + m * H + i];
        if (way === 'merge') Q.W_hy[to] = P.W_hy[at] / M;
        else P.W_hy[at] = Q.W_hy[to] * M;
      }
    }
    if (way === 'merge') Q.b_y[c] += P.b_y[c] / M;
    else P.b_y[c] = Q.b_y[c];
  }
}

/**
 * How many members a model's training record says it merges (1 when it says nothing usable): its
 * hyperparameters', or for a model read from a safetensors file, its metadata's (`ensembleMembers`).
 */
export function membersOf(m: Pick<Model, 'shape' | 'training'>): number {
  if (typeof m !== 'object' || m === null || typeof m.shape !== 'object' || m.shape === null) throw new UserError('membersOf() model must be a model as loadModel() returns it');
  const t = m.training as { hyperparameters?: { members?: unknown } | null; ensembleMembers?: unknown } | undefined;
  const hp = t?.hyperparameters; // a record edited to hold null here is a record of nothing usable
  const M = typeof hp === 'object' && hp !== null ? hp.members : t?.ensembleMembers;
  return typeof M === 'number' && Number.isInteger(M) && M >= 1 && m.shape.H % M === 0 ? M : 1;
}

/** "H = 64" or, for an ensemble, "H = 192 (3 members of 64)": what the CLI and the report print. */
export function hiddenText(m: Pick<Model, 'shape' | 'training'>, eq = ' = '): string {
  const M = membersOf(m);
  return `H${eq}${m.shape.H}` + (M > 1 ? ` (${M} members of ${m.shape.H / M})` : '');
}
