import type { Repeat } from './debugLogs.js';

export interface LoggedTime {
  ms: number;
  resolutionMs: number;
  /** The spec sentence, without the time. */
  sentence: string;
}

/**
 * A repeat a moment after the protocol line's second ends is still the same
 * event: the two logs take the clock one after the other.
 */
const SLACK_MS = 250;

/**
 * Gives protocol-log events the finer times of their repeats in the debug
 * log. One process writes both logs in the same order, so the n-th
 * repeat of a sentence is its n-th protocol line; a repeat must also fall in
 * the second the protocol line names, or the event keeps its own time.
 */
export function refineTimes<T extends LoggedTime>(events: readonly T[], repeats: readonly Repeat[], resolutionMs: number): T[] {
  const timesOf = new Map<string, number[]>();
  for (const { sentence, ms } of repeats) {
    const times = timesOf.get(sentence);
    if (times) times.push(ms);
    else timesOf.set(sentence, [ms]);
  }
  const used = new Map<string, number>();
  return events.map((event) => {
    if (resolutionMs >= event.resolutionMs) return event;
    const times = timesOf.get(event.sentence) ?? [];
    let next = used.get(event.sentence) ?? 0;
    while (next < times.length && times[next] < event.ms - SLACK_MS) next++; // a repeat whose protocol line is gone
    const ms = times[next];
    if (ms === undefined || ms >= event.ms + event.resolutionMs + SLACK_MS) {
      used.set(event.sentence, next);
      return event;
    }
    used.set(event.sentence, next + 1);
    return { ...event, ms, resolutionMs };
  });
}
