/** "2026-11-21 10:15:04" in local time: date, hours, minutes and seconds, as the spec asks. */
export function formatTimestamp(epochMs: number): string {
  const t = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
}
