import type { PeerInfo } from '../config/PeerInfo.js';
import type { Bitfield } from '../storage/Bitfield.js';
import type { NeighborSession } from './NeighborSession.js';

/**
 * Every peer of PeerInfo.cfg and what we know of it: the live session if
 * connected, and its last known bitfield, kept after it disconnects so that
 * termination ("every peer has the complete file") can still be decided.
 */
export class PeerRegistry {
  private readonly live = new Map<number, NeighborSession>();
  private readonly lastKnownBits = new Map<number, Bitfield>();
  private readonly listed: ReadonlyMap<number, PeerInfo>;

  private readonly banned = new Set<number>();

  constructor(
    readonly selfId: number,
    peers: readonly PeerInfo[],
  ) {
    this.listed = new Map(peers.map((p) => [p.peerId, p]));
  }

  /** Protocol: an incoming handshake must carry the ID of a peer listed in PeerInfo.cfg. */
  refusalFor(peerId: number): string | undefined {
    if (peerId === this.selfId) return 'that is our own peer ID';
    if (!this.listed.has(peerId)) return 'not listed in PeerInfo.cfg';
    if (this.banned.has(peerId)) return 'banned for this run (it sent pieces that failed their SHA-1 check)';
    if (this.live.has(peerId)) return 'already connected';
    return undefined;
  }

  attach(session: NeighborSession): void {
    this.live.set(session.peerId, session);
    this.lastKnownBits.set(session.peerId, session.state.bitfield);
  }

  /** Records a neighbour's new bitfield object (a bitfield message replaces it). */
  noteBitfield(peerId: number, bits: Bitfield): void {
    this.lastKnownBits.set(peerId, bits);
  }

  detach(session: NeighborSession): void {
    if (this.live.get(session.peerId) === session) this.live.delete(session.peerId);
  }

  get(peerId: number): NeighborSession | undefined {
    return this.live.get(peerId);
  }

  sessions(): NeighborSession[] {
    return [...this.live.values()];
  }

  /** A neighbour that lied about its data: refused and never dialled again; we no longer wait for it to finish. */
  ban(peerId: number): void {
    this.banned.add(peerId);
  }

  isBanned(peerId: number): boolean {
    return this.banned.has(peerId);
  }

  /** Termination rule: we and every other listed peer hold the complete file, as far as we know. */
  everyoneComplete(ours: Bitfield): boolean {
    if (!ours.isComplete) return false;
    for (const peerId of this.listed.keys()) {
      if (peerId === this.selfId || this.banned.has(peerId)) continue;
      if (!this.lastKnownBits.get(peerId)?.isComplete) return false;
    }
    return true;
  }
}
