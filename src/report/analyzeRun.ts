import * as path from 'path';
import { LogClock } from '../logcheck/logTimes.js';
import { parseLogLine, type SpecEvent } from '../log/specSentences.js';
import { checkLogs, type PeerLog, type RunFacts, type Violation } from '../logcheck/checkLogs.js';
import { checklist, type Requirement } from './checklist.js';
import { debugFactsOf, readDebugLogsBeside, type DebugFacts, type DebugLog } from './debugLogs.js';
import { refineTimes, type LoggedTime } from './finerTimes.js';
import { resolutionOf } from './timeResolution.js';

export interface TimedEvent extends LoggedTime {
  event: SpecEvent;
  /** The whole protocol-log line. */
  text: string;
}

export interface PeerStory {
  peerId: number;
  file: string;
  events: TimedEvent[];
  /** (time, pieces held) after each downloaded piece. */
  progress: { ms: number; count: number }[];
  completedMs?: number;
  /** When the peer started: its debug log's first line, when there is one. */
  startedMs?: number;
  /** How finely the times the report shows (pieces, completion, chokes) are known: 1000 for whole seconds. */
  resolutionMs: number;
  /** The debug log whose times refined this peer's, if any. */
  finerTimesFrom?: string;
  /** Intervals during which each neighbour kept this peer unchoked. */
  unchokedBy: Map<number, { fromMs: number; toMs: number }[]>;
}

/** What is known of the run's config: Common.cfg and PeerInfo.cfg when given, else what the debug logs say. */
export interface ReportFacts extends RunFacts {
  /** p. */
  unchokingIntervalMs?: number;
  /** m. */
  optimisticUnchokingIntervalMs?: number;
}

export interface ReportInputs {
  /** Our peers' debug logs (finer times, p and m); by default the ones beside the protocol logs. */
  debugLogs?: readonly DebugLog[];
}

export interface RunStories {
  peers: PeerStory[];
  /** The first and last protocol-log times; NaN when no time could be read. */
  startMs: number;
  endMs: number;
  /** How finely the run's times are known: the coarsest of its peers' (1000 ms when any writes whole seconds). */
  resolutionMs: number;
  /** pieces[from][to]: pieces `to` downloaded from `from`. */
  transfers: Map<number, Map<number, number>>;
  violations: Violation[];
  facts: ReportFacts;
  /** Where the protocol logs are. */
  logDir: string;
  /** Peers of PeerInfo.cfg without a protocol log. */
  missingLogs: number[];
}

export interface RunAnalysis extends RunStories {
  requirements: Requirement[];
}

export type { Requirement };

/** Everything the report shows, from the protocol logs (plus the config and our debug logs when there). */
export function analyzeRun(logs: readonly PeerLog[], given: ReportFacts = {}, inputs: ReportInputs = {}): RunAnalysis {
  const debug = (inputs.debugLogs ?? readDebugLogsBeside(logs)).map(debugFactsOf);
  const facts = withDebugConfig(given, debug);
  const peers = logs.map((log) => storyOf(log, debug.find((d) => d.peerId === log.peerId)));
  const times = peers.flatMap((p) => p.events.map((e) => e.ms)).filter((ms) => !Number.isNaN(ms));
  const transfers = new Map<number, Map<number, number>>();
  for (const peer of peers) {
    for (const { event } of peer.events) {
      if (event.kind !== 'downloadedPiece') continue;
      const row = transfers.get(event.other) ?? new Map<number, number>();
      transfers.set(event.other, row.set(peer.peerId, (row.get(peer.peerId) ?? 0) + 1));
    }
  }
  const stories: RunStories = {
    peers,
    startMs: times.length > 0 ? times.reduce((a, b) => Math.min(a, b)) : NaN,
    endMs: times.length > 0 ? times.reduce((a, b) => Math.max(a, b)) : NaN,
    resolutionMs: peers.reduce((coarsest, p) => Math.max(coarsest, p.resolutionMs), 1),
    transfers,
    // The config given, as check-logs uses it: the debug logs' k only titles the checklist.
    violations: checkLogs(logs, given),
    facts,
    logDir: logs.length > 0 ? path.dirname(logs[0].file) : '.',
    missingLogs: (facts.peers ?? []).map((p) => p.peerId).filter((id) => !logs.some((log) => log.peerId === id)),
  };
  return { ...stories, requirements: checklist(stories) };
}

/** The config's values win; the debug logs fill in what it does not say (p and m, or all of it without --config-dir). */
function withDebugConfig(given: ReportFacts, debug: DebugFacts[]): ReportFacts {
  const read = debug.find((d) => d.config)?.config;
  return {
    ...given,
    k: given.k ?? read?.k,
    unchokingIntervalMs: given.unchokingIntervalMs ?? read?.unchokingIntervalMs,
    optimisticUnchokingIntervalMs: given.optimisticUnchokingIntervalMs ?? read?.optimisticUnchokingIntervalMs,
  };
}

/** The kinds of event whose times the report shows. */
const SHOWN_TIMES: ReadonlySet<SpecEvent['kind']> = new Set(['downloadedPiece', 'completeFile', 'unchokedBy', 'chokedBy']);

function storyOf(log: PeerLog, debug: DebugFacts | undefined): PeerStory {
  // Read as check-logs reads it: bare times of day go on past midnight.
  const clock = new LogClock();
  const logged = log.lines.flatMap((text): TimedEvent[] => {
    const parsed = parseLogLine(text);
    if (!parsed) return [];
    return [{ ms: Math.round(clock.secondsOf(parsed.time) * 1000), resolutionMs: resolutionOf(parsed.time), sentence: parsed.sentence, event: parsed.event, text }];
  });
  const events = debug ? refineTimes(logged, debug.repeats, debug.resolutionMs) : logged;
  const shown = events.filter((e) => SHOWN_TIMES.has(e.event.kind));
  // A seeder shows no times of its own: its resolution is that of the lines its debug log refined, if any.
  const finer = events.filter((e, i) => e.resolutionMs !== logged[i].resolutionMs);
  const basis = shown.length > 0 ? shown : finer.length > 0 ? finer : events;
  const resolutionMs = basis.reduce((coarsest, e) => Math.max(coarsest, e.resolutionMs), 1);
  return {
    peerId: log.peerId,
    file: log.file,
    events,
    progress: events.flatMap(({ ms, event }) => (event.kind === 'downloadedPiece' ? [{ ms, count: event.count }] : [])),
    completedMs: events.find((e) => e.event.kind === 'completeFile')?.ms,
    startedMs: debug?.startMs,
    resolutionMs: events.length > 0 ? resolutionMs : 1000,
    finerTimesFrom: finer.length > 0 ? debug?.file : undefined,
    unchokedBy: unchokeIntervals(events),
  };
}

function unchokeIntervals(events: readonly TimedEvent[]): Map<number, { fromMs: number; toMs: number }[]> {
  const unchokedBy = new Map<number, { fromMs: number; toMs: number }[]>();
  const openSince = new Map<number, number>();
  const lastMs = events.at(-1)?.ms ?? 0;
  for (const { ms, event } of events) {
    if (event.kind === 'unchokedBy' && !openSince.has(event.other)) openSince.set(event.other, ms);
    if (event.kind === 'chokedBy' && openSince.has(event.other)) {
      const list = unchokedBy.get(event.other) ?? [];
      unchokedBy.set(event.other, [...list, { fromMs: openSince.get(event.other)!, toMs: ms }]);
      openSince.delete(event.other);
    }
  }
  for (const [other, fromMs] of openSince) unchokedBy.set(other, [...(unchokedBy.get(other) ?? []), { fromMs, toMs: lastMs }]);
  return unchokedBy;
}
