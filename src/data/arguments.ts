// The library's arguments of another kind than its types say (a program in JavaScript, or one that reads
// them from JSON): a path where a list of paths belongs, a path where a model belongs. Each is refused as one
// UserError naming the option, before any work, rather than failing later as a TypeError (a bug) or with a
// message about something else (a string iterated as paths, one character at a time).

import { UserError } from '../errors.js';
import { closest } from './suggest.js';

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);

/** `files` is a non-empty array of paths (strings). */
export function checkFileList(v: unknown, option: string): asserts v is readonly string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((f) => typeof f === 'string' && f !== '')) {
    const hint = typeof v === 'string' ? `; give an array: [${JSON.stringify(v)}]` : '';
    throw new UserError(`${option} must be a non-empty array of file paths (got ${Array.isArray(v) ? `[${v.map(shown).join(', ')}]` : shown(v)})${hint}`);
  }
}

/** Each option of `o` named in `options` is left out or a path (a non-empty string). */
export function checkPathOptions(o: object, options: readonly string[]): void {
  for (const option of options) {
    const v = (o as Record<string, unknown>)[option];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new UserError(`${option} must be a file path (got ${shown(v)})`);
  }
}

/** `v` is a model as loadModel() returns it, not its path or something else. */
export function checkModelArgument(v: unknown, option: string): void {
  const m = v as { shape?: unknown; parameters?: unknown; classes?: unknown } | null;
  if (typeof m === 'object' && m !== null && typeof m.shape === 'object' && m.parameters instanceof Float32Array && Array.isArray(m.classes)) return;
  const hint = typeof v === 'string' ? `; read it first: loadModel(${JSON.stringify(v)})` : '';
  throw new UserError(`${option} must be a model as loadModel() returns it (got ${shown(v)})${hint}`);
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
