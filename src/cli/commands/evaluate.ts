// `train-signals evaluate`: a model and held-out files → accuracy and loss per file (tables, or --json).

import { signalsHandled } from '../interrupt.js';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { noteWritten } from '../written.js';
import { checkDistinct, checkStdinOnce } from '../../io/paths.js';
import { checkWritable, readerClosed } from '../../io/atomic.js';
import { outputTarget } from '../../io/output-target.js';
import { loadingLines } from '../progress.js';
import { invokedCommand } from '../command-line.js';
import { type DataArgs, FILE_KINDS, dataOptionsFor, loadOptionsOf, quietOption } from '../options.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { visible } from '../../data/visible.js';

type EvaluateArgs = DataArgs & { model: string; files: string[]; json: boolean; report?: string; quiet: boolean };

export const evaluateOptions = {
  ...dataOptionsFor('model'),
  model: { type: 'string', demandOption: true, describe: 'model file written by train (or a .safetensors file in the export layout)' },
  json: { type: 'boolean', default: false, describe: 'print JSON instead of a table' },
  report: { type: 'string', describe: 'also write a self-contained HTML report (confusion matrices, examples, the model\'s learning curves) here; - writes it to stdout (the tables then go to stderr)' },
  quiet: quietOption,
} as const;

export const evaluateCommand = {
  command: 'evaluate <files..>',
  describe: 'evaluate a trained model on labelled CSV files',
  builder: (y: Argv) => withExamples(grouped(y
    .positional('files', { type: 'string', array: true, default: undefined, describe: `held-out file(s): ${FILE_KINDS}; - reads one from stdin` }), evaluateOptions), [WORKFLOW_EXAMPLES[2], ['$0 evaluate --model model.json test.csv --json', 'the figures as JSON']]),
  handler: async (argv: ArgumentsCamelCase<EvaluateArgs>) => {
    const a = argv as unknown as EvaluateArgs;
    const [{ loadAnyModel }, { evaluate, totalMetrics }, { renderReport, writeReport }, { printEvaluations }, { checkReplaceable }, { lockRun }] = await Promise.all([
      import('../../io/load-model.js'), import('../../eval/evaluate.js'), import('../../eval/report.js'), import('../evaluations.js'), import('../../io/replace.js'),
      import('../../io/lock.js'),
    ]);
    checkStdinOnce('--model', a.model, a.files);
    const model = loadAnyModel(a.model);
    const toStdout = a.report === '-';
    if (a.report !== undefined && !toStdout) {
      checkDistinct([['the --model file', a.model], ...a.files.map((f) => ['one of the input files', f] as const)], [['--report', a.report]]);
      checkWritable(a.report, '--report'); // before the work: its folder exists and takes a file
      checkReplaceable(a.report, '--report', 'report');
    }
    // A report a running train writes (its --report) is that run's: claimed as train claims it, or the last writer
    // wins. A device or FIFO is written in place and claims nothing.
    const lock = a.report !== undefined && !toStdout && !outputTarget(a.report).inPlace ? lockRun({ report: a.report }) : null;
    const onWarning = a.quiet ? undefined : (w: string) => process.stderr.write(`train-signals: warning: ${visible(w)}\n`);
    let results;
    try {
      results = await evaluate(model, { ...loadOptionsOf(a), files: a.files, onRead: a.quiet ? undefined : loadingLines(process.stderr), onWarning });
      await signalsHandled(); // Ctrl-C while the last file was scored stops here, with no report written
    } catch (e) {
      lock?.release();
      throw e;
    }
    // The report before the figures: a report that cannot be written (a full disk) ends the command with
    // nothing on stdout, so a program reading the JSON never takes a failed run's for a result.
    const report = a.report === undefined ? null
      : { title: 'train-signals evaluation', model, evaluations: results, total: totalMetrics(results), commandLine: invokedCommand() };
    const html = report !== null && toStdout ? renderReport(report) : null;
    if (report !== null && !toStdout) {
      try {
        writeReport(a.report!, report);
        noteWritten(`the report ${visible(a.report!)}`);
      } catch (e) {
        if (!readerClosed(e)) throw e; // `--report /dev/stdout | head`: the rest was not wanted
      } finally {
        lock?.release();
      }
    }
    printEvaluations(results, a.json, toStdout ? process.stderr : process.stdout);
    if (html !== null) process.stdout.write(html);
  },
};
