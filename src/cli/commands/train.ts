// `train-signals train`: flags → TrainOptions → train() → a summary on stdout. Progress goes to stderr.

import { pathIs } from '../../io/path-is.js';
import { InterruptedError } from '../../errors.js';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { Readout } from '../../model/rnn.js';
import { checkDistinct, checkStdinOnce } from '../../io/paths.js';
import { MAX_EPOCHS, MAX_THREADS, TRAIN_DEFAULTS, defaultThreads } from '../../train/defaults.js';
import { CLASS_WEIGHTS, type ClassWeights } from '../../train/class-weights.js';
import { LR_SCHEDULES, type LrSchedule } from '../../train/schedule.js';
import { createProgress, loadingLines, selectionLines } from '../progress.js';
import { armGraceful, atStop, disarmGraceful, gracefulSignal } from '../interrupt.js';
import { noteWritten } from '../written.js';
import { checkFolder, writesStdout } from '../../io/output-target.js';
import { columnList } from '../../data/names.js';
import { type DataArgs, type ModelArgs, FILE_KINDS, stepOptions, dataOptionsFor, loadOptionsOf, modelOptionsFor, modelArgsOf, requireFlag, resampleFlag, strideFlag } from '../options.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { invokedCommand } from '../command-line.js';
import { visible } from '../../data/visible.js';

const d = TRAIN_DEFAULTS;

export const trainOptions = {
  ...dataOptionsFor('training'),
  ...stepOptions,
  test: { type: 'string', array: true, describe: `held-out file(s) to evaluate after training, every word after --test up to the next flag: ${FILE_KINDS}` },
  out: { type: 'string', default: 'model.json', describe: 'where to write the model file' },
  ...modelOptionsFor('train'),
  members: { type: 'number', describe: `an ensemble: train this many times from different seeds and keep the mean of their logits, one model of members × --hidden units (default ${d.members}; with --init, the model's)` },
  select: { choices: ['auto', 'on', 'off'] as const, defaultDescription: String(d.select), describe: `auto: choose the regularization (none, --noise ${d.noise} with --warp ${d.selectWarp} and --mixup ${d.selectMixup}, or that with --weight-decay ${d.selectWeightDecay}) and the readout (and, on training lengths that differ, whether to resample; and, where the augmentation did best below ${d.selectTwoLayersBelow * 100} % held out, whether to add a second layer), whichever you leave unset, by ${d.selectFolds}-fold cross-validation on the training data in stages (below ${d.selectFrom} training sequences: none, the augmented candidate with the readout by length); on: as auto, also below ${d.selectFrom} training sequences; off: readout by length` },
  epochs: { type: 'string', defaultDescription: String(d.epochs), describe: `passes over the training data; auto: at least ${d.minEpochs} and at least ${d.minSteps} optimizer steps` },
  threads: { type: 'string', default: String(defaultThreads()), describe: 'computing threads, or auto (measure briefly, as tune does)' },
  'val-split': { type: 'string', default: String(d.valSplit), describe: `fraction of each class held out for validation; auto: 0.1 when that is ≥ ${d.minValidation} sequences, else 0` },
  'class-weights': { choices: CLASS_WEIGHTS, defaultDescription: String(d.classWeights), describe: 'balanced: weight class c by n / (C · n_c) in the loss' },
  schedule: { choices: LR_SCHEDULES, defaultDescription: String(d.schedule), describe: 'learning-rate schedule: cosine (with warmup) or constant' },
  warmup: { type: 'number', defaultDescription: String(d.warmup), describe: 'cosine schedule: linear warmup over this fraction of the steps' },
  'guided-warp': { type: 'number', describe: `augmentation: each epoch, every training sequence is read, with this probability, with the timing of another of its class (aligned by dynamic time warping before each fit; 0 = off, the default; with --select, in its augmented candidates)` },
  'weight-decay': { type: 'number', describe: `decoupled weight decay λ (AdamW-style): every step shrinks the weights by lr·λ (default ${d.weightDecay}, or ${d.selectWeightDecay} when --select chooses it)` },
  report: { type: 'string', describe: 'write a self-contained HTML report (curves, confusion matrices, examples) here' },
  patience: { type: 'number', defaultDescription: String(d.patience), describe: 'stop after this many epochs without validation improvement (0 = never)' },
  init: { type: 'string', describe: 'start from the parameters of this model file (or .safetensors file in the export layout)' },
  quiet: { type: 'boolean', default: false, describe: 'print only results' },
  json: { type: 'boolean', default: false, describe: 'print the result on stdout as JSON on one line (the model file, each fit, model selection, the --test files as evaluate --json gives them) instead of the model line and tables' },
  checkpoint: { type: 'string', describe: 'write the training state here (default: --out + .ckpt, removed once the model is written)' },
  'checkpoint-every': { type: 'number', default: d.checkpointEvery, describe: 'seconds between checkpoints: written at the first epoch end this long after the last (0: every epoch end), and always at the end of each member and when stopped' },
  resume: { type: 'string', describe: 'continue the run that wrote this checkpoint (give the same flags as that run); auto: the run\'s own checkpoint (--checkpoint, or --out + .ckpt) where there is one, else start afresh, so that a requeued job\'s same command line goes on' },
} as const;

type TrainArgs = DataArgs & ModelArgs & {
  files: string[];
  test?: string[];
  out: string;
  readout: 'auto' | Readout;
  select?: 'auto' | 'on' | 'off';
  members?: number;
  epochs?: string;
  threads: string;
  'val-split': string;
  'class-weights'?: ClassWeights;
  schedule?: LrSchedule;
  warmup?: number;
  'weight-decay'?: number;
  'guided-warp'?: number;
  report?: string;
  patience?: number;
  init?: string;
  quiet: boolean;
  json: boolean;
  checkpoint?: string;
  'checkpoint-every': number;
  resume?: string;
};

/** The checks of what train's flags give as text (whole numbers, auto); checkOptions then bounds every value. */
function checkFlags(a: TrainArgs): void {
  strideFlag(a.stride);
  resampleFlag(a.resample);
  requireFlag(a.epochs === undefined || a.epochs === 'auto' || (/^[0-9]+$/.test(a.epochs) && +a.epochs >= 1 && +a.epochs <= MAX_EPOCHS), `--epochs must be auto or a whole number from 1 to ${MAX_EPOCHS} (got ${a.epochs})`);
  requireFlag(a.threads === 'auto' || /^[0-9]+$/.test(String(a.threads)) && +a.threads >= 1 && +a.threads <= MAX_THREADS,
    `--threads must be auto or a whole number from 1 to ${MAX_THREADS} (got ${a.threads})`);
  const vs = Number(a['val-split']);
  requireFlag(a['val-split'] === 'auto' || (a['val-split'].trim() !== '' && Number.isFinite(vs) && vs >= 0 && vs < 1), `--val-split must be auto or a number in [0, 1) (got ${a['val-split']})`);
  checkFolder(a.out, '--out');
  if (a.report !== undefined) checkFolder(a.report, '--report');
  // --json's line is stdout's; an output written there by its path would mix with it (and move it to stderr).
  for (const [flag, path] of [['--out', a.out], ['--report', a.report]] as const) {
    requireFlag(!(a.json && path !== undefined && writesStdout(path)), `--json prints the result on stdout, where ${flag} ${path} writes too; give ${flag} a file, or leave out --json`);
  }
}


/** The TrainOptions the flags give (all but the --init model and the callbacks). */
function trainOptionsOf(a: TrainArgs) {
  return {
    ...loadOptionsOf(a),
    ...modelArgsOf(a),
    files: a.files,
    test: a.test,
    out: a.out,
    readout: a.readout,
    select: a.select,
    members: a.members,
    epochs: a.epochs === undefined ? undefined : a.epochs === 'auto' ? 'auto' as const : Number(a.epochs), // unset: the default, or a resumed run's
    threads: a.threads === 'auto' ? 'auto' as const : Number(a.threads),
    valSplit: a['val-split'] === 'auto' ? 'auto' as const : Number(a['val-split']),
    classWeights: a['class-weights'],
    schedule: a.schedule,
    warmup: a.warmup,
    weightDecay: a['weight-decay'],
    guidedWarp: a['guided-warp'],
    report: a.report,
    patience: a.patience,
    checkpoint: a.checkpoint,
    checkpointEvery: a['checkpoint-every'],
    resume: a.resume,
  };
}

/** train's flags; `examples` differ when train runs as the default command (the top-level help shows them all). */
export function trainBuilder(y: Argv, examples: readonly (readonly [string, string])[]): Argv {
  return withExamples(grouped(y
    .positional('files', { type: 'string', array: true, default: undefined, describe: `training file(s): ${FILE_KINDS}; - reads one from stdin` }), trainOptions), examples);
}

export const trainCommand = {
  command: ['train <files..>', '$0 <files..>'],
  describe: 'train a model on labelled CSV files',
  builder: (y: Argv) => trainBuilder(y, [...WORKFLOW_EXAMPLES.slice(0, 2),
    ['$0 train GunPoint_TRAIN.ts --test GunPoint_TEST.ts', "the UCR/UEA archive's files as they come (.ts, .arff, .tsv, .txt)"]]),
  handler: async (argv: ArgumentsCamelCase<TrainArgs>) => {
    const started = performance.now();
    const a = argv as unknown as TrainArgs;
    checkFlags(a);
    const options = trainOptionsOf(a);
    const { asFlag, checkOptions } = await import('../../train/option-checks.js'); // a flag out of range is said before the rest loads
    checkOptions(options, asFlag);
    const [{ train }, { loadAnyModel }, { scalesApart, widelyScaled }, { printTrainResult }, { resumeOf }] = await Promise.all([
      import('../../train/train.js'), import('../../io/load-model.js'), import('../../data/scale-spread.js'), import('../train-result.js'), import('../../train/preflight.js'),
    ]);
    // train() checks its outputs against the data files; the --init file only the command line knows.
    checkDistinct([['the --init model', a.init]], [['--out', a.out], ['--report', a.report], a.checkpoint === undefined ? ['--checkpoint (default: --out + .ckpt)', `${a.out}.ckpt`] : ['--checkpoint', a.checkpoint]]);
    for (const [flag, file] of [['--init', a.init], ['--resume', a.resume]] as const) checkStdinOnce(flag, file, [...a.files, ...(a.test ?? [])]);
    const init = a.init ? loadAnyModel(a.init, '--init') : undefined;
    if (init) checkOptions({ ...options, init }, asFlag); // what the --init model's shape rules out, named as flags
    let progress: ReturnType<typeof createProgress> | undefined;
    let forgetNote: () => void = () => {};
    let epochs = 0; // per member
    const selecting = selectionLines(process.stderr);
    const signal = gracefulSignal();
    // Whether the run goes on from a checkpoint, said once it does (with --resume auto, a script's log shows which).
    const resumed = a.resume === undefined ? undefined : resumeOf({ resume: a.resume, checkpoint: a.checkpoint, out: a.out });
    // A checkpoint gone on from is said by train() once checked (onResumed), before selection or the first epoch;
    // --resume auto that found none, as either begins.
    let afreshSaid = a.quiet || a.resume === undefined || resumed !== undefined;
    const sayAfresh = () => {
      if (afreshSaid) return;
      afreshSaid = true;
      process.stderr.write(`--resume auto: no checkpoint at ${visible(a.checkpoint ?? `${a.out}.ckpt`)}; training afresh\n`);
    };
    const sayResumedFrom = a.quiet ? undefined : (progress: string) => process.stderr.write(`going on from the checkpoint ${visible(resumed!)} (${progress})\n`);
    const r = await train({
      ...options,
      init,
      commandLine: invokedCommand(),
      signal,
      onRead: a.quiet ? undefined : loadingLines(process.stderr),
      onWarning: a.quiet ? undefined : (w) => process.stderr.write(`train-signals: warning: ${visible(w)}\n`),
      onLoaded: a.quiet ? undefined : (ds) => {
        process.stderr.write(`${ds.lengths.length} sequences, ${ds.classes.length} classes; channels: ${visible(columnList(ds.channels))}\n`);
        // --init's model and a checkpoint fix whether sequences are put on their own scale: no choice is made here.
        const wide = init === undefined && resumed === undefined ? widelyScaled(ds) : [];
        if (wide.length > 0 && a.sequenceNorm === 'auto') process.stderr.write(`${visible(scalesApart(wide))}: each sequence is put on its own scale (--sequence-norm auto)\n`);
      },
      onResumed: sayResumedFrom,
      onStart: (hp) => {
        sayAfresh();
        armGraceful(); // Ctrl-C from here on: finish the step, write the checkpoint
        epochs = hp.epochs;
        if (!a.quiet) progress = createProgress(process.stderr, hp.epochs);
      },
      onMember: a.quiet ? undefined : (m, M) => {
        progress?.end();
        process.stderr.write(`member ${m + 1} of ${M}\n`);
        progress = createProgress(process.stderr, epochs);
      },
      onTrained: () => {
        disarmGraceful();
        if (a.out && isFile(a.out)) noteWritten(`the model ${visible(a.out)}`);
        // A signal while the test files are scored stops at once: say what is already there and what is not.
        const missing = leftUndone(a);
        if (a.out && missing.length > 0) forgetNote = atStop(() => process.stderr.write(`train-signals: the model was written to ${visible(a.out)}; ${missing.join(', ')}\n`));
      },
      onSelecting: () => {
        sayAfresh();
        armGraceful(); // Ctrl-C from here on: stop with a checkpoint of the scores so far
      },
      onSelection: a.quiet ? undefined : (p) => selecting.onTask(p),
      onSelectionSteps: a.quiet ? undefined : (p) => selecting.onSteps(p),
      onSelected: a.quiet ? undefined : (s) => selecting.onSelected(s),
      onSelectionSkipped: a.quiet ? undefined : (why, hp) => process.stderr.write(`model selection skipped: ${why}; training with noise ${hp.noise}, warp ${hp.warp}, mixup ${hp.mixup}, readout ${hp.readout}\n`),
      onTuned: a.quiet ? undefined : (t) => process.stderr.write(
        `threads auto: ${t.rows.map((r) => `${r.threads}: ${Math.round(r.sequencesPerSecond)} seq/s`).join(', ')} → ${t.recommended} thread(s)${t.sure ? '' : ` (${unsure(t)})`}\n`,
      ),
      onBatch: a.quiet ? undefined : (b) => progress?.onBatch(b),
      onEpoch: a.quiet ? undefined : (e) => progress?.onEpoch(e),
    }).finally(() => {
      forgetNote();
      selecting.end();
      progress?.end();
    });
    if (a.report && isFile(a.report)) noteWritten(`the report ${visible(a.report)}`);
    printTrainResult(r, { out: a.out, json: a.json, quiet: a.quiet, resumed, secondsInAll: (performance.now() - started) / 1000 });
    if (r.stopped) {
      const left = leftUndone(a);
      throw Object.assign(new InterruptedError(0, 0), {
        message: `${String(signal.reason)} received once training had ended`,
        written: `the model was written to ${a.out}${left.length > 0 ? `; ${left.join(', ')}` : ''}`,
      });
    }
  },
};

/** What a stop once training is over leaves undone of what the flags ask (the model is written by then). */
function leftUndone(a: Pick<TrainArgs, 'test' | 'report'>): string[] {
  return [...(a.test ? ['the test files were not scored'] : []), ...(a.report ? ['the report was not written'] : [])];
}

/** Whether path is a regular file (not a device or FIFO written in place, not stdout's `-`). */
const isFile = (path: string) => pathIs(path, (st) => st.isFile());

/** Why threads auto is not sure of its count: a count faster on the median whose blocks overlap the fewer threads'. */
export function unsure(t: { rows: readonly { threads: number; sequencesPerSecond: number }[]; recommended: number }): string {
  const fastest = t.rows.reduce((a, b) => (b.sequencesPerSecond > a.sequencesPerSecond ? b : a));
  return fastest.threads === t.recommended ? 'not sure: the measurements overlap'
    : `${fastest.threads} measured faster, but not in every block: its measurements overlap those of ${t.recommended}, so the fewer threads are kept`;
}
