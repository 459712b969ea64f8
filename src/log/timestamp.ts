/** "2026-11-21 10:15:04" in local time: date, hours, minutes and seconds, as the spec asks. */
export function formatTimestamp(epochMs: number): string {
  const t = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
}

/** "2026-11-21 10:15:04.123": the same with milliseconds, for our own debug log (the report draws its times from it). */
export function formatTimestampMs(epochMs: number): string {
  return `${formatTimestamp(epochMs)}.${String(((epochMs % 1000) + 1000) % 1000).padStart(3, '0')}`;
}
