// The gradient worker: attaches to the shared state once, then for each task runs the forward pass and
// truncated BPTT over its chunks of the batch into their gradient slots. One synchronous function, so that
// nothing is pending when piscina parks the thread between tasks. Returns its own compute time in ms, which
// the coordinator uses to split a step's time into compute and waiting.

import { workerData } from 'piscina';
import { type GradTask, type SharedState, createTaskContext, runGradTask } from '../src/train/shared-state.js';

const st = workerData as SharedState;
const tc = createTaskContext(st);

export default function gradTask(task: GradTask & { fault?: string }): number {
  if (task.fault === 'throw') throw new Error('injected fault in gradient worker');
  if (task.fault === 'exit') process.exit(3);
  const t0 = performance.now();
  runGradTask(st, task, tc);
  return performance.now() - t0;
}
