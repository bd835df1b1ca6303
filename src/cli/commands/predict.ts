// `train-signals predict`: a model and CSV files (labels optional) → one CSV row per sequence with the predicted
// class and every class probability, to --out (written atomically) or stdout. Streams; see eval/predict.ts.

import type { Argv, ArgumentsCamelCase } from 'yargs';
import { checkDistinct, checkStdinOnce } from '../../io/paths.js';
import type { RowOutput } from '../../io/stream-out.js';
import { checkWritable, readerClosed } from '../../io/atomic.js';
import { checkFolder } from '../../io/output-target.js';
import { pathIs } from '../../io/path-is.js';
import { UserError } from '../../errors.js';
import { atStop } from '../interrupt.js';
import { type DataArgs, FILE_KINDS, dataOptionsFor, loadOptionsOf } from '../options.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { loadingLines } from '../progress.js';
import { visible } from '../../data/visible.js';

/** Names of files of another kind than the comma-separated text predict writes, which a reader would take at their word. */
const OTHER_KINDS = /\.(tsv|tab|xlsx|xlsm|xls|ods|parquet|feather|arrow|json|jsonl|html?)$/i;

/** Refuses an --out name that says another kind of file than CSV (a FIFO or device is written in place: any name). */
function checkCsvName(out: string): void {
  const other = OTHER_KINDS.exec(out);
  if (other !== null && !pathIs(out, (st) => st.isFIFO() || st.isCharacterDevice())) {
    throw new UserError(`--out ${out}: predictions are written as CSV (cells separated by commas), not as .${other[1]} says; name it .csv`);
  }
}

type PredictArgs = DataArgs & { model: string; files: string[]; out?: string; quiet: boolean };

export const predictOptions = {
  ...dataOptionsFor('model'),
  model: { type: 'string', demandOption: true, describe: 'model file written by train (or a .safetensors file in the export layout)' },
  out: { type: 'string', describe: 'write the predictions CSV here (atomically); default (or -): stdout' },
  quiet: { type: 'boolean', default: false, describe: 'print nothing on stderr' },
} as const;

export const predictCommand = {
  command: 'predict <files..>',
  describe: 'predict the class of every sequence in CSV files (labels optional)',
  builder: (y: Argv) => withExamples(grouped(y
    .positional('files', { type: 'string', array: true, default: undefined, describe: `file(s) to predict: ${FILE_KINDS}; - reads one from stdin` }), predictOptions), [WORKFLOW_EXAMPLES[3], ['$0 predict --model model.json - < new.csv | head', "from stdin to stdout (a long-layout file's rows grouped by id)"]]),
  handler: async (argv: ArgumentsCamelCase<PredictArgs>) => {
    const a = argv as unknown as PredictArgs;
    const [{ loadAnyModel }, { writePredictions }, { fileOutput, streamOutput }, { singleStepsWarning }, { lengthsWarning }, { scaleWarning }, { gapsWarning }, { checkReplaceable }] = await Promise.all([
      import('../../io/load-model.js'), import('../../eval/predict.js'), import('../../io/stream-out.js'), import('../../eval/single-steps.js'),
      import('../../eval/lengths.js'), import('../../eval/input-scale.js'), import('../../data/gaps.js'), import('../../io/replace.js'),
    ]);
    checkStdinOnce('--model', a.model, a.files);
    const model = loadAnyModel(a.model);
    if (a.out === '-') a.out = undefined;
    if (a.out !== undefined) {
      checkFolder(a.out, '--out');
      checkCsvName(a.out);
      checkDistinct([['the --model file', a.model], ...a.files.map((f) => ['one of the input files', f] as const)], [['--out', a.out]]);
      checkWritable(a.out, '--out'); // a file can be created there (permissions, space)
      checkReplaceable(a.out, '--out', 'predictions');
    }
    const out: RowOutput = a.out !== undefined ? fileOutput(a.out) : streamOutput(process.stdout);
    const forget = atStop(() => out.abort()); // Ctrl-C leaves no temp file
    try {
      // Progress once a second on a long read, unless the rows themselves go to the terminal it would break up.
      const onRead = a.quiet || (a.out === undefined && process.stdout.isTTY) ? undefined : loadingLines(process.stderr);
      const r = await writePredictions(model, { ...loadOptionsOf(a), files: a.files, onRead }, out);
      await out.commit();
      if (!a.quiet) {
        for (const f of r.files) {
          const w = singleStepsWarning(f.file, f.sequences, f.longest, f.layout, model, loadOptionsOf(a))
            ?? lengthsWarning(f.file, f.lengths, model); // single steps: the more telling of the two
          const filled = f.gaps === undefined ? null : gapsWarning(f.gaps);
          for (const line of [filled, w, scaleWarning(f.file, f.scale, model)]) if (line !== null) process.stderr.write(`train-signals: warning: ${line}\n`);
        }
        for (const f of r.files) {
          process.stderr.write(`${visible(f.file)}: ${f.sequences} sequence(s) predicted${f.streamed ? '' : ' (rows of a sequence not contiguous: loaded whole)'}\n`);
        }
        if (a.out !== undefined) process.stderr.write(`predictions: ${visible(a.out)}\n`);
      }
    } catch (e) {
      out.abort();
      if (readerClosed(e)) return; // `--out /dev/stdout | head`: quietly, as stdout's own reader going away
      throw e;
    } finally {
      forget();
    }
  },
};
