/**
 * Milliseconds from a log line's time, in the formats implementations commonly
 * use: `2026-11-21 10:15:04`, ISO 8601, `Sat Nov 21 10:15:04 2026` (Java's
 * Date, whatever its zone's name), `11/21/2026 10:15:04`, day first when the
 * day says so (`21/11/2026`, `21.11.2026`), any of them in brackets or with
 * fractions of a second, or a bare `10:15:04` (then counted from midnight,
 * which orders lines within one day). NaN when unreadable.
 */
export function parseLogTime(text: string): number {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1').trim();
  const timeOnly = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?$/.exec(bare);
  if (timeOnly) {
    const [, h, m, s, fraction] = timeOnly;
    if (Number(h) > 23 || Number(m) > 59 || Number(s) > 59) return NaN;
    return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number((fraction ?? '0').slice(0, 3).padEnd(3, '0'));
  }
  // Date.parse alone is lenient ("tick 10" is a date to it): a time of day must be there.
  if (!/\d{1,2}:\d{2}:\d{2}/.test(bare)) return NaN;
  const isoLike = Date.parse(bare.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T').replace(',', '.'));
  if (!Number.isNaN(isoLike)) return isoLike;
  const lenient = Date.parse(bare);
  if (!Number.isNaN(lenient)) return lenient;
  return Date.parse(dayFirstAsIso(bare) ?? withoutZoneName(bare));
}

/** `21/11/2026 10:15:04` (or with - or .) as `2026-11-21T10:15:04`; undefined when the text does not start with a date in that order. */
function dayFirstAsIso(text: string): string | undefined {
  const date = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})[ T]+(.*)$/.exec(text);
  if (!date) return undefined;
  const [, day, month, year, rest] = date;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}T${rest.replace(',', '.')}`;
}

/** Zone names Date.parse does not know (`CET`, `IST`, ...) left out: the time is read as local time. */
function withoutZoneName(text: string): string {
  return text.replace(/ [A-Z]{3,5}(?= \d{4}$)| [A-Z]{3,5}$/, '');
}
