// yargs' failure messages in the tool's words: a bad choice, words a command does not read, what a command line
// lacks (as its usage line).

import { PROGRAM as NAME } from './command-line.js';
import { COMMANDS } from './words.js';

/** yargs' "Invalid values: Argument: cell, Given: "lstm", Choices: "rnn", "gru"" in the tool's words; null for any other message. */
export function badChoice(msg: string): string | null {
  const m = /Argument: ([\w-]+), Given: (.+?), Choices: (.+)$/m.exec(msg);
  if (m === null) return null;
  const unquote = (v: string) => v.trim().replace(/^"(.*)"$/, '$1');
  const choices = m[3].split(', ').map(unquote);
  return `--${m[1]} must be ${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]} (got ${unquote(m[2])})`;
}

/** yargs' `Unknown argument(s): x` for words that commands of one file or none do not read, in the tool's words. */
export function extraWords(argv: readonly string[], msg: string): string | null {
  const m = /^Unknown arguments?: (.+)$/.exec(msg.trim());
  if (m === null) return null;
  if (argv[0] === 'info') return `info reads one model file, not also ${m[1]}: ${NAME} ${USAGE.info}`;
  if (argv[0] === 'export') return `export reads only the --model file, not also ${m[1]}: ${NAME} ${USAGE.export}`;
  return null;
}

/** Each command's usage line, for what a command line lacks. */
export const USAGE: Readonly<Record<string, string>> = {
  train: 'train <train.csv...> [--test test.csv] [--out model.json]',
  evaluate: 'evaluate --model model.json <test.csv...>',
  predict: 'predict --model model.json <data.csv...> [--out predictions.csv]',
  tune: 'tune <train.csv...>',
  export: 'export --model model.json --onnx model.onnx',
  info: 'info model.json',
};

/**
 * What a command lacks, as a usage line rather than yargs' words: its CSV files (yargs: "Not enough non-option
 * arguments") or a required flag ("Missing required argument: model"); null for any other message.
 */
export function missing(argv: readonly string[], msg: string): string | null {
  const command = COMMANDS.includes(argv[0]) ? argv[0] : 'train';
  if (/^Not enough non-option arguments/.test(msg)) {
    const test = argv.findIndex((a) => a === '--test' || a.startsWith('--test='));
    const after = test >= 0 && argv.slice(test + 1).some((a) => !a.startsWith('-')) ? '; every word after --test is a test file: give the training files before --test' : '';
    return `${command} needs the CSV file(s) to read (- for stdin)${after}: ${NAME} ${USAGE[command]}`;
  }
  const flags = /^Missing required arguments?: (.+)$/.exec(msg.trim());
  if (flags !== null) {
    const model = flags[1].split(', ').includes('model') ? argv.slice(1).find((a) => /\.(json|safetensors)$/i.test(a) && !a.startsWith('-')) : undefined;
    const hint = model === undefined ? '' : ` (${model} looks like a model file: put --model before it)`;
    return `${command} needs ${flags[1].split(', ').map((f) => `--${f}`).join(' and ')}${hint}: ${NAME} ${USAGE[command]}`;
  }
  return null;
}

