// A wide header whose value columns are named as quantities (`ax, ay, az, gx`; `tBodyAcc-mean()-X, …`; an EEG
// montage's `AF3, F7, F3, …`) rather than as the steps of a series (`t0, t1, …`; `t-5 … t+5`; `0.00, 0.01, …`;
// dates; `Jan … Dec`; `1st visit`; `1am`; pandas' `0, 1, 2, …`): a wide row is one sequence, its columns its time steps,
// so a file of one moment a row (a recording with a label a row, no id) or of a table's features trains as short
// sequences of unlike values, without a word. Told by the names alone (quantityColumns). An ARFF file's numeric
// attributes, one a time step in its univariate shape, are told alike. Only a warning, which says that steps
// named so are fine: visits, seasons or band powers in order read as they did. Pure.

import { MONTH_NAMES } from './month-names.js';
import { COUNTED_WORDS, PHASE_WORDS } from './step-words.js';
import { visible } from './visible.js';

/** What a header's value columns say, for the warning: how many, and the first few names. */
export interface QuantityNote {
  readonly file: string;
  readonly line: number;
  readonly format: 'wide' | 'arff'; // a wide header's columns, or an ARFF file's numeric attributes
  readonly columns: number;
  readonly names: readonly string[]; // the first SHOWN, trimmed
}

const FEWEST_COLUMNS = 3;
const SHOWN = 3;
/** The fewest names of one pattern that count as a series of steps (`TP9, TP10` of a montage do not). */
const SERIES_NAMES = 3;
/**
 * The fewest names of a pattern that count as a channel's series: FEW_STEPS where another pattern is numbered
 * alike (`ax_0 … ax_3, ay_0 … ay_3`), LONG_SERIES alone (`emg_1 … emg_8`); `IMU1_acc_x … IMU3_acc_x` are none.
 */
const FEW_STEPS = 4;
const LONG_SERIES = 8;

// Words that name a time or a visit (timed: a name of them alone): months and weekdays in English, German, French and
// Spanish (whole, or cut to three letters or more: `So` and `PM` are also sulphur and particles), times of day,
// seasons and a trial's phases. A header of them is a series whose steps have names.
const TIME_WORDS = new Set([
  ...MONTH_NAMES.flat(),
  ...('monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun ' +
    'montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche lun mer jeu ven sam dim ' +
    'lunes martes miércoles jueves viernes sábado domingo mié jue vie sáb dom ' +
    'noon midnight morning afternoon evening night dawn dusk spring summer autumn fall winter').split(' '),
  ...PHASE_WORDS,
]);


/**
 * A number in a name as a series writes its steps: signed, with a point or colons, an ordinal or a time of day
 * (t-5, X0.1, 12:00, 1st, 1am, 12:00 PM); channel-series.ts takes digits alone, as channels' series are numbered.
 */
const NUMBER = /[-+.]?\d+(?:[.:]\d+)*(?:st|nd|rd|th|\s?[ap]\.?m\.?)?/giu;

/**
 * Whether name `n` is a time's: every word in it a word of time (`Mon AM`, `1-Jan`, `Post Month`), one of them
 * TIME_WORDS' or COUNTED_WORDS' beside a number. A quantity with a word of time among others (`Lifetime Post Reach`,
 * `SAT_Math`, `sun_altitude`) is none.
 */
function timed(n: string): boolean {
  const words = n.toLowerCase().split(/[^\p{L}]+/u).filter((w) => w !== '');
  const counted = /\d/.test(n);
  return words.length > 0 && words.every((w) => TIME_WORDS.has(w) || COUNTED_WORDS.has(w) || w === 'am' || w === 'pm') &&
    words.some((w) => TIME_WORDS.has(w) || (counted && COUNTED_WORDS.has(w)));
}

/**
 * The note for value columns `names` named as quantities, or null where they are too few or may be a series'
 * steps: a name without a letter (a number, a date), half of them or more a time's (timed), half of them or more
 * in one pattern (the name with its numbers as `#`) of SERIES_NAMES names or more, or in channels' series side by
 * side (`acc_x_0 … acc_z_49`, with a subject: patterns of LONG_SERIES names, or of FEW_STEPS numbered alike),
 * which channel-series.ts may warn of.
 */
export function quantityColumns(names: readonly string[]): Pick<QuantityNote, 'columns' | 'names'> | null {
  if (names.length < FEWEST_COLUMNS || names.some((n) => n === '' || !/\p{L}/u.test(n))) return null;
  if (2 * names.filter(timed).length >= names.length) return null;
  const patterns = new Map<string, string[]>(); // each pattern's numbers, as written
  for (const n of names) {
    const p = n.replace(NUMBER, '#');
    const numbers = patterns.get(p) ?? [];
    numbers.push((n.match(NUMBER) ?? []).join(' '));
    patterns.set(p, numbers);
  }
  // One numbered series half the names or more, or channels' series (long ones, or numbered alike) half or more.
  const numberings = [...patterns.values()].map((numbers) => ({ count: numbers.length, numbering: [...numbers].sort().join('|') }));
  const alike = new Map<string, number>(); // how many patterns have each numbering
  for (const { numbering } of numberings) alike.set(numbering, (alike.get(numbering) ?? 0) + 1);
  let inSeries = 0;
  for (const { count, numbering } of numberings) {
    if (count >= SERIES_NAMES && 2 * count >= names.length) return null;
    if (count >= LONG_SERIES || (count >= FEW_STEPS && alike.get(numbering)! > 1)) inSeries += count;
  }
  if (2 * inSeries >= names.length) return null;
  return { columns: names.length, names: names.slice(0, SHOWN) };
}

/** Whether `v` is a QuantityNote (a data set a program built may hold anything there). */
export function isQuantityNote(v: unknown): v is QuantityNote {
  const n = v as Partial<QuantityNote> | null;
  return typeof n === 'object' && n !== null && typeof n.file === 'string' && Number.isInteger(n.line) && Number.isInteger(n.columns) && (n.format === 'wide' || n.format === 'arff') &&
    Array.isArray(n.names) && n.names.length > 0 && n.names.every((x) => typeof x === 'string');
}

/** The warning for a wide header's value columns, or an ARFF file's numeric attributes, named as quantities. */
export function quantityWarning(n: QuantityNote): string {
  const shown = `${n.names.map(visible).join(', ')}${n.columns > n.names.length ? ', …' : ''}`;
  const [columns, step, layout] = n.format === 'wide' ? ['value columns', 'a column', 'the wide layout'] : ['numeric attributes', 'an attribute', "ARFF's univariate shape"];
  return `${visible(n.file)}:${n.line}: the ${n.columns} ${columns} are named as quantities are (${shown}) rather than as time steps, ` +
    `and each row is read as one sequence of ${n.columns} values, ${step} a step (${layout}): if each row is one moment of a recording, ` +
    'cut the recording into windows, each a sequence with an id of its own, in the long layout (docs/data.md, "One recording labelled row by row"); ' +
    `if each row is a table's features, a tabular classifier suits it better than a recurrent network; if the ${columns} are a series' steps, all is well`;
}
