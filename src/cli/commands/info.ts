// `train-signals info`: what a model file holds (eval/model-summary.ts), as lines or (--json) as the model file
// without its parameters.

import type { Argv, ArgumentsCamelCase } from 'yargs';
import { visible, visibleLines } from '../../data/visible.js';
import { UserError } from '../../errors.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { quietOption } from '../options.js';

interface InfoArgs {
  file?: string;
  model?: string;
  json: boolean;
  quiet: boolean;
}

export const infoOptions = {
  model: { type: 'string', describe: 'model file written by train (or a .safetensors file in the export layout); or give it as the argument' },
  json: { type: 'boolean', default: false, describe: 'print the model file as JSON on one line, its parameters replaced by their count' },
  quiet: quietOption,
} as const;

export const infoCommand = {
  command: 'info [file]',
  describe: "show what a model file holds: classes, channels, network, how it was trained (or how far a checkpoint's run got)",
  builder: (y: Argv) => withExamples(grouped(y
    .positional('file', { type: 'string', describe: 'the model file (or use --model), or a checkpoint' }), infoOptions), [WORKFLOW_EXAMPLES[6], ['$0 info model.json --json', 'the model file without its parameters, as JSON']]),
  handler: async (argv: ArgumentsCamelCase<InfoArgs>) => {
    const a = argv as unknown as InfoArgs;
    const [{ loadAnyModel }, { modelJson, modelSummary }, { isCheckpointFile }] = await Promise.all([
      import('../../io/load-model.js'), import('../../eval/model-summary.js'), import('../../io/formats.js'),
    ]);
    if (a.file !== undefined && a.model !== undefined) throw new UserError('give the model file once: as the argument or with --model');
    const path = a.model ?? a.file;
    if (path === undefined) throw new UserError('info needs a model file: train-signals info model.json');
    if (isCheckpointFile(path)) { // what a run's lost resume line would have started again
      const [{ loadCheckpoint }, { checkpointSummary }, { recordedProblem }] = await Promise.all([
        import('../../io/checkpoint.js'), import('../../eval/checkpoint-summary.js'), import('../../train/option-checks.js'),
      ]);
      if (a.json) throw new UserError(`${path} is a checkpoint, which --json does not print (it holds the run's whole training state); info without --json summarizes it`);
      const checkpoint = loadCheckpoint(path);
      process.stdout.write(checkpointSummary(checkpoint, path));
      // Its resume line would be refused: said here, where the summary shows the values.
      const problem = recordedProblem(checkpoint.hyperparameters);
      if (problem !== null) process.stderr.write(`train-signals: warning: ${visible(path)}: ${problem}, which this version cannot resume (the checkpoint was edited or is damaged, or an earlier version took the value)\n`);
      return;
    }
    const model = loadAnyModel(path, a.model !== undefined ? '--model' : 'info');
    process.stdout.write(a.json ? modelJson(model) + '\n' : visibleLines(modelSummary(model, path)));
  },
};
