import type { PeerInfo } from '../../config/PeerInfo.js';

/**
 * Who a launcher's BitTorrent peer trades with and when its run is over,
 * mirroring the course's rule (swarm/CourseMembership.ts): PeerInfo.cfg lists
 * the swarm, and the run ends once we and every other listed peer hold the
 * whole torrent. What each listed peer holds is learnt from its bitfield and
 * haves (the torrent sends redundant haves, so even a seed hears a leecher
 * complete); a peer seen complete stays complete.
 */
export class ListedSwarm {
  private readonly others: ReadonlyMap<number, PeerInfo>;
  private readonly complete = new Set<number>();

  constructor(
    readonly self: PeerInfo,
    peers: readonly PeerInfo[],
  ) {
    this.others = new Map(peers.filter((p) => p.peerId !== self.peerId).map((p) => [p.peerId, p]));
  }

  isListed(peerId: number): boolean {
    return this.others.has(peerId);
  }

  /** What a listed peer holds now; returns true when this is the first sign that it is complete. */
  sawHoldings(peerId: number, isComplete: boolean): boolean {
    if (!isComplete || !this.others.has(peerId) || this.complete.has(peerId)) return false;
    this.complete.add(peerId);
    return true;
  }

  /** The other listed peers not yet known to be complete, in PeerInfo.cfg's order. */
  get waitingFor(): PeerInfo[] {
    return [...this.others.values()].filter((p) => !this.complete.has(p.peerId));
  }

  get knownComplete(): number {
    return this.complete.size;
  }

  get otherCount(): number {
    return this.others.size;
  }

  isFinished(weAreComplete: boolean): boolean {
    return weAreComplete && this.complete.size === this.others.size;
  }
}
