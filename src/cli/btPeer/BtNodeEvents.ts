import type { DisconnectReason } from '../../net/ProtocolHandlers.js';
import type { Direction } from '../../node/NodeEvents.js';

/**
 * What happens inside a launcher's BitTorrent peer, named as the course
 * node's events (node/NodeEvents.ts) where they mean the same, so that the
 * launcher link and the metrics listen to either. Neighbours are PeerInfo.cfg
 * IDs; a peer not listed there is not a neighbour (it counts in the totals only).
 */
export interface BtNodeEvents {
  listening: { port: number };
  connected: { peerId: number; direction: Direction };
  disconnected: { peerId: number; reason: DisconnectReason };
  handshakeFailed: { direction: Direction; reason: DisconnectReason };
  /** Piece data from a neighbour: a BitTorrent piece comes in 16 KiB blocks, each told as it arrives. */
  pieceDownloaded: { from: number; bytes: number };
  /** Piece data to a neighbour, a block at a time. */
  pieceUploaded: { to: number; bytes: number };
  /** A piece that failed its SHA-1 check, and a neighbour that sent bad data for it. */
  pieceRejected: { index: number; from: number };
  chokeChanged: { peerId: number; way: 'sent' | 'received'; choking: boolean };
  paused: Record<string, never>;
  resumed: Record<string, never>;
  /** We completed the torrent by downloading (not told when we started complete). */
  downloadComplete: Record<string, never>;
  allComplete: Record<string, never>;
}
