// The gradient worker: attaches to the shared state once, then for each task runs the forward pass and
// truncated BPTT over its chunks of the batch into their gradient slots. One synchronous function, so that
// nothing is pending when piscina parks the thread between tasks.

import { workerData } from 'piscina';
import { type GradTask, type SharedState, createWorkspaceFor, runGradTask } from '../src/train/shared-state.js';

const st = workerData as SharedState;
const ws = createWorkspaceFor(st);

export default function gradTask(task: GradTask & { fault?: string }): number {
  if (task.fault === 'throw') throw new Error('injected fault in gradient worker');
  if (task.fault === 'exit') process.exit(3);
  runGradTask(st, task, ws);
  return task.to - task.from;
}
