// `train-signals tune`: flags → tune() → the thread-count table (or --json) on stdout.

import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { Readout } from '../../model/rnn.js';
import { MAX_THREADS, TRAIN_DEFAULTS } from '../../train/defaults.js';
import { type DataArgs, type ModelArgs, FILE_KINDS, stepOptions, dataOptionsFor, isInt, loadOptionsOf, modelOptionsFor, quietOption, modelArgsOf, requireFlag } from '../options.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { visible } from '../../data/visible.js';

const d = TRAIN_DEFAULTS;

export const tuneOptions = {
  ...dataOptionsFor('training'),
  ...stepOptions,
  threads: { type: 'string', describe: 'comma-separated thread counts to measure (default: 1 .. cores)' },
  steps: { type: 'number', default: d.tuneSteps, describe: `timed training steps per thread count, at least (and at least ${d.tuneMeasureMs / 1000} s of them)` },
  json: { type: 'boolean', default: false, describe: 'print JSON' },
  quiet: quietOption,
  ...modelOptionsFor('tune'),
} as const;

type TuneArgs = DataArgs & ModelArgs & {
  files: string[];
  quiet: boolean;
  threads?: string;
  steps: number;
  json: boolean;
  readout: 'auto' | Readout;
};

function threadList(s: string | undefined): number[] | undefined {
  if (s === undefined) return undefined;
  const cells = s.split(',').map((x) => x.trim());
  const list = cells.map(Number);
  requireFlag(cells.every((x) => /^[0-9]+$/.test(x)) && list.every((n) => isInt(n) && n >= 1 && n <= MAX_THREADS),
    `--threads must be a comma-separated list of whole numbers from 1 to ${MAX_THREADS} (got ${s})`);
  return list;
}

export const tuneCommand = {
  command: 'tune <files..>',
  describe: 'measure training speed at each thread count and recommend one',
  builder: (y: Argv) => withExamples(grouped(y
    .positional('files', { type: 'string', array: true, default: undefined, describe: `training file(s): ${FILE_KINDS}; - reads one from stdin` }), tuneOptions), [WORKFLOW_EXAMPLES[4], ['$0 tune train.csv --threads 1,2,4 --json', 'measure these thread counts only, as JSON']]),
  handler: async (argv: ArgumentsCamelCase<TuneArgs>) => {
    const a = argv as unknown as TuneArgs;
    const { asFlag, checkOptions } = await import('../../train/option-checks.js'); // a flag out of range is said before the rest loads
    const options = {
      ...loadOptionsOf(a), ...modelArgsOf(a), files: a.files, threads: threadList(a.threads), steps: a.steps, readout: a.readout === 'auto' ? undefined : a.readout,
    };
    checkOptions(options, asFlag, 'tune');
    const { formatTune, tune } = await import('../../train/tune.js');
    const onWarning = a.quiet ? undefined : (w: string) => process.stderr.write(`train-signals: warning: ${visible(w)}\n`);
    const r = await tune({ ...options, onWarning });
    process.stdout.write(a.json ? JSON.stringify(r) + '\n' : formatTune(r));
  },
};
