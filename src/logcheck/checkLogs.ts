import { parseLogLine, type SpecEvent } from '../log/specSentences.js';
import { checkChokesMatchSender } from './chokesMatchSender.js';
import { closestSentence } from './closestSentence.js';
import { LogClock, checkLogsTogether, checkTimeOrder, unreadableTime } from './logTimes.js';

/** One peer's protocol log, as read from `log_peer_<id>.log`. */
export interface PeerLog {
  peerId: number;
  file: string;
  lines: string[];
}

/** What the checker knows of the run, when Common.cfg and PeerInfo.cfg are at hand. */
export interface RunFacts {
  pieceCount?: number;
  /** NumberOfPreferredNeighbors. */
  k?: number;
  /** PeerInfo.cfg order, with who started with the file. */
  peers?: readonly { peerId: number; hasFile: boolean }[];
}

export interface Violation {
  file: string;
  /** 1-based; absent for a rule about the whole log. */
  line?: number;
  rule: string;
  detail: string;
  /**
   * What makes violations of a rule one mistake repeated (see groupViolations);
   * when absent, the detail with its numbers left out.
   */
  shape?: string;
}

export interface Timed {
  /** Seconds since the epoch, or NaN when the time format is not one we read. */
  seconds: number;
  /** As the line writes it. */
  time: string;
  event: SpecEvent;
  line: number;
}

/**
 * Checks protocol logs against the spec's sentences and the cross-peer rules
 * logs can show. Logs of any spec-conforming implementation are accepted, in
 * any time format parseLogTime reads; each line's time must be readable and
 * in order, and the logs' times must be of one run.
 */
export function checkLogs(logs: readonly PeerLog[], facts: RunFacts = {}): Violation[] {
  const violations: Violation[] = [];
  const parsed = new Map<number, Timed[]>();
  for (const log of logs) parsed.set(log.peerId, readLog(log, violations));
  checkLogsTogether(logs, parsed, violations);
  const pieceCount = facts.pieceCount ?? inferPieceCount(parsed);
  for (const log of logs) checkDownloads(log, parsed.get(log.peerId)!, pieceCount, facts, violations);
  if (facts.peers) checkConnections(logs, parsed, facts.peers, violations);
  if (facts.k !== undefined) checkUnchokedAtOnce(logs, parsed, facts.k, violations);
  checkChokesMatchSender(logs, parsed, UNCHOKE_TOLERANCE_SECONDS, violations);
  return violations;
}

function readLog(log: PeerLog, violations: Violation[]): Timed[] {
  const events: Timed[] = [];
  const clock = new LogClock();
  log.lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const parsed = parseLogLine(text);
    if (!parsed) {
      const closest = closestSentence(text);
      const hint = closest ? ` — closest spec sentence: '${closest.form}' — ${closest.differences}` : '';
      violations.push({ file: log.file, line: i + 1, rule: 'spec sentence', detail: `not one of the spec's sentences: ${text}${hint}`, shape: closest?.differences });
    } else if (parsed.event.peer !== log.peerId) {
      violations.push({ file: log.file, line: i + 1, rule: 'own peer', detail: `a sentence about peer ${parsed.event.peer} in the log of peer ${log.peerId}` });
    } else {
      const seconds = clock.secondsOf(parsed.time);
      if (Number.isNaN(seconds)) violations.push({ file: log.file, line: i + 1, rule: 'time', detail: unreadableTime(parsed.time) });
      events.push({ seconds, time: parsed.time, event: parsed.event, line: i + 1 });
    }
  });
  checkTimeOrder(log, events, violations);
  return events;
}

/** Without Common.cfg: the highest count any peer reached. */
function inferPieceCount(parsed: Map<number, Timed[]>): number | undefined {
  let most: number | undefined;
  for (const events of parsed.values()) {
    for (const { event } of events) if (event.kind === 'downloadedPiece') most = Math.max(most ?? 0, event.count);
  }
  return most;
}

/** Counts rise by one, no piece twice, the count ends at the total, "complete file" once and last. */
function checkDownloads(log: PeerLog, events: Timed[], pieceCount: number | undefined, facts: RunFacts, violations: Violation[]): void {
  const fail = (rule: string, detail: string, line?: number) => violations.push({ file: log.file, line, rule, detail });
  const seeder = facts.peers?.find((p) => p.peerId === log.peerId)?.hasFile;
  const pieces = new Set<number>();
  let count: number | undefined;
  let completes = 0;
  for (const { event, line } of events) {
    if (event.kind === 'downloadedPiece') {
      if (count !== undefined && event.count !== count + 1) fail('count rises by one', `count ${event.count} after ${count}`, line);
      if (pieces.has(event.index)) fail('no piece twice', `piece ${event.index} downloaded again`, line);
      if (pieceCount !== undefined && event.index >= pieceCount) fail('piece index', `piece ${event.index} of ${pieceCount}`, line);
      pieces.add(event.index);
      count = event.count;
      if (completes > 0) fail('complete file last', 'a piece downloaded after "has downloaded the complete file"', line);
    } else if (event.kind === 'completeFile') {
      completes++;
      if (completes > 1) fail('complete file once', '"has downloaded the complete file" again', line);
      if (pieceCount !== undefined && count !== pieceCount) fail('complete file last', `complete file logged at count ${count ?? 0} of ${pieceCount}`, line);
    }
  }
  if (seeder) {
    if (completes > 0 || pieces.size > 0) fail('seeder', 'a peer that started with the file logs no downloads and no "complete file"');
    return;
  }
  if (seeder === false || pieces.size > 0) {
    if (pieceCount !== undefined && count !== pieceCount) fail('count ends at the total', `the count ends at ${count ?? 0}, not ${pieceCount}`);
    if (completes === 0) fail('complete file once', 'no "has downloaded the complete file"');
  }
}

/** Each peer dials every peer listed before it and is dialled by every peer listed after it. */
function checkConnections(logs: readonly PeerLog[], parsed: Map<number, Timed[]>, peers: readonly { peerId: number }[], violations: Violation[]): void {
  for (const log of logs) {
    const position = peers.findIndex((p) => p.peerId === log.peerId);
    if (position < 0) continue;
    const events = parsed.get(log.peerId)!;
    const dialled = new Set(events.flatMap(({ event }) => (event.kind === 'makesConnection' ? [event.other] : [])));
    const accepted = new Set(events.flatMap(({ event }) => (event.kind === 'connectedFrom' ? [event.other] : [])));
    const missing = [
      ...peers.slice(0, position).filter((p) => !dialled.has(p.peerId)).map((p) => `makes a connection to Peer ${p.peerId}`),
      ...peers.slice(position + 1).filter((p) => !accepted.has(p.peerId)).map((p) => `is connected from Peer ${p.peerId}`),
    ];
    for (const sentence of missing) violations.push({ file: log.file, rule: 'connections', detail: `no "${sentence}"` });
  }
}

/**
 * Two logs' clocks and delays: a moment over the limit shorter than this, or a
 * choke or unchoke this far from the sender's choice, is not a peer's choice.
 */
const UNCHOKE_TOLERANCE_SECONDS = 2;

/**
 * At most k preferred plus one optimistic neighbour unchoked by a peer at
 * once, as its neighbours saw it. Events of one second in different files
 * have no order between them, and a choke and the unchoke that replaces it
 * can be logged a moment apart, so only an excess that lasts reports.
 * A neighbour whose log has ended no longer counts.
 */
function checkUnchokedAtOnce(logs: readonly PeerLog[], parsed: Map<number, Timed[]>, k: number, violations: Violation[]): void {
  type Change = { seconds: number; by?: number; who: number; unchoked: boolean };
  const changes: Change[] = [];
  for (const log of logs) {
    const events = parsed.get(log.peerId)!;
    if (events.some(({ seconds }) => Number.isNaN(seconds))) return; // times we cannot read: the rule cannot be checked
    for (const { seconds, event } of events) {
      if (event.kind === 'unchokedBy' || event.kind === 'chokedBy') changes.push({ seconds, by: event.other, who: event.peer, unchoked: event.kind === 'unchokedBy' });
      // Protocol: every connection starts choked both ways; a reconnection (a restart after a crash, say)
      // ends what the lost connection had unchoked, though no choke was ever logged for it.
      if (event.kind === 'makesConnection' || event.kind === 'connectedFrom') {
        changes.push({ seconds, by: event.other, who: event.peer, unchoked: false }, { seconds, by: event.peer, who: event.other, unchoked: false });
      }
    }
    const last = events.at(-1);
    if (last) changes.push({ seconds: last.seconds + 1, who: log.peerId, unchoked: false }); // it left
  }
  changes.sort((a, b) => a.seconds - b.seconds);
  const unchokedBy = new Map<number, Set<number>>();
  const overSince = new Map<number, number>();
  const reported = new Set<number>();
  const report = (by: number, since: number) => {
    if (reported.has(by)) return;
    reported.add(by);
    violations.push({
      file: logs.find((l) => l.peerId === by)?.file ?? `log_peer_${by}.log`,
      rule: 'at most k+1 unchoked',
      detail: `peer ${by} had more than k+1 = ${k + 1} neighbours unchoked from ${new Date(since * 1000).toISOString()} on (seen in their logs)`,
    });
  };
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    for (const [by, who] of unchokedBy) if (change.by === undefined || change.by === by) who.delete(change.who);
    if (change.by !== undefined && change.unchoked) {
      let set = unchokedBy.get(change.by);
      if (!set) unchokedBy.set(change.by, (set = new Set()));
      set.add(change.who);
    }
    if (i < changes.length - 1 && changes[i + 1].seconds === change.seconds) continue; // judge at the end of each second
    for (const [by, who] of unchokedBy) {
      const since = overSince.get(by);
      if (who.size > k + 1) {
        if (since === undefined) overSince.set(by, change.seconds);
      } else if (since !== undefined) {
        // The excess is over: it counts if it lasted.
        if (change.seconds - since >= UNCHOKE_TOLERANCE_SECONDS) report(by, since);
        overSince.delete(by);
      }
    }
  }
}
