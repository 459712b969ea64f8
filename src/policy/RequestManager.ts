import type { RequestStrategy } from '../config/CommonConfig.js';
import { Bitfield } from '../core/Bitfield.js';
import { randomInt, type Random } from '../common/Random.js';
import { Availability } from './Availability.js';
import { chooseRandomMissingPiece, chooseRarestPiece, type PieceChooser } from './pieceChoice.js';

export type PieceArrival = 'expected' | 'late' | 'unrequested';

/**
 * `course`: the protocol's rule, one random piece at a time per neighbour.
 * `rarest-first`: the rarest piece first, several requests in flight per
 * neighbour, and an end game. Both are the same messages on the wire.
 */
export type { RequestStrategy };

export const DEFAULT_MAX_REQUESTS_PER_PEER: Record<RequestStrategy, number> = { course: 1, 'rarest-first': 8 };

/** In the end game, how many neighbours may be asked for the same piece. */
const END_GAME_REQUESTERS = 2;

export interface RequestManagerOptions {
  random: Random;
  strategy?: RequestStrategy;
  /** Requests in flight per neighbour; 1 in course mode (the protocol's rule), 8 for rarest-first. */
  maxRequestsPerPeer?: number;
  /** Overrides the strategy's piece choice (tests). */
  choosePiece?: PieceChooser;
}

/**
 * Which piece we have asked of whom. Enforces the request rules:
 * - at most `maxRequestsPerPeer` requests in flight per neighbour (course: one,
 *   so the next is sent only after the piece for the last one arrives); with
 *   a pipeline (more than one), a piece that arrived keeps its place in it
 *   until it is stored: otherwise each stored piece would refill the whole
 *   pipe, and a neighbour faster than our disk would fill memory with pieces
 *   waiting to be written;
 * - never ask for a piece already requested from a neighbour, except in the
 *   end game (rarest-first), when a second neighbour may be asked;
 * - when a neighbour chokes us before the pieces come, its requests are void
 *   and the pieces released so another neighbour can be asked.
 * Pure bookkeeping: the caller sends the messages.
 */
export class RequestManager {
  /** How many neighbours have each piece (kept up to date by the caller). */
  readonly availability = new Availability();
  readonly strategy: RequestStrategy;
  readonly maxRequestsPerPeer: number;
  private readonly random: Random;
  private readonly choosePiece: PieceChooser;
  /** peerId -> the pieces requested from it and not yet received (void ones excluded). */
  private readonly outstandingByPeer = new Map<number, Set<number>>();
  /** piece -> the neighbours it is requested from. */
  private readonly requestersByPiece = new Map<number, Set<number>>();
  /**
   * peerId -> piece -> requests sent to it and not yet answered, voided ones
   * included: a neighbour may still answer a request that a choke voided, and
   * only a piece with no such request left is one we never asked for.
   */
  private readonly unansweredByPeer = new Map<number, Map<number, number>>();
  /**
   * piece -> the senders of its copies that arrived and are being checked or
   * written, oldest first: not to be asked of anyone meanwhile.
   */
  private readonly arriving = new Map<number, number[]>();
  /** peerId -> how many pieces from it are being checked or written: they fill its pipe too. */
  private readonly arrivingCountByPeer = new Map<number, number>();
  /** piece -> requesters plus arriving copies. */
  private busy = new Uint16Array(0);
  /** The pieces whose busy count is above zero, as a bitfield: what every piece choice skips. */
  private requested = new Bitfield(0);

  constructor(options: RequestManagerOptions) {
    this.random = options.random;
    this.strategy = options.strategy ?? 'course';
    this.maxRequestsPerPeer = options.maxRequestsPerPeer ?? DEFAULT_MAX_REQUESTS_PER_PEER[this.strategy];
    if (!Number.isInteger(this.maxRequestsPerPeer) || this.maxRequestsPerPeer < 1) throw new RangeError('maxRequestsPerPeer must be a whole number >= 1');
    this.choosePiece =
      options.choosePiece ?? (this.strategy === 'rarest-first' ? chooseRarestPiece((pieceCount) => this.availability.all(pieceCount)) : chooseRandomMissingPiece);
  }

  /** Fills `peerId`'s pipe: the pieces to ask it for now, each marked as requested from it. */
  nextRequests(peerId: number, theirs: Bitfield, ours: Bitfield): number[] {
    const chosen: number[] = [];
    for (let index = this.nextRequest(peerId, theirs, ours); index !== undefined; index = this.nextRequest(peerId, theirs, ours)) {
      chosen.push(index);
    }
    return chosen;
  }

  /** One more piece to ask `peerId` for, if its pipe has room and there is one. */
  nextRequest(peerId: number, theirs: Bitfield, ours: Bitfield): number | undefined {
    // Pieces still being written keep their place in the pipe, so a neighbour faster than our
    // disk cannot pile them up. One request at a time (the course's rule) asks for the next as
    // soon as a piece arrives, so there the first piece being written is free; a second is not.
    const writing = this.arrivingCountByPeer.get(peerId) ?? 0;
    const arriving = this.maxRequestsPerPeer > 1 ? writing : Math.max(0, writing - 1);
    const inFlight = (this.outstandingByPeer.get(peerId)?.size ?? 0) + arriving;
    if (inFlight >= this.maxRequestsPerPeer) return undefined;
    if (this.busy.length !== ours.pieceCount) {
      this.busy = new Uint16Array(ours.pieceCount);
      this.requested = new Bitfield(ours.pieceCount);
    }
    const index = this.choosePiece(theirs, ours, this.requested, this.random) ?? this.endGamePiece(peerId, theirs, ours);
    if (index === undefined) return undefined;
    addTo(this.outstandingByPeer, peerId, index);
    addTo(this.requestersByPiece, index, peerId);
    this.addBusy(index, 1);
    let unanswered = this.unansweredByPeer.get(peerId);
    if (!unanswered) this.unansweredByPeer.set(peerId, (unanswered = new Map()));
    addCount(unanswered, index, 1);
    return index;
  }

  /**
   * A piece arrived from peerId. 'expected': it answers an outstanding request
   * (now cleared). 'late': it answers a request that a choke voided (it was in
   * flight; still usable if the piece is missing). 'unrequested': no request
   * for it to this neighbour is left unanswered. Until settled(), an expected
   * or late piece counts as requested.
   */
  pieceReceived(peerId: number, index: number): PieceArrival {
    const unanswered = this.unansweredByPeer.get(peerId);
    if (!unanswered?.has(index)) return 'unrequested';
    addCount(unanswered, index, -1);
    let senders = this.arriving.get(index);
    if (!senders) this.arriving.set(index, (senders = []));
    senders.push(peerId);
    addCount(this.arrivingCountByPeer, peerId, 1);
    this.addBusy(index, 1);
    if (!this.outstandingByPeer.get(peerId)?.has(index)) return 'late';
    removeFrom(this.outstandingByPeer, peerId, index);
    removeFrom(this.requestersByPiece, index, peerId);
    this.addBusy(index, -1);
    return 'expected';
  }

  /** We were choked by peerId: void its outstanding requests so the pieces can be asked of others. Returns them. */
  release(peerId: number): number[] {
    const released = [...(this.outstandingByPeer.get(peerId) ?? [])];
    for (const index of released) {
      removeFrom(this.requestersByPiece, index, peerId);
      this.addBusy(index, -1);
    }
    this.outstandingByPeer.delete(peerId);
    return released;
  }

  /** Neighbour gone: release and forget everything about it. Returns the released pieces. */
  forget(peerId: number): number[] {
    const released = this.release(peerId);
    this.unansweredByPeer.delete(peerId);
    return released;
  }

  /**
   * An arrived piece is stored or dropped: it may be chosen again only if it is
   * still missing. Until then it counts as requested, so nobody is asked for a
   * piece that is being written.
   */
  settled(index: number): void {
    const senders = this.arriving.get(index);
    if (!senders) return;
    // Two copies (end game) may settle in either order: the counts are right once both have.
    const sender = senders.shift() as number;
    if (senders.length === 0) this.arriving.delete(index);
    addCount(this.arrivingCountByPeer, sender, -1);
    this.addBusy(index, -1);
  }

  /** The pieces requested from `peerId` and not yet received, oldest first. */
  outstanding(peerId: number): number[] {
    return [...(this.outstandingByPeer.get(peerId) ?? [])];
  }

  hasOutstanding(peerId: number): boolean {
    return this.outstandingByPeer.has(peerId);
  }

  isRequested(index: number): boolean {
    return this.busy[index] > 0;
  }

  /** Keeps `requested` in step with the busy counts. */
  private addBusy(index: number, delta: 1 | -1): void {
    this.busy[index] += delta;
    if (this.busy[index] === 0) this.requested.unset(index);
    else this.requested.set(index);
  }

  /**
   * End game (rarest-first only): when every piece we still lack is already
   * requested, a piece asked of another neighbour may be asked of this one
   * too, so one slow neighbour cannot hold up the last pieces. The copy that
   * arrives second is a duplicate, dropped by the caller.
   */
  private endGamePiece(peerId: number, theirs: Bitfield, ours: Bitfield): number | undefined {
    if (this.strategy !== 'rarest-first') return undefined;
    const missing = ours.pieceCount - ours.count;
    if (this.requestersByPiece.size + this.arriving.size < missing) return undefined; // not the end yet
    let chosen: number | undefined;
    let seen = 0;
    for (const [index, requesters] of this.requestersByPiece) {
      if (requesters.has(peerId) || requesters.size >= END_GAME_REQUESTERS || ours.has(index) || !theirs.has(index) || this.arriving.has(index)) continue;
      if (randomInt(this.random, ++seen) === 0) chosen = index;
    }
    return chosen;
  }
}

function addTo(map: Map<number, Set<number>>, key: number, value: number): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map: Map<number, Set<number>>, key: number, value: number): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** Adds delta to a per-key count, deleting the key when it falls to zero. */
function addCount(counts: Map<number, number>, key: number, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
