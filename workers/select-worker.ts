// The model-selection worker: the thin piscina entry that trains one candidate on one fold and scores it
// (src/train/select.ts runSelectionTask), over the training data it was handed once, until the run stops.

import { returningUserErrors, taskPoolWorker } from '../src/engine/pool.js';
import { type SelectionData, type SelectionTask, runSelectionTask } from '../src/train/select.js';

const { shared, stop } = taskPoolWorker<SelectionData>();

export default returningUserErrors((task: SelectionTask) => runSelectionTask(shared, task, stop));
