// The learning-rate schedule: the rate of optimizer step s (0-based) out of S steps in all. Pure.
//
//   constant  lr
//   cosine    linear warmup from lr/W to lr over the first W steps, then cosine decay to lr·floor at the last
//             step: lr_s = lr (floor + (1 − floor)(1 + cos(π (s − W)/(S − 1 − W)))/2)
//
// docs/accuracy.md (version 1's measurements) says why the default is cosine with a short warmup.

export type LrSchedule = 'constant' | 'cosine';
export const LR_SCHEDULES: readonly LrSchedule[] = ['cosine', 'constant'];

export const COSINE_FLOOR = 0.01; // the last step's rate, as a fraction of lr

export function scheduledLr(lr: number, schedule: LrSchedule, step: number, totalSteps: number, warmupSteps: number): number {
  if (schedule === 'constant') return lr;
  const W = Math.min(warmupSteps, Math.max(0, totalSteps - 1));
  if (step < W) return (lr * (step + 1)) / W;
  const span = totalSteps - 1 - W;
  const progress = span > 0 ? Math.min(1, (step - W) / span) : 1;
  return lr * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
