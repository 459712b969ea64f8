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
  /**
   * peerId -> piece -> requests sent to it and not yet answered, voided ones
   * included: a neighbour may still answer a request that a choke voided, and
   * only a piece with no such request left is one we never asked for.
   */
  private readonly unansweredByPeer = new Map<number, Map<number, number>>();
  /** piece -> copies that arrived and are being checked or written: not to be asked of anyone meanwhile. */
  private readonly arriving = new Map<number, number>();
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
    let unanswered = this.unansweredByPeer.get(peerId);
    if (!unanswered) this.unansweredByPeer.set(peerId, (unanswered = new Map()));
    addCount(unanswered, index, 1);
    return index;
  }

  /** A piece arrived from peerId. 'expected': it answers the outstanding request (which is cleared). 'late': it answers a request that was voided by a choke (it was already in flight; the caller may still use it if the piece is still missing). 'unrequested': no request for it to this neighbour is left unanswered. Until settled(), an expected or late piece counts as requested. */
  pieceReceived(peerId: number, index: number): PieceArrival {
    const unanswered = this.unansweredByPeer.get(peerId);
    if (!unanswered?.has(index)) return 'unrequested';
    addCount(unanswered, index, -1);
    addCount(this.arriving, index, 1);
    if (this.outstandingByPeer.get(peerId) !== index) return 'late';
    this.outstandingByPeer.delete(peerId);
    this.requesterByPiece.delete(index);
    return 'expected';
  }

  /** We were choked by peerId: void its outstanding request so the piece can be asked of another neighbour. Returns the released index. Its answer may still come, as 'late'. */
  release(peerId: number): number | undefined {
    const index = this.outstandingByPeer.get(peerId);
    if (index === undefined) return undefined;
    this.outstandingByPeer.delete(peerId);
    this.requesterByPiece.delete(index);
    return index;
  }

  /** Neighbour gone: release and forget everything about it. */
  forget(peerId: number): void {
    this.release(peerId);
    this.unansweredByPeer.delete(peerId);
  }

  /**
   * An arrived piece is stored or dropped: it may be chosen again only if it is
   * still missing. Until then it counts as requested, so nobody is asked for a
   * piece that is being written.
   */
  settled(index: number): void {
    addCount(this.arriving, index, -1);
  }

  outstanding(peerId: number): number | undefined {
    return this.outstandingByPeer.get(peerId);
  }

  isRequested(index: number): boolean {
    return this.requesterByPiece.has(index) || this.arriving.has(index);
  }
}

/** Adds delta to a per-key count, deleting the key when it falls to zero. */
function addCount(counts: Map<number, number>, key: number, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
