import type { DisconnectReason } from '../net/ProtocolHandlers.js';

/** Outbound: we dialled (an earlier peer); inbound: it dialled us (a later peer). */
export type Direction = 'outbound' | 'inbound';

/**
 * What happens inside a PeerNode. The sessions report, the node reacts; the
 * launcher's progress and the tests listen too.
 */
export interface NodeEvents {
  listening: { port: number };
  connected: { peerId: number; direction: Direction };
  disconnected: { peerId: number; reason: DisconnectReason };
  /** A connection closed before its handshake; for one we dialled, the peer we meant. */
  handshakeFailed: { direction: Direction; expectedPeerId?: number; reason: DisconnectReason };
  /** A neighbour said 'interested' or 'not interested' (every message, changed or not). */
  interestReceived: { peerId: number; interested: boolean };
  /** A neighbour said 'have' for a piece. */
  haveReceived: { peerId: number; index: number };
  /** The choker's decision, applied: the preferred set, and the optimistic neighbour when one was chosen now. */
  neighboursChosen: { preferred: readonly number[]; optimistic?: number; optimisticChosen: boolean };
  /** A neighbour's interest in us changed: the preferred set may need a refill. */
  interestChanged: { peerId: number };
  /** A neighbour announced pieces (bitfield or have): it may now be complete. */
  neighbourProgress: { peerId: number };
  /** A request was voided (choked before the piece came): another neighbour may take it. */
  requestReleased: { peerId: number; index: number };
  pieceDownloaded: { index: number; from: number; bytes: number; piecesHeld: number };
  /** A piece failed its SHA-1 check against the metainfo: dropped, not written, not announced. */
  pieceRejected: { index: number; from: number };
  pieceUploaded: { index: number; to: number; bytes: number };
  /** Our own file could not be written: fatal by design. */
  storageFailed: { error: Error };
  /** A choke or unchoke we sent ('sent') or a neighbour sent us ('received'). */
  chokeChanged: { peerId: number; way: 'sent' | 'received'; choking: boolean };
  /** The control interface paused the node (every connection closed on purpose) or resumed it. */
  paused: Record<string, never>;
  resumed: Record<string, never>;
  downloadComplete: Record<string, never>;
  allComplete: Record<string, never>;
}
