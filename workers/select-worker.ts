// The model-selection worker: the thin piscina entry that trains one candidate on one fold and scores it
// (src/train/select.ts runSelectionTask), over the training data it was handed once in workerData.

import { workerData } from 'piscina';
import { type FoldScore, type SelectionData, type SelectionTask, runSelectionTask } from '../src/train/select.js';

export default function (task: SelectionTask): Promise<FoldScore> {
  return runSelectionTask(workerData as SelectionData, task);
}
