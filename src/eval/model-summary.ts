// What a model file holds, read as a person would (info's lines) or as a program would (info --json): classes,
// channels, how it reads its inputs, the network, and how it was trained, from its training record as
// training-record.ts reads it (a field of another form is left out, never trusted). Pure.

import { serializeModel } from '../io/model-file.js';
import { type Model, differencesOf, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { cellOf, directionsOf, layersOf, layoutOf } from '../model/layout.js';
import { hiddenText, membersOf } from '../model/ensemble.js';
import { visible } from '../data/visible.js';
import { csvName, nameList } from '../data/names.js';
import { threadsText, trainingRecord } from './training-record.js';
import { samples, trainedLengths } from './lengths.js';
import { checkModelArgument } from '../data/arguments.js';
import { UserError } from '../errors.js';
import { isFromSafetensors } from '../io/safetensors.js';

const list = (xs: readonly string[]) => nameList(xs.map(visible)) + (xs.length > 20 ? ' (--json lists them all)' : '');
const num = (x: unknown, digits = 4) => (typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : '-');

/** An epoch record's loss and accuracies, at fixed digits so that lines compare. */
const epochText = (e: { loss?: number; accuracy?: number; valLoss: number | null; valAccuracy: number | null }) =>
  `loss ${fixed(e.loss, (x) => x.toPrecision(4))}, training accuracy ${fixed(e.accuracy, (x) => x.toFixed(3))}${e.valLoss != null ? `, validation accuracy ${fixed(e.valAccuracy, (x) => x.toFixed(3))}` : ''}`;
/** A word of the record (an optimizer, a schedule), or '-' where a hand-edited record lacks it. */
const word = (x: unknown) => (typeof x === 'string' ? visible(x) : '-');
const fixed = (x: unknown, shown: (x: number) => string) => (typeof x === 'number' && Number.isFinite(x) ? shown(x) : '-');

/** "last epoch (4 of 5 planned)" where the run ended before its epochs (early stopping, or stopped and not resumed). */
const lastEpochText = (ran: unknown, planned: unknown) =>
  typeof ran !== 'number' ? 'last epoch' : `last epoch (${ran}${typeof planned === 'number' && ran < planned ? ` of ${planned} planned` : ''})`;

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

/**
 * The lines `info` prints for a model, read from `path` if given (the names as the file holds them: escape their
 * control characters before a terminal shows them, as the CLI does).
 */
export function modelSummary(m: Model, path?: string): string {
  checkModelArgument(m, 'model');
  if (path !== undefined && typeof path !== 'string') throw new UserError(`modelSummary() path must be the model file's name to show, or left out (got ${typeof path})`);
  const t = trainingRecord(m.training);
  const hp = t.hyperparameters ?? {};
  const layout = m.layout;
  const lines = [
    `${path === undefined ? 'A' : `${visible(path)}: a`} ${layersOf(m.shape) === 2 ? 'two-layer ' : ''}${directionsOf(m.shape) === 2 ? 'bidirectional ' : ''}${cellOf(m.shape) === 'gru' ? 'GRU' : 'tanh RNN'} classifier, ` +
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
  const lengths = trainedLengths(m);
  const filled = t.filledGaps;
  const gaps = filled === undefined ? '' : `; ${num(filled.values, 12)} value(s) missing inside ${num(filled.sequences, 12)} of them filled`;
  const of = (lengths === null ? '' : ` of ${samples(lengths.shortest, lengths.longest)}`) + gaps;
  if (t.files !== undefined) lines.push(`  trained on: ${list(t.files)} (${num(t.sequences, 12)} sequences${of})`);
  else if (t.sequences !== undefined) lines.push(`  trained on: data given in memory (${num(t.sequences, 12)} sequences${of})`);
  if (Object.keys(hp).length > 0) {
    const regularization = [`noise ${num(hp.noise)}`, ...(Number(hp.warp) > 0 ? [`warp ${num(hp.warp)}`] : []), ...(Number(hp.mixup) > 0 ? [`mixup ${num(hp.mixup)}`] : []), ...(Number(hp.guidedWarp) > 0 ? [`guided warp ${num(hp.guidedWarp)}`] : []), ...(Number(hp.weightDecay) > 0 ? [`weight decay ${num(hp.weightDecay)}`] : [])];
    const schedule = hp.schedule === 'cosine' && Number(hp.warmup) > 0 ? `cosine, warmup ${num(hp.warmup)}` : word(hp.schedule);
    // What else changes the result, where it is not the default.
    const others = [
      ...(Number(hp.bptt) > 0 ? [`BPTT truncated at ${num(hp.bptt, 12)} steps`] : []),
      ...(typeof hp.classWeights === 'string' && hp.classWeights !== 'none' ? [`class weights ${visible(hp.classWeights)}`] : []),
      ...(Number(hp.valSplit) > 0 ? [`validation split ${num(hp.valSplit)}${Number(hp.patience) > 0 ? `, patience ${num(hp.patience, 12)}` : ''}`] : []),
    ];
    lines.push(`  training: ${num(hp.members)} member(s) × ${num(hp.epochs, 12)} epochs, batch ${num(hp.batchSize, 12)}, ${typeof hp.optimizer === 'string' ? visible(hp.optimizer) : 'optimizer -,'} lr ${num(hp.lr)} (${schedule}), ` +
      `${[...regularization, ...others].join(', ')}, clip ${num(hp.clip)}, seed ${num(hp.seed, 12)}${hp.init === true ? ', from an --init model' : ''}`);
  }
  const sel = t.selection ?? {};
  if (sel.chosen !== undefined && sel.candidates !== undefined) {
    const best = sel.candidates.find((c) => c.name === sel.chosen);
    lines.push(`  selection: ${visible(sel.chosen)} (${sel.classWeighted ? 'class-weighted ' : ''}held-out accuracy ${num(best?.accuracy, 3)}, the best of ${sel.candidates.length} candidates ${sel.folds === 1 ? 'on one held-out split' : `over ${num(sel.folds)} folds`})`);
  } else if (sel.skipped !== undefined) lines.push(`  selection: skipped (${sel.skipped})`);
  const members = t.members ?? [];
  if (members.length > 1) {
    // An ensemble's history is its first member's; each member's last epoch is in its own record.
    members.forEach((mb, i) => lines.push(`  member ${i + 1}, ${lastEpochText(mb.epochs, hp.epochs)}: ${epochText(mb)}${bestText(mb.bestEpoch, mb.epochs)}`));
  } else {
    const last = t.history.at(-1);
    if (last) lines.push(`  ${lastEpochText(t.history.length, hp.epochs)}: ${epochText(last)}${bestText(t.bestEpoch, t.history.length)}`);
  }
  const timing = t.timing;
  if (timing.seconds !== undefined) lines.push(`  trained in ${timing.seconds.toFixed(1)} s on ${threadsText(timing)}${timing.resumed === true ? ' after it was resumed (what ran before is not counted)' : ''}`);
  return lines.join('\n') + '\n';
}

/** The model file's document (as saveModel writes it) on one line, its parameters replaced by their count. */
export function modelJson(m: Model): string {
  const doc = { ...JSON.parse(serializeModel(m)), parameters: layoutOf(m.shape).size };
  // The digests of the training sequences (base64, up to 0.5 MiB) as their count, as the parameters are.
  const digests = doc.training?.sequenceDigests;
  if (typeof digests === 'string') doc.training.sequenceDigests = Buffer.from(digests, 'base64').length / 8;
  // A safetensors file has no checksum: one of the document made here matches no file.
  if (isFromSafetensors(m)) delete doc.checksum;
  return JSON.stringify(doc);
}
