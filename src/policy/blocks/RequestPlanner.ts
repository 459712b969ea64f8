import type { Clock } from '../../common/Clock.js';
import { randomInt, type Random } from '../../common/Random.js';
import { Bitfield } from '../../core/Bitfield.js';
import { Availability } from '../Availability.js';
import { chooseRandomMissingPiece } from '../pieceChoice.js';
import type { BlockRef } from '../../core/BlockRef.js';
import type { BlockGeometry, PeerKey } from './BlockGeometry.js';
import { BlockTracker } from './BlockTracker.js';
import { PeerRequests } from './PeerRequests.js';
import type { PieceProgress } from './PieceProgress.js';
import { queueDepth } from './queueDepth.js';

/**
 * While we hold fewer verified pieces than this, a new piece is chosen at
 * random, not rarest first: the rarest pieces are the slowest to get (few
 * peers have them), and with nothing to trade any piece that completes fast
 * is worth more (libtorrent's `initial_picker_threshold` is 4).
 */
export const RANDOM_FIRST_PIECES = 4;

/**
 * In the end game a block is asked of at most this many peers at once: with
 * deep queues every block of a small torrent is requested at the start, and
 * asking every peer for all of them made leechers receive 1.5 times the file.
 * A second copy is enough to route around one slow peer; snubbing does the rest.
 */
export const MAX_ASKED_IN_END_GAME = 2;

/** A peer that sends no block for this long while we wait on it is snubbed (libtorrent and the reference client: 60 s). */
export const SNUB_AFTER_MS = 60_000;

/** What the planner needs to know of a peer at the moment it fills its queue. */
export interface PlannerPeer {
  readonly key: PeerKey;
  readonly has: Bitfield;
  /** The peer chokes us: nothing may be asked of it. */
  readonly choking: boolean;
  /** Payload bytes per second it has been sending us (sets its queue depth). */
  readonly rateBytesPerSecond: number;
  /** Its extension handshake's `reqq` (BEP 10), if it sent one. */
  readonly reqq?: number;
}

/** A request to withdraw: the block came from someone else. */
export interface BlockCancel {
  readonly peer: PeerKey;
  readonly block: BlockRef;
}

/**
 * 'expected': it answers a request that counted in the peer's queue; 'late':
 * a request released (snubbing) or cancelled, but the block was still
 * wanted; 'duplicate': it had already arrived (end game), drop it;
 * 'unrequested': not asked of this peer (or not one of our blocks), drop it.
 */
export type Arrival = 'expected' | 'late' | 'duplicate' | 'unrequested';

export interface ArrivalOutcome {
  readonly arrival: Arrival;
  /** Cancels to send: the same block asked of other peers (end game). */
  readonly cancels: readonly BlockCancel[];
  /** Every block of the piece is in: the caller hashes it, then calls pieceVerified or pieceFailed. */
  readonly pieceComplete: boolean;
}

export interface RequestPlannerOptions {
  geometry: BlockGeometry;
  clock: Clock;
  random: Random;
  randomFirstPieces?: number;
  snubAfterMs?: number;
}

const NO_CANCELS: readonly BlockCancel[] = Object.freeze([]);

/**
 * The outcomes without cancels, made once: one is returned for nearly every
 * block (a fresh object per 16 KiB block was garbage at 10,000 blocks a second).
 */
const SETTLED_OUTCOMES: Record<Arrival, readonly [ArrivalOutcome, ArrivalOutcome]> = {
  expected: settledOutcomes('expected'),
  late: settledOutcomes('late'),
  duplicate: settledOutcomes('duplicate'),
  unrequested: settledOutcomes('unrequested'),
};

function settledOutcomes(arrival: Arrival): readonly [ArrivalOutcome, ArrivalOutcome] {
  return Object.freeze([Object.freeze({ arrival, cancels: NO_CANCELS, pieceComplete: false }), Object.freeze({ arrival, cancels: NO_CANCELS, pieceComplete: true })]);
}

function outcomeOf(arrival: Arrival, pieceComplete: boolean, cancels: readonly BlockCancel[] = NO_CANCELS): ArrivalOutcome {
  return cancels.length === 0 ? SETTLED_OUTCOMES[arrival][pieceComplete ? 1 : 0] : { arrival, cancels, pieceComplete };
}

/**
 * Which blocks to ask of which peer (architecture.md: "RequestPlanner (by
 * block)"), in this order:
 * 1. free blocks of pieces already begun, the nearest to complete first, from
 *    whichever peer has them: pieces complete fast and can be shared sooner;
 * 2. a new piece: at random for the first RANDOM_FIRST_PIECES, then the
 *    rarest among those the peer has (pieceChoice, on Availability's counts);
 * 3. the end game, once every missing block is asked of someone: blocks
 *    already asked of others, the least asked first, so one slow peer cannot
 *    hold up the last piece; the first copy to arrive cancels the others.
 * A peer's queue depth follows its rate and round trip (queueDepth).
 * Choking, rejects and snubbing release requests so others can be asked.
 * Pure bookkeeping on an injected clock and random source: the caller sends
 * the messages.
 */
export class RequestPlanner {
  /** How many peers have each piece: the caller adds bitfields and haves, and removes a peer's bitfield when it leaves. */
  readonly availability = new Availability();
  readonly blocks: BlockTracker;
  private readonly geometry: BlockGeometry;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly randomFirstPieces: number;
  private readonly snubAfterMs: number;
  private readonly peers = new Map<PeerKey, PeerRequests>();
  /** Pieces to begin before any other, in this order (a file being streamed): see prioritise(). */
  private urgent: number[] = [];
  /** With file priorities (rank()): for each rank from the highest, the pieces not of it; and room to add the begun ones. */
  private ranked: { notOfRank: Bitfield[]; scratch: Bitfield } | undefined;

  constructor(options: RequestPlannerOptions) {
    this.geometry = options.geometry;
    this.clock = options.clock;
    this.random = options.random;
    this.randomFirstPieces = options.randomFirstPieces ?? RANDOM_FIRST_PIECES;
    this.snubAfterMs = options.snubAfterMs ?? SNUB_AFTER_MS;
    this.blocks = new BlockTracker(this.geometry);
  }

  /** Fills `peer`'s queue up to its depth: the blocks to request now, each marked as asked of it. */
  nextRequests(peer: PlannerPeer): BlockRef[] {
    if (peer.has.pieceCount !== this.geometry.pieceCount) {
      throw new RangeError(`peer ${peer.key}'s bitfield has ${peer.has.pieceCount} pieces, the torrent ${this.geometry.pieceCount}`);
    }
    if (peer.choking) return [];
    const requests = this.requestsOf(peer.key);
    const depth = this.depthOf(peer);
    const nowMs = this.clock.now();
    const chosen: BlockRef[] = [];
    let begun: BegunPieces | undefined;
    while (requests.outstanding.size < depth) {
      begun ??= new BegunPieces(this.begunPiecesOf(peer));
      let block = begun.nextFreeBlock((piece) => this.freeBlockOf(piece.index, piece, requests));
      if (!block) {
        block = this.newPieceBlock(peer, requests) ?? this.endGameBlock(peer, requests);
        begun = undefined; // a new piece was begun (or the end game): the next block looks again
      }
      if (!block) break;
      this.blocks.request(block, peer.key);
      requests.add(this.keyOf(block), nowMs);
      chosen.push(block);
    }
    return chosen;
  }

  /** How many requests `peer` may have in flight now. */
  depthOf(peer: PlannerPeer): number {
    const requests = this.peers.get(peer.key);
    return queueDepth(peer.rateBytesPerSecond, { reqq: peer.reqq, snubbed: requests?.snubbed, roundTripMs: requests?.roundTripMs });
  }

  /** The requests in flight to `peer` that count against its depth. */
  outstanding(peer: PeerKey): BlockRef[] {
    return this.blocksOf(this.peers.get(peer)?.outstanding.toArray() ?? []);
  }

  /** How many more requests `peer` may have in flight now. */
  room(peer: PlannerPeer): number {
    return this.depthOf(peer) - (this.peers.get(peer.key)?.outstanding.size ?? 0);
  }

  isSnubbed(peer: PeerKey): boolean {
    return this.peers.get(peer)?.snubbed ?? false;
  }

  /** A block arrived from `peer`: whether to keep it, and which requests to cancel. */
  blockReceived(peer: PeerKey, block: BlockRef): ArrivalOutcome {
    const key = this.geometry.keyOf(block);
    const requests = this.peers.get(peer);
    const nowMs = this.clock.now();
    const answered = key === undefined ? undefined : requests?.settle(key, nowMs);
    if (key === undefined || !requests || answered === undefined) return outcomeOf('unrequested', false);
    requests.heard(nowMs);
    // Asked of others now (the end game), or owed by others: only then is every peer looked at.
    const askedOfOthers = this.blocks.askedCount(block) - (answered === 'outstanding' ? 1 : 0);
    const receipt = this.blocks.receive(block, peer);
    if (receipt.outcome === 'duplicate') return outcomeOf('duplicate', false);
    const arrival = answered === 'outstanding' ? 'expected' : 'late';
    if (askedOfOthers === 0 && !this.someUnanswered()) return outcomeOf(arrival, receipt.pieceComplete);
    let cancels: BlockCancel[] | undefined;
    for (const [other, theirs] of this.peers) {
      if (!theirs.isAwaiting(key)) continue;
      theirs.demote(key); // a cancelled request may still be answered: the block would be a duplicate
      (cancels ??= []).push({ peer: other, block });
    }
    return outcomeOf(arrival, receipt.pieceComplete, cancels);
  }

  /**
   * `peer` choked us. Without the fast extension the choke discards every
   * request it holds (BEP 3), so they are released for others, and may be
   * asked of it again after an unchoke. With it (BEP 6) requests stand until
   * served or rejected one by one. Returns the released blocks.
   */
  choked(peer: PeerKey, options: { fast: boolean }): BlockRef[] {
    const requests = this.peers.get(peer);
    if (!requests || options.fast) return [];
    const released = this.releaseOutstanding(peer, requests);
    requests.unanswered.clear();
    return released;
  }

  /** BEP 6: `peer` will not send this block. Returns false when it was not asked of it. */
  rejected(peer: PeerKey, block: BlockRef): boolean {
    const key = this.geometry.keyOf(block);
    const answered = key === undefined ? undefined : this.peers.get(peer)?.settle(key);
    if (answered === 'outstanding') this.blocks.release(block, peer);
    return answered !== undefined;
  }

  /**
   * Snubbing: a peer that has sent no block for SNUB_AFTER_MS while requests
   * to it were in flight has them released for others (it may still answer
   * them) and gets one request at a time until a block comes. Returns the
   * peers snubbed now, with the blocks released.
   */
  checkSnubs(): { peer: PeerKey; released: BlockRef[] }[] {
    const nowMs = this.clock.now();
    const snubbed: { peer: PeerKey; released: BlockRef[] }[] = [];
    for (const [peer, requests] of this.peers) {
      if (requests.snubbed || requests.outstanding.size === 0 || nowMs - requests.silentSinceMs < this.snubAfterMs) continue;
      requests.snubbed = true;
      const released = this.blocksOf(requests.outstanding.toArray());
      for (const block of released) {
        this.blocks.release(block, peer);
        requests.demote(this.keyOf(block));
      }
      snubbed.push({ peer, released });
    }
    return snubbed;
  }

  /** `peer` disconnected: its requests are released. Returns them. */
  peerGone(peer: PeerKey): BlockRef[] {
    const requests = this.peers.get(peer);
    if (!requests) return [];
    this.peers.delete(peer);
    return this.releaseOutstanding(peer, requests);
  }

  /** A piece we hold from the start: never planned. */
  held(index: number): void {
    this.blocks.held(index);
  }

  /** The completed piece's hash matched. */
  pieceVerified(index: number): void {
    this.blocks.pieceVerified(index);
  }

  /** The completed piece's hash did not match: it starts over; returns the peers that sent its blocks. */
  pieceFailed(index: number): PeerKey[] {
    return this.blocks.pieceFailed(index);
  }

  /** Strict priority: the pieces already begun that the peer has, with blocks nobody is asked for, the nearest to complete first (ties: lowest index). */
  private begunPiecesOf(peer: PlannerPeer): PieceProgress[] {
    return this.blocks
      .downloading()
      .filter((piece) => piece.noneCount > 0 && peer.has.has(piece.index))
      .sort((a, b) => a.noneCount - b.noneCount || a.index - b.index);
  }

  /** From now on these pieces are begun before any other, the first first (a region someone waits for); [] for none. */
  prioritise(pieces: readonly number[]): void {
    this.urgent = pieces.filter((index) => !this.blocks.verified.has(index));
  }

  /**
   * Each piece's rank, from its files' priorities: 0 never begun (its files
   * are skipped), then 1, 2, 3: a new piece is chosen among those of the
   * highest rank the peer can give (at random or rarest first within it);
   * undefined: all alike. Pieces already begun are finished whatever their rank.
   */
  rank(pieceRanks: ArrayLike<number> | undefined): void {
    const { pieceCount } = this.geometry;
    const ranks = pieceRanks ? Array.from(pieceRanks) : [];
    if (ranks.every((rank) => rank === ranks[0]) && ranks[0] !== 0) {
      this.ranked = undefined;
      return;
    }
    const notOfRank = [3, 2, 1].map((wanted) => {
      const mask = new Bitfield(pieceCount);
      ranks.forEach((rank, index) => rank !== wanted && mask.set(index));
      return mask;
    });
    this.ranked = { notOfRank, scratch: new Bitfield(pieceCount) };
  }

  private newPieceBlock(peer: PlannerPeer, requests: PeerRequests): BlockRef | undefined {
    const index = this.urgentPiece(peer) ?? this.rankedPiece(peer);
    return index === undefined ? undefined : this.freeBlockOf(index, undefined, requests);
  }

  private rankedPiece(peer: PlannerPeer): number | undefined {
    const { started } = this.blocks;
    if (!this.ranked) return this.pieceExcluding(peer, started);
    const { notOfRank, scratch } = this.ranked;
    for (const others of notOfRank) {
      const index = this.pieceExcluding(peer, started.unionInto(others, scratch));
      if (index !== undefined) return index;
    }
    return undefined;
  }

  /** Random for the first pieces, then rarest first, among those the peer has, we lack, and not `excluded`. */
  private pieceExcluding(peer: PlannerPeer, excluded: Bitfield): number | undefined {
    return this.blocks.verified.count < this.randomFirstPieces ? this.randomPiece(peer, excluded) : this.rarestPiece(peer, excluded);
  }

  /** The first urgent piece the peer has and nobody has begun; held ones leave the list. */
  private urgentPiece(peer: PlannerPeer): number | undefined {
    if (this.urgent.length === 0) return undefined;
    this.urgent = this.urgent.filter((index) => !this.blocks.verified.has(index));
    return this.urgent.find((index) => !this.blocks.started.has(index) && peer.has.has(index));
  }

  /** Among the pieces the peer has, nobody has begun (nor `excluded`), one at random. */
  private randomPiece(peer: PlannerPeer, excluded: Bitfield): number | undefined {
    return chooseRandomMissingPiece(peer.has, this.blocks.verified, excluded, this.random);
  }

  /**
   * Among the pieces the peer has and nobody has begun, one the fewest peers
   * have; ties fall at random (the scan starts at a random piece), and a
   * piece only this peer has ends the scan (none is rarer). Not
   * pieceChoice's chooseRarestPiece: that one is random while we hold no
   * piece, and here randomFirstPieces decides.
   */
  private rarestPiece(peer: PlannerPeer, excluded: Bitfield): number | undefined {
    const { pieceCount } = this.geometry;
    const start = randomInt(this.random, pieceCount);
    return peer.has.lightestMissingFrom(this.blocks.verified, start, this.availability.all(pieceCount), 1, excluded);
  }

  /** End game: a block asked of others but not of this peer, of a piece it has, the least asked first. */
  private endGameBlock(peer: PlannerPeer, requests: PeerRequests): BlockRef | undefined {
    if (!this.blocks.isEndGame) return undefined;
    let best: BlockRef | undefined;
    let fewestAsked = MAX_ASKED_IN_END_GAME;
    for (const piece of this.blocks.downloading()) {
      if (!peer.has.has(piece.index)) continue;
      for (let blockNumber = 0; blockNumber < piece.blockCount; blockNumber++) {
        const asked = piece.askedCount(blockNumber);
        if (asked === 0 || asked >= fewestAsked) continue;
        const block = this.geometry.block(piece.index, blockNumber);
        if (requests.isAwaiting(this.keyOf(block))) continue;
        [best, fewestAsked] = [block, asked];
      }
    }
    return best;
  }

  /**
   * The first block of the piece that nobody is asked for and this peer is
   * not awaiting (it may still owe a block cancelled before the piece failed
   * its hash check and started over).
   */
  private freeBlockOf(index: number, piece: PieceProgress | undefined, requests: PeerRequests): BlockRef | undefined {
    const firstKey = index * this.geometry.blocksPerPiece;
    const awaited = (blockNumber: number) => requests.isAwaiting(firstKey + blockNumber);
    const blockNumber = piece ? piece.firstNone(awaited) : firstNotAwaited(this.geometry.blockCountOf(index), awaited);
    return blockNumber === undefined ? undefined : this.geometry.block(index, blockNumber);
  }

  private releaseOutstanding(peer: PeerKey, requests: PeerRequests): BlockRef[] {
    const released = this.blocksOf(requests.outstanding.toArray());
    for (const block of released) this.blocks.release(block, peer);
    requests.outstanding.clear();
    return released;
  }

  private requestsOf(peer: PeerKey): PeerRequests {
    let requests = this.peers.get(peer);
    if (!requests) this.peers.set(peer, (requests = new PeerRequests()));
    return requests;
  }

  /** Some peer may still answer a request that no longer counts (released by a snub, or cancelled). */
  private someUnanswered(): boolean {
    for (const requests of this.peers.values()) if (requests.unanswered.size > 0) return true;
    return false;
  }

  private blocksOf(keys: readonly number[]): BlockRef[] {
    return keys.map((key) => this.geometry.blockOfKey(key));
  }

  private keyOf(block: BlockRef): number {
    return this.geometry.keyOf(block) as number;
  }
}

function firstNotAwaited(blockCount: number, awaited: (blockNumber: number) => boolean): number | undefined {
  for (let blockNumber = 0; blockNumber < blockCount; blockNumber++) if (!awaited(blockNumber)) return blockNumber;
  return undefined;
}

/**
 * The begun pieces in priority order, sorted once per fill rather than once
 * per block (that sort was a fifth of the planner's garbage at 150 MiB/s):
 * asking for a block of the first piece only brings it nearer to complete,
 * so the order of the rest holds, and a piece without a free block for this
 * peer stays without one while its queue is filled.
 */
class BegunPieces {
  private cursor = 0;

  constructor(private readonly pieces: PieceProgress[]) {}

  nextFreeBlock(freeBlockOf: (piece: PieceProgress) => BlockRef | undefined): BlockRef | undefined {
    for (; this.cursor < this.pieces.length; this.cursor++) {
      const block = freeBlockOf(this.pieces[this.cursor]);
      if (block) return block;
    }
    return undefined;
  }
}
