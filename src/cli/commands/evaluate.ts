// `train-signals evaluate`: a model and held-out files → accuracy and loss per file (tables, or --json).

import type { Argv, ArgumentsCamelCase } from 'yargs';
import { loadModel } from '../../io/model-file.js';
import { type FileEvaluation, evaluate } from '../../eval/evaluate.js';
import { type DataArgs, dataOptions, loadOptionsOf } from '../options.js';

type EvaluateArgs = DataArgs & { model: string; files: string[]; json: boolean };

export function evaluationJson(results: readonly FileEvaluation[]) {
  return {
    files: results.map((r) => ({ file: r.file, sequences: r.sequences, accuracy: r.accuracy, loss: r.loss })),
  };
}

export function printEvaluations(results: readonly FileEvaluation[], json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(evaluationJson(results)) + '\n');
    return;
  }
  const width = Math.max(4, ...results.map((r) => r.file.length));
  process.stdout.write(`${'file'.padEnd(width)}  sequences  accuracy    loss\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.file.padEnd(width)}  ${String(r.sequences).padStart(9)}  ${r.accuracy.toFixed(4).padStart(8)}  ${r.loss.toFixed(4).padStart(6)}\n`,
    );
    if (r.unknownLabels.count > 0) {
      process.stdout.write(`  ${r.unknownLabels.count} sequence(s) with labels the model never saw (${r.unknownLabels.labels.join(', ')}), counted as errors\n`);
    }
  }
}

export const evaluateCommand = {
  command: 'evaluate <files..>',
  describe: 'evaluate a trained model on labelled CSV files',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, describe: 'held-out CSV file(s)' })
      .options({
        ...dataOptions,
        model: { type: 'string', demandOption: true, describe: 'model file written by train' },
        json: { type: 'boolean', default: false, describe: 'print JSON instead of a table' },
      }),
  handler: async (argv: ArgumentsCamelCase<EvaluateArgs>) => {
    const a = argv as unknown as EvaluateArgs;
    const model = loadModel(a.model);
    const results = await evaluate(model, { ...loadOptionsOf(a), files: a.files });
    printEvaluations(results, a.json);
  },
};
