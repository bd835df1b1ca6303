// What in a training set looks like a file read wrongly, or data a model cannot learn from: each a line for the
// user, none a refusal (the data may be what was meant). The CLI prints them as train loads; a program gets the
// same lines by calling dataWarnings. Pure.

import { type DataSet, classSizes } from './dataset.js';
import { DEFAULT_LAYOUT } from '../model/model.js';
import { farOut } from './far-out.js';
import { checkDataArgument } from './data-argument.js';
import { csvName, nameList, sameNumber } from './names.js';
import { show, showAround } from './cells.js';
import { isClockName, timeLike } from './time-like.js';
import { heldChannels } from './held-channels.js';
import { channelFiles } from './channel-files.js';
import { gapsWarning, isGapTally } from './gaps.js';
import { isRestartTally, restartsWarning } from './restarts.js';
import { isSeriesNote, seriesWarning } from './channel-series.js';
import { isQuantityNote, quantityWarning } from './quantity-columns.js';
import { shellQuote, visible } from './visible.js';
import { UserError } from '../errors.js';
import { type ChannelPrecision, detailSpread, isChannelPrecision, levelToSubtract, roundingTrouble } from './precision.js';
import { packed } from './packed.js';

/**
 * The warnings for a training set, one line each, without a prefix. `idColumn` is the name that made a file the
 * long layout (for the hint when every sequence is a single step).
 */
export function dataWarnings(ds: DataSet, idColumn = DEFAULT_LAYOUT.idColumn): string[] {
  checkDataArgument(ds, 'dataWarnings() data', { dataSet: true });
  if (typeof idColumn !== 'string') throw new UserError(`dataWarnings() idColumn must be a column's name, a string (got ${typeof idColumn})`);
  return warningLines(packed(ds), idColumn);
}

/** dataWarnings of a data set the loader built (checked already). */
export function warningLines(ds: DataSet, idColumn: string, timeColumn?: string): string[] {
  const out: string[] = [];
  if (isGapTally(ds.gaps)) out.push(gapsWarning(ds.gaps));
  if (isRestartTally(ds.restarts)) out.push(restartsWarning(ds.restarts));
  if (isSeriesNote(ds.channelSeries)) out.push(seriesWarning(ds.channelSeries));
  if (isQuantityNote(ds.quantityColumns)) out.push(quantityWarning(ds.quantityColumns));
  // A wide file (a sequence a row) with a column named id reads as long: one step a sequence, columns as channels.
  if (ds.lengths.length > 1 && ds.channels.length > 1 && ds.lengths.every((L) => L === 1)) {
    out.push(`every sequence has a single time step; if each row is a whole sequence (the wide layout), read the file with --format wide (its column ${JSON.stringify(idColumn)} made it the long layout)`);
  }
  const precision = Array.isArray(ds.precision) && ds.precision.length === ds.D && ds.precision.every(isChannelPrecision) ? ds.precision : [];
  const rounded = precision.flatMap((p, c) => {
    const trouble = roundingTrouble(p);
    return trouble === null ? [] : [{ p, channel: ds.channels[c], trouble }];
  });
  out.push(...roundingWarnings(rounded));
  // A channel the files have varying and float32 has not is the warning above's, not this one's.
  if (rounded.length === 0 && ds.values.every((x, i) => x === ds.values[i % ds.D])) {
    out.push('no channel varies: every step of every sequence holds the same values, so no class can be told from another');
  }
  const sizes = classSizes(ds.labels, ds.classes.length);
  const lone = ds.classes.filter((name, c) => sizes[c] === 1 && !MISSING_LABELS.includes(name)).map(show); // a name cut at 40 characters: a 1 MB label is no line to print
  if (lone.length === 1) out.push(`class ${lone[0]} has a single training sequence; ${FROM_ONE}`);
  if (lone.length > 1) out.push(`classes ${nameList(lone)} have a single training sequence each; ${FROM_ONE}`);
  for (const c of ds.classes.filter((c) => MISSING_LABELS.includes(c))) {
    const n = sizes[ds.classes.indexOf(c)];
    out.push(`class ${show(c)} (${n === 1 ? 'one sequence' : `${n} sequences`}) is how R, pandas (na_rep) and spreadsheets write a missing label; ` +
      'it is trained as a class of its own: if those sequences are unlabelled, leave them out, or give them their class');
  }
  const twins = letterCaseTwins(ds.classes);
  if (twins.length > 0) out.push(`classes ${nameList(twins)} differ only in letter case; they are trained as different classes`);
  const numbers = twinsBy(ds.classes, sameNumber);
  if (numbers.length > 0) out.push(`classes ${nameList(numbers)} name the same number; they are trained as different classes (write each label one way)`);
  for (const f of farOut(ds)) {
    const times = f.ratio < 1e6 ? Math.round(f.ratio) : f.ratio.toExponential(1);
    out.push(`channel ${JSON.stringify(f.channel)} holds ${+f.value.toPrecision(7)} (sequence ${visible(f.id)}), ${times} times its values' typical distance from their median; ` +
      'one such value sets the normalization\'s scale and flattens every other sequence: if it marks a missing reading or an error, remove or fix it');
  }
  const timeLikes = timeLike(ds);
  const inUse = timeColumn ?? (typeof ds.timeColumn === 'string' ? ds.timeColumn : undefined); // named, or the default t found
  if (timeLikes.length > 0) out.push(timeLikeWarning(timeLikes, ds.channels, inUse));
  const channelTwins = ds.D === 1 ? channelFiles(ds) : [];
  if (channelTwins.length > 0) {
    const named = nameList(channelTwins.map(visible), 3);
    out.push(`files ${named} hold the same labels in the same order, sequence by sequence: one channel each of the same recordings (as UCI HAR keeps them)? ` +
      `they train as ${channelTwins.length} one-channel copies of every recording; join the channels into the long layout, a column each (docs/data.md, "One file per channel"); if each file holds other recordings, all is well`);
  }
  const held = heldChannels(ds);
  if (held.length > 0) out.push(heldWarning(held, ds.channels));
  return out;
}

/**
 * The line for channels that run like a time column. With one named already (`timeColumn`, which orders the
 * steps), such a channel is a second clock or a row counter: what leaves it out is --channels, not --time-column.
 */
function timeLikeWarning(timeLikes: readonly string[], channels: readonly string[], timeColumn: string | undefined): string {
  const one = timeLikes.length === 1;
  const named = one ? `channel ${JSON.stringify(timeLikes[0])} runs` : `channels ${nameList(timeLikes.map((c) => JSON.stringify(c)))} run`;
  const how = one ? '(it steps evenly, or is named as a clock or a counter and counts up)' : '(they step evenly, or are named as clocks or counters and count up)';
  const rest = channels.filter((c) => !timeLikes.includes(c));
  if (timeColumn === undefined || rest.length === 0) return `${named} like a time column in every sequence ${how}; if ${one ? 'it is one' : 'one is'}, name it with --time-column`;
  return `${named} like a time column in every sequence ${how}, beside the time column ${JSON.stringify(timeColumn)}: if ${one ? 'it holds' : 'they hold'} no sample (a row counter, a second clock), ` +
    `leave ${one ? 'it' : 'them'} out with --channels${keeping(rest)}`;
}

/** The --channels value that keeps `rest` (the channels to read), or words for it where they are too many to list. */
function keeping(rest: readonly string[]): string {
  return rest.length <= 20 ? ` ${shellQuote(rest.map(csvName).join(','))}` : ' naming the others';
}

/** The line for channels that hold one value through each sequence and differ between them (held-channels.ts). */
function heldWarning(held: readonly string[], channels: readonly string[]): string {
  const one = held.length === 1;
  const rest = channels.filter((c) => !held.includes(c));
  const what = `${one ? `channel ${JSON.stringify(held[0])} holds` : `channels ${nameList(held.map((c) => JSON.stringify(c)))} hold`} one value through each sequence and ` +
    'another in others: a column naming who or what was recorded (a subject, a device, a session), or a reading too coarse to change within one? ' +
    'the model may tell the classes apart by it rather than by the signal';
  return rest.length === 0 ? what : `${what}; if ${one ? 'it is' : 'they are'} no signal, leave ${one ? 'it' : 'them'} out with --channels${keeping(rest)}`;
}

/** The lines for the channels whose variation float32 rounds away (or cannot scale): one for each kind of trouble. */
function roundingWarnings(rounded: ReadonlyArray<{ p: ChannelPrecision; channel: string; trouble: 'level' | 'levels' | 'small' }>): string[] {
  const out: string[] = [];
  const detail = (p: ChannelPrecision) => `${+detailSpread(p).toPrecision(3)} (a standard deviation${detailSpread(p) < p.spread ? ' within a sequence' : ''})`;
  const share = (r: { p: ChannelPrecision }) => Math.round((100 * r.p.lost) / detailSpread(r.p));
  const channels = (rs: typeof rounded, one: string, more: string) => (rs.length === 1 ? `channel ${JSON.stringify(rs[0].channel)} ${one}` : `channels ${nameList(rs.map((r) => JSON.stringify(r.channel)))} ${more}`);
  const moved = (rs: typeof rounded) => `rounding to float32, which values are stored in, moves ${rs.length === 1 ? `its values by ${share(rs[0])} %` : `their values by up to ${Math.max(...rs.map(share))} %`} of that`;
  const onLevel = rounded.filter((r) => r.trouble === 'level');
  if (onLevel.length > 0) {
    const { p, channel } = onLevel[0];
    const about = onLevel.length === 1 ? ` about ${levelToSubtract(p)}` : ` about large levels (${JSON.stringify(channel)} by ${detail(p)} about ${levelToSubtract(p)})`;
    // A clock since 1970 (a device's timestamp in ns) is such a channel: it holds no sample to keep.
    const clocks = onLevel.filter((r) => isClockName(r.channel)).map((r) => JSON.stringify(r.channel));
    const clock = clocks.length === 0 ? '' : `; ${clocks.length === 1 ? `if ${clocks[0]} is a clock, as its name says, it holds` : `if ${nameList(clocks)} are clocks, as their names say, they hold`} no sample: name the time column with --time-column, and leave the others out with --channels`;
    out.push(`${channels(onLevel, `varies by ${detail(p)}`, 'vary little')}${about}, and ${moved(onLevel)}: ` +
      `subtract ${onLevel.length === 1 ? `${levelToSubtract(p)} from the channel` : 'each one\'s level from it'} in the file, so that what varies is kept${clock}`);
  }
  const onLevels = rounded.filter((r) => r.trouble === 'levels');
  if (onLevels.length > 0) {
    const { p } = onLevels[0];
    out.push(`${channels(onLevels, `varies by ${detail(p)}`, `vary little within a sequence (by ${detail(p)} for ${JSON.stringify(onLevels[0].channel)})`)} about a level of each sequence's own, ` +
      `and ${moved(onLevels)}: subtract each sequence's own level (its first value, say) in the file, so that what varies is kept, and give the levels a channel of their own if they tell the classes apart`);
  }
  const small = rounded.filter((r) => r.trouble === 'small');
  if (small.length > 0) {
    const least = small.reduce((a, b) => (b.p.spread < a.p.spread ? b : a));
    out.push(`${channels(small, 'varies', 'vary')} by as little as ${+least.p.spread.toPrecision(3)} (a standard deviation${small.length > 1 ? `, ${JSON.stringify(least.channel)}` : ''}), too little for float32, which values are stored in ` +
      `(its normal numbers end at 1.2e-38): multiply ${small.length === 1 ? 'the channel' : 'each'} by a power of ten in the file (give it in smaller units)`);
  }
  return out;
}

/** Labels as data tools write a missing one (R's NA, pandas' NaN and <NA>, a spreadsheet's #N/A). */
const MISSING_LABELS: readonly string[] = ['NA', 'NaN', 'nan', '<NA>', '#N/A', 'N/A'];

const FROM_ONE = 'little can be learned of a class from one (a header row, or a line of another kind, read as data?)';

/** The classes that another class equals but for letter case, in the order of `classes`. */
function letterCaseTwins(classes: readonly string[]): string[] {
  // Numbers written 1e0 and 1E0 are the same-number warning's, not this one's.
  return twinsBy(classes, (c) => (sameNumber(c) === undefined ? c.toLowerCase() : undefined));
}

/**
 * The classes that share a key with another class, shown for a message (each around where its group first
 * differs), in the order of `classes`; a class without a key has none.
 */
function twinsBy(classes: readonly string[], key: (c: string) => string | undefined): string[] {
  const byKey = new Map<string, string[]>();
  for (const c of classes) {
    const k = key(c);
    if (k === undefined) continue;
    const same = byKey.get(k);
    if (same === undefined) byKey.set(k, [c]);
    else same.push(c);
  }
  return [...byKey.values()].filter((cs) => cs.length > 1).flatMap((cs) => {
    const at = Math.min(...cs.slice(1).map((c) => firstUnequal(cs[0], c)));
    return cs.map((c) => showAround(c, at));
  });
}

/** The first index where two texts differ (the shorter one's length where one begins the other). */
function firstUnequal(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

