/**
 * Messages a peerProcess sends its launcher over the IPC channel when it was
 * started by `swarmlab swarm` (none when run by hand).
 */
export type PeerReport =
  | { type: 'ready'; peerId: number; port: number; piecesHeld: number; pieceCount: number }
  | { type: 'progress'; peerId: number; piecesHeld: number; pieceCount: number; bytesDownloaded: number; bytesUploaded: number }
  | { type: 'downloadComplete'; peerId: number }
  | { type: 'summary'; peerId: number; neighbours: NeighbourSummary[]; resources: ResourceUse };

export interface NeighbourSummary {
  peerId: number;
  bytesDownloaded: number;
  piecesDownloaded: number;
  bytesUploaded: number;
  piecesUploaded: number;
}

/** What the peer process cost, from process.resourceUsage() at its end. */
export interface ResourceUse {
  maxRssBytes: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

export function isPeerReport(value: unknown): value is PeerReport {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
