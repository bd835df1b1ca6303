// A task pool worker for the pool's tests: returns its task's number; `fail` throws; `untilStop` waits for the
// run's stop flag (at most 10 s) and then fails as a stopped task does; `userError` throws a UserError, which
// reaches the pool as one.
import { returningUserErrors, taskPoolWorker } from '../../src/engine/pool.js';
import { UserError } from '../../src/errors.js';

export interface EchoTask {
  readonly i: number;
  readonly fail?: boolean;
  readonly userError?: boolean;
  readonly untilStop?: boolean;
}

export default returningUserErrors(async (task: EchoTask) => echo(task));

function echo(task: EchoTask): number {
  if (task.fail) throw new Error(`task ${task.i} failed`);
  if (task.userError) throw new UserError(`task ${task.i} was given too much`, { file: 'data.csv', line: 3 });
  if (!task.untilStop) return task.i;
  const { stop } = taskPoolWorker<null>(); // inside: the test runner also loads this file outside a pool
  const t0 = Date.now();
  while (!stop.aborted) if (Date.now() - t0 > 10_000) throw new Error('the stop flag never rose');
  throw new Error('stopped');
}
