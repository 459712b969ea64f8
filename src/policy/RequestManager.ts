import type { Bitfield } from '../storage/Bitfield';
import type { Random } from '../common/Random';
import { chooseRandomMissingPiece, type PieceChooser } from './pieceChoice';

export type PieceArrival = 'expected' | 'late' | 'unrequested';

/**
 * Which piece we have asked of whom. Enforces the request rules:
 * - one outstanding request per neighbour: the next is sent only after the
 *   piece for the last one arrives;
 * - never ask for a piece already requested from any neighbour;
 * - when a neighbour chokes us before the piece comes, the request is void
 *   and the piece is released so another neighbour can be asked.
 * Pure bookkeeping: the caller sends the messages.
 */
export class RequestManager {
  private readonly random: Random;
  private readonly choosePiece: PieceChooser;
  /** peerId -> the piece requested from it and not yet received. */
  private readonly outstandingByPeer = new Map<number, number>();
  /** piece index -> the neighbour it is requested from (at most one, by the rule above). */
  private readonly requesterByPiece = new Map<number, number>();
  /** peerId -> pieces whose request a choke voided; the piece may still be in flight. */
  private readonly voidedByPeer = new Map<number, Set<number>>();
  /** Pieces that arrived and are being checked or written: not to be asked of anyone meanwhile. */
  private readonly arriving = new Set<number>();
  private readonly isRequestedFn = (index: number): boolean => this.isRequested(index);

  /** `choosePiece` defaults to the protocol's random choice; rarest-first can be injected later. */
  constructor(options: { random: Random; choosePiece?: PieceChooser }) {
    this.random = options.random;
    this.choosePiece = options.choosePiece ?? chooseRandomMissingPiece;
  }

  /** The next piece to ask `peerId` for, now marked as requested from it: random among the pieces `theirs` has, `ours` lacks and nobody has been asked for. Undefined when a request to that neighbour is already outstanding or there is nothing to ask. */
  nextRequest(peerId: number, theirs: Bitfield, ours: Bitfield): number | undefined {
    if (this.outstandingByPeer.has(peerId)) return undefined;
    const index = this.choosePiece(theirs, ours, this.isRequestedFn, this.random);
    if (index === undefined) return undefined;
    this.outstandingByPeer.set(peerId, index);
    this.requesterByPiece.set(index, peerId);
    return index;
  }

  /** A piece arrived from peerId. 'expected': it answers the outstanding request (which is cleared). 'late': it answers a request that was voided by a choke (it was already in flight; the caller may still use it if the piece is still missing). 'unrequested': we never asked this neighbour for it. */
  pieceReceived(peerId: number, index: number): PieceArrival {
    if (this.outstandingByPeer.get(peerId) === index) {
      this.outstandingByPeer.delete(peerId);
      this.requesterByPiece.delete(index);
      this.arriving.add(index);
      // A voided copy of the same request may still follow; keep its mark so it reads as 'late'.
      return 'expected';
    }
    const voided = this.voidedByPeer.get(peerId);
    if (voided?.delete(index)) {
      if (voided.size === 0) this.voidedByPeer.delete(peerId);
      this.arriving.add(index);
      return 'late';
    }
    return 'unrequested';
  }

  /** We were choked by peerId: void its outstanding request so the piece can be asked of another neighbour. Returns the released index. Remember it as voided for 'late'. */
  release(peerId: number): number | undefined {
    const index = this.outstandingByPeer.get(peerId);
    if (index === undefined) return undefined;
    this.outstandingByPeer.delete(peerId);
    this.requesterByPiece.delete(index);
    let voided = this.voidedByPeer.get(peerId);
    if (!voided) this.voidedByPeer.set(peerId, (voided = new Set()));
    voided.add(index);
    return index;
  }

  /** Neighbour gone: release and forget everything about it. */
  forget(peerId: number): void {
    this.release(peerId);
    this.voidedByPeer.delete(peerId);
  }

  /**
   * An arrived piece is stored or dropped: it may be chosen again only if it is
   * still missing. Until then it counts as requested, so nobody is asked for a
   * piece that is being written.
   */
  settled(index: number): void {
    this.arriving.delete(index);
  }

  outstanding(peerId: number): number | undefined {
    return this.outstandingByPeer.get(peerId);
  }

  isRequested(index: number): boolean {
    return this.requesterByPiece.has(index) || this.arriving.has(index);
  }
}
