// Dates and times in a long file's time column, as telemetry and loggers write them: ISO 8601, a date
// (2024-05-01), or a date and time of day (2024-05-01T12:00, 2024-05-01 12:00:00.250, …Z, …+02:00). They only
// order a sequence's rows, so each becomes milliseconds since 1970 in UTC: a time without an offset is taken as
// UTC, which orders a day's local times as written (a clock's change to summer time would otherwise make an hour
// repeat or vanish). Fractions of a second count to the microsecond. Pure.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

// Dates written day or month first, with slashes, dots or dashes, or years first with slashes, dots or unpadded
// (01.05.2024, 5/1/2024 12:00 PM, 2024/05/01, 2024-5-1), ISO 8601's compact form (20240501T120000Z), and a time of
// day alone with its seconds or AM/PM (12:00:00.250, 1:05 PM). Each part within its range, a year of four digits
// 1900–2099, and one of two only before a time of day, so that version numbers (1.10.12, 10.3.1234), scores and
// ratios (3:10, 1/2/24) are not taken for dates.
const DAY_FIRST = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:[T ,;]+(.*))?$/;
const YEAR_FIRST = /^(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?:[T ,;]+(.*))?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,:]\d+)?)?\s*([AP]M)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Whether `cell` is a date or a time of day written other than as ISO 8601 (which parseTimestamp reads). */
export function isOtherDateOrTime(cell: string): boolean {
  const c = cell.trim();
  if (Number.isFinite(parseTimestamp(c))) return false;
  const day = DAY_FIRST.exec(c);
  if (day !== null) {
    const [a, b, y] = [Number(day[1]), Number(day[3]), day[4]];
    const year = y.length === 4 ? Number(y) : 2000 + Number(y);
    const dated = (y.length === 2 || isYear(year)) && (isDate(year, b, a) || isDate(year, a, b));
    return dated && (day[5] === undefined ? y.length === 4 : isClock(day[5], false));
  }
  const ymd = YEAR_FIRST.exec(c);
  if (ymd !== null) return isYear(Number(ymd[1])) && isDate(Number(ymd[1]), Number(ymd[3]), Number(ymd[4])) && (ymd[5] === undefined || isClock(ymd[5], false));
  const compact = COMPACT.exec(c);
  if (compact !== null) {
    const [year, month, date, hour, minute, second] = compact.slice(1, 7).map((p) => Number(p ?? 0));
    return isYear(year) && isDate(year, month, date) && hour <= 23 && minute <= 59 && second <= 60;
  }
  return isClock(c, true);
}

function isYear(year: number): boolean {
  return year >= 1900 && year <= 2099;
}

function isDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/**
 * A time of day (12:00, 12:00:00.250, 1:05 PM, with an offset), with its seconds or AM/PM where `alone` (without a
 * date, 3:10 may be a score).
 */
function isClock(text: string, alone: boolean): boolean {
  const m = CLOCK.exec(text.trim());
  if (m === null || (alone && m[3] === undefined && m[4] === undefined)) return false;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const hours = m[4] === undefined ? hour <= 23 : hour >= 1 && hour <= 12;
  return hours && minute <= 59 && second <= 60;
}

/** `cell` as milliseconds since 1970-01-01T00:00Z when it is an ISO 8601 date or date and time; NaN otherwise. */
export function parseTimestamp(cell: string): number {
  const m = ISO.exec(cell.trim());
  if (m === null) return NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;
  const micros = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1e6);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // Date.UTC would read the years 0–99 as 1900–1999
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime() + micros / 1000 - offsetMinutes(m[8]) * 60_000;
}

function daysIn(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** An offset's minutes east of UTC: `Z` or none 0, `+02:00`, `-0530`, `+02`. */
function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** A time the reader holds, for a message: a date and time as ISO 8601 (UTC), a number as it is. */
export function showTimestamp(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  const micros = Math.round((ms - Math.floor(ms)) * 1000);
  return micros === 0 ? iso : iso.replace('Z', `${String(micros).padStart(3, '0')}Z`);
}
