import { formatTimestamp, formatTimestampMs } from '../../src/log/timestamp.js';
import type { PeerLog } from '../../src/logcheck/checkLogs.js';
import type { DebugLog } from '../../src/report/debugLogs.js';
import type { ReportFacts } from '../../src/report/analyzeRun.js';

/** One spec sentence a peer logged, `atMs` after the run's first event. */
export interface Said {
  peer: number;
  atMs: number;
  sentence: string;
}

export const BASE_MS = new Date(2026, 10, 21, 10, 0, 0).getTime();

/** The debug log's proposed time: the protocol log's, with milliseconds. */
export const msTime = (atMs: number) => formatTimestampMs(BASE_MS + atMs);

/**
 * `npm start`'s swarm in small: the default config (k=2, p=5 s, m=15 s), one
 * seeder and two leechers of a 2-piece file, over 2.4 s. Everything the
 * checklist asks is there but an optimistic unchoke, which was not due.
 */
export const SHORT_RUN: Said[] = [
  { peer: 1002, atMs: 0, sentence: 'Peer 1002 makes a connection to Peer 1001.' },
  { peer: 1001, atMs: 0, sentence: 'Peer 1001 is connected from Peer 1002.' },
  { peer: 1001, atMs: 10, sentence: "Peer 1001 received the 'interested' message from 1002." },
  { peer: 1002, atMs: 10, sentence: "Peer 1002 received the 'not interested' message from 1001." },
  { peer: 1001, atMs: 20, sentence: 'Peer 1001 has the preferred neighbors 1002.' },
  { peer: 1002, atMs: 25, sentence: 'Peer 1002 is unchoked by 1001.' },
  { peer: 1003, atMs: 400, sentence: 'Peer 1003 makes a connection to Peer 1001.' },
  { peer: 1001, atMs: 400, sentence: 'Peer 1001 is connected from Peer 1003.' },
  { peer: 1003, atMs: 410, sentence: 'Peer 1003 makes a connection to Peer 1002.' },
  { peer: 1002, atMs: 410, sentence: 'Peer 1002 is connected from Peer 1003.' },
  { peer: 1001, atMs: 420, sentence: "Peer 1001 received the 'interested' message from 1003." },
  { peer: 1003, atMs: 420, sentence: "Peer 1003 received the 'not interested' message from 1001." },
  { peer: 1001, atMs: 430, sentence: 'Peer 1001 has the preferred neighbors 1002,1003.' },
  { peer: 1003, atMs: 440, sentence: 'Peer 1003 is unchoked by 1001.' },
  { peer: 1002, atMs: 700, sentence: 'Peer 1002 has downloaded the piece 0 from 1001. Now the number of pieces it has is 1.' },
  { peer: 1001, atMs: 710, sentence: "Peer 1001 received the 'have' message from 1002 for the piece 0." },
  { peer: 1003, atMs: 710, sentence: "Peer 1003 received the 'have' message from 1002 for the piece 0." },
  { peer: 1003, atMs: 1200, sentence: 'Peer 1003 has downloaded the piece 1 from 1001. Now the number of pieces it has is 1.' },
  { peer: 1001, atMs: 1210, sentence: "Peer 1001 received the 'have' message from 1003 for the piece 1." },
  { peer: 1002, atMs: 1210, sentence: "Peer 1002 received the 'have' message from 1003 for the piece 1." },
  { peer: 1002, atMs: 1900, sentence: 'Peer 1002 has downloaded the piece 1 from 1001. Now the number of pieces it has is 2.' },
  { peer: 1002, atMs: 1900, sentence: 'Peer 1002 has downloaded the complete file.' },
  { peer: 1001, atMs: 1910, sentence: "Peer 1001 received the 'have' message from 1002 for the piece 1." },
  { peer: 1001, atMs: 1910, sentence: "Peer 1001 received the 'not interested' message from 1002." },
  { peer: 1002, atMs: 1920, sentence: 'Peer 1002 is choked by 1001.' },
  { peer: 1003, atMs: 2400, sentence: 'Peer 1003 has downloaded the piece 0 from 1001. Now the number of pieces it has is 2.' },
  { peer: 1003, atMs: 2400, sentence: 'Peer 1003 has downloaded the complete file.' },
];

export const SHORT_RUN_FACTS: ReportFacts = {
  pieceCount: 2,
  k: 2,
  peers: [1001, 1002, 1003].map((peerId) => ({ peerId, hasFile: peerId === 1001 })),
};

const peersOf = (said: Said[]) => [...new Set(said.map((s) => s.peer))].sort((a, b) => a - b);

/** `log_peer_<id>.log` as our peers write it: whole seconds. */
export function protocolLogs(said: Said[]): PeerLog[] {
  return peersOf(said).map((peerId) => ({
    peerId,
    file: `logs/log_peer_${peerId}.log`,
    lines: said.filter((s) => s.peer === peerId).map((s) => `${formatTimestamp(BASE_MS + s.atMs)}: ${s.sentence}`),
  }));
}

/**
 * `log_peer_<id>.debug.log`: the start-up line with the config 50 ms before the
 * peer's first event, then, with milliseconds, a repeat of each sentence.
 */
export function debugLogs(said: Said[], intervals = 'UnchokingInterval=5s OptimisticUnchokingInterval=15s'): DebugLog[] {
  return peersOf(said).map((peerId) => {
    const own = said.filter((s) => s.peer === peerId);
    const config = `${msTime(own[0].atMs - 50)} [${peerId}] info: config read from /x: NumberOfPreferredNeighbors=2 ${intervals} FileName=f FileSize=2 PieceSize=1 pieces=2 (last piece 1 bytes)`;
    return {
      peerId,
      file: `logs/log_peer_${peerId}.debug.log`,
      lines: [config, ...own.map((s) => `${msTime(s.atMs)} [${peerId}] info: protocol log: ${s.sentence}`)],
    };
  });
}
