import type { RateLimitSettings } from './RateLimits.js';

/** One neighbour as a peer sees it, for the control interface and the dashboard. */
export interface NeighbourStatus {
  peerId: number;
  /** Outbound: we dialled it (it is listed before us). */
  direction: 'outbound' | 'inbound';
  /** The protocol's four flags, with the spec's names. */
  amChoking: boolean;
  amInterested: boolean;
  peerChoking: boolean;
  peerInterested: boolean;
  /** In our current preferred set / our optimistically unchoked neighbour. */
  preferred: boolean;
  optimistic: boolean;
  /** Pieces it holds, as far as it told us. */
  piecesHeld: number;
  /** Requests of ours it has not answered yet. */
  requestsInFlight: number;
  /** Bytes per second over the last few seconds. */
  downloadRate: number;
  uploadRate: number;
  /** Totals over the run, reconnects included. */
  bytesDownloaded: number;
  bytesUploaded: number;
}

/** What one peer process is doing now: its pieces, neighbours, rates and limits. */
export interface PeerStatus {
  peerId: number;
  /** Paused: disconnected from everyone on purpose, keeping its pieces, until resumed. */
  state: 'running' | 'paused' | 'stopping';
  pieceCount: number;
  piecesHeld: number;
  /** The bitfield as the wire carries it (piece 0 is the high bit of the first byte), in hex. */
  bitfieldHex: string;
  downloadRate: number;
  uploadRate: number;
  bytesDownloaded: number;
  bytesUploaded: number;
  preferred: number[];
  optimistic: number | null;
  limits: RateLimitSettings;
  neighbours: NeighbourStatus[];
}
