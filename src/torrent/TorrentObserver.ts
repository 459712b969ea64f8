import type { DisconnectReason } from '../net/ProtocolHandlers.js';
import type { BtPeer } from './BtPeer.js';

/**
 * What happens in a torrent, for whoever runs it (architecture.md, practice
 * 8: typed events): the launcher's BitTorrent peers turn it into progress,
 * status, metrics and their end of the run. Every hook is optional and is
 * told after the torrent acted.
 */
export interface TorrentObserver {
  /** Past the handshake. */
  peerConnected?(peer: BtPeer, direction: 'inbound' | 'outbound'): void;
  /** A bitfield, have-all, have-none or have arrived: `peer.has` is what it holds now. */
  peerHas?(peer: BtPeer): void;
  peerGone?(peer: BtPeer, reason: DisconnectReason): void;
  /** A connection ended before its handshake was done (refused, timed out, cut). */
  handshakeFailed?(address: string, direction: 'inbound' | 'outbound', reason: DisconnectReason): void;
  /** A block's payload bytes came from the peer (counted in its totals), or went to it. */
  blockReceived?(peer: BtPeer, bytes: number): void;
  blockSent?(peer: BtPeer, bytes: number): void;
  /** We choked or unchoked the peer ('sent'), or it did so to us ('received'). */
  chokeChanged?(peer: BtPeer, way: 'sent' | 'received', choking: boolean): void;
  /** A piece passed its SHA-1 check and is on disk. */
  pieceVerified?(index: number): void;
  /** A piece failed its SHA-1 check, and this peer sent bad data for it. */
  badPiece?(index: number, peer: BtPeer): void;
}

/** One connection's share of the rate limits (the course's RateLimits.forNeighbour() is one). */
export interface ConnectionLimits {
  /** Ms to wait before sending `bytes`. */
  upload(bytes: number): number;
  /** Ms to stop reading after receiving `bytes`. */
  download(bytes: number): number;
  /** The connection is gone. */
  release(): void;
}

/** Upload and download limits shared by a torrent's connections. */
export interface RateLimiter {
  forNeighbour(): ConnectionLimits;
}
