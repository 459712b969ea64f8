import type { PeerCommand } from '../control/PeerCommand.js';
import type { PeerStatus } from '../node/PeerStatus.js';

/**
 * Messages a peerProcess sends its launcher over the IPC channel when it was
 * started by `swarmlab swarm` (none when run by hand).
 */
export type PeerReport =
  | { type: 'ready'; peerId: number; port: number; piecesHeld: number; pieceCount: number }
  | { type: 'progress'; peerId: number; piecesHeld: number; pieceCount: number; bytesDownloaded: number; bytesUploaded: number }
  | { type: 'downloadComplete'; peerId: number }
  | { type: 'summary'; peerId: number; neighbours: NeighbourSummary[]; resources: ResourceUse }
  /** Pushed at most every 500 ms, when something changed. */
  | { type: 'status'; peerId: number; status: PeerStatus }
  /** Protocol log sentences written since the last batch (at most every 250 ms). */
  | { type: 'logLines'; peerId: number; lines: string[]; dropped: number }
  | { type: 'controlResult'; peerId: number; id: number; error?: string };

/**
 * Set to "1" in a peer's environment by a launcher that shows a live view: the
 * peer then sends its protocol sentences too (otherwise that work is skipped).
 */
export const LIVE_LOG_ENV = 'SWARMLAB_LIVE_LOG';

/** What the launcher sends a peer: a control command, answered by a controlResult with the same id. */
export interface ControlRequest {
  type: 'control';
  id: number;
  command: PeerCommand;
}

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

export function isControlRequest(value: unknown): value is ControlRequest {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'control' && typeof (value as { id?: unknown }).id === 'number';
}
