// Lists of names in messages (channels, classes, a header's columns): the first 20 and how many more, where two
// lists first differ, and the one check that data has the channels a model or the training data has. Pure but for
// that check's refusal.

import { UserError } from '../errors.js';
import { show } from './cells.js';

/** Whether a header cell names no column: empty (R's row names, pandas' index), or pandas' `Unnamed: 0` for one read back. */
export function isUnnamedColumn(name: string): boolean {
  return name === '' || /^Unnamed: [0-9]+$/.test(name);
}

/** A name for a list, cut where it is long (a label of 100 kB is no part of a line to print). */
const cut = (name: string) => (name.length > 60 ? `${name.slice(0, 40)}…` : name);

/** Names (channels, classes) for a message: `ax, ay, az` (the first 20, then how many more, each cut past 60 characters). */
export function nameList(names: readonly string[], most = 20): string {
  const shown = names.slice(0, most).map(cut).join(', ');
  return names.length > most ? `${shown}, … ${names.length - most} more` : shown;
}

/** A few names (a header's columns) quoted and joined for a message: `"subject" and "session"`. */
export function quotedNames(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(' and ');
}

/** Whether two lists hold the same names in the same order. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Where a list of names first differs from `expected`, for a message: ` ("gx" where <whose> has "ax")`; nothing where one only has more. */
export function firstDifference(names: readonly string[], expected: readonly string[], whose: string): string {
  const i = names.findIndex((x, j) => j < expected.length && x !== expected[j]);
  return i < 0 ? '' : ` (${JSON.stringify(names[i])} where ${whose} has ${JSON.stringify(expected[i])})`;
}

/** The name of the one channel of a file that names none (a wide file's rows, a .ts file of one dimension). */
export const UNNAMED_CHANNEL = 'value';

/**
 * Whether data of `channels` is read as `expected` says: the same names in the same order, or one channel where
 * one of the two has no name of its own (a wide file's: the one channel of a long file, whatever that is called).
 */
export function sameChannels(channels: readonly string[], expected: readonly string[]): boolean {
  if (sameNames(channels, expected)) return true;
  return channels.length === 1 && expected.length === 1 && (channels[0] === UNNAMED_CHANNEL || expected[0] === UNNAMED_CHANNEL);
}

/**
 * Refuses data whose channels are not `expected` (count, names, order), naming both lists and the first that
 * differs: the one check of evaluate, predict, --test and --init against what a model or the training data has.
 * One channel unnamed (UNNAMED_CHANNEL) is any one channel.
 */
export function checkSameChannels(channels: readonly string[], file: string, expected: readonly string[], whose: string): void {
  if (sameChannels(channels, expected)) return;
  const list = (xs: readonly string[]) => `[${nameList(xs.map(csvName))}]`;
  const what = channels.length !== expected.length
    ? `has ${channels.length} channel(s) ${list(channels)} but ${whose} has ${expected.length} ${list(expected)}`
    : `channels ${list(channels)} differ from ${whose}'s ${list(expected)}${firstDifference(channels, expected, 'it')}`;
  // --channels picks and orders a long file's columns: no help for a wide file, whose one channel has no name.
  const pick = channels.length === 1 && channels[0] === UNNAMED_CHANNEL ? '' : ' (or --channels to pick them)';
  throw new UserError(`${what}; give data with the same channels in the same order${pick}`, { file, line: 1 });
}

/**
 * For a message: the flags that name the columns sought (flag, name) where the header has them only in other
 * letter cases (`ID`, `Label`): `; the header has them in other letter cases: --id-column ID --label-column Label`.
 */
export function otherCaseFlags(header: readonly string[], sought: readonly (readonly [string, string])[]): string {
  const flags = sought.flatMap(([flag, name]) => {
    if (header.includes(name)) return [];
    const like = header.filter((c) => c.toLowerCase() === name.toLowerCase());
    return like.length === 1 ? [`${flag} ${like[0]}`] : [];
  });
  return flags.length === 0 ? '' : `; the header has ${flags.length === 1 ? 'it in another letter case' : 'them in other letter cases'}: ${flags.join(' ')}`;
}

/** After a row one cell longer than its header: R's write.table names no row-name column in the header. */
export const ROW_NAMES_HINT = "; a row one cell longer than the header is how R's write.table writes its row names (the header names no column over them): write it with row.names = FALSE";

/** What a message about a missing label column adds where a model reads the file: unlabelled files are predict's. */
export const UNLABELLED_HINT = '; a file without labels is for predict (evaluate scores labelled files)';

/** A header's column names for a message: `id, t, label, ax` (the first 20, then how many more). */
export function columnList(header: readonly string[]): string {
  return nameList(header.map((c) => csvName(c.trim())));
}

/** A name as a CSV header and --channels write it: one with a comma or quote in it in double quotes (else it reads as two). */
export function csvName(name: string): string {
  return /[,"]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/**
 * Refuses a file none of whose labels is one of `classes` (`whose`: the model's, the training data's): scoring
 * it is accuracy 0 by construction, another label column or data for another model.
 */
export function checkSomeLabelKnown(labels: readonly string[], file: string, classes: readonly string[], whose: string): void {
  if (labels.length === 0 || classesOfLabels(labels, classes).some((c) => c !== undefined)) return;
  // pandas writes 1.0 for 1: say so where that is what happened.
  const respelled = labels.map((l) => [l, spelledOtherwise(l, classes)] as const).find(([, c]) => c !== undefined);
  const numbered = respelled === undefined ? [] : classesNaming(respelled[0], classes);
  const hint = respelled === undefined ? ''
    : numbered.length > 1 ? ` (${show(respelled[0])} names the same number as classes ${nameList(numbered.map(show))}, so it is read as none of them)`
      : ` (${show(respelled[0])} is ${show(respelled[1]!)} in other letter case: labels are compared as written, but for numbers)`;
  throw new UserError(
    `none of its labels (${nameList(labels)}) is a class of ${whose} (${nameList(classes)})${hint}; give data of those ` +
      `classes, check that the label column is the one it was trained on (--label-column), or use predict for unlabelled data`,
    { file },
  );
}

/**
 * The number a label names (`1`, `1.0`, `01`, `+1` and `1e0` name 1), as a key; none for a label that is not a
 * number. Exact: the decimal digits are compared, not a double's (20-digit ids that differ in their last digit
 * name two numbers).
 */
export function sameNumber(label: string): string | undefined {
  const m = /^\s*([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:e([+-]?\d+))?\s*$/i.exec(label);
  if (m === null) return undefined;
  const whole = m[2] ?? '';
  const digits = whole + (m[3] ?? m[4] ?? '');
  const lead = digits.search(/[1-9]/);
  if (lead < 0) return '0';
  // The value is 0.<digits> × 10^(whole's length + exponent): written from the first non-zero digit, without trailing zeros.
  const exponent = BigInt(whole.length - lead) + BigInt(m[5] ?? 0);
  return `${m[1] === '-' ? '-' : ''}0.${digits.slice(lead).replace(/0+$/, '')}e${exponent}`;
}

/** The classes that name the same number as `label` (none for a label that is no number). */
export function classesNaming(label: string, classes: readonly string[]): string[] {
  const n = sameNumber(label);
  return n === undefined ? [] : classes.filter((c) => sameNumber(c) === n);
}

/**
 * For each of `labels`, the class of `classes` it is read as: itself where it is one, else the one class that
 * names the same number (pandas' `1.0` for `1`, numpy's `0.000000000000000000e+00` for `0`) where no other class
 * does; undefined for none. A word in another letter case is no class: `Walk` and `walk` may be two.
 */
export function classesOfLabels(labels: readonly string[], classes: readonly string[]): (string | undefined)[] {
  const known = new Set(classes);
  let byNumber: Map<string, string | null> | undefined; // number → its one class (null: named by several)
  return labels.map((l) => {
    if (known.has(l)) return l;
    const n = sameNumber(l);
    if (n === undefined) return undefined;
    if (byNumber === undefined) {
      byNumber = new Map();
      for (const c of classes) {
        const k = sameNumber(c);
        if (k !== undefined) byNumber.set(k, byNumber.has(k) ? null : c);
      }
    }
    return byNumber.get(n) ?? undefined;
  });
}

/**
 * The class of `classes` that a label not among them names all the same: the same number, or the same word but
 * for letter case. For evaluating a model on labels spelled otherwise than in its training files.
 */
export function spelledOtherwise(label: string, classes: readonly string[]): string | undefined {
  const n = sameNumber(label);
  const byNumber = n === undefined ? undefined : classes.find((c) => sameNumber(c) === n);
  return byNumber ?? classes.find((c) => c.toLowerCase() === label.toLowerCase());
}
