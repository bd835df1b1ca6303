// Gradient clipping and the optimizer step, each one loop over the flat parameter layout. Pure: the state
// (moments, step count) is a plain object the caller owns, so a checkpoint can save and restore it. The
// reference: the engine's fast path (src/engine/update.ts) is tested bit for bit against these.

export const OPTIMIZERS = ['adam', 'sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerState {
  readonly name: OptimizerName;
  /** updates done so far */
  step: number;
  /** [P] first moment (adam) or velocity (momentum); unused by sgd */
  readonly m: Float32Array;
  /** [P] second moment (adam only) */
  readonly v: Float32Array;
}

/** A fresh state; with `into` ([P] each), the moments it needs are those arrays, zeroed (where a kernel reaches them). */
export function createOptimizerState(name: OptimizerName, P: number, into?: { m: Float32Array; v: Float32Array }): OptimizerState {
  const moment = (used: boolean, a: Float32Array | undefined) => (!used ? new Float32Array(0) : a ? a.fill(0) : new Float32Array(P));
  return { name, step: 0, m: moment(name !== 'sgd', into?.m), v: moment(name === 'adam', into?.v) };
}

/**
 * The global L2 norm of g: the squares summed in four interleaved partial sums s_j (i ≡ j mod 4), combined as
 * (s0 + s1) + (s2 + s3) (the order the kernel's sumSquares keeps, four independent chains instead of one).
 */
export function globalNorm(g: Float64Array): number {
  const s = [0, 0, 0, 0];
  for (let i = 0; i < g.length; i++) s[i & 3] += g[i] * g[i];
  return Math.sqrt((s[0] + s[1]) + (s[2] + s[3]));
}

/**
 * The factor that brings a gradient of norm `norm` to ‖g‖ ≤ maxNorm, as torch.nn.utils.clip_grad_norm_ computes it:
 * min(1, maxNorm / (norm + 1e-6)), so a norm within 1e-6 under the limit is scaled a hair too; 1 where maxNorm is 0 (off).
 */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/** Scales g so that ‖g‖ ≤ maxNorm (clipScale); maxNorm 0 = off. Returns the norm before. */
export function clipGlobalNorm(g: Float64Array, maxNorm: number): number {
  const norm = globalNorm(g);
  const scale = clipScale(norm, maxNorm);
  if (scale !== 1) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return norm;
}

export const BETA1 = 0.9;
export const BETA2 = 0.999;
export const EPS = 1e-8;
export const MOMENTUM = 0.9;

/**
 * Adam's bias corrections for update number `step` (1-based), folded into two scalars as PyTorch folds them
 * (step_size, 1 / bias_correction2_sqrt): the update then divides once per parameter, not three times.
 */
export function adamScalars(lr: number, step: number): { stepSize: number; invSqrtC2: number } {
  return { stepSize: lr / (1 - Math.pow(BETA1, step)), invSqrtC2: 1 / Math.sqrt(1 - Math.pow(BETA2, step)) };
}

/**
 * One update of params from gradient g with learning rate lr (PyTorch semantics):
 *   sgd       θ ← θ − lr g
 *   momentum  u ← μ u + g;  θ ← θ − lr u                         (μ = 0.9)
 *   adam      m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  θ ← θ − lr m̂ / (√v̂ + ε),
 *             m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
 * With weightDecay λ > 0, each rule first shrinks every parameter, decoupled from the gradient (AdamW,
 * Loshchilov & Hutter; torch.optim.AdamW's `p.mul_(1 − lr·λ)`): θ ← θ (1 − lr λ). The gradient is unchanged.
 */
export function optimizerStep(params: Float32Array, g: Float64Array, state: OptimizerState, lr: number, weightDecay = 0): void {
  state.step++;
  const { m, v } = state;
  if (weightDecay > 0) {
    const keep = 1 - lr * weightDecay;
    for (let i = 0; i < params.length; i++) params[i] *= keep;
  }
  if (state.name === 'sgd') {
    for (let i = 0; i < params.length; i++) params[i] -= lr * g[i];
  } else if (state.name === 'momentum') {
    for (let i = 0; i < params.length; i++) {
      m[i] = MOMENTUM * m[i] + g[i];
      params[i] -= lr * m[i];
    }
  } else {
    const { stepSize, invSqrtC2 } = adamScalars(lr, state.step);
    for (let i = 0; i < params.length; i++) {
      const gi = g[i];
      const mi = Math.fround(BETA1 * m[i] + (1 - BETA1) * gi);
      const vi = Math.fround(BETA2 * v[i] + (1 - BETA2) * gi * gi);
      m[i] = mi;
      v[i] = vi;
      params[i] -= (stepSize * mi) / (Math.sqrt(vi) * invSqrtC2 + EPS);
    }
  }
}
