import type { Bitfield } from '../core/Bitfield.js';
import type { CourseMembership } from '../swarm/CourseMembership.js';
import type { NeighborSession } from './NeighborSession.js';

/**
 * Our neighbours and what we know of them: the live session if connected, and
 * the last known bitfield, kept after a neighbour disconnects so that the
 * membership can still decide whether the swarm is done.
 */
export class PeerRegistry {
  private readonly live = new Map<number, NeighborSession>();
  private readonly lastKnownBits = new Map<number, Bitfield>();
  private readonly banned = new Set<number>();

  constructor(private readonly membership: CourseMembership) {}

  /** Why a handshake's peer may not join: the membership's rules, then ours (banned, already connected). */
  refusalFor(peerId: number): string | undefined {
    const refusal = this.membership.refusalFor(peerId);
    if (refusal) return refusal;
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

  /** Whether the swarm is done, by the membership's rule; a banned neighbour is no longer waited for. */
  everyoneComplete(ours: Bitfield): boolean {
    return this.membership.isFinished(ours, (peerId) => this.lastKnownBits.get(peerId), (peerId) => !this.banned.has(peerId));
  }
}
