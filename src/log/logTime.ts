/**
 * Milliseconds from a log line's time, in the formats implementations commonly
 * use: `2026-11-21 10:15:04`, ISO 8601, `Sat Nov 21 10:15:04 2026`, any of
 * them in brackets or with milliseconds, or a bare `10:15:04` (then counted
 * from midnight, which orders lines within one day). NaN when unreadable.
 */
export function parseLogTime(text: string): number {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1').trim();
  const timeOnly = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?$/.exec(bare);
  if (timeOnly) {
    const [, h, m, s, ms] = timeOnly;
    return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number((ms ?? '0').padEnd(3, '0'));
  }
  // Date.parse alone is lenient ("tick 10" is a date to it): a time of day must be there.
  if (!/\d{1,2}:\d{2}:\d{2}/.test(bare)) return NaN;
  const isoLike = Date.parse(bare.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T').replace(',', '.'));
  return Number.isNaN(isoLike) ? Date.parse(bare) : isoLike;
}
