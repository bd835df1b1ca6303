// The coordinator's serial part of a step through the kernel (assembly/update.ts): the gradient's norm and the
// optimizer update with clipping, weight decay and the finiteness check in one pass, over the weights, the
// gradient and the moments where they live in the engine's shared memory. The same bits as model/optimizer.ts's
// reference (globalNorm, clipGlobalNorm + optimizerStep), which the tests hold it to; several times faster,
// and this part of a step runs on one thread while the others wait.
//
// Legend: P parameters.

import { BETA1, BETA2, EPS, MOMENTUM, type OptimizerState, adamScalars } from '../model/optimizer.js';
import type { KernelExports } from './wasm.js';

const KIND = { sgd: 0, momentum: 1, adam: 2 } as const;

/** Byte offsets of the update's arrays in the kernel's memory, each [P]. */
export interface UpdateArrays {
  readonly params: number; // f32
  readonly grad: number; // f64
  readonly m: number; // f32
  readonly v: number; // f32
}

/** ‖grad‖ (globalNorm's order). */
export function fastNorm(ex: KernelExports, at: UpdateArrays, P: number): number {
  return Math.sqrt(ex.sumSquares(at.grad, P));
}

/**
 * optimizerStep(params, grad · gscale, state, lr, weightDecay), with state's moments at at.m, at.v; returns
 * whether every weight is still finite. grad is left as it was.
 */
export function fastOptimizerStep(
  ex: KernelExports, at: UpdateArrays, P: number, gscale: number, state: OptimizerState, lr: number, weightDecay = 0,
): boolean {
  state.step++;
  const keep = weightDecay > 0 ? 1 - lr * weightDecay : 1;
  const { stepSize, invSqrtC2 } = adamScalars(lr, state.step);
  return ex.optimizerUpdate(
    KIND[state.name], at.params, at.grad, at.m, at.v, P, gscale, keep, lr,
    state.name === 'momentum' ? MOMENTUM : BETA1, 1 - BETA1, BETA2, 1 - BETA2, stepSize, invSqrtC2, EPS,
  ) === 1;
}
