import { parseLogTime } from '../log/logTime';
import { parseLogLine, type SpecEvent } from '../log/specSentences';
import { checkLogs, type PeerLog, type RunFacts, type Violation } from '../logcheck/checkLogs';

export interface TimedEvent {
  ms: number;
  event: SpecEvent;
  text: string;
}

export interface PeerStory {
  peerId: number;
  events: TimedEvent[];
  /** (time, pieces held) after each downloaded piece. */
  progress: { ms: number; count: number }[];
  completedMs?: number;
  /** Intervals during which each neighbour kept this peer unchoked. */
  unchokedBy: Map<number, { fromMs: number; toMs: number }[]>;
}

export interface Requirement {
  title: string;
  met: boolean;
  /** Log lines that show it (a few). */
  evidence: string[];
}

export interface RunAnalysis {
  peers: PeerStory[];
  startMs: number;
  endMs: number;
  /** pieces[from][to]: pieces `to` downloaded from `from`. */
  transfers: Map<number, Map<number, number>>;
  requirements: Requirement[];
  violations: Violation[];
}

/** Everything the report shows, from the protocol logs alone (plus the config when known). */
export function analyzeRun(logs: readonly PeerLog[], facts: RunFacts = {}): RunAnalysis {
  const peers = logs.map(storyOf);
  const times = peers.flatMap((p) => p.events.map((e) => e.ms)).filter((ms) => !Number.isNaN(ms));
  const startMs = Math.min(...times);
  const endMs = Math.max(...times);
  const transfers = new Map<number, Map<number, number>>();
  for (const peer of peers) {
    for (const { event } of peer.events) {
      if (event.kind !== 'downloadedPiece') continue;
      const row = transfers.get(event.other) ?? new Map<number, number>();
      transfers.set(event.other, row.set(peer.peerId, (row.get(peer.peerId) ?? 0) + 1));
    }
  }
  const violations = checkLogs(logs, facts);
  return { peers, startMs, endMs, transfers, violations, requirements: requirementsOf(peers, facts, violations) };
}

function storyOf(log: PeerLog): PeerStory {
  const events: TimedEvent[] = [];
  for (const text of log.lines) {
    const parsed = parseLogLine(text);
    if (parsed) events.push({ ms: parseLogTime(parsed.time), event: parsed.event, text });
  }
  const progress = events.flatMap(({ ms, event }) => (event.kind === 'downloadedPiece' ? [{ ms, count: event.count }] : []));
  const completedMs = events.find((e) => e.event.kind === 'completeFile')?.ms;
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
  return { peerId: log.peerId, events, progress, completedMs, unchokedBy };
}

/** The course's demo checklist, each item with the log lines that show it. */
function requirementsOf(peers: PeerStory[], facts: RunFacts, violations: Violation[]): Requirement[] {
  const lines = (kinds: SpecEvent['kind'][], limit = 3) =>
    peers.flatMap((p) => p.events.filter((e) => kinds.includes(e.event.kind)).map((e) => `log_peer_${p.peerId}.log: ${e.text}`)).slice(0, limit);
  const has = (kind: SpecEvent['kind']) => peers.some((p) => p.events.some((e) => e.event.kind === kind));
  const rule = (name: string) => !violations.some((v) => v.rule === name);
  const preferredSizes = peers.flatMap((p) => p.events.flatMap((e) => (e.event.kind === 'preferredNeighbors' ? [e.event.neighbours.length] : [])));
  const leechers = facts.peers ? facts.peers.filter((p) => !p.hasFile).map((p) => p.peerId) : peers.filter((p) => p.progress.length > 0).map((p) => p.peerId);
  return [
    { title: 'Each peer connects to every peer listed before it (and is connected from the later ones)', met: has('makesConnection') && rule('connections'), evidence: lines(['makesConnection', 'connectedFrom']) },
    { title: "Bitfields exchanged, answered with 'interested' / 'not interested'", met: has('receivedInterested') && has('receivedNotInterested'), evidence: lines(['receivedInterested', 'receivedNotInterested']) },
    {
      title: `Preferred neighbours chosen${facts.k !== undefined ? `, at most k = ${facts.k}` : ''}`,
      met: preferredSizes.length > 0 && (facts.k === undefined || preferredSizes.every((n) => n <= facts.k!)) && rule('at most k+1 unchoked'),
      evidence: lines(['preferredNeighbors']),
    },
    { title: 'An optimistically unchoked neighbour chosen', met: has('optimisticNeighbor'), evidence: lines(['optimisticNeighbor']) },
    { title: 'Choke and unchoke received', met: has('unchokedBy') && has('chokedBy'), evidence: lines(['unchokedBy', 'chokedBy']) },
    { title: "'have' received; pieces requested and downloaded, counts rising one by one", met: has('receivedHave') && has('downloadedPiece') && rule('count rises by one'), evidence: lines(['receivedHave', 'downloadedPiece']) },
    {
      title: 'Every leecher downloaded the complete file, once',
      met: leechers.length > 0 && leechers.every((id) => peers.find((p) => p.peerId === id)?.completedMs !== undefined) && rule('complete file once'),
      evidence: lines(['completeFile'], 10),
    },
    { title: 'Every log is made of the spec\'s sentences only', met: rule('spec sentence') && rule('own peer'), evidence: [] },
  ];
}
