import type { PeerEnd, PeerRun, SwarmRun } from '../../src/launcher/SwarmLauncher.js';

export const SIX_PEERS = [1001, 1002, 1003, 1004, 1005, 1006];
export const EXITED_OK: PeerEnd = { kind: 'exited', code: 0, signal: null };

/** One peer as the launcher reports it at the end of a six-peer run (1001 the seeder): it traded with every other. */
export function peerRun(peerId: number, end: PeerEnd | undefined, options: { completedAfterMs?: number; piecesHeld?: number } = {}): PeerRun {
  const others = SIX_PEERS.filter((id) => id !== peerId);
  return {
    peer: { peerId, host: '127.0.0.1', port: 6000 + peerId, hasFile: peerId === 1001, line: peerId - 1000 },
    startedAtMs: 1_000,
    completedAtMs: options.completedAfterMs === undefined ? undefined : 1_000 + options.completedAfterMs,
    piecesHeld: options.piecesHeld ?? 1221,
    pieceCount: 1221,
    bytesDownloaded: 19_876_543,
    bytesUploaded: 21_234_567,
    neighbours: others.map((id) => ({ peerId: id, bytesDownloaded: 4_000_000, piecesDownloaded: 244, bytesUploaded: 4_200_000, piecesUploaded: 257 })),
    resources: { maxRssBytes: 61_234_567, cpuUserMs: 812, cpuSystemMs: 230 },
    end,
    tail: [],
    restarts: 0,
  };
}

export function swarmOf(runs: PeerRun[]): SwarmRun {
  return { runs, lastStartMs: 2_000, endedMs: 9_000, timedOut: false };
}
