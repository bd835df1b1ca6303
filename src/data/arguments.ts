// The library's arguments of another kind than its types say (a program in JavaScript, or one that reads
// them from JSON): a path where a list of paths belongs, a path where a model belongs. Each is refused as one
// UserError naming the option, before any work, rather than failing later as a TypeError (a bug) or with a
// message about something else (a string iterated as paths, one character at a time).

import { UserError } from '../errors.js';
import { type Model, modelProblem } from '../model/model.js';
import { closest } from './suggest.js';

const shown = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null'
    : v instanceof URL ? `the URL ${JSON.stringify(v.href)}: give its path, fileURLToPath(url) from node:url` : typeof v;

/** An option's value for a message: as JSON, or its kind where it has none (a BigInt, an object without a prototype). */
export function shownOption(v: unknown): string {
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return `a ${typeof v}`;
  }
}

/** `files` is a non-empty array of paths (strings). */
export function checkFileList(v: unknown, option: string): asserts v is readonly string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((f) => typeof f === 'string' && f !== '')) {
    // loadDataSet({ files }) as train() takes them: the array goes first, the options second.
    const inner = typeof v === 'object' && v !== null && Array.isArray((v as { files?: unknown }).files);
    const hint = typeof v === 'string' ? `; give an array: [${JSON.stringify(v)}]` : inner ? '; give the array of paths itself, then the options: (files, { … })' : '';
    throw new UserError(`${option} must be a non-empty array of file paths (got ${Array.isArray(v) ? `[${v.map(shown).join(', ')}]` : shown(v)})${hint}`);
  }
}

/**
 * Each option of `o` named in `options` is left out or a path (a non-empty string); those among `outputs` are
 * files to write, which `-` cannot name: it is stdin among the input files, and a file of that name would surprise.
 */
export function checkPathOptions(o: object, options: readonly string[], outputs: readonly string[] = []): void {
  for (const option of options) {
    const v = (o as Record<string, unknown>)[option];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new UserError(`${option} must be a file path (got ${shown(v)})`);
    if (v === '-' && outputs.includes(option)) checkOutputPath(v, option);
  }
}

/** `o` is an options object, or left out (undefined): null, a string or an array is refused as what it is. */
export function checkOptionsObject(o: unknown, what: string): void {
  if (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))) throw new UserError(`${what} options must be an object (got ${shown(o)})`);
}

/**
 * `o` is the options object of a call that takes its files in it (evaluate, predict, tune): the files given
 * where the options belong, as a path or an array of paths, are shown how to go in.
 */
export function checkFilesOptions(o: unknown, what: string): void {
  const files = typeof o === 'string' ? [o] : Array.isArray(o) && o.length > 0 && o.every((f) => typeof f === 'string') ? o : null;
  if (files !== null) throw new UserError(`${what} takes its files in its options: { files: ${JSON.stringify(files)} }`);
  checkOptionsObject(o, what);
}

/** `file` is one path to read (a call that takes one file; `several` names the call that takes many). */
export function checkOneFile(file: unknown, option: string, several: string): asserts file is string {
  if (Array.isArray(file)) throw new UserError(`${option} is one file path (got an array); ${several} takes several: { files: [...] }`);
  if (typeof file !== 'string' || file === '') throw new UserError(`${option} must be a file path (got ${shown(file)})`);
}

/**
 * A call's own copy of its options, their arrays (files, channels, thread counts) copied too: an async call reads
 * what it was called with, whatever the caller changes once it has returned its promise. Its own keys are
 * copied (an unknown one too, for checkKnownOptions to name), and each of `keys` the object has otherwise (one
 * it inherits, a getter of its class), as reading it found it before. Callbacks are called on the caller's
 * object (a class's methods use it); signals and models stay the caller's. What is not an object is given back for the checks to refuse.
 */
export function ownOptions<T extends object | undefined>(o: T, keys: readonly string[]): T {
  if (o === undefined || o === null || typeof o !== 'object' || Array.isArray(o)) return o;
  const copy: Record<string, unknown> = { ...o };
  for (const k of keys) {
    if (Object.hasOwn(copy, k)) continue;
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) copy[k] = v;
  }
  for (const [k, v] of Object.entries(copy)) {
    if (Array.isArray(v)) copy[k] = [...v];
    else if (typeof v === 'function') copy[k] = v.bind(o); // a method of the caller's object, called on it as before
  }
  return copy as T;
}

/** `path` is a file to read: a non-empty string (`what` names it: "the model file"). */
export function checkInputPath(path: unknown, what: string): asserts path is string {
  if (typeof path !== 'string' || path === '') throw new UserError(`${what} must be named by a file path (got ${shown(path)})`);
}

/** `path` is a file to write: a non-empty string other than `-`. */
export function checkOutputPath(path: unknown, option: string): asserts path is string {
  if (typeof path !== 'string' || path === '') throw new UserError(`${option} must be a file path (got ${shown(path)})`);
  if (path === '-') throw new UserError(`${option} cannot be - (stdin or stdout); give a file path (./- for a file named -)`);
}

/** Each option of `o` named in `names` is left out or a function (a callback). */
export function checkCallbacks(o: object, names: readonly string[]): void {
  for (const name of names) {
    const v = (o as Record<string, unknown>)[name];
    if (v !== undefined && typeof v !== 'function') throw new UserError(`${name} must be a function (got ${shown(v)})`);
  }
}

/** `signal` is left out or an AbortSignal (anything else would never stop the run). */
export function checkSignal(signal: unknown): void {
  const s = signal as { aborted?: unknown; addEventListener?: unknown } | null;
  if (signal === undefined || (typeof s === 'object' && s !== null && typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function')) return;
  throw new UserError(`signal must be an AbortSignal, such as new AbortController().signal (got ${shown(signal)})`);
}

/**
 * `signal` of `call` (fit()) is left out, an AbortSignal, or an object whose `aborted` turns true (a task pool's
 * stop flag), as checkSignal's callers need not take; anything else would be read as never aborting (an
 * AbortController given for its signal: Ctrl-C stopped nothing).
 */
export function checkStopFlag(signal: unknown, call: string): void {
  if (signal === undefined || (typeof signal === 'object' && signal !== null && typeof (signal as { aborted?: unknown }).aborted === 'boolean')) return;
  const hint = signal instanceof AbortController ? ': give the controller\'s .signal' : ', such as new AbortController().signal';
  throw new UserError(`${call} signal must be an AbortSignal, or an object whose aborted turns true${hint} (got ${signal instanceof AbortController ? 'an AbortController' : typeof signal})`);
}

/** `v` is a model as loadModel() returns it, not its path or something else. */
export function checkModelArgument(v: unknown, option: string): asserts v is Model {
  const m = v as { shape?: unknown; parameters?: unknown; classes?: unknown } | null;
  if (!(typeof m === 'object' && m !== null && typeof m.shape === 'object' && m.shape !== null && Array.isArray(m.classes) && 'parameters' in m)) {
    const hint = typeof v === 'string' ? `; read it first: loadModel(${JSON.stringify(v)})` : '';
    throw new UserError(`${option} must be a model as loadModel() returns it (got ${shown(v)})${hint}`);
  }
  // a Proxy passes instanceof but not ArrayBuffer.isView, and the kernels read the array itself
  if (!(m.parameters instanceof Float32Array && ArrayBuffer.isView(m.parameters))) {
    const p = m.parameters;
    const got = p instanceof Float32Array && !ArrayBuffer.isView(p) ? 'a Proxy of a Float32Array'
      : typeof p === 'object' && p !== null && !Array.isArray(p) ? `a ${(p as object).constructor?.name ?? 'object'}` : shown(p);
    const fix = p === null || p === undefined ? '' : '; Float32Array.from() it';
    throw new UserError(`${option}.parameters must be a Float32Array, as loadModel() returns it (got ${got})${fix}`);
  }
  const problem = modelProblem(v as Model);
  if (problem !== undefined) throw new UserError(`${option} is not a whole model: ${problem}; give one as loadModel() or train() returns it`);
}

/** Whether the key list L names exactly the keys K: a compile-time check that a list kept beside its interface stays whole. */
export type NamesExactly<K extends PropertyKey, L extends readonly PropertyKey[]> =
  [Exclude<K, L[number]>, Exclude<L[number], K>] extends [never, never] ? true : false;

/** Refuses an option `o` has that is not among `known` (a misspelt `labelColum` would be silently ignored). */
export function checkKnownOptions(o: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const near = closest(key, known);
    throw new UserError(`${what} has no option ${JSON.stringify(key)}${near !== undefined ? `; did you mean ${near}?` : ''}`);
  }
}
