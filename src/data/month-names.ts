// The names of the months as headers write them: English, German, French and Spanish, whole or cut (Jan, Sept.,
// janv.). A header's columns named by them are a series of steps: the quantity warning takes them as steps, and the
// wide reader's odd-column check as a series (Year, Jan … Dec reads Year as a sample otherwise). Pure.

/** Each month's names, lower case, January first. */
export const MONTH_NAMES: readonly (readonly string[])[] = [
  'january jan januar janvier janv enero ene',
  'february feb februar février févr febrero',
  'march mar märz mär mars marzo',
  'april apr avril avr abril abr',
  'may mai mayo',
  'june jun juni juin junio',
  'july jul juli juillet juil julio',
  'august aug août agosto ago',
  'september sep sept septembre septiembre',
  'october oct oktober okt octobre octubre',
  'november nov novembre noviembre',
  'december dec dezember dez décembre déc diciembre dic',
].map((names) => names.split(' '));

const MONTH_OF = new Map(MONTH_NAMES.flatMap((names, m) => names.map((n) => [n, m] as const)));

/** The month (0 for January) a column name is, in any case and with a point after a cut name; undefined for any other name. */
export function monthOf(name: string): number | undefined {
  return MONTH_OF.get(name.trim().toLowerCase().replace(/\.$/, ''));
}

/** Whether names are months one after another (Jan … Dec, Oct … Sep, Jan … Dec … Jan). */
export function isMonthSeries(names: readonly string[]): boolean {
  const months = names.map(monthOf);
  return months.length > 0 && months.every((m, k) => m !== undefined && m === (months[0]! + k) % 12);
}
