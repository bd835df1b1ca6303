// How files are read, as a caller says it: the layout and columns (or a model's, layoutOptions), the gaps
// policy, progress and a signal to stop; each option checked, and the defaults filled in (resolveOptions).

import { UserError } from '../errors.js';
import { type NamesExactly, checkCallbacks, checkSignal, shownOption } from './arguments.js';
import { csvName } from './names.js';
import { shellQuote } from './visible.js';
import { DEFAULT_LAYOUT, type Model } from '../model/model.js';
import { GAP_POLICIES, type GapPolicy } from './gaps.js';

/** How files are read: the layout and columns (or the model's), progress, and a signal to stop. */
export interface LoadOptions {
  /** default auto: long when the first row has the id column (or the time column given), else wide */
  format?: 'auto' | 'wide' | 'long' | undefined;
  /** default 'label' */
  labelColumn?: string | undefined;
  /** default 'id'; one given must be in the header */
  idColumn?: string | undefined;
  /** default 't' (optional in a file); one given must be in the header */
  timeColumn?: string | undefined;
  /** long layout: which columns are channels (default: all but id/time/label) */
  channels?: readonly string[] | undefined;
  /** a value missing inside a sequence (an empty cell, NaN or NA; ? in .ts and ARFF): filled (gaps.ts) or refused; default 'interpolate' */
  gaps?: GapPolicy | undefined;
  /** bytes of the file read so far, of its size (0: unknown) */
  onRead?: ((file: string, bytes: number, of: number) => void) | undefined;
  /** once aborted, reading stops at once and the load rejects with InterruptedError */
  signal?: AbortSignal | undefined;
}

/** Every key of LoadOptions, checked whole at compile time. */
export const LOAD_OPTION_KEYS = ['format', 'labelColumn', 'idColumn', 'timeColumn', 'channels', 'gaps', 'onRead', 'signal'] as const;
const loadKeysWhole: NamesExactly<keyof LoadOptions, typeof LOAD_OPTION_KEYS> = true;
void loadKeysWhole;

/** LoadOptions and what the commands add (not options of the library's calls). */
export interface ReadOptions extends LoadOptions {
  /** default true; false for predict (label column optional, labels −1 when absent) */
  requireLabels?: boolean;
  /** read for a model with these classes (wide.ts: a file that has no label column) */
  modelClasses?: readonly string[];
  /** read for a model with these channels: a long file whose header has every one of them gives those, in this order */
  modelChannels?: readonly string[];
  /** a file in the archive's .ts or ARFF format, which the column options do not read */
  onArchive?: (file: string) => void;
  /** the layout each file is read in, as its reading starts */
  onLayout?: (file: string, layout: 'wide' | 'long') => void;
  /** a regular file's size and SHA-256, of its bytes as read, once read whole without a change (not stdin, a pipe) */
  onDigest?: (file: string, digest: { readonly bytes: number; readonly sha256: string }) => void;
  /** what a model's training layout set here (layoutOptions): its flags, and the names a message about the header names it by */
  modelLayout?: { readonly flags: string; readonly names: readonly string[] };
}

export type Resolved = Required<Omit<ReadOptions, 'channels' | 'onRead' | 'modelClasses' | 'modelChannels' | 'signal' | 'onArchive' | 'onLayout' | 'onDigest' | 'modelLayout'>> & {
  onDigest?: ReadOptions['onDigest'];
  modelChannels?: readonly string[];
  modelLayout?: ReadOptions['modelLayout'];
  onArchive?: ReadOptions['onArchive'];
  channels?: readonly string[];
  modelClasses?: readonly string[];
  onRead?: LoadOptions['onRead'];
  signal?: AbortSignal;
  idColumnGiven: boolean; // named by the caller rather than the default: its absence is an error
  timeColumnGiven: boolean;
};

/**
 * The load options with the model's training layout (model.layout) for every one left unset, where it was not
 * the default: a name the training files were read with is then expected in these files too. Also the model's
 * classes, by which a wide file with no label column is told (wide.ts).
 */
export function layoutOptions<O extends LoadOptions>(model: Pick<Model, 'layout' | 'classes' | 'channels'>, o: O): O & ReadOptions {
  const l = model.layout;
  const withClasses = { ...o, modelClasses: model.classes, modelChannels: model.channels };
  if (l === undefined) return withClasses;
  const d = DEFAULT_LAYOUT;
  const unless = <T>(v: T, def: T) => (v === def ? undefined : v);
  // --format wide given: a row is a sequence, so the model's long-layout columns are not looked for.
  const wide = o.format === 'wide';
  const taken = {
    format: o.format === undefined ? unless(l.format, d.format) : undefined,
    labelColumn: o.labelColumn === undefined ? unless(l.labelColumn, d.labelColumn) : undefined,
    idColumn: o.idColumn === undefined && !wide ? unless(l.idColumn, d.idColumn) : undefined,
    timeColumn: o.timeColumn === undefined && !wide ? unless(l.timeColumn, d.timeColumn) : undefined,
    channels: o.channels === undefined && !wide ? l.channels : undefined,
  };
  const flag = (name: string, v: string | undefined) => (v === undefined ? [] : [`${name} ${shellQuote(v)}`]);
  const flags = [
    ...flag('--format', taken.format), ...flag('--id-column', taken.idColumn), ...flag('--time-column', taken.timeColumn),
    ...flag('--label-column', taken.labelColumn), ...flag('--channels', taken.channels?.map(csvName).join(',')),
  ];
  return {
    ...withClasses,
    format: o.format ?? taken.format,
    labelColumn: o.labelColumn ?? taken.labelColumn,
    idColumn: o.idColumn ?? taken.idColumn,
    timeColumn: o.timeColumn ?? taken.timeColumn,
    channels: o.channels ?? taken.channels,
    // A format of the model's makes every header message its doing; else only those naming one of its columns.
    ...(flags.length > 0 ? {
      modelLayout: {
        flags: flags.join(' '),
        names: taken.format !== undefined ? [] : [taken.idColumn, taken.timeColumn, taken.labelColumn, ...(taken.channels ?? [])].filter((n) => n !== undefined),
      },
    } : {}),
  };
}

export function resolveOptions(opts: ReadOptions): Resolved {
  const d = DEFAULT_LAYOUT;
  const o: Resolved = {
    format: opts.format ?? d.format,
    labelColumn: opts.labelColumn ?? d.labelColumn,
    idColumn: opts.idColumn ?? d.idColumn,
    timeColumn: opts.timeColumn ?? d.timeColumn,
    channels: opts.channels,
    gaps: opts.gaps ?? 'interpolate',
    requireLabels: opts.requireLabels ?? true,
    modelClasses: opts.modelClasses,
    ...(opts.modelChannels !== undefined ? { modelChannels: opts.modelChannels } : {}),
    onRead: opts.onRead,
    onArchive: opts.onArchive,
    onDigest: opts.onDigest,
    signal: opts.signal,
    idColumnGiven: opts.idColumn !== undefined,
    timeColumnGiven: opts.timeColumn !== undefined,
    ...(opts.modelLayout !== undefined ? { modelLayout: opts.modelLayout } : {}),
  };
  if (!['auto', 'wide', 'long'].includes(o.format)) {
    throw new UserError(`format must be auto, wide or long, not ${shownOption(o.format)}`);
  }
  if (!GAP_POLICIES.includes(o.gaps)) throw new UserError(`gaps must be interpolate or refuse, not ${shownOption(o.gaps)}`);
  for (const key of ['labelColumn', 'idColumn', 'timeColumn'] as const) {
    if (typeof o[key] !== 'string' || o[key].trim() === '') {
      throw new UserError(`${key} must be a non-empty column name, not ${shownOption(o[key])}`);
    }
  }
  const roles = [
    ['--label-column', o.labelColumn, opts.labelColumn !== undefined],
    ['--id-column', o.idColumn, opts.idColumn !== undefined],
    ['--time-column', o.timeColumn, opts.timeColumn !== undefined],
  ] as const;
  for (const [i, [flagA, a, givenA]] of roles.entries()) {
    for (const [flagB, b, givenB] of roles.slice(i + 1)) {
      if (a !== b || !(givenA || givenB)) continue;
      const role = (flag: string, given: boolean) => (given ? flag : `${flag} (by default)`);
      throw new UserError(`${role(flagA, givenA)} and ${role(flagB, givenB)} both name column ${JSON.stringify(a)}; give each role its own column`);
    }
  }
  checkCallbacks(o, ['onRead']);
  checkSignal(o.signal);
  // an empty list names no channel: refused rather than read as every channel, which leaving it out means
  if (o.channels !== undefined && !(Array.isArray(o.channels) && o.channels.length > 0 && o.channels.every((c) => typeof c === 'string' && c.trim() !== ''))) {
    throw new UserError(`channels must be an array of column names, such as ["ax", "ay"], not ${shownOption(o.channels)} (--channels a,b: no empty name)`);
  }
  const twice = o.channels?.find((c, i) => o.channels!.indexOf(c) !== i);
  if (twice !== undefined) throw new UserError(`channel ${JSON.stringify(twice)} is named twice among the channels (--channels); name each once`);
  return o;
}
