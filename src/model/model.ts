// A trained model as data: shape, readout, names, normalization and the flat parameters. No behaviour;
// saving and loading live in io/model-file.ts, prediction in eval/.

import { type Shape, layoutOf } from './layout.js';
import { READOUT_NAMES, type Readout, isReadout } from './rnn.js';
import { MAX_RESAMPLE, isResampleLength } from './resample.js';

/** Per-channel z-scoring statistics (data/normalize.ts computes and applies them). */
export interface Normalization {
  /** [inputWidth] */
  readonly mean: readonly number[];
  /** [inputWidth] */
  readonly std: readonly number[];
}

/** How the training files were read: what evaluate and predict use for a flag left unset. */
export interface DataLayout {
  readonly format: 'auto' | 'wide' | 'long';
  readonly labelColumn: string;
  readonly idColumn: string;
  readonly timeColumn: string;
  /** long layout: the columns --channels chose (absent: every other column) */
  readonly channels?: readonly string[];
}

/** The layout options a caller leaves unset: detect the layout, columns label, id and t. */
export const DEFAULT_LAYOUT: DataLayout = { format: 'auto', labelColumn: 'label', idColumn: 'id', timeColumn: 't' };

/** What is wrong with a layout (a model file's "layout", `key` naming it), or undefined when nothing is. */
export function layoutProblem(v: any, key = '"layout"'): string | undefined {
  const name = (x: unknown) => typeof x === 'string' && namesProblem([x]) === undefined;
  if (v === null || typeof v !== 'object' || !['auto', 'wide', 'long'].includes(v.format) || !name(v.labelColumn) || !name(v.idColumn) || !name(v.timeColumn)) {
    return `${key} must hold "format" (auto, wide or long) and the "labelColumn", "idColumn" and "timeColumn" names`;
  }
  if (v.channels !== undefined && !(Array.isArray(v.channels) && v.channels.length > 0 && v.channels.every(name))) {
    return `${key}'s "channels", when there, must hold the names of the channel columns`;
  }
  // As training's options were checked: each role its own column, each channel named once.
  if (new Set([v.labelColumn, v.idColumn, v.timeColumn]).size !== 3) return `${key} names one column for two of "labelColumn", "idColumn" and "timeColumn"`;
  if (v.channels !== undefined && new Set(v.channels).size !== v.channels.length) return `${key}'s "channels" name a column twice`;
  return undefined;
}

/** What is wrong with a model's class names (at least two, namesProblem's rules), or undefined. */
export function classesProblem(classes: readonly string[]): string | undefined {
  if (classes.length < 2) return 'must name at least two classes';
  return namesProblem(classes, true);
}

/** A trained model as its file holds it: shape, readout, how it reads its inputs, names, parameters, training record. */
export interface Model {
  /** D = inputWidth · stride, C = classes.length */
  readonly shape: Shape;
  readonly readout: Readout;
  /** frame stacking s: each step reads s samples of every channel (model/frames.ts); default 1 */
  readonly stride?: number;
  /** every sequence resampled to this many samples first (model/resample.ts); absent: none */
  readonly resample?: number;
  /** each sequence on its own scale, its level and scale as channels too (model/sequence-norm.ts); absent: none */
  readonly sequenceNorm?: true;
  /** every sample's first differences read as channels too (model/differences.ts); absent: none */
  readonly differences?: true;
  readonly classes: readonly string[];
  readonly channels: readonly string[];
  readonly normalization: Normalization | null;
  /** absent in files of earlier versions */
  readonly layout?: DataLayout;
  /** flat, in layoutOf(shape) */
  readonly parameters: Float32Array;
  /** hyperparameters, history, timing: informational only */
  readonly training: Record<string, unknown>;
}

/** The model's frame stacking s (1 when it has none). */
export function strideOf(m: Pick<Model, 'stride'>): number {
  return m.stride ?? 1;
}

/** The length the model resamples every sequence to (0: none). */
export function resampleOf(m: Pick<Model, 'resample'>): number {
  return m.resample ?? 0;
}

/** Whether the model reads every sample's first differences as channels too. */
export function differencesOf(m: { readonly differences?: boolean }): boolean {
  return m.differences === true;
}

/** Whether the model puts each sequence on its own scale first (model/sequence-norm.ts). */
export function sequenceNormOf(m: { readonly sequenceNorm?: boolean }): boolean {
  return m.sequenceNorm === true;
}

/** Values per sample the model normalizes and reads: its channels, three times over with the sequence normalization, then twice over with the differences. */
export function inputWidth(m: { readonly sequenceNorm?: boolean; readonly differences?: boolean; readonly channels: readonly unknown[] }): number {
  return m.channels.length * (sequenceNormOf(m) ? 3 : 1) * (differencesOf(m) ? 2 : 1);
}

/** x is a number that stays finite rounded to float32 (|x| < 3.4e38): what a model may hold. */
export function isFiniteFloat32(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(Math.fround(x));
}

/** The smallest normal float32: a standard deviation below it would overflow 1 / std. */
export const MIN_STD = 2 ** -126;

/** A standard deviation the normalization can divide by: a positive, normal float32. */
export function isUsableStd(x: unknown): x is number {
  return isFiniteFloat32(x) && Math.fround(x) >= MIN_STD;
}

/** Whether n is a normalization of D channels: D means finite as float32 and D usable standard deviations. */
export function isNormalizationOf(n: unknown, D: number): n is Normalization {
  const v = n as Partial<Normalization> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.mean) && Array.isArray(v.std) && v.mean.length === D && v.std.length === D &&
    v.mean.every(isFiniteFloat32) && v.std.every(isUsableStd);
}

/** Whether v is a list of names: strings as data files give them (namesProblem), none repeated (a model's classes and channels). */
function isNameList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((c) => typeof c === 'string') && namesProblem(v) === undefined;
}

/**
 * What keeps a list of names (classes, channels) from being names a data file gives, or undefined: a name empty,
 * with a control character other than tab, CR and LF (the readers refuse those as binary data), or with half of
 * a UTF-16 surrogate pair (it prints as U+FFFD, like any other); a class with blanks around it (every reader
 * trims labels, so none could ever match it; an ARFF file's quoted attribute names, channels, keep theirs); a
 * name repeated; or two classes that are one text in other code points (NFC-equal).
 */
export function namesProblem(names: readonly string[], labels = false): string | undefined {
  for (const name of names) {
    const why = name.trim() === '' ? 'is empty'
      : labels && name !== name.trim() ? 'has blanks around it, which labels read from data files never have'
        : /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(name) ? 'holds a control character'
          : /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name) ? 'holds half of a surrogate pair (not well-formed text)'
            : undefined;
    if (why !== undefined) return `must be names as data files give them: ${JSON.stringify(name)} ${why}`;
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return `must not repeat a name (${JSON.stringify(name)})`;
    seen.add(name);
  }
  if (labels) {
    // Two classes that are one text in Unicode's eyes (é composed, and e with a combining accent): no data file
    // could give both (the readers refuse a label that looks like a class seen, lookOf, which this leaves to them).
    const forms = new Map<string, string>();
    for (const name of names) {
      const other = forms.get(name.normalize('NFC'));
      if (other !== undefined) return `must not hold two classes that are the same text in other code points ("${codePoints(other)}" and "${codePoints(name)}")`;
      forms.set(name.normalize('NFC'), name);
    }
  }
  return undefined;
}

/** A name with every character past ASCII as its code point (\u{e9}), so two that look alike show apart. */
export const codePoints = (s: string): string => [...s].map((ch) => (ch.charCodeAt(0) < 128 ? ch : `\\u{${ch.codePointAt(0)!.toString(16)}}`)).join('');

/**
 * What a label looks like: its NFC form without invisible characters (Unicode's format characters, category Cf,
 * and the code points it says to draw as nothing: variation selectors, fillers, the combining grapheme joiner),
 * but for those that change what is drawn: the tag characters (the flags of England and Scotland differ only in
 * them), and the zero-width joiner and non-joiner after an emoji or a letter of a script that joins (👨‍💻 is one
 * glyph, 👨💻 two; a conjunct's half form; a Persian word's parts), not at the end nor in Latin, Greek or Cyrillic.
 */
export const lookOf = (label: string): string =>
  label.normalize('NFC').replace(/(?![\u200c\u200d\u{e0020}-\u{e007f}])[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, '').replace(STRAY_JOINER, '');

/** A zero-width (non-)joiner that changes nothing drawn: after no emoji nor letter of a joining script, or last. */
const STRAY_JOINER = /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}])(?<!(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])[\p{L}\p{M}])[\u200c\u200d]|[\u200c\u200d](?![^])/gu;

/**
 * What makes `m` not a model its own writer and scorers can use (its parts disagree, or a weight is not a
 * finite float32), in a few words; undefined when it is whole. For models built or edited by a program: the
 * model file's reader checks the same on the way in.
 */
export function modelProblem(m: Model): string | undefined {
  const { D, H, C } = m.shape;
  const whole = (x: unknown) => Number.isInteger(x) && (x as number) >= 1;
  if (!whole(D) || !whole(H) || !whole(C)) return `its shape must hold whole numbers D, H and C of at least 1 (got D ${D}, H ${H}, C ${C})`;
  if (m.shape.directions !== undefined && m.shape.directions !== 1 && m.shape.directions !== 2) return 'its shape.directions must be 1 or 2';
  if (m.shape.cell !== undefined && m.shape.cell !== 'rnn' && m.shape.cell !== 'gru') return 'its shape.cell must be "rnn" or "gru"';
  if (!isReadout(m.readout)) return `its readout must be ${READOUT_NAMES}`;
  if (!whole(strideOf(m))) return 'its stride must be a whole number of at least 1';
  if (m.classes.length !== C || C < 2 || !m.classes.every((c) => typeof c === 'string')) return `it must name its C = ${C} classes (at least two), one string each (got ${m.classes.length})`;
  const classProblem = namesProblem(m.classes, true);
  if (classProblem !== undefined) return `its classes ${classProblem}`;
  if (Array.isArray(m.channels) && !isNameList(m.channels)) return `its channels ${m.channels.every((c) => typeof c === 'string') ? namesProblem(m.channels) : 'must be names'}`;
  if (!Array.isArray(m.channels) || m.channels.length === 0 || inputWidth(m) * strideOf(m) !== D) return `its channels (${Array.isArray(m.channels) ? m.channels.length : 'none'}${sequenceNormOf(m) ? ', three times with the sequence normalization' : ''}${differencesOf(m) ? ', twice with the differences' : ''}) times its stride must be its input size D = ${D}`;
  const n = m.normalization;
  if (n !== null && !isNormalizationOf(n, inputWidth(m))) return 'its normalization must hold a finite mean and a positive std per input channel';
  const size = layoutOf(m.shape).size;
  if (m.parameters.length !== size) return `its parameters hold ${m.parameters.length} values where its shape needs ${size}`;
  if (!m.parameters.every(Number.isFinite)) return 'its parameters must all be finite';
  if (m.resample !== undefined && !isResampleLength(m.resample)) return `its resample must be a whole number from 2 to ${MAX_RESAMPLE}`;
  if (m.layout !== undefined) return layoutProblem(m.layout, 'its layout');
  return undefined;
}
