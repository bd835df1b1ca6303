// What a checkpoint holds, for `info`: how far its run got, the network, the data's size and the run's
// hyperparameters as train() resolved them, so that a run whose resume line was lost can be told apart and
// started again with its flags. Pure.

import type { Checkpoint } from '../io/checkpoint.js';
import { UserError } from '../errors.js';
import { cellOf, directionsOf, layersOf } from '../model/layout.js';
import { differencesOf, sequenceNormOf } from '../model/model.js';
import { visible, shellQuote } from '../data/visible.js';
import { csvName, nameList } from '../data/names.js';

/** The lines `info` prints for the checkpoint `ck` read from `path`. */
export function checkpointSummary(ck: Checkpoint, path: string): string {
  const c = ck as Partial<Checkpoint> | null;
  if (!(typeof c === 'object' && c !== null && typeof c.model === 'object' && c.model !== null && typeof c.hyperparameters === 'object' && c.hyperparameters !== null && typeof path === 'string')) {
    throw new UserError('checkpointSummary() takes a checkpoint as loadCheckpoint() returns it, and its path');
  }
  const hp = ck.hyperparameters;
  const M = typeof hp['members'] === 'number' ? hp['members'] : 1;
  const progress = checkpointProgress(ck);
  const { shape, readout } = ck.model;
  const shown = Object.entries(hp).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [
    `${visible(path)}: a checkpoint of a training run, not a model file: ${progress}; the command that started the run, with --resume ${shellQuote(visible(path))}, goes on from it and writes the model`,
    `  network: ${layersOf(shape) === 2 ? 'two-layer ' : ''}${directionsOf(shape) === 2 ? 'bidirectional ' : ''}${cellOf(shape) === 'gru' ? 'GRU' : 'tanh RNN'}, H = ${shape.H}${M > 1 ? ` a member, ${M} members` : ''}, readout ${readout}`,
    `  classes (${ck.model.classes.length}): ${nameList(ck.model.classes.map(visible))}`,
    `  channels (${ck.model.channels.length}): ${nameList(ck.model.channels.map((c) => visible(csvName(c))))}` +
      `${sequenceNormOf(ck.model) ? ', each sequence on its own scale (with its level and log scale)' : ''}${differencesOf(ck.model) ? ', and their first differences' : ''}`,
    `  data: ${ck.data.sequences} sequences, ${ck.data.steps} steps (a resume refuses other data)`,
    `  hyperparameters (as the run resolved them): ${visible(shown.join(', '))}`,
  ].join('\n') + '\n';
}

/** How far a checkpoint's run got: "member 2 of 3, epoch 4 of 10 trained", or "in model selection, 3 candidate fit(s) scored". */
export function checkpointProgress(ck: Checkpoint): string {
  const hp = ck.hyperparameters;
  const M = typeof hp['members'] === 'number' ? hp['members'] : 1;
  if (ck.state === undefined) return `in model selection, ${Object.keys(ck.selection?.scores ?? {}).length} candidate fit(s) scored`;
  return `${M > 1 ? `member ${(ck.members?.length ?? 0) + 1} of ${M}, ` : ''}epoch ${ck.state.history.length} of ${String(hp['epochs'])} trained`;
}
