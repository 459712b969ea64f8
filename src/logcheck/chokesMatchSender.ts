import type { PeerLog, Timed, Violation } from './checkLogs.js';

/** What a sender's log says it has chosen from one of its lines on: its latest preferred set and optimistic neighbour. */
interface Choice {
  seconds: number;
  /** The line that made this choice (0: before any). */
  line: number;
  preferred: readonly number[];
  preferredLine?: number;
  optimistic?: number;
  optimisticLine?: number;
}

/** The receiver's line's time, and the tolerance either side of it. */
interface Window {
  at: number;
  from: number;
  to: number;
}

/**
 * A choke or unchoke that peer A logs receiving from B must match the choices
 * B logs ("has the preferred neighbors", "has the optimistically unchoked
 * neighbor") within `toleranceSeconds` either side of A's line: B logs its
 * choice a moment after sending, A logs on receipt, and each log's clock
 * rounds on its own. B's choice at a moment is its latest such lines at or
 * before it; a choice of B's is "chosen" A when A is in that preferred set or
 * is that optimistic neighbour.
 *
 * What it proves:
 * - "unchoked by B" is reported when no choice of B's in force during the
 *   window includes A: B unchoked a neighbour it never said it chose (a peer
 *   that unchokes everybody fails here).
 * - "choked by B" is reported only when every choice of B's in force during
 *   the window includes A, and B's own log, from the line since which it has
 *   chosen A without a break up to the end of the window, shows A interested
 *   throughout (an 'interested' from A, no 'not interested' after it) and no
 *   new connection with A: B then dropped a neighbour that its log says it
 *   still chose and that could still be chosen.
 *
 * What it cannot see, so never reports: a preferred set that became empty or
 * an optimistic slot left empty (no sentence names nobody), a disconnect (no
 * sentence), the state a restarted peer lost. Those make B's latest lines
 * stale: an unchoke of A while a stale line still names A passes, and a choke
 * is explained by A's loss of interest or a new connection, which B does log.
 *
 * A line is judged only when both logs are here, every time in them is
 * readable, their spans overlap (a time-only log against a dated one, or two
 * time zones, are not one clock), and B's log goes on after the line without
 * a restart: its first line timed later exists and is not a connection line.
 * A restarted process's log starts with connection lines, a seeder's log may
 * start afresh, and a killed process loses its last unwritten lines: B's log
 * then lacks the lines that sent this message.
 */
export function checkChokesMatchSender(logs: readonly PeerLog[], parsed: ReadonlyMap<number, Timed[]>, toleranceSeconds: number, violations: Violation[]): void {
  const spans = new Map(logs.map((log) => [log.peerId, span(parsed.get(log.peerId)!)]));
  const choices = new Map(logs.map((log) => [log.peerId, choicesOf(parsed.get(log.peerId)!)]));
  const sameClock = (a: number, b: number) => {
    const [x, y] = [spans.get(a), spans.get(b)];
    return x !== undefined && y !== undefined && x.from <= y.to + toleranceSeconds && y.from <= x.to + toleranceSeconds;
  };
  for (const log of logs) {
    for (const { seconds, time, event, line } of parsed.get(log.peerId)!) {
      if (event.kind !== 'unchokedBy' && event.kind !== 'chokedBy') continue;
      const [receiver, sender] = [log.peerId, event.other];
      if (!sameClock(receiver, sender) || !goesOnAfter(parsed.get(sender)!, seconds)) continue;
      const senderChoices = choices.get(sender)!;
      const window: Window = { at: seconds, from: seconds - toleranceSeconds, to: seconds + toleranceSeconds };
      const detail =
        event.kind === 'unchokedBy'
          ? unexplainedUnchoke(senderChoices, receiver, window)
          : unexplainedChoke(senderChoices, parsed.get(sender)!, receiver, window);
      if (detail === undefined) continue;
      const received = event.kind === 'unchokedBy' ? 'unchoked' : 'choked';
      violations.push({
        file: log.file,
        line,
        rule: `${event.kind === 'unchokedBy' ? 'unchoke' : 'choke'} matches sender`,
        detail: `peer ${receiver} logged being ${received} by ${sender} at ${time}, but ${sender}${detail}`,
      });
    }
  }
}

/** The first and last time of a log, when it has lines and every time in it is readable. */
function span(events: readonly Timed[]): { from: number; to: number } | undefined {
  if (events.length === 0 || events.some(({ seconds }) => Number.isNaN(seconds))) return undefined;
  return { from: events[0].seconds, to: events.at(-1)!.seconds };
}

/** The first line of the log timed after `seconds` exists and is not a connection line (see above). */
function goesOnAfter(events: readonly Timed[], seconds: number): boolean {
  let [low, high] = [0, events.length]; // times in one log do not go back: the first later line by halving
  while (low < high) {
    const middle = (low + high) >> 1;
    if (events[middle].seconds > seconds) high = middle;
    else low = middle + 1;
  }
  const next = events[low]?.event.kind;
  return next !== undefined && next !== 'makesConnection' && next !== 'connectedFrom';
}

/** Each change of a peer's choice, in its log's order, after "nothing chosen yet". */
function choicesOf(events: readonly Timed[]): Choice[] {
  const choices: Choice[] = [{ seconds: -Infinity, line: 0, preferred: [] }];
  for (const { seconds, event, line } of events) {
    const before = choices.at(-1)!;
    if (event.kind === 'preferredNeighbors') choices.push({ ...before, seconds, line, preferred: event.neighbours, preferredLine: line });
    if (event.kind === 'optimisticNeighbor') choices.push({ ...before, seconds, line, optimistic: event.other, optimisticLine: line });
  }
  return choices;
}

/** Indices of the choices in force during the window: the one at its start, and every one made up to its end. */
function inForce(choices: readonly Choice[], window: Window): { first: number; last: number } {
  let first = 0;
  while (first + 1 < choices.length && choices[first + 1].seconds <= window.from) first++;
  let last = first;
  while (last + 1 < choices.length && choices[last + 1].seconds <= window.to) last++;
  return { first, last };
}

const chose = (choice: Choice, peer: number) => choice.preferred.includes(peer) || choice.optimistic === peer;

function describe(choices: readonly Choice[]): string {
  const one = (c: Choice) =>
    c.line === 0
      ? 'nothing chosen yet'
      : [
          c.preferredLine === undefined ? 'no preferred neighbors' : `preferred ${c.preferred.join(',')} since line ${c.preferredLine}`,
          c.optimisticLine === undefined ? 'no optimistic neighbor' : `optimistic ${c.optimistic} since line ${c.optimisticLine}`,
        ].join('; ');
  return `(${choices.map(one).join(', then ')})`;
}

/** Why an unchoke of `receiver` does not match the sender's choices, or undefined when some choice in the window includes it. */
function unexplainedUnchoke(choices: readonly Choice[], receiver: number, window: Window): string | undefined {
  const { first, last } = inForce(choices, window);
  const around = choices.slice(first, last + 1);
  if (around.some((c) => chose(c, receiver))) return undefined;
  return `'s choices around then ${describe(around)} did not include ${receiver}`;
}

/**
 * Why a choke of `receiver` contradicts the sender's log, or undefined when
 * the sender dropped it during the window, or its log shows a reason to.
 */
function unexplainedChoke(choices: readonly Choice[], senderEvents: readonly Timed[], receiver: number, window: Window): string | undefined {
  const { first, last } = inForce(choices, window);
  if (!choices.slice(first, last + 1).every((c) => chose(c, receiver))) return undefined;
  let since = first;
  while (chose(choices[since - 1], receiver)) since--; // choices[0] chooses nobody
  if (mayDrop(senderEvents, receiver, choices[since].line, window.to)) return undefined;
  return (
    ` had chosen ${receiver} without a break from its line ${choices[since].line} until ${window.to - window.at} s after ${describe(choices.slice(since, last + 1))},` +
    ` and its log shows ${receiver} interested all along and no new connection with it`
  );
}

/**
 * The sender's log, from line `fromLine` up to the time `until`, shows a
 * reason to choke `receiver`: not interested at some moment (it never said
 * 'interested', or said 'not interested'), or a connection with it made anew
 * (one of them restarted, and the choices before are void).
 */
function mayDrop(senderEvents: readonly Timed[], receiver: number, fromLine: number, until: number): boolean {
  let interested = false;
  for (const { seconds, event, line } of senderEvents) {
    if (line > fromLine && seconds > until) break;
    if ('other' in event && event.other === receiver) {
      if (event.kind === 'receivedInterested') interested = true;
      if (event.kind === 'receivedNotInterested' || event.kind === 'makesConnection' || event.kind === 'connectedFrom') interested = false;
    }
    if (line >= fromLine && !interested) return true;
  }
  return false;
}
