// Words that name a phase of a trial or a study (pre, baseline, followup): steps of a series whose steps have
// names, as months are. The quantity warning and the odd-column refusal both read them. Pure.

export const PHASE_WORDS: ReadonlySet<string> = new Set('pre post before during after baseline screening followup'.split(' '));

/** Whether a column's name is a phase's, alone or numbered, in any case or spelling (`Baseline`, `post 2`, `Follow-up`). */
export function isPhaseName(name: string): boolean {
  return PHASE_WORDS.has(name.toLowerCase().replace(/[^\p{L}]+/gu, ''));
}
