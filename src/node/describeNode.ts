import type { PeerStatus } from './PeerStatus.js';
import type { ChokingManager } from '../policy/ChokingManager.js';
import type { RequestManager } from '../policy/RequestManager.js';
import type { Bitfield } from '../core/Bitfield.js';
import type { PeerRegistry } from './PeerRegistry.js';
import type { RateLimits } from './RateLimits.js';
import type { TransferStats } from './TransferStats.js';

/** The parts of a node its status is read from. */
export interface NodeParts {
  peerId: number;
  state: PeerStatus['state'];
  ours: Bitfield;
  registry: PeerRegistry;
  choking: ChokingManager;
  requests: RequestManager;
  stats: TransferStats;
  limits: RateLimits;
}

/** A snapshot of what a node is doing, for the control interface (plain data, ready for JSON). */
export function describeNode(parts: NodeParts): PeerStatus {
  const { ours, choking, stats } = parts;
  const totals = stats.perNeighbour();
  const neighbours = parts.registry.sessions().map((session) => {
    const { state, peerId } = session;
    const exchanged = totals.get(peerId);
    return {
      peerId,
      direction: session.direction,
      amChoking: state.amChoking,
      amInterested: state.amInterested ?? false,
      peerChoking: state.peerChoking,
      peerInterested: state.peerInterested,
      preferred: choking.preferred.has(peerId),
      optimistic: choking.optimistic === peerId,
      piecesHeld: state.bitfield.count,
      requestsInFlight: parts.requests.outstanding(peerId).length,
      downloadRate: stats.downloadRate(peerId),
      uploadRate: stats.uploadRate(peerId),
      bytesDownloaded: exchanged?.bytesDownloaded ?? 0,
      bytesUploaded: exchanged?.bytesUploaded ?? 0,
    };
  });
  return {
    peerId: parts.peerId,
    state: parts.state,
    ...ownFigures(ours, stats),
    preferred: [...choking.preferred].sort((a, b) => a - b),
    optimistic: choking.optimistic ?? null,
    limits: parts.limits.current,
    neighbours: neighbours.sort((a, b) => a.peerId - b.peerId),
  };
}

/** What a peer of either protocol says of itself: its pieces and its totals and rates over every neighbour. */
export interface OwnTotals {
  downloadRate(): number;
  uploadRate(): number;
  readonly bytesDownloaded: number;
  readonly bytesUploaded: number;
}

export function ownFigures(ours: Bitfield, stats: OwnTotals): Pick<PeerStatus, 'pieceCount' | 'piecesHeld' | 'bitfieldHex' | 'downloadRate' | 'uploadRate' | 'bytesDownloaded' | 'bytesUploaded'> {
  return {
    pieceCount: ours.pieceCount,
    piecesHeld: ours.count,
    bitfieldHex: ours.toBuffer().toString('hex'),
    downloadRate: stats.downloadRate(),
    uploadRate: stats.uploadRate(),
    bytesDownloaded: stats.bytesDownloaded,
    bytesUploaded: stats.bytesUploaded,
  };
}
