import { createHash } from 'crypto';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { MetaInfoError } from '../metainfo/MetaInfoError.js';
import type { ExtensionHandshake } from '../wire/bt/index.js';
import { MAX_METADATA_BYTES, METADATA_PIECE_BYTES, UT_METADATA, metadataPieceCount, metadataPieceLength } from '../wire/bt/UtMetadata.js';
import { metaInfoFromInfoDictionary } from './infoDictionary.js';

export interface MetadataFetcherOptions {
  /** The magnet link's info-hash: the SHA-1 the fetched info dictionary must have. */
  infoHash: Buffer;
  /** Milliseconds, monotonic. */
  now: () => number;
  /** A request unanswered this long is given up and the piece asked of another peer; a rejecting peer is not asked for that piece again before this long. */
  requestTimeoutMs?: number;
  /** Requests outstanding at one peer: the metadata is small, a few suffice to keep a peer busy. */
  maxRequestsPerPeer?: number;
  /** Used in a MetaInfoError's message (the magnet link). */
  label: string;
}

export type AddPeerOutcome = 'added' | 'no-ut-metadata' | 'no-metadata-size' | 'too-large';

export type DataOutcome<Peer> =
  /** Not asked of this peer (never, or given up), or already complete: dropped, as BEP 9 allows nothing else. */
  | { kind: 'ignored' }
  /** `total_size` or the piece's size is not what the peer announced: the caller should drop the peer. */
  | { kind: 'misbehaving'; problem: string }
  | { kind: 'stored' }
  | { kind: 'complete'; infoDictionary: Buffer; metaInfo: MetaInfo }
  /** The info-hash matches, but the info dictionary is not a usable torrent: nothing else to fetch. */
  | { kind: 'unusable'; infoDictionary: Buffer; error: MetaInfoError }
  /** The whole did not hash to the info-hash: these peers sent pieces and are forgotten; the fetch starts over. */
  | { kind: 'hash-mismatch'; blamed: Peer[] };

export const DEFAULT_METADATA_REQUEST_TIMEOUT_MS = 20_000;
export const DEFAULT_METADATA_REQUESTS_PER_PEER = 2;

interface PieceState<Peer> {
  /** Who sent the piece we hold, if any. */
  from?: Peer;
  /** Who it is asked of, and since when. */
  askedOf: Map<Peer, number>;
  /** Peers that rejected the piece or let it time out, and when they may be asked again. */
  notBefore: Map<Peer, number>;
}

/** One try at the whole info dictionary, at one size; a hash mismatch discards it. */
interface Attempt<Peer> {
  size: number;
  bytes: Buffer;
  pieces: PieceState<Peer>[];
  received: number;
}

/**
 * Fetching one torrent's info dictionary from peers with ut_metadata (BEP 9):
 * which pieces to ask each peer for, what to do with their answers. It sends
 * nothing and keeps no timers: the caller sends the requests it hands out,
 * feeds back the answers, and calls expireRequests() now and then.
 *
 * Peers may announce different `metadata_size`s (a liar, or a peer of another
 * torrent version): each peer's size is its own, and one attempt runs at the
 * size most peers announced; peers of other sizes wait. Memory is the
 * attempt's size, at most MAX_METADATA_BYTES.
 */
export class MetadataFetcher<Peer> {
  private readonly peers = new Map<Peer, { size: number; asked: Set<number> }>();
  private attempt: Attempt<Peer> | undefined;
  private done = false;
  private readonly requestTimeoutMs: number;
  private readonly maxRequestsPerPeer: number;

  constructor(private readonly options: MetadataFetcherOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_METADATA_REQUEST_TIMEOUT_MS;
    this.maxRequestsPerPeer = options.maxRequestsPerPeer ?? DEFAULT_METADATA_REQUESTS_PER_PEER;
  }

  /** A peer's extension handshake (again, if it sends another): whether it can be asked for metadata. */
  addPeer(peer: Peer, handshake: ExtensionHandshake): AddPeerOutcome {
    this.removePeer(peer);
    if (!handshake.extensions.get(UT_METADATA)) return 'no-ut-metadata';
    const size = handshake.metadataSize;
    if (size === undefined) return 'no-metadata-size';
    if (size > MAX_METADATA_BYTES) return 'too-large';
    this.peers.set(peer, { size, asked: new Set() });
    return 'added';
  }

  /** The peer is gone: what it was asked is free for the others. */
  removePeer(peer: Peer): void {
    const state = this.peers.get(peer);
    if (!state) return;
    for (const piece of this.attempt?.pieces ?? []) {
      piece.askedOf.delete(peer);
      piece.notBefore.delete(peer);
    }
    this.peers.delete(peer);
  }

  /**
   * The pieces to request from `peer` now, recorded as asked. Each missing
   * piece goes to one peer; once every missing piece is asked of someone (the
   * end game), a peer may be asked for a piece another is slow to send.
   */
  requestsFor(peer: Peer): number[] {
    this.expireRequests();
    const state = this.peers.get(peer);
    const attempt = this.currentAttempt();
    if (!state || !attempt || state.size !== attempt.size) return [];
    const now = this.options.now();
    const askable = attempt.pieces
      .map((piece, index) => ({ piece, index }))
      .filter(({ piece }) => piece.from === undefined && !piece.askedOf.has(peer) && (piece.notBefore.get(peer) ?? 0) <= now);
    const unasked = askable.filter(({ piece }) => piece.askedOf.size === 0);
    const everyMissingAsked = attempt.pieces.every((piece) => piece.from !== undefined || piece.askedOf.size > 0);
    const chosen = (unasked.length > 0 || !everyMissingAsked ? unasked : askable).slice(0, this.maxRequestsPerPeer - state.asked.size);
    for (const { piece, index } of chosen) {
      piece.askedOf.set(peer, now);
      state.asked.add(index);
    }
    return chosen.map(({ index }) => index);
  }

  /** The peer rejected a request (BEP 9 msg_type 2): the piece goes to another peer, and to this one only after a while. */
  onReject(peer: Peer, index: number): void {
    const piece = this.attempt?.pieces[index];
    if (piece?.askedOf.has(peer)) this.giveUp(peer, index, piece);
  }

  /** Gives up the requests older than the timeout, as if rejected; says which, for the caller's diagnostics. */
  expireRequests(): { peer: Peer; piece: number }[] {
    const expired: { peer: Peer; piece: number }[] = [];
    const now = this.options.now();
    this.attempt?.pieces.forEach((piece, index) => {
      for (const [peer, askedAt] of piece.askedOf) {
        if (now - askedAt < this.requestTimeoutMs) continue;
        this.giveUp(peer, index, piece);
        expired.push({ peer, piece: index });
      }
    });
    return expired;
  }

  /** A data message (BEP 9 msg_type 1), already checked by decodeUtMetadata. */
  onData(peer: Peer, index: number, totalSize: number, data: Buffer): DataOutcome<Peer> {
    const state = this.peers.get(peer);
    const attempt = this.attempt;
    const piece = attempt?.pieces[index];
    if (!state || !attempt || !piece || this.done || !piece.askedOf.has(peer)) return { kind: 'ignored' };
    if (totalSize !== state.size) return { kind: 'misbehaving', problem: `sent total_size ${totalSize} after announcing metadata_size ${state.size}` };
    const expected = metadataPieceLength(attempt.size, index);
    if (data.length !== expected) return { kind: 'misbehaving', problem: `sent ${data.length} bytes for metadata piece ${index}, not ${expected}` };
    data.copy(attempt.bytes, index * METADATA_PIECE_BYTES);
    piece.from = peer;
    // In the end game others were asked too; their copies will be ignored.
    for (const asked of piece.askedOf.keys()) this.peers.get(asked)?.asked.delete(index);
    piece.askedOf.clear();
    if (++attempt.received < attempt.pieces.length) return { kind: 'stored' };
    return this.finish(attempt);
  }

  private finish(attempt: Attempt<Peer>): DataOutcome<Peer> {
    this.attempt = undefined;
    if (!createHash('sha1').update(attempt.bytes).digest().equals(this.options.infoHash)) {
      const blamed = [...new Set(attempt.pieces.map((piece) => piece.from as Peer))];
      for (const peer of blamed) this.peers.delete(peer);
      return { kind: 'hash-mismatch', blamed };
    }
    this.done = true;
    this.peers.clear();
    try {
      return { kind: 'complete', infoDictionary: attempt.bytes, metaInfo: metaInfoFromInfoDictionary(attempt.bytes, this.options.label) };
    } catch (error) {
      if (error instanceof MetaInfoError) return { kind: 'unusable', infoDictionary: attempt.bytes, error };
      throw error;
    }
  }

  private giveUp(peer: Peer, index: number, piece: PieceState<Peer>): void {
    piece.askedOf.delete(peer);
    piece.notBefore.set(peer, this.options.now() + this.requestTimeoutMs);
    this.peers.get(peer)?.asked.delete(index);
  }

  /**
   * The attempt under way, or a new one at the size most peers announced
   * (the first announced among equals) when there is none, or when no peer
   * left announced its size.
   */
  private currentAttempt(): Attempt<Peer> | undefined {
    if (this.done) return undefined;
    const sizes = new Map<number, number>();
    for (const { size } of this.peers.values()) sizes.set(size, (sizes.get(size) ?? 0) + 1);
    if (this.attempt && sizes.has(this.attempt.size)) return this.attempt;
    let size: number | undefined;
    for (const [candidate, count] of sizes) if (size === undefined || count > sizes.get(size)!) size = candidate;
    this.attempt = size === undefined ? undefined : newAttempt(size);
    return this.attempt;
  }
}

function newAttempt<Peer>(size: number): Attempt<Peer> {
  const pieces = Array.from({ length: metadataPieceCount(size) }, (): PieceState<Peer> => ({ askedOf: new Map(), notBefore: new Map() }));
  return { size, bytes: Buffer.alloc(size), pieces, received: 0 };
}
