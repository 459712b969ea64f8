import type { Bitfield } from '../../core/Bitfield.js';
import { ownFigures } from '../../node/describeNode.js';
import type { NeighbourStatus, PeerStatus } from '../../node/PeerStatus.js';
import type { RateLimitSettings } from '../../node/RateLimits.js';
import type { BtPeer } from '../../torrent/BtPeer.js';
import type { BtPeerStats } from './BtPeerStats.js';

/** A listed neighbour connected now, as the torrent sees it. */
export interface ConnectedNeighbour {
  peerId: number;
  peer: BtPeer;
  direction: 'outbound' | 'inbound';
  requestsInFlight: number;
}

export interface BtPeerParts {
  peerId: number;
  state: PeerStatus['state'];
  ours: Bitfield;
  neighbours: readonly ConnectedNeighbour[];
  stats: BtPeerStats;
  limits: RateLimitSettings;
}

/**
 * A BitTorrent peer's status in the course node's shape (node/describeNode.ts),
 * for the control interface, the metrics and the dashboard. BitTorrent's
 * choker unchokes a few peers and rotates one optimistic slot without naming
 * it: every neighbour we unchoke shows as preferred.
 */
export function describeBtPeer(parts: BtPeerParts): PeerStatus {
  const { ours, stats } = parts;
  const neighbours = parts.neighbours.map(({ peerId, peer, direction, requestsInFlight }): NeighbourStatus => ({
    peerId,
    direction,
    amChoking: peer.amChoking,
    amInterested: peer.amInterested,
    peerChoking: peer.choking,
    peerInterested: peer.interested,
    preferred: !peer.amChoking,
    optimistic: false,
    piecesHeld: peer.has.count,
    requestsInFlight,
    downloadRate: stats.downloadRate(peerId),
    uploadRate: stats.uploadRate(peerId),
    ...stats.totalsWith(peerId),
  }));
  neighbours.sort((a, b) => a.peerId - b.peerId);
  return {
    peerId: parts.peerId,
    state: parts.state,
    ...ownFigures(ours, stats),
    preferred: neighbours.filter((n) => n.preferred).map((n) => n.peerId),
    optimistic: null,
    limits: parts.limits,
    neighbours,
  };
}
