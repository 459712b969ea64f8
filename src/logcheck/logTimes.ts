import { parseLogTime } from '../log/logTime.js';
import type { PeerLog, Timed, Violation } from './checkLogs.js';

const DAY_SECONDS = 24 * 3600;

/**
 * A step forward longer than this between two lines of one log is a clock or
 * a date gone wrong. A peer's log may pause (a swarm waiting for a restarted
 * peer logs nothing), so the bound is generous; one line out of place is
 * caught whatever its size, by its neighbours.
 */
const JUMP_SECONDS = DAY_SECONDS;

/**
 * Logs of one run overlap in time: each peer's first line is a connection
 * that the peer at the other end logs too, and every peer runs until all
 * have the file. A log this far clear of all the others has a clock or date
 * off, or is another run's.
 */
const APART_SECONDS = 3600;

/**
 * Seconds of one log's times, read in order. parseLogTime reads a bare time
 * of day as that time on 1970-01-01: a log of such times that passes midnight
 * goes on the next day, not back to its start.
 */
export class LogClock {
  private day = 0;
  private lastTimeOfDay?: number;

  secondsOf(time: string): number {
    const seconds = parseLogTime(time) / 1000;
    if (!(seconds < DAY_SECONDS)) return seconds; // a date, or NaN
    if (this.lastTimeOfDay !== undefined && seconds + this.day < this.lastTimeOfDay - DAY_SECONDS / 2) this.day += DAY_SECONDS;
    this.lastTimeOfDay = seconds + this.day;
    return this.lastTimeOfDay;
  }
}

export function unreadableTime(time: string): string {
  return `cannot read the time '${time}': the spec asks for the date, hours, minutes and seconds`;
}

/**
 * Times never go back within a log. A line whose neighbours agree with each
 * other but not with it is the one out of place (a line moved back an hour,
 * a date a year ahead); otherwise a step back, or a step forward past
 * JUMP_SECONDS, is reported where it happens, with the time before it.
 */
export function checkTimeOrder(log: PeerLog, events: readonly Timed[], violations: Violation[]): void {
  const timed = events.filter(({ seconds }) => !Number.isNaN(seconds));
  const fail = (line: number, rule: string, detail: string) => violations.push({ file: log.file, line, rule, detail });
  let previous: Timed | undefined;
  timed.forEach((current, i) => {
    const next = timed[i + 1];
    if (previous && next && previous.seconds <= next.seconds && (current.seconds < previous.seconds || current.seconds > next.seconds)) {
      const [off, direction] = current.seconds > next.seconds ? [current.seconds - next.seconds, 'after'] : [previous.seconds - current.seconds, 'before'];
      const around = `line ${previous.line}: ${previous.time}; line ${next.line}: ${next.time}`;
      fail(current.line, 'time order', `the time ${current.time} is out of place, ${duration(off)} ${direction} the lines around it (${around})`);
      return; // the line is off, not the ones after it: they follow its previous line
    }
    if (previous && current.seconds < previous.seconds) {
      fail(current.line, 'time order', `the time goes back ${duration(previous.seconds - current.seconds)}, to ${current.time} after ${previous.time} on line ${previous.line}`);
    } else if (previous && current.seconds - previous.seconds > JUMP_SECONDS) {
      fail(current.line, 'time jump', `the time jumps ${duration(current.seconds - previous.seconds)} ahead, to ${current.time} after ${previous.time} on line ${previous.line}`);
    }
    previous = current;
  });
}

interface Span {
  log: PeerLog;
  first: Timed;
  last: Timed;
}

/**
 * Logs of one run overlap (see APART_SECONDS): logs are grouped by times less
 * than that apart, and each log outside the largest group is reported, with
 * how far it is from the others. Dated logs and time-of-day logs are not one
 * clock, so each kind is grouped on its own.
 */
export function checkLogsTogether(logs: readonly PeerLog[], parsed: ReadonlyMap<number, Timed[]>, violations: Violation[]): void {
  const spans = logs.flatMap((log): Span[] => {
    const timed = parsed.get(log.peerId)!.filter(({ seconds }) => !Number.isNaN(seconds));
    if (timed.length === 0) return [];
    const first = timed.reduce((earliest, e) => (e.seconds < earliest.seconds ? e : earliest));
    const last = timed.reduce((latest, e) => (e.seconds >= latest.seconds ? e : latest));
    return [{ log, first, last }];
  });
  const timeOfDay = (span: Span) => span.first.seconds < DAY_SECONDS;
  for (const kind of [spans.filter(timeOfDay), spans.filter((span) => !timeOfDay(span))]) {
    const groups = groupsApart(kind);
    if (groups.length < 2) continue;
    const main = groups.reduce((largest, group) => (group.length > largest.length ? group : largest));
    const whole = spanOf(main);
    for (const span of groups.filter((group) => group !== main).flat()) {
      const [gap, side] = span.first.seconds > whole.last.seconds ? [span.first.seconds - whole.last.seconds, 'after'] : [whole.first.seconds - span.last.seconds, 'before'];
      violations.push({
        file: span.log.file,
        line: span.first.line,
        rule: 'times of one run',
        detail:
          `its times (${span.first.time} to ${span.last.time}) are ${duration(gap)} ${side} the other logs' (${whole.first.time} to ${whole.last.time}): ` +
          "a clock or date off, or another run's log?",
      });
    }
  }
}

/** Spans in time order, split where no log covers APART_SECONDS or more. */
function groupsApart(spans: readonly Span[]): Span[][] {
  const groups: Span[][] = [];
  let end = -Infinity;
  for (const span of [...spans].sort((a, b) => a.first.seconds - b.first.seconds)) {
    if (span.first.seconds - end >= APART_SECONDS) groups.push([]);
    groups.at(-1)!.push(span);
    end = Math.max(end, span.last.seconds);
  }
  return groups;
}

function spanOf(spans: readonly Span[]): { first: Timed; last: Timed } {
  const first = spans.reduce((a, b) => (b.first.seconds < a.first.seconds ? b : a)).first;
  const last = spans.reduce((a, b) => (b.last.seconds > a.last.seconds ? b : a)).last;
  return { first, last };
}

/** "365 days", "2 h 5 min", "12 min 3 s", "0.25 s". */
export function duration(seconds: number): string {
  if (seconds >= 2 * DAY_SECONDS) return `${Math.round(seconds / DAY_SECONDS)} days`;
  const [h, min, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), Number((seconds % 60).toFixed(3))];
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`;
  if (min > 0) return s > 0 ? `${min} min ${Math.round(s)} s` : `${min} min`;
  return `${s} s`;
}
