// The HTML report: one self-contained file (inline CSS and SVG, no script, no external resource) that a person
// opens after training or evaluation: learning curves, a confusion-matrix heat map and per-class table per
// held-out file, the held-out sequences the model got wrong most confidently or was least sure of (drawn, with
// their probabilities), a few example signals per class, the data summary, the hyperparameters and throughput,
// and the command line that wrote it.
//
// renderReport() is pure (data in, a string out); writeReport() writes it atomically. Every chart is an <svg>
// with class "chart" and explicit width and height, which is what the browser test measures.
//
// Legend: C classes, N sequences, D channels, E epochs.

import { hiddenText } from '../model/ensemble.js';
import { writeFileAtomic } from '../io/atomic.js';
import { type ReportEpoch, type SelectionRecord, type TrainingRecord, threadsText, trainingRecord } from './training-record.js';
import type { DataSet } from '../data/dataset.js';
import { nameList } from '../data/names.js';
import { type Model, differencesOf, resampleOf, sequenceNormOf, strideOf } from '../model/model.js';
import { cellOf, directionsOf, layersOf, layoutOf } from '../model/layout.js';
import { packageVersion } from '../io/version.js';
import type { Metrics } from './metrics.js';
import { type Scores, UNKNOWN_LABEL } from './score.js';
import { type HardCase, hardCases, topClasses } from './hard-cases.js';
import { UserError } from '../errors.js';
import { checkModelArgument } from '../data/arguments.js';
import { isGapTally } from '../data/gaps.js';
import { DRAWN_CHANNELS, PALETTE, type Series, barChart, esc, heatmap, lineChart, num, sparkline, steps, table } from './charts.js';

/** What a report shows; every part but the model is optional. */
export interface ReportInput {
  readonly title?: string | undefined;
  readonly model: Model;
  /** default: the model file's training.history */
  readonly history?: readonly ReportEpoch[] | undefined;
  /** the training data (a train report); else examples come from the evaluated files */
  readonly train?: DataSet | undefined;
  readonly evaluations: readonly ReportEvaluation[];
  readonly total?: Metrics | null | undefined;
  readonly seconds?: number | undefined;
  readonly sequencesPerSecond?: number | undefined;
  /** the command that wrote the report, as typed (the CLI quotes it for a shell) */
  readonly commandLine?: string | undefined;
}

/** One held-out file; a FileEvaluation is one. With data and scores, the report draws its hard cases. */
export interface ReportEvaluation {
  readonly file: string;
  readonly metrics: Metrics;
  /** the sequences as scored (normalized) */
  readonly data?: DataSet;
  /** of data's sequences, in order */
  readonly scores?: Pick<Scores, 'probabilities' | 'labels'>;
}

export type { ReportEpoch } from './training-record.js';

const EXAMPLES_PER_CLASS = 3;
const EXAMPLE_CLASSES = 30; // classes whose examples are drawn: a report of thousands of classes stays readable
const HARD_CASES = 6; // drawn per kind (misclassified, least confident) and file
const TOP_CLASSES = 3; // probabilities named under each hard case

function perClassTable(m: Metrics): string {
  const known = m.classes.length - m.unknownLabels.labels.length;
  return table(['class', 'precision', 'recall', 'F1', 'support'],
    m.perClass.map((c, i) => [c.class + (i >= known ? ' (unknown to the model)' : ''), num(c.precision), num(c.recall), num(c.f1), String(c.support)]));
}

function metricCards(m: Metrics): string {
  const card = (label: string, value: string) => `<div class="card"><div class="v">${esc(value)}</div><div class="k">${esc(label)}</div></div>`;
  return `<div class="cards">${card('sequences', String(m.sequences))}${card('accuracy', num(m.accuracy))}${card('balanced accuracy', num(m.balancedAccuracy))}` +
    `${card('macro-F1', num(m.macroF1))}${card('log-loss', num(m.logLoss))}</div>` +
    (m.unknownLabels.count > 0
      ? `<p class="warn">${m.unknownLabels.count} sequence(s) carry labels the model never saw (${esc(m.unknownLabels.labels.join(', '))}); they count as errors.</p>`
      : '');
}

/** The data's sequences, the channels the files hold (the model reads their differences too, where it does), classes and lengths. */
function dataSummary(ds: DataSet, m: Model, what: string): string {
  const classes = ds.classes;
  const N = ds.lengths.length;
  const counts = classes.map(() => 0);
  let unlabelled = 0;
  for (let n = 0; n < N; n++) {
    const l = ds.labels[n];
    if (l < 0) unlabelled++;
    else counts[l]++;
  }
  const sorted = Int32Array.from(ds.lengths).sort();
  const median = (sorted[(N - 1) >> 1] + sorted[N >> 1]) / 2; // of the two middle lengths where N is even
  const lo = sorted[0];
  const hi = sorted[N - 1];
  let hist = '';
  if (hi > lo) {
    const B = Math.min(20, hi - lo + 1);
    const width = (hi - lo + 1) / B;
    const bins = new Array<number>(B).fill(0);
    for (const T of sorted) bins[Math.min(B - 1, Math.floor((T - lo) / width))]++;
    const labels = bins.map((_, b) => `${Math.ceil(lo + b * width)}–${Math.ceil(lo + (b + 1) * width) - 1}`);
    hist = barChart(labels, bins, { title: 'sequence lengths', xLabel: 'steps', yLabel: 'sequences', color: '#64748b' });
  } else {
    hist = `<p>Every sequence has ${steps(lo)}.</p>`;
  }
  const channels = `${m.channels.length} channel(s) (${esc(nameList(m.channels))})${differencesOf(m) ? ' and their first differences' : ''}`;
  return `<p>${esc(what)}: ${N} sequences, ${channels}, ${classes.length} classes` +
    `${unlabelled ? `, ${unlabelled} unlabelled` : ''}; lengths min ${lo}, median ${median}, max ${hi} (${sorted.reduce((a, b) => a + b, 0)} steps in all)` +
    `${isGapTally(ds.gaps) ? `; ${ds.gaps.values} value(s) missing inside ${ds.gaps.sequences} sequence(s) filled (linearly between the values beside them; the nearest value at a sequence's start or end)` : ''}.</p>` +
    `<div class="row">${barChart([...classes], counts, { title: 'sequences per class', xLabel: 'class', yLabel: 'sequences' })}${hist}</div>` +
    table(['class', 'sequences', 'share'], classes.map((c, i) => [c, String(counts[i]), `${((100 * counts[i]) / Math.max(1, N - unlabelled)).toFixed(1)} %`]));
}

function examples(ds: DataSet, classes: readonly string[]): string {
  let out = '';
  classes.forEach((c, k) => {
    const picks: number[] = [];
    for (let n = 0; n < ds.lengths.length && picks.length < EXAMPLES_PER_CLASS; n++) if (ds.labels[n] === k) picks.push(n);
    if (picks.length === 0) return;
    out += `<div class="examples"><h3>${esc(c)}</h3><div class="row">${picks.map((n) => sparkline(ds, n, `${ds.ids[n]} · ${steps(ds.lengths[n])}`)).join('')}</div></div>`;
  });
  return channelLegend(ds) + out;
}

/** Which colour is which channel in the small charts (nothing for one channel), and which are left out. */
function channelLegend(ds: DataSet): string {
  if (ds.D <= 1) return '';
  const drawn = ds.channels.slice(0, DRAWN_CHANNELS).map((ch, d) => `<span style="color:${PALETTE[d]}">■</span> ${esc(ch)}`).join(' ');
  return `<p class="note">Channels: ${drawn}${ds.D > DRAWN_CHANNELS ? ` (the first ${DRAWN_CHANNELS} of ${ds.D} are drawn)` : ''}</p>`;
}

/** Three caption lines: which sequence, its true and predicted class, the top probabilities. */
function hardCaseCaption(ds: DataSet, classes: readonly string[], row: Float32Array, c: HardCase): string[] {
  const n = c.index;
  const truth = ds.labels[n] < 0 ? '(unlabelled)' : ds.classes[ds.labels[n]] + (c.label === UNKNOWN_LABEL ? ' (unknown to the model)' : '');
  return [
    `${ds.ids[n]} · ${steps(ds.lengths[n])}`,
    `true ${truth} → predicted ${classes[c.predicted]}`,
    // No-break spaces: a line may wrap between classes, not inside one's "name 12.3 %".
    topClasses(row, TOP_CLASSES).map((k) => `${classes[k]}\u00a0${(100 * row[k]).toFixed(1)}\u00a0%`).join(', '),
  ];
}

/**
 * One evaluated file's hard cases drawn, or '' when the report was given no data or scores for it (or scores
 * that do not fit the data).
 */
function hardCasesOf(e: ReportEvaluation, classes: readonly string[]): string {
  const ds = e.data;
  const sc = e.scores;
  const C = classes.length;
  const N = ds?.lengths.length ?? 0;
  if (!ds || !sc || N === 0 || sc.labels.length !== N || sc.probabilities.length !== N * C) return '';
  const picked = hardCases(sc.labels, sc.probabilities, C, HARD_CASES);
  const draw = (cases: readonly HardCase[]) => `<div class="row">${cases.map((c) =>
    sparkline(ds, c.index, hardCaseCaption(ds, classes, sc.probabilities.subarray(c.index * C, (c.index + 1) * C), c))).join('')}</div>`;
  const errors = e.metrics.labelled - e.metrics.correct;
  const shown = picked.misclassified.length;
  const wrong = shown === 0 ? 'none' : errors <= shown ? (errors === 1 ? '1' : `all ${errors}, most confident first`) : `${errors}; the ${shown} the model was surest of`;
  return `<div class="file hard"><h3>${esc(e.file)}</h3>` +
    `<h4 class="misclassified">misclassified: ${wrong}</h4>${shown > 0 ? draw(picked.misclassified) : ''}` +
    `<h4 class="least-confident">least confident: the ${picked.leastConfident.length} of ${N} with the lowest top probability, right or wrong</h4>` +
    `${draw(picked.leastConfident)}</div>`;
}

/**
 * A command line that wraps only between its words: a browser would otherwise break "--flag" after its dashes.
 * The text (and so a copy of it) stays the command line as given.
 */
function commandHtml(line: string): string {
  return line.split(' ').map((w) => `<span>${esc(w)}</span>`).join(' ');
}



/** Every candidate's held-out accuracy and cross-entropy over all the folds (or that it diverged), the chosen marked. */
function selectionTable(s: SelectionRecord): string {
  if (s.skipped !== undefined) return `<p>Skipped: ${esc(s.skipped)}; trained with the hyperparameters the run records.</p>`;
  const how = s.folds === 1 ? 'on one stratified held-out split' : `by stratified ${s.folds}-fold cross-validation`;
  return `<p>Chosen ${how} on the training data: <b>${esc(s.chosen)}</b>.</p>` + table(
    ['candidate', `held-out accuracy${s.classWeighted ? ' (classes weighted)' : ''}`, `held-out cross-entropy${s.classWeighted ? ' (classes weighted)' : ''}`],
    (s.candidates ?? []).map((c) => [`${c.name === s.chosen ? '★ ' : ''}${c.name}`, c.logLoss === null ? 'diverged' : c.accuracy.toFixed(4), c.logLoss === null ? '–' : c.logLoss.toFixed(4)]),
  );
}

function kv(obj: Record<string, unknown>): string {
  return table(['setting', 'value'], Object.entries(obj).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]), false);
}

/** batchSize → --batch-size: the hyperparameters as the flags that set them. */
function asFlags(hp: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const entries = Object.entries(hp).flatMap(([k, v]): [string, unknown][] => {
    if (k === 'chunkSize') return [['chunk size (library option chunkSize)', v]]; // no flag sets it
    if (k === 'init') return v === true ? [['--init', 'a model']] : [];
    if (k === 'resample' && v === 0) return [['--resample', 'off']];
    // The record names the build that computed (wasm-fma, wasm-plain); the flag takes wasm or ts.
    if (k === 'kernel' && typeof v === 'string' && v.startsWith('wasm-')) return [['--kernel', `wasm (its ${v.slice(5)} build)`]];
    if ((k === 'differences' || k === 'sequenceNorm') && typeof v === 'boolean') return [[k === 'differences' ? '--differences' : '--sequence-norm', v ? 'on' : 'off']];
    return [[`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]];
  });
  return Object.fromEntries(entries);
}

const CSS = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a;background:#f1f5f9;margin:0}
header{background:#0f172a;color:#f8fafc;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cbd5e1}header code{color:#e2e8f0;font-size:12px;white-space:pre-wrap}header code span{white-space:nowrap}
main{max-width:1180px;margin:0 auto;padding:8px 20px 40px}section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(15,23,42,.08);padding:14px 20px;margin:16px 0}
h2{font-size:17px;margin:2px 0 10px}h3{font-size:14px;margin:10px 0 4px;color:#334155}p,h3,td,th{overflow-wrap:anywhere}
figure{margin:6px 12px 6px 0;display:inline-block;vertical-align:top}figcaption{font-size:12px;color:#475569;margin:0 0 2px}
.spark figcaption{margin:2px 0 0;max-width:200px;overflow-wrap:anywhere}h4{font-size:13px;margin:8px 0 2px;color:#475569;font-weight:600}.row{display:flex;flex-wrap:wrap;align-items:flex-start}
svg.chart{display:block;background:#fff}.grid{stroke:#e2e8f0}.axis{stroke:#94a3b8}.tick{font-size:11px;fill:#475569}.label{font-size:12px;fill:#334155}
.legend{font-size:12px;fill:#0f172a}.cell{font-size:12px;fill:#0f172a;font-variant-numeric:tabular-nums}.cell.on-dark,.pct.on-dark{fill:#fff}
.pct{font-size:9px;fill:#475569;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}th,td{padding:3px 10px;border-bottom:1px solid #e2e8f0;text-align:left}
th{font-weight:600;color:#334155;background:#f8fafc}td.num{text-align:right}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0 10px}.card{background:#f8fafc;border:1px solid #e2e8f0;border-radius:8px;padding:8px 14px;min-width:120px}
.card .v{font-size:20px;font-weight:600}.card .k{font-size:12px;color:#64748b}.warn{color:#b45309}.note{color:#475569;font-size:12px}
.col{margin-right:48px}.examples h3{margin-top:6px}.file{border-top:1px solid #e2e8f0;padding-top:8px;margin-top:8px}.file:first-of-type{border-top:0}
`;

/** The self-contained HTML report of a model and its evaluations, as text. */
export function renderReport(r: ReportInput): string {
  if (!(typeof r === 'object' && r !== null && Array.isArray(r.evaluations))) {
    throw new UserError('the report input must be an object with model and evaluations (an array, as evaluate() returns)');
  }
  checkModelArgument(r.model, 'model');
  const m = r.model;
  const training = trainingRecord(m.training);
  const title = r.title ?? 'train-signals report';
  const history = r.history ?? training.history;
  const parts = [
    modelSection(m, training),
    curvesSection(history, training),
    evaluationSection(r),
    hardCasesSection(r),
    ...exampleSections(r),
    selectionSection(training),
    settingsSection(r, training),
  ].filter((s) => s !== '');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(m.classes.length)} classes · ${esc(m.channels.length)} channel(s) · ${esc(hiddenText(m, ' '))} · readout ${esc(m.readout)}</p>
<p class="made">train-signals ${esc(packageVersion())} · ${esc(new Date().toISOString().replace('T', ' ').slice(0, 16))} UTC</p>
${r.commandLine !== undefined ? `<p class="command">command: <code>${commandHtml(r.commandLine)}</code></p>` : ''}</header>
<main>${parts.join('\n')}</main></body></html>
`;
}

/** What the model is: its recurrence, inputs, shape, readout, normalization and the files it was trained on. */
function modelSection(m: Model, training: TrainingRecord): string {
  const stride = strideOf(m);
  const recurrence = `${layersOf(m.shape) === 2 ? 'two-layer ' : ''}${directionsOf(m.shape) === 2 ? 'bidirectional ' : ''}${cellOf(m.shape) === 'gru' ? 'GRU' : 'Elman RNN'}`;
  return `<section><h2>Model</h2><p>${recurrence}, ${m.channels.length} channel(s)${sequenceNormOf(m) ? ', each sequence on its own scale' : ''}${differencesOf(m) ? ' and their first differences' : ''}` +
    `${resampleOf(m) > 0 ? ` resampled to ${resampleOf(m)} samples` : ''}${stride > 1 ? ` stacked ${stride} samples per step` : ''} → ${esc(hiddenText(m))} → ${m.shape.C} classes ` +
    `(${esc(m.classes.join(', '))}); readout <b>${esc(m.readout)}</b>; ${layoutOf(m.shape).size} parameters; ` +
    `inputs ${m.normalization ? 'z-scored per channel with the training statistics' : 'not normalized'}.` +
    `${training.files ? ` Trained on ${esc(training.files.map((f, i) => {
      const fp = training.fingerprints[i];
      return fp ? `${f} (${fp.bytes} bytes, SHA-256 ${fp.sha256.slice(0, 16)}…)` : f;
    }).join(', '))}.` : ''}</p></section>`;
}

/** The loss, accuracy and learning-rate curves per epoch, and which epoch's weights were kept ('' without epochs). */
function curvesSection(history: readonly ReportEpoch[], training: TrainingRecord): string {
  if (history.length === 0) return '';
  const ep = (f: (e: ReportEpoch) => number | null) => history.map((e) => [e.epoch, f(e) ?? NaN] as [number, number]);
  const hasVal = history.some((e) => e.valLoss !== null);
  const loss: Series[] = [{ name: 'train loss', color: PALETTE[0], points: ep((e) => e.loss) }];
  const acc: Series[] = [{ name: 'train accuracy', color: PALETTE[0], points: ep((e) => e.accuracy) }];
  if (hasVal) {
    loss.push({ name: 'validation loss', color: PALETTE[1], points: ep((e) => e.valLoss), dashed: true });
    acc.push({ name: 'validation accuracy', color: PALETTE[1], points: ep((e) => e.valAccuracy), dashed: true });
  }
  const best = training.bestEpoch;
  const members = training.members ?? [];
  // An ensemble records the first member's curves; each member kept the weights of its own epoch.
  const whose = members.length > 1 ? `Member 1 of ${members.length}: ` : '';
  const keptByMember = members.length > 1 && members.some((x) => x.bestEpoch !== undefined)
    ? ` (the members': ${members.map((x) => x.bestEpoch ?? '?').join(', ')})`
    : '';
  const planned = training.hyperparameters?.epochs;
  const of = typeof planned === 'number' && history.length < planned ? ` of ${planned} planned (stopped early)` : '';
  return `<section><h2>Learning curves</h2><p>${whose}${history.length} epoch${history.length === 1 ? '' : 's'}${of}${best ? `; the kept weights are from epoch ${best}${keptByMember}` : ''}` +
    `${hasVal ? '' : '; no validation split (the training curves only)'}.</p><div class="row">` +
    lineChart(loss, { title: 'cross-entropy loss per epoch', xLabel: 'epoch', yLabel: 'loss' }) +
    lineChart(acc, { title: 'accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', yMin: 0, yMax: 1 }) +
    (history.some((e) => e.lr !== undefined)
      ? lineChart([{ name: 'learning rate', color: PALETTE[2], points: ep((e) => e.lr ?? NaN) }], { title: 'learning rate (last step of each epoch)', xLabel: 'epoch', yLabel: 'learning rate', yMin: 0 })
      : '') +
    '</div></section>';
}

/** Each held-out file's metrics, confusion matrix and per-class table (and all files together) ('' without any). */
function evaluationSection(r: ReportInput): string {
  if (r.evaluations.length === 0) return '';
  let s = '<section><h2>Held-out evaluation</h2>';
  if (r.total && r.evaluations.length > 1) s += `<div class="file"><h3>all files together</h3>${metricCards(r.total)}</div>`;
  for (const e of r.evaluations) {
    s += `<div class="file"><h3>${esc(e.file)}</h3>${metricCards(e.metrics)}<div class="row">` +
      heatmap(e.metrics, `confusion matrix: ${e.file} (rows true, columns predicted)`) +
      `<div>${perClassTable(e.metrics)}</div></div></div>`;
  }
  return s + '</section>';
}

/** The misclassified and least-confident held-out sequences, drawn ('' where no evaluation kept its data and scores). */
function hardCasesSection(r: ReportInput): string {
  const m = r.model;
  const hard = r.evaluations.map((e) => hardCasesOf(e, m.classes)).filter((s) => s !== '');
  if (hard.length === 0) return '';
  const drawn = r.evaluations.find((e) => e.data && e.scores)!.data!;
  return `<section class="hard-cases"><h2>Misclassified and least-confident sequences</h2><p class="note">Held-out sequences` +
    `${m.normalization ? ' after z-scoring' : ''}; under each: its id and length, its true and predicted class, and the model's ` +
    `${TOP_CLASSES} highest class probabilities.</p>${channelLegend(drawn)}${hard.join('')}</section>`;
}

/** Example signals of each class and a summary of the data, from the training data or else the first evaluated file's. */
function exampleSections(r: ReportInput): string[] {
  const exampleData = r.train ?? r.evaluations.find((e) => e.data)?.data;
  if (!exampleData) return [];
  const from = r.train ? 'training data' : `evaluated data (${r.evaluations.find((e) => e.data)!.file})`;
  const classes = exampleData.classes;
  const shown = classes.slice(0, EXAMPLE_CLASSES);
  return [
    `<section><h2>Example signals</h2><p class="note">The first ${EXAMPLES_PER_CLASS} sequences of each class` +
      `${shown.length < classes.length ? ` (the first ${shown.length} classes of ${classes.length})` : ''} in the ${esc(from)}` +
      `${r.model.normalization ? ', after z-scoring' : ''}.</p>${examples(exampleData, shown)}</section>`,
    `<section><h2>Data</h2>${dataSummary(exampleData, r.model, from)}</section>`,
  ];
}

/** Model selection's candidates and scores, or why it was skipped ('' where the record has neither). */
function selectionSection(training: TrainingRecord): string {
  const selection = training.selection;
  return selection?.candidates || selection?.skipped !== undefined ? `<section><h2>Model selection</h2>${selectionTable(selection)}</section>` : '';
}

/** The hyperparameters as flags, and the training time, rate, threads and kernel ('' where none is known). */
function settingsSection(r: ReportInput, training: TrainingRecord): string {
  const hp = training.hyperparameters;
  const timing = training.timing;
  const seconds = r.seconds ?? timing.seconds;
  const rate = r.sequencesPerSecond ?? timing.sequencesPerSecond;
  if (!(hp || seconds !== undefined || rate !== undefined)) return '';
  return `<section><div class="row"><div class="col"><h2>Hyperparameters</h2>${hp ? kv(asFlags(hp)) : '<p>–</p>'}</div><div class="col"><h2>Throughput</h2>${kv({
    'training time': seconds !== undefined ? `${seconds.toFixed(1)} s` : '–',
    'sequences per second': rate !== undefined ? Math.round(rate) : '–',
    'training sequences': training.sequences ?? '–',
    threads: timing.threads === undefined ? '–' : threadsText(timing),
    kernel: timing.kernel ?? '–',
  })}</div></div></section>`;
}

/** Writes renderReport's HTML to `path`, atomically. */
export function writeReport(path: string, r: ReportInput): void {
  writeFileAtomic(path, renderReport(r));
}
