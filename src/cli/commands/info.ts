// `train-signals info`: what a model file holds, read as a person would: classes, channels, how it reads its
// inputs, the network, and how it was trained (selection's choice, the epochs, the time). --json gives the
// model file without its parameters.

import { withOptionsBefore } from '../../train/preflight.js';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { loadInitModel } from '../../io/safetensors.js';
import { serializeModel } from '../../io/model-file.js';
import { type Model, differencesOf, resampleOf, sequenceNormOf, strideOf } from '../../model/model.js';
import { cellOf, directionsOf, layersOf, layoutOf } from '../../model/layout.js';
import { hiddenText, membersOf } from '../../model/ensemble.js';
import { visible, visibleLines } from '../../data/visible.js';
import { UserError } from '../../errors.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { csvName, nameList } from '../../data/names.js';

interface InfoArgs {
  file?: string;
  model?: string;
  json: boolean;
}

export const infoOptions = {
  model: { type: 'string', describe: 'model file written by train (or a .safetensors file in the export layout); or give it as the argument' },
  json: { type: 'boolean', default: false, describe: 'print the model file as JSON on one line, its parameters replaced by their count' },
} as const;

const list = (xs: readonly string[]) => nameList(xs.map(visible)) + (xs.length > 20 ? ' (--json lists them all)' : '');
const record = (x: unknown): Record<string, unknown> => (typeof x === 'object' && x !== null ? x as Record<string, unknown> : {});
const num = (x: unknown, digits = 4) => (typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : '-');

/** An epoch record's loss and accuracies. */
const epochText = (e: Record<string, unknown>) =>
  `loss ${num(e.loss)}, training accuracy ${num(e.accuracy, 3)}${e.valLoss != null ? `, validation accuracy ${num(e.valAccuracy, 3)}` : ''}`;

/** "; the weights are epoch 5's (the best validation loss)" where the kept weights are not the last epoch's. */
const bestText = (best: unknown, epochs: unknown) =>
  typeof best === 'number' && typeof epochs === 'number' && best > 0 && best < epochs ? `; the weights are epoch ${best}'s (the best validation loss)` : '';

/** "2,915 parameters", and for an ensemble how many of them its members train (the rest are the zeros between their blocks). */
function parameterText(m: Model): string {
  const all = layoutOf(m.shape).size;
  const M = membersOf(m);
  const trained = M * layoutOf({ ...m.shape, H: m.shape.H / M, C: m.shape.C }).size - (M - 1) * m.shape.C; // the members share b_y
  return `${all.toLocaleString('en-US')} parameters${M > 1 ? ` (${trained.toLocaleString('en-US')} of them the members' own; the rest, zeros between their blocks)` : ''}`;
}

/** The lines `info` prints for a model. */
export function modelSummary(m: Model, path: string): string {
  const t = record(m.training);
  const recorded = record(t.hyperparameters);
  // A model of an earlier version records none of the options it did not have (it ran without them).
  const hp = Object.keys(recorded).length > 0 ? withOptionsBefore(recorded) : recorded;
  const layout = m.layout;
  const lines = [
    `${visible(path)}: a ${layersOf(m.shape) === 2 ? 'two-layer ' : ''}${directionsOf(m.shape) === 2 ? 'bidirectional ' : ''}${cellOf(m.shape) === 'gru' ? 'GRU' : 'tanh RNN'} classifier, ` +
      `${hiddenText(m)}, readout ${m.readout}; ${parameterText(m)}`,
    `  classes (${m.classes.length}): ${list(m.classes)}`,
    `  channels (${m.channels.length}): ${list(m.channels.map(csvName))}${sequenceNormOf(m) ? ', each sequence on its own scale (with its level and log scale)' : ''}${differencesOf(m) ? ', and their first differences' : ''}`,
    `  inputs: ${[
      m.normalization ? 'z-scored with the training statistics' : 'not normalized',
      resampleOf(m) > 0 ? `resampled to ${resampleOf(m)} samples` : 'lengths as they are',
      `${strideOf(m)} sample(s) of every channel per step`,
    ].join('; ')}`,
  ];
  if (layout) {
    lines.push(`  columns: label ${JSON.stringify(layout.labelColumn)}, id ${JSON.stringify(layout.idColumn)}, time ${JSON.stringify(layout.timeColumn)}${layout.channels ? `, channels ${layout.channels.map((c) => JSON.stringify(c)).join(',')}` : ''} (format ${layout.format}); evaluate and predict use these unless told otherwise`);
  }
  if (Array.isArray(t.files)) lines.push(`  trained on: ${list(t.files.map(String))} (${num(t.sequences, 12)} sequences)`);
  if (Object.keys(hp).length > 0) {
    const regularization = [`noise ${num(hp.noise)}`, ...(Number(hp.warp) > 0 ? [`warp ${num(hp.warp)}`] : []), ...(Number(hp.mixup) > 0 ? [`mixup ${num(hp.mixup)}`] : []), ...(Number(hp.guidedWarp) > 0 ? [`guided warp ${num(hp.guidedWarp)}`] : []), ...(Number(hp.weightDecay) > 0 ? [`weight decay ${num(hp.weightDecay)}`] : [])];
    const schedule = hp.schedule === 'cosine' && Number(hp.warmup) > 0 ? `cosine, warmup ${num(hp.warmup)}` : String(hp.schedule);
    // What else changes the result, where it is not the default.
    const others = [
      ...(Number(hp.bptt) > 0 ? [`BPTT truncated at ${num(hp.bptt, 12)} steps`] : []),
      ...(typeof hp.classWeights === 'string' && hp.classWeights !== 'none' ? [`class weights ${visible(hp.classWeights)}`] : []),
      ...(Number(hp.valSplit) > 0 ? [`validation split ${num(hp.valSplit)}${Number(hp.patience) > 0 ? `, patience ${num(hp.patience, 12)}` : ''}`] : []),
    ];
    lines.push(`  training: ${num(hp.members)} member(s) × ${num(hp.epochs, 12)} epochs, batch ${num(hp.batchSize, 12)}, ${String(hp.optimizer)} lr ${num(hp.lr)} (${schedule}), ` +
      `${[...regularization, ...others].join(', ')}, clip ${num(hp.clip)}, seed ${num(hp.seed, 12)}${hp.init === true ? ', from an --init model' : ''}`);
  }
  const sel = record(t.selection);
  if (typeof sel.chosen === 'string' && Array.isArray(sel.candidates)) {
    const best = sel.candidates.map((c) => record(c)).find((c) => c.name === sel.chosen);
    lines.push(`  selection: ${visible(sel.chosen)} (held-out accuracy ${num(best?.accuracy, 3)}, the best of ${sel.candidates.length} candidates over ${num(sel.folds)} folds)`);
  } else if (typeof sel.skipped === 'string') lines.push(`  selection: skipped (${sel.skipped})`);
  const members = Array.isArray(t.members) ? t.members.map(record) : [];
  if (members.length > 1) {
    // An ensemble's history is its first member's; each member's last epoch is in its own record.
    members.forEach((mb, i) => lines.push(`  member ${i + 1}, last epoch: ${epochText(mb)}${bestText(mb.bestEpoch, mb.epochs)}`));
  } else {
    const history = Array.isArray(t.history) ? t.history.map(record) : [];
    const last = history[history.length - 1];
    if (last) lines.push(`  last epoch: ${epochText(last)}${bestText(t.bestEpoch, history.length)}`);
  }
  const timing = record(t.timing);
  if (typeof timing.seconds === 'number') lines.push(`  trained in ${timing.seconds.toFixed(1)} s on ${num(timing.threads)} thread(s)${timing.resumed === true ? ' after it was resumed (what ran before is not counted)' : ''}`);
  return lines.join('\n') + '\n';
}

/** The model file's document (as saveModel writes it) on one line, its parameters replaced by their count. */
export function modelJson(m: Model): string {
  const doc = { ...JSON.parse(serializeModel(m)), parameters: layoutOf(m.shape).size };
  // A safetensors file (read with training { source }) has no checksum: one of the document made here matches no file.
  if (Object.keys(m.training).length === 1 && typeof m.training.source === 'string') delete doc.checksum;
  return JSON.stringify(doc);
}

export const infoCommand = {
  command: 'info [file]',
  describe: 'show what a model file holds: classes, channels, network, how it was trained',
  builder: (y: Argv) => withExamples(grouped(y
    .positional('file', { type: 'string', describe: 'the model file (or use --model)' })
    .options(infoOptions), Object.keys(infoOptions)), [WORKFLOW_EXAMPLES[6], ['$0 info model.json --json', 'the model file without its parameters, as JSON']]),
  handler: (argv: ArgumentsCamelCase<InfoArgs>) => {
    const a = argv as unknown as InfoArgs;
    if (a.file !== undefined && a.model !== undefined) throw new UserError('give the model file once: as the argument or with --model');
    const path = a.model ?? a.file;
    if (path === undefined) throw new UserError('info needs a model file: train-signals info model.json');
    const model = loadInitModel(path, a.model !== undefined ? '--model' : 'info');
    process.stdout.write(a.json ? modelJson(model) + '\n' : visibleLines(modelSummary(model, path)));
  },
};
