// The gradient worker: attaches to the shared state once, then for each step runs the forward pass and
// truncated BPTT over the chunks of the batch it claims into their gradient slots. One synchronous function that
// serves every step of a run through the doorbell in shared memory (see shared-state.ts), so that a step
// costs no message; it records its own compute time, which the coordinator uses to split a step's time into
// compute and waiting.

import { workerData } from 'piscina';
import {
  CTRL_DONE, CTRL_GEN, CTRL_ROW, CTRL_ROW_WIDTH, CTRL_STOP, type SharedState, createTaskContext, runGradTask, spinUntil,
} from '../src/train/shared-state.js';

const st = workerData as SharedState;
const SPIN_MS = 1;
const tc = createTaskContext(st);

/**
 * Serves the steps of one training run as worker `w` (1-based; the coordinator is 0): sleeps until the
 * doorbell's generation moves past `gen`, computes its task row, reports. Synchronous: returns only when the
 * coordinator sets STOP, so nothing is ever pending on this thread.
 */
export default function serve({ w, gen, workers }: { w: number; gen: number; workers: number }): number {
  const ctrl = st.ctrl;
  const row = CTRL_ROW + (w - 1) * CTRL_ROW_WIDTH;
  let steps = 0;
  for (;;) {
    // Spin a little before sleeping: the next step usually rings within the coordinator's reduce and update
    // (a fraction of a millisecond), and waking from Atomics.wait costs tens of microseconds.
    spinUntil(() => Atomics.load(ctrl, CTRL_GEN) !== gen, SPIN_MS);
    Atomics.wait(ctrl, CTRL_GEN, gen);
    if (Atomics.load(ctrl, CTRL_STOP) !== 0) return steps;
    gen = Atomics.load(ctrl, CTRL_GEN);
    const fault = ctrl[row + 4];
    if (fault === 1) throw new Error('injected fault in gradient worker');
    if (fault === 2) process.exit(3);
    const t0 = performance.now();
    const from = ctrl[row + 2];
    const to = ctrl[row + 3];
    if (to > from) runGradTask(st, { batchStart: ctrl[row], batchEnd: ctrl[row + 1], from, to, claim: true, epoch: ctrl[row + 5], gen }, tc);
    st.workerMs[w - 1] = performance.now() - t0;
    steps++;
    if (Atomics.add(ctrl, CTRL_DONE, 1) + 1 === workers) Atomics.notify(ctrl, CTRL_DONE);
  }
}
