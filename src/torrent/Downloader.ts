import { createHash } from 'crypto';
import type { Clock } from '../common/Clock.js';
import type { Random } from '../common/Random.js';
import type { Bitfield } from '../core/Bitfield.js';
import type { BlockRef } from '../core/BlockRef.js';
import type { BlockGeometry, PeerKey } from '../policy/blocks/BlockGeometry.js';
import { RequestPlanner } from '../policy/blocks/RequestPlanner.js';
import type { PieceChecker } from '../storage/PieceStore.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import { BlockBlame, type BlockSender } from './BlockBlame.js';
import type { BtPeer } from './BtPeer.js';
import { PieceAssembler } from './PieceAssembler.js';
import type { TorrentData } from './TorrentData.js';

/** Blocks nobody asked a peer for, beyond which it is abusing us (a few happen when a cancel crosses the block). */
export const MAX_UNREQUESTED_BLOCKS = 64;

/** At most this many free slots of a peer's queue are waited for before requests go out (see fill). */
export const REQUEST_BATCH = 16;

/**
 * Complete pieces waiting for the disk at which the torrent stops reading
 * its peers and asking them for more (disk back-pressure, as libtorrent's
 * `max_queued_disk_bytes`): a disk slower than the peers would otherwise
 * gather pieces in memory without bound. What they already send waits in
 * the kernel's socket buffers, and TCP slows them. Two keep the disk busy:
 * one being written, the next one ready.
 */
export const MAX_PIECES_AWAITING_DISK = 2;

export interface DownloaderEvents {
  /** A piece's SHA-1 matched and its bytes are on disk. */
  pieceVerified(index: number): void;
  /**
   * A piece's SHA-1 did not match: the peers that sent bad data for it. Told
   * at once when one peer sent the whole piece, else once a good copy shows
   * whose blocks differed (BlockBlame).
   */
  pieceFailed(index: number, contributors: PeerKey[]): void;
  /** A peer sent more unrequested blocks than MAX_UNREQUESTED_BLOCKS. */
  abuse(peer: BtPeer, why: string): void;
  /** Writing a verified piece failed (disk): it is wanted again. */
  writeFailed(index: number, error: unknown): void;
  /** The disk is behind (MAX_PIECES_AWAITING_DISK pieces wait for it): stop reading the peers. */
  diskBehind(): void;
  /** The disk caught up: read the peers again and fill their queues. */
  diskCaughtUp(): void;
}

export interface DownloaderOptions {
  geometry: BlockGeometry;
  data: TorrentData;
  checker: PieceChecker;
  clock: Clock;
  random: Random;
  events: DownloaderEvents;
}

/**
 * The downloading half of a torrent: which blocks to ask of whom
 * (RequestPlanner), blocks gathered into pieces (PieceAssembler), each piece
 * hashed whole (BEP 3: SHA-1 per piece) before it is written and announced.
 * Peers are asked through their wire; the torrent says when a peer changed.
 */
export class Downloader {
  readonly planner: RequestPlanner;
  private readonly assembler: PieceAssembler;
  private readonly blame = new BlockBlame();
  /** Complete pieces being hashed or written. */
  private piecesAwaitingDisk = 0;

  constructor(private readonly options: DownloaderOptions) {
    const { geometry, clock, random, data } = options;
    this.planner = new RequestPlanner({ geometry, clock, random });
    this.assembler = new PieceAssembler({ pieceCount: geometry.pieceCount, pieceLength: (index) => geometry.pieceLengthOf(index) });
    for (let index = 0; index < geometry.pieceCount; index++) if (data.bitfield.has(index)) this.planner.held(index);
  }

  /** Pieces in memory now: gathering blocks, or complete and waiting for the disk. */
  get piecesInMemory(): number {
    return this.assembler.heldPieces + this.piecesAwaitingDisk;
  }

  /** MAX_PIECES_AWAITING_DISK pieces wait for the disk: nothing more should be read or asked for. */
  get isDiskBehind(): boolean {
    return this.piecesAwaitingDisk >= MAX_PIECES_AWAITING_DISK;
  }

  /** Fills the peer's request queue, if it lets us ask, we want something of it and the disk keeps up. */
  fill(peer: BtPeer): void {
    if (peer.choking || !peer.amInterested || this.isDiskBehind) return;
    // A deep queue is topped up in batches, not after every block: each write to a socket
    // is a system call (on loopback, the receiver's work too), and a queue of 64 or more
    // loses nothing by waiting for 16 free slots (1 GiB: 8,000 writes -> 2,000, 10 % less
    // CPU). A shallow one is topped up as soon as a quarter of it is free.
    const batch = Math.max(1, Math.min(REQUEST_BATCH, Math.floor(this.planner.depthOf(peer) / 4)));
    if (this.planner.room(peer) < batch) return;
    peer.wire.sendRequests(this.planner.nextRequests(peer));
  }

  /** What the peer holds is now `has` (its bitfield, have-all or have-none): availability follows. */
  bitfieldReplaced(peer: BtPeer, has: Bitfield): void {
    this.planner.availability.addBitfield(peer.has, -1);
    this.planner.availability.addBitfield(has);
  }

  have(index: number): void {
    this.planner.availability.addPiece(index, this.options.geometry.pieceCount);
  }

  /** The peer choked us: without BEP 6 its requests are gone (BEP 3). */
  choked(peer: BtPeer): void {
    this.planner.choked(peer.key, { fast: peer.wire.caps.fast });
  }

  rejected(peer: BtPeer, block: BlockRef): void {
    this.planner.rejected(peer.key, block);
  }

  /** The peer left: its requests go to others, its pieces no longer count as available. */
  gone(peer: BtPeer): void {
    this.planner.peerGone(peer.key);
    this.planner.availability.addBitfield(peer.has, -1);
  }

  /** Snubbed peers' requests are released; returns those peers' keys. */
  checkSnubs(): PeerKey[] {
    return this.planner.checkSnubs().map((snub) => snub.peer);
  }

  /**
   * A block arrived (`data` is lent by the frame reader: copied, then given
   * back). Returns the cancels to send (end game) through `cancel`.
   */
  block(peer: BtPeer, block: BlockRef, data: Buffer, cancel: (peer: PeerKey, block: BlockRef) => void): void {
    const outcome = this.planner.blockReceived(peer.key, block);
    if (outcome.arrival === 'unrequested' || outcome.arrival === 'duplicate') {
      pieceBuffers.release(data);
      if (outcome.arrival === 'unrequested' && ++peer.unrequestedBlocks > MAX_UNREQUESTED_BLOCKS) {
        this.options.events.abuse(peer, `more than ${MAX_UNREQUESTED_BLOCKS} blocks we never asked for`);
      }
      return;
    }
    this.assembler.add(block, data);
    pieceBuffers.release(data);
    for (const other of outcome.cancels) cancel(other.peer, other.block);
    if (outcome.pieceComplete) void this.verify(block.index);
  }

  /** Who sent each block of a piece whose blocks are all in. */
  private sendersOf(index: number): BlockSender[] {
    return this.options.geometry.blocksOf(index).map((block) => {
      const state = this.planner.blocks.stateOf(block);
      if (state.kind !== 'received') throw new RangeError(`block ${index}+${block.begin} is ${state.kind}, not received`);
      return { block, from: state.from };
    });
  }

  private async verify(index: number): Promise<void> {
    const piece = this.assembler.take(index);
    if (++this.piecesAwaitingDisk === MAX_PIECES_AWAITING_DISK) this.options.events.diskBehind();
    try {
      await this.verifyAndWrite(index, piece);
    } finally {
      pieceBuffers.release(piece); // lent by the assembler; written (or judged) by now
      if (this.piecesAwaitingDisk-- === MAX_PIECES_AWAITING_DISK) this.options.events.diskCaughtUp();
    }
  }

  private async verifyAndWrite(index: number, piece: Buffer): Promise<void> {
    const digest = createHash('sha1').update(piece).digest();
    const { events, data } = this.options;
    if (!this.options.checker.matches(index, digest)) {
      const senders = this.sendersOf(index);
      this.planner.pieceFailed(index);
      const blamed = this.blame.failed(index, piece, senders);
      if (blamed.length > 0) events.pieceFailed(index, blamed);
      return;
    }
    for (const liars of this.blame.verified(index, piece)) events.pieceFailed(index, liars);
    try {
      await data.writeVerifiedPiece(index, piece);
    } catch (error) {
      this.planner.pieceFailed(index); // not the senders' fault: asked for again, nobody blamed
      events.writeFailed(index, error);
      return;
    }
    this.planner.pieceVerified(index);
    events.pieceVerified(index);
  }
}
