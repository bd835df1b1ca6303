// The gradient worker: the thin piscina entry of the engine's worker threads. Its one task serves every step
// of an engine's life (src/engine/task.ts serve) over the shared state it was handed once in workerData.

import { workerData } from 'piscina';
import { type ServeTask, type SharedState, serve } from '../src/engine/task.js';

export default function (task: ServeTask): number {
  return serve(workerData as SharedState, task);
}
