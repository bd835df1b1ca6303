// A wide header whose value columns are named as quantities (`ax, ay, az, gx`; `tBodyAcc-mean()-X, …`; an EEG
// montage's `AF3, F7, F3, …`) rather than as the steps of a series (`t0, t1, …`; `0.00, 0.01, …`; dates; pandas'
// `0, 1, 2, …`): a wide row is one sequence, its columns its time steps, so a file of one moment a row (a
// recording with a label a row, no id) or of a table's features trains as short sequences of unlike values,
// without a word. Told by the names alone: three or more, none blank, no pattern (the name with its numbers as
// `#`) shared by half of them or more, and not month or weekday names. An ARFF file's numeric attributes, one a
// time step in its univariate shape, are told alike. Only a warning: features ordered on purpose (band powers,
// delta … gamma) read as they did. Pure.

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

const CALENDAR = new Set(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
    'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
    .flatMap((w) => [w, w.slice(0, 3), ...(w === 'september' ? ['sept'] : [])]),
);

/** The note for value columns `names` named as quantities, or null where they are a series' steps or too few. */
export function quantityColumns(names: readonly string[]): Pick<QuantityNote, 'columns' | 'names'> | null {
  if (names.length < FEWEST_COLUMNS || names.some((n) => n === '' || !/\p{L}/u.test(n))) return null;
  if (names.every((n) => CALENDAR.has(n.toLowerCase().replace(/\.$/, '')))) return null;
  const patterns = new Map<string, number>();
  for (const n of names) {
    const p = n.replace(/\d+/g, '#');
    const k = (patterns.get(p) ?? 0) + 1;
    if (2 * k >= names.length) return null;
    patterns.set(p, k);
  }
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
  return `${visible(n.file)}:${n.line}: the ${n.columns} ${columns} are named as quantities (${shown}), not as the time steps of a series, ` +
    `yet each row is read here as one sequence of ${n.columns} values, ${step} a step (${layout}); if each row is one moment of a recording, ` +
    'write the recordings in the long layout, an id column naming each and the columns as channels (docs/data.md, "One recording labelled row by row"); ' +
    'if each row is a table\'s features, a tabular classifier suits it better than a recurrent network';
}
