// How --help is laid out: each command's flags in groups a user reads in order (the data, the model, how it
// trains, what it writes, how it runs), and examples in the order of a day's work.

import type { Argv } from 'yargs';

const GROUPS: readonly (readonly [string, readonly string[]])[] = [
  ['Data:', ['model', 'format', 'label-column', 'id-column', 'time-column', 'channels', 'gaps', 'test']],
  ['Model:', ['cell', 'layers', 'hidden', 'resample', 'sequence-norm', 'differences', 'stride', 'bidirectional', 'readout', 'bptt', 'members', 'normalize', 'init']],
  ['Training:', ['select', 'epochs', 'batch-size', 'optimizer', 'lr', 'schedule', 'warmup', 'clip', 'weight-decay',
    'noise', 'warp', 'mixup', 'guided-warp', 'val-split', 'patience', 'class-weights', 'seed']],
  ['Output:', ['out', 'report', 'onnx', 'safetensors', 'json', 'checkpoint', 'checkpoint-every', 'resume']],
  ['Running:', ['threads', 'steps', 'quiet', 'debug', 'help', 'version']],
];

/** Adds a command's flags, their defaults said as words (plainDefaults), in the groups above; a flag it lacks is skipped. */
export function grouped(y: Argv, options: Record<string, object>): Argv {
  y = y.options(plainDefaults(options));
  const has = new Set([...Object.keys(options), 'debug', 'help', 'version']);
  for (const [title, keys] of GROUPS) {
    const present = keys.filter((k) => has.has(k));
    if (present.length > 0) y = y.group(present, title);
  }
  return y;
}

/** A command's flags with every string default said as words: yargs quotes a default ("auto") but not words (auto), and both showed. */
function plainDefaults<T extends Record<string, object>>(options: T): T {
  return Object.fromEntries(Object.entries(options).map(([k, o]) => {
    const d = (o as { default?: unknown }).default;
    return [k, typeof d === 'string' && !('defaultDescription' in o) ? { ...o, defaultDescription: d } : o];
  })) as T;
}

/** Examples, train → evaluate → predict → tune → export → info, as the top-level help shows them. */
export const WORKFLOW_EXAMPLES: readonly (readonly [string, string])[] = [
  ['$0 train train.csv --test test.csv', 'train, then report accuracy on held-out data (writes model.json)'],
  ['$0 train log.csv --id-column device --label-column activity', 'a long-layout file with its own column names (--time-column too)'],
  ['$0 evaluate --model model.json test.csv --report report.html', 'accuracy and an HTML report (the model remembers the columns)'],
  ['$0 predict --model model.json new.csv --out predictions.csv', 'the class and probabilities of every sequence'],
  ['$0 tune train.csv', 'how many threads train fastest here'],
  ['$0 export --model model.json --onnx model.onnx', 'for onnxruntime (--safetensors model.safetensors: for PyTorch)'],
  ['$0 info model.json', 'what a model file holds: classes, channels, network, training'],
];

/**
 * Adds examples to a command's help, each command on a line of its own below what it does as a shell comment:
 * yargs puts a description beside its command in a column half the width, which broke a longer command over
 * lines (pasted, its first line ran alone). Each line fits 80 columns, where yargs would break it again.
 */
export function withExamples(y: Argv, examples: readonly (readonly [string, string])[]): Argv {
  for (const [command, what] of examples) y = y.example(`# ${what}`, '').example(command, '');
  return y;
}
