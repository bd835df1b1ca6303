// The words of a command line as the tool reads them around yargs: what yargs would take otherwise than the user
// meant, refused before it parses (words after --, one-dash and camelCase flags, typographic dashes, a yes/no flag
// before the command, --test= before more files, negative numbers yargs reads as flags), the checks of its
// parse (a flag given twice or without its value, numbers in decimal notation), and `-` given its meaning.

import { existsSync } from 'node:fs';
import { pathIs } from '../io/path-is.js';
import { STDIN } from '../data/stdin.js';
import { closest } from '../data/suggest.js';
import { shellQuote } from '../data/visible.js';
import { PROGRAM as NAME } from './command-line.js';
import { usageError } from './usage.js';
import { trainOptions } from './commands/train.js';
import { evaluateOptions } from './commands/evaluate.js';
import { tuneOptions } from './commands/tune.js';
import { predictOptions } from './commands/predict.js';
import { exportOptions } from './commands/export.js';
import { infoOptions } from './commands/info.js';

/**
 * Usage errors yargs lets through: a single-valued flag given twice (yargs makes it an array, or for a number
 * flag whose second value is 1, adds the two), a flag that
 * takes a value given without one (yargs silently uses the default) or with an empty one.
 */
export function checkArgs(raw: readonly string[], y: any): void {
  const o = y.getOptions();
  const arrays = new Set<string>(o.array);
  const booleans = new Set<string>(o.boolean);
  const numbers = new Set<string>(o.number);
  const known = new Set<string>(Object.keys(o.key));
  const seen = new Set<string>();
  const end = raw.indexOf('--');
  for (let i = 0; i < (end < 0 ? raw.length : end); i++) {
    const m = /^--([^=]+)(=.*)?$/.exec(raw[i]);
    if (m === null) continue;
    // Beside a file the positional is satisfied, and yargs drops `--files x` without a word.
    const files = filesAsFlag(raw, raw[i]);
    if (files !== null) throw usageError(files);
    // --no-x is the yes/no flag --x said no to: given with --x too, one of the two is silently dropped.
    const negated = !known.has(m[1]) && m[1].startsWith('no-') && known.has(m[1].slice(3));
    if (negated && !booleans.has(m[1].slice(3))) throw usageError(`--${m[1]} is not a flag; --${m[1].slice(3)} takes a value`);
    if (negated && m[2] !== undefined) throw usageError(`--${m[1]} takes no value (--${m[1].slice(3)}=true or =false says yes or no)`);
    if (!negated && !known.has(m[1])) continue;
    const key = negated ? m[1].slice(3) : m[1];
    if (seen.has(key) && !arrays.has(key)) throw usageError(`--${key} was given more than once${negated || raw.slice(0, i).includes(`--no-${key}`) ? ` (also as --no-${key})` : ''}`);
    seen.add(key);
    if (booleans.has(key)) {
      // yargs reads any value but `true` as no: --bidirectional=yes would train one direction.
      if (m[2] !== undefined && !/^=(true|false)$/.test(m[2])) throw usageError(`--${key} takes no value, or =true or =false (got ${m[2].slice(1)})`);
      continue;
    }
    // An empty value is never meant: `--out=` would otherwise write nowhere and `--init=` be ignored.
    if (m[2] === '=' || (m[2] === undefined && raw[i + 1] === '')) throw usageError(`--${key} needs a value (it was given an empty one)`);
    const value = m[2] !== undefined ? m[2].slice(1) : raw[i + 1];
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw usageError(`--${key} needs a value`);
    if (OUTPUT_FLAGS.includes(key) && value.trim() !== value) throw usageError(`--${key} ${JSON.stringify(value)} begins or ends with a blank; give the path without it`);
    // yargs would read 0x10 as 16, 1_0 as NaN and ' 5' as 5: a number flag takes plain decimal notation only.
    if (numbers.has(key) && !DECIMAL.test(value)) {
      // What was typed, blanks and all (shown in quotes where it has any), and a minus sign a word processor made.
      const why = /[\u2212\u2012\u2013]/.test(value) ? '; type the minus sign as -' : /\s/.test(value) ? '; give it without blanks' : '';
      throw usageError(`--${key} must be a number in decimal notation (got ${/\s/.test(value) ? JSON.stringify(value) : value})${why}`);
    }
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Every command's flags, for a suggestion before yargs knows which command runs. */
const OPTION_SETS = [trainOptions, evaluateOptions, predictOptions, tuneOptions, exportOptions, infoOptions];
const ALL_FLAGS = [...new Set(OPTION_SETS.flatMap((o) => Object.keys(o)))];
/** The yes/no flags, the only ones --no- negates. */
const BOOLEAN_FLAGS = new Set(OPTION_SETS.flatMap((o) => Object.entries(o).filter(([, v]) => (v as { type?: string }).type === 'boolean').map(([k]) => k)));

/**
 * What yargs would take otherwise than the user meant, refused before it parses: words after `--` (yargs drops
 * them: the files and flags there went unread), a flag of one dash that holds an h (`-hidden` printed the
 * help), and a flag in camelCase (`--batchSize`, an alias yargs makes, passed no check of the dashed one's).
 */
export function checkWords(argv: readonly string[]): void {
  const end = argv.indexOf('--');
  if (end >= 0 && end < argv.length - 1) {
    throw usageError(`${argv.slice(end + 1).join(' ')}: words after -- are not read; give them before it (a file whose name starts with a dash as ${shellQuote(`./${argv[end + 1]}`)})`);
  }
  const words = end < 0 ? argv : argv.slice(0, end);
  for (const [i, word] of words.entries()) {
    // --test takes every word after it; with "=", one (the shell's reading of a flag's value): a word after it was
    // a training file to one user and a test file to another, and neither gets a word.
    const next = words[i + 1];
    if (/^--test=./.test(word) && next !== undefined && (!next.startsWith('-') || next === '-')) {
      const file = word.slice('--test='.length);
      throw usageError(`${word} is followed by ${next}: give the test files after --test without "=" (--test ${shellQuote(file)} ${shellQuote(next)}), and the training files before --test`);
    }
    const dashed = /^[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]{1,2}-?([a-z][a-z-]*)(=.*)?$/.exec(word);
    if (dashed !== null && !existsSync(word)) {
      const near = ALL_FLAGS.includes(dashed[1]) ? dashed[1] : closest(dashed[1], ALL_FLAGS);
      throw usageError(`${word} starts with a typographic dash (pasted from a document?), not two hyphens${near === undefined ? '' : `: type --${near}`}`);
    }
    // A yes/no flag before the command word takes the word as its value (and the command as a file to train on).
    const yesNo = /^--([a-z][a-z-]*)$/.exec(word); // (--no-quiet takes no value)
    if (yesNo !== null && BOOLEAN_FLAGS.has(yesNo[1]) && next !== undefined && COMMANDS.includes(next) && !pathIs(next, (st) => st.isFile())) {
      throw usageError(`${word} before the command ${next}: give the command first and its flags after it (${NAME} ${next} … ${word})`);
    }
    // The other one-dash words reach unknownFlags, which knows the command's flags.
    if (/^-[A-Za-z]*h[A-Za-z]*(=|$)/.test(word) && word !== '-h') {
      if (existsSync(word)) throw usageError(`unknown flag ${word}: for the file of that name, write ${shellQuote(`./${word}`)}`);
      const flag = word.slice(1).replace(/=.*$/, '');
      const near = closest(flag, ALL_FLAGS);
      throw usageError(`unknown flag -${flag}: flags are spelled with two dashes${near === undefined ? '' : `; did you mean --${near}?`}`);
    }
    // A flag in capitals (caps lock: --LABEL-COLUMN=x) yargs would read as another name and drop without a word.
    const capitals = /^--([A-Za-z][A-Za-z0-9-]*)(=|$)/.exec(word);
    const lower = capitals?.[1].toLowerCase();
    if (lower !== undefined && lower !== capitals![1] && (ALL_FLAGS.includes(lower) || (lower.startsWith('no-') && BOOLEAN_FLAGS.has(lower.slice(3))))) {
      throw usageError(`--${capitals![1]} is spelled --${lower} (flags are lower case)`);
    }
    const camel = /^--(no-)?([a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)(=|$)/.exec(word);
    if (camel !== null) {
      const dashed = camel[2].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      // The dashed spelling only where it is a flag (--toString is no --to-string), and --no- only for a yes/no one.
      if (ALL_FLAGS.includes(dashed) && (camel[1] === undefined || BOOLEAN_FLAGS.has(dashed))) throw usageError(`--${camel[1] ?? ''}${camel[2]} is spelled --${camel[1] ?? ''}${dashed}`);
      const near = closest(dashed, ALL_FLAGS);
      throw usageError(`unknown flag --${camel[1] ?? ''}${camel[2]}${near === undefined ? '' : `; did you mean --${near}?`}`);
    }
  }
}

// yargs drops a bare `-`, so it is kept as this token (no argument can hold a NUL) until resolveDashes gives it
// its meaning.
const DASH = '\u0000-';

/** The words with each `-` as DASH, a file flag's too (`--onnx=-` as `--onnx -`; a column may be named -), up to a `--`. */
export function withDashes(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  const fileFlagDash = (a: string) => /^--[^=]+=-$/.test(a) && FILE_FLAGS.includes(a.slice(2, -2));
  return argv.map((a, i) => (end >= 0 && i > end ? a : a === '-' ? DASH : fileFlagDash(a) ? `${a.slice(0, -1)}${DASH}` : a));
}

/** The flags where `-` means stdout, by command; a positional CSV file or --test given as `-` is stdin. */
const DASH_OUTPUTS: Readonly<Record<string, readonly string[]>> = { predict: ['out'], evaluate: ['report'] };

/** The files a command line reads: its data files, --test files, model, --init model, checkpoint to resume, or info's file. */
export function inputsNamed(argv: Record<string, unknown>): Array<readonly [string, string | undefined]> {
  const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const many = (v: unknown) => (Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : []);
  return [
    ...many(argv.files).map((f) => ['one of the input files', f] as const), ...many(argv.test).map((f) => ['one of the --test files', f] as const),
    ['the --model file', one(argv.model)], ['the --init model', one(argv.init)], ['the checkpoint to --resume', one(argv.resume)], ['the file to describe', one(argv.file)],
  ];
}

/**
 * Gives `-` its Unix meaning: stdin for an input CSV file (one of the command's files, or --test), stdout for
 * predict's --out and evaluate's --report; anywhere else (a model, a checkpoint, an export) a usage error.
 */
export function resolveDashes(argv: Record<string, unknown>): void {
  const command = String((argv._ as unknown[])[0] ?? 'train');
  const inputs = [...((argv.files as string[] | undefined) ?? []), ...((argv.test as string[] | undefined) ?? [])];
  if (inputs.filter((f) => f === DASH).length > 1) throw usageError('- (stdin) can be only one of the input files');
  for (const [key, v] of Object.entries(argv)) {
    if (key === '_' || key === '$0') continue;
    if (key === 'files' || key === 'test') {
      if (Array.isArray(v)) argv[key] = v.map((f) => (f === DASH ? STDIN : f));
      continue;
    }
    if (v !== DASH) continue;
    if (!(DASH_OUTPUTS[command] ?? []).includes(key) && !/[A-Z]/.test(key)) {
      throw usageError(`${POSITIONALS.includes(key) ? 'the model file' : `--${key}`} cannot be - (stdin or stdout) here; give a file path`);
    }
    argv[key] = '-';
  }
}

export const COMMANDS = ['train', 'evaluate', 'predict', 'tune', 'export', 'info'];

/**
 * A first word that is neither a command nor a file: close to a command (`trian data.csv`), or a bare word that
 * names no file (`inspect`); a path that does not exist is left to train, which names it.
 */
export function checkCommand(argv: readonly string[]): void {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || COMMANDS.includes(first) || existsSync(first)) return;
  const near = closest(first, COMMANDS);
  if (near !== undefined) throw usageError(`${first} is neither a command nor a file; did you mean ${NAME} ${near}?`);
  if (/^[a-z][a-z-]*$/.test(first)) throw usageError(`${first} is neither a command nor a file; the commands are ${COMMANDS.join(', ')}`);
}

/** The commands' positional arguments (files to read; info's model file): yargs lists them among the flags. */
const POSITIONALS = ['files', 'file'];

/**
 * The flags of the command line that the command does not know, with the nearest known flag for each; a flag
 * of one dash (`-q`, `-out`) is none (yargs would take the next argument, often the file, as its value).
 */
export function unknownFlags(raw: readonly string[], y: any): string | null {
  const known = Object.keys(y.getOptions().key).filter((k) => k.length > 1 && !/[A-Z]/.test(k) && !POSITIONALS.includes(k));
  const end = raw.indexOf('--');
  const booleans = new Set<string>(y.getOptions().boolean);
  for (const [i, arg] of (end < 0 ? raw : raw.slice(0, end)).entries()) {
    const short = /^-([^-\d.][^=]*)/.exec(arg);
    // The value of the flag before it, that starts with a dash (`--out -o.json`): yargs reads it as flags.
    const before = /^--([a-z-]+)$/.exec(raw[i - 1] ?? '');
    if (short !== null && before !== null && known.includes(before[1]) && !booleans.has(before[1])) {
      const file = FILE_FLAGS.includes(before[1]) ? `${raw[i - 1]} ${shellQuote(`./${arg}`)} for a file, or ` : '';
      return `${raw[i - 1]} ${arg}: a value that starts with a dash is read as flags; write ${file}${raw[i - 1]}=${shellQuote(arg)}`;
    }
    if (short !== null && short[1] !== 'h') {
      const word = short[1];
      const near = /^[vV]$/.test(word) ? 'version' : word.length === 1 ? onlyOne(known.filter((k) => k.startsWith(word))) : known.includes(word) ? word : closest(word, known);
      if (existsSync(arg)) return `unknown flag ${arg}: for the file of that name, write ${shellQuote(`./${arg}`)}`;
      return `unknown flag -${word}: flags are spelled with two dashes${near === undefined ? '' : `; did you mean --${near}?`}`;
    }
    const m = /^--(no-)?([^=]+)/.exec(arg);
    const files = filesAsFlag(raw, arg);
    if (files !== null) return files;
    if (m === null || known.includes(m[2]) || known.includes(`${m[1] ?? ''}${m[2]}`)) continue;
    const lower = m[2].toLowerCase(); // --QUIETT, caps lock on
    const other = OTHER_NAMES[lower];
    const near = other !== undefined && known.includes(other) ? other : closest(lower, known);
    return `unknown flag --${m[2]}${near === undefined ? '' : `; did you mean --${near}?`}`;
  }
  return null;
}

/** For `--files x` or `--file x`: that the files are given without a flag (yargs would take it as the positional's value, or drop it). */
function filesAsFlag(raw: readonly string[], arg: string): string | null {
  const m = /^--(no-)?([^=]+)/.exec(arg);
  if (m === null || !POSITIONALS.includes(m[2].replace(/s$/, '') + 's')) return null;
  const command = COMMANDS.includes(raw[0]) ? raw[0] : 'train';
  const example = command === 'info' ? 'info model.json' : command === 'train' || command === 'tune' ? `${command} data.csv` : `${command} --model model.json data.csv`;
  return `--${m[2]} is not a flag: give the file(s) without one, e.g. ${NAME} ${example}`;
}

/** Flags as other tools name them (PyTorch scripts, scikit-learn, Keras), and this tool's name for each. */
const OTHER_NAMES: Readonly<Record<string, string>> = {
  output: 'out', 'output-file': 'out', outfile: 'out', 'model-out': 'out', save: 'out',
  'test-file': 'test', 'test-files': 'test', testfile: 'test', 'test-data': 'test', eval: 'test',
  'learning-rate': 'lr', 'hidden-size': 'hidden', 'hidden-units': 'hidden', units: 'hidden', 'num-layers': 'layers',
  'num-epochs': 'epochs', 'n-epochs': 'epochs', 'max-epochs': 'epochs', batch: 'batch-size', 'num-threads': 'threads',
  workers: 'threads', jobs: 'threads', 'n-jobs': 'threads', 'random-state': 'seed', 'random-seed': 'seed', label: 'label-column',
  target: 'label-column', 'target-column': 'label-column', 'y-column': 'label-column', id: 'id-column', time: 'time-column',
  'max-norm': 'clip', 'clip-norm': 'clip', 'grad-clip': 'clip', decay: 'weight-decay', silent: 'quiet',
};

/** The flags whose value is a file. */
const FILE_FLAGS = ['out', 'test', 'report', 'checkpoint', 'resume', 'init', 'model', 'onnx', 'safetensors'];

/**
 * A negative number yargs reads as a cluster of one-letter flags: in e-notation (`-1e3`: `-1`, `-e`), or ending
 * in its decimal point (`-5.`: `-5`, `-.`).
 */
const NEGATIVE_E = /^-((\d+\.?\d*|\.\d+)[eE][-+]?\d+|\d+\.)$/;

/**
 * `--flag -1e3` as `--flag=-1e3`, for a flag that takes a value (`-1.5` is a number to yargs, `-1e3` and `-5.` are not). Any
 * other such word before `--` is refused: after a yes/no flag, or alone, it would be dropped with its flag.
 */
export function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  for (let i = 0; i < argv.length; i++) {
    const flag = /^--([^=]+)$/.exec(argv[i]);
    const next = argv[i + 1];
    if (i + 1 < end && flag !== null && ALL_FLAGS.includes(flag[1]) && !BOOLEAN_FLAGS.has(flag[1]) && next !== undefined && NEGATIVE_E.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
      continue;
    }
    if (i < end && NEGATIVE_E.test(argv[i])) {
      throw usageError(`${argv[i]} is read as flags (a negative number in e-notation or ending in its point): give a number right after the flag it is for, and a file of that name as ${shellQuote(`./${argv[i]}`)}`);
    }
    out.push(argv[i]);
  }
  return out;
}

/** The flags that name a file to write (a blank before or after the name is a slip, never part of it). */
export const OUTPUT_FLAGS = ['out', 'onnx', 'safetensors', 'report', 'checkpoint'];

/** The one element of a list, or undefined. */
const onlyOne = (list: readonly string[]): string | undefined => (list.length === 1 ? list[0] : undefined);
