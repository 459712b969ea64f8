/**
 * How finely a log line's time is written: 1000 ms for `10:15:04`, 1 ms for
 * `10:15:04.123`, 100 ms for `10:15:04,5`. A line stamped 10:15:04 happened
 * somewhere in that second, so the report says so rather than print 4.0 s.
 */
export function resolutionOf(timeText: string): number {
  const fraction = /\d{1,2}:\d{2}:\d{2}[.,](\d+)/.exec(timeText)?.[1];
  return fraction === undefined ? 1000 : 10 ** Math.max(0, 3 - fraction.length);
}

/** Seconds with as many decimals as the times carry: "9" at 1 s, "6.99" at 1 ms. */
export function formatSeconds(ms: number, resolutionMs: number): string {
  const decimals = resolutionMs >= 1000 ? 0 : resolutionMs >= 100 ? 1 : 2;
  return (ms / 1000).toFixed(decimals);
}
