// What `train` prints once a run is over: the model line (on stdout; with --json on stderr, beside the result
// line on stdout), a line for each member that stopped early, and the --test files' tables.

import type { TrainResult } from '../train/train-options.js';
import { visible } from '../data/visible.js';
import { hiddenText } from '../model/ensemble.js';
import { layersOf } from '../model/layout.js';
import { threadsText, trainingRecord } from '../eval/training-record.js';
import { evaluationJson } from '../eval/evaluation-json.js';
import { printEvaluations } from './evaluations.js';

/** What of the command line and the run the lines say besides the result. */
export interface PrintedRun {
  readonly out: string;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly resumed: string | undefined; // the checkpoint the run went on from
  readonly secondsInAll: number; // loading, thread tuning and model selection too
}

/** Prints what a finished run trained and scored. */
export function printTrainResult(r: TrainResult, p: PrintedRun): void {
  const m = r.model;
  // Each member's fit: an ensemble's members stop early, or not, each on its own.
  const fits = (m.training as { members?: Array<{ bestEpoch: number; epochs: number }> }).members ?? [{ bestEpoch: r.bestEpoch, epochs: r.history.length }];
  const best = fits.length === 1 ? `best epoch ${fits[0].bestEpoch} of ${fits[0].epochs}` : `best epochs ${fits.map((f) => `${f.bestEpoch} of ${f.epochs}`).join(', ')}`;
  // An engine runs at most one thread a chunk of its largest batch: say so where that is fewer than asked.
  const timing = trainingRecord(m.training).timing;
  const threads = `${threadsText(timing)}${timing.threadsRan !== undefined ? ` (a step has ${timing.threadsRan} chunk(s) of sequences to share)` : ''}`;
  // With --json the model line is progress, on stderr (not with --quiet), and the result is stdout's one line.
  const modelLine = p.json ? (p.quiet ? null : process.stderr) : process.stdout;
  // Stopped once training had ended (the test files unscored): no result line, as for any interrupted run.
  if (p.json && !r.stopped) {
    process.stdout.write(JSON.stringify({
      model: p.out, resumed: p.resumed ?? null, fits, seconds: r.seconds, secondsInAll: p.secondsInAll, sequencesPerSecond: r.sequencesPerSecond,
      selection: m.training['selection'] ?? null, test: r.test.length > 0 ? evaluationJson(r.test) : null,
    }) + '\n');
  }
  modelLine?.write(
    `model: ${visible(p.out)} (${m.classes.length} classes, ${m.channels.length} channel(s)${m.sequenceNorm ? ', each sequence on its own scale' : ''}${m.differences ? `${m.sequenceNorm ? ',' : ''} and their differences` : ''}${m.resample ? `, resampled to ${m.resample} samples` : ''}, ${hiddenText(m, '=')}${layersOf(m.shape) === 2 ? ', two layers' : ''}, readout ${m.readout}; ` +
      `${best}; ${r.seconds.toFixed(1)} s of training at ${Math.round(r.sequencesPerSecond)} seq/s on ${threads}` +
      `${p.secondsInAll > r.seconds + 1 ? `, ${p.secondsInAll.toFixed(1)} s in all` : ''})\n`,
  );
  const planned = (m.training as { hyperparameters: { epochs: number; patience: number; lr: number; clip: number } }).hyperparameters;
  fits.forEach((f, i) => {
    if (p.quiet || f.epochs >= planned.epochs || planned.patience <= 0) return;
    const who = fits.length > 1 ? ` (member ${i + 1} of ${fits.length})` : '';
    process.stderr.write(`early stopping${who}: no validation improvement for ${planned.patience} epoch(s) after epoch ${f.bestEpoch}; stopped at ${f.epochs} of ${planned.epochs}, kept epoch ${f.bestEpoch}'s weights\n`);
  });
  if (r.test.length > 0 && !p.json) printEvaluations(r.test, false);
}
