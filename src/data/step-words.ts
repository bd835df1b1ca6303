// Words that name a series' steps rather than number them: a trial's or a study's phases (baseline, follow-up),
// and words of time counted by a number (week 1, visit 2). The quantity warning and the odd-column rule read them. Pure.

/** Phases before the counted steps, and after them. */
const BEFORE = ['pre', 'before', 'baseline', 'screening'];
const AFTER = ['post', 'after', 'followup'];
export const PHASE_WORDS: ReadonlySet<string> = new Set([...BEFORE, ...AFTER, 'during']);

/** Words of time that name a step only beside a number (`week 1`, `3 months`): alone they are a clock's columns. */
export const COUNTED_WORDS: ReadonlySet<string> = new Set(['visit', 'week', 'month', 'year', 'day', 'hour', 'quarter'].flatMap((w) => [w, `${w}s`]));

/** A name's letters alone, in lower case: its stem (`Week 1` → `week`, `acc_x_3` → `accx`). */
export function letters(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}]+/gu, '');
}

/**
 * Weeks, months and sessions as study tables abbreviate them (`wk1`, `session1`, `TP1`); not a letter alone (`v1 …`
 * and `w1 …` are as often a signal's samples: a voltage, a weight).
 */
const ABBREVIATED = new Set(['wk', 'wks', 'mo', 'yr', 'hr', 'session', 'sessions', 'sess', 'tp', 'timepoint']);

/**
 * Whether `name`, before (or after) a series of counted steps (`week1 … week12`, `Visit 1 … Visit 9`, `wk1 …`), is a
 * phase of the study they count: `baseline` or `Screening` before them, `post` or `Follow-up` after, alone or numbered.
 */
export function isPhaseBeside(name: string, series: readonly string[], before: boolean): boolean {
  const stem = letters(series[0] ?? '');
  return (COUNTED_WORDS.has(stem) || ABBREVIATED.has(stem)) && (before ? BEFORE : AFTER).includes(letters(name));
}
