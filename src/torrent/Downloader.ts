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
import { IncomingPieces, type ArrivedPiece } from './IncomingPieces.js';
import type { TorrentData } from './TorrentData.js';

/** Blocks nobody asked a peer for, beyond which it is abusing us (a few happen when a cancel crosses the block). */
export const MAX_UNREQUESTED_BLOCKS = 64;

/** At most this many free slots of a peer's queue are waited for before requests go out (see fill). */
export const REQUEST_BATCH = 16;

/**
 * Bytes handed to the disk and not yet written at which the torrent stops
 * reading its peers and asking them for more (disk back-pressure, as
 * libtorrent's `max_queued_disk_bytes`): a disk slower than the peers would
 * otherwise gather blocks in memory without bound. What they already send
 * waits in the kernel's socket buffers, and TCP slows them. Reading resumes
 * once half of it is written, so that the sockets are not held and released
 * at every run written.
 */
export const MAX_BYTES_AWAITING_DISK = 2 * 1024 * 1024;

export interface DownloaderEvents {
  /** A piece's SHA-1 matched and its bytes are on disk: it is held. */
  pieceVerified(index: number): void;
  /**
   * A piece's SHA-1 did not match: the peers that sent bad data for it. Told
   * at once when one peer sent the whole piece, else once a good copy shows
   * whose blocks differed (BlockBlame).
   */
  pieceFailed(index: number, contributors: PeerKey[]): void;
  /** A peer sent more unrequested blocks than MAX_UNREQUESTED_BLOCKS. */
  abuse(peer: BtPeer, why: string): void;
  /** Writing a piece failed (disk): it is wanted again. */
  writeFailed(index: number, error: unknown): void;
  /** The disk is behind (MAX_BYTES_AWAITING_DISK wait for it): stop reading the peers. */
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
 * (RequestPlanner), blocks hashed and written as they come (IncomingPieces),
 * each piece's SHA-1 checked (BEP 3) before it is marked held and announced.
 * Peers are asked through their wire; the torrent says when a peer changed.
 */
export class Downloader {
  readonly planner: RequestPlanner;
  private readonly incoming: IncomingPieces;
  private readonly blame = new BlockBlame();
  private bytesAwaitingDisk = 0;
  private diskBehind = false;
  private stopped = false;

  constructor(private readonly options: DownloaderOptions) {
    const { geometry, clock, random, data } = options;
    this.planner = new RequestPlanner({ geometry, clock, random });
    this.incoming = new IncomingPieces(data, (index) => geometry.pieceLengthOf(index), { writing: (delta) => this.writing(delta) });
    for (let index = 0; index < geometry.pieceCount; index++) if (data.bitfield.has(index)) this.planner.held(index);
  }

  /** Bytes handed to the disk and not yet written. */
  get bytesWriting(): number {
    return this.bytesAwaitingDisk;
  }

  /** The disk is behind (see MAX_BYTES_AWAITING_DISK): nothing more should be read or asked for. */
  get isDiskBehind(): boolean {
    return this.diskBehind;
  }

  /** The torrent stopped: pieces whose writes land from now on are left unjudged (not held: fetched or rechecked next time), as the store is closing. */
  stop(): void {
    this.stopped = true;
  }

  /** Fills the peer's request queue, if it lets us ask, we want something of it and the disk keeps up. */
  fill(peer: BtPeer): void {
    if (peer.choking || !peer.amInterested || this.isDiskBehind) return;
    // A queue is topped up in batches, not after every block: each write to a socket is a
    // system call (on loopback, the receiver's work too), and a queue of 32 or more loses
    // nothing by waiting for 16 free slots (1 GiB: 8,000 writes -> 2,000, 10 % less CPU):
    // queueDepth keeps a batch of headroom beyond the round trip. A shallower one is topped
    // up once half of it is free.
    const batch = Math.max(1, Math.min(REQUEST_BATCH, Math.floor(this.planner.depthOf(peer) / 2)));
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
   * A block arrived (`data` is lent by the frame reader: kept until it is
   * written, then given back). Returns the cancels to send (end game) through `cancel`.
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
    this.incoming.add(block, data);
    for (const other of outcome.cancels) cancel(other.peer, other.block);
    if (outcome.pieceComplete) void this.judge(block.index, this.incoming.finish(block.index));
  }

  private writing(delta: number): void {
    this.bytesAwaitingDisk += delta;
    if (!this.diskBehind && this.bytesAwaitingDisk >= MAX_BYTES_AWAITING_DISK) {
      this.diskBehind = true;
      this.options.events.diskBehind();
    } else if (this.diskBehind && this.bytesAwaitingDisk <= MAX_BYTES_AWAITING_DISK / 2) {
      this.diskBehind = false;
      this.options.events.diskCaughtUp();
    }
  }

  /** Who sent each block of a piece whose blocks are all in. */
  private sendersOf(index: number): BlockSender[] {
    return this.options.geometry.blocksOf(index).map((block) => {
      const state = this.planner.blocks.stateOf(block);
      if (state.kind !== 'received') throw new RangeError(`block ${index}+${block.begin} is ${state.kind}, not received`);
      return { block, from: state.from };
    });
  }

  /**
   * A piece whose blocks are all in, once its writes are done: held when its
   * digest matches, else wanted again (and its senders judged). The planner
   * hears of a failure only now, so that no block asked again is written
   * before the bad copy's writes are done.
   */
  private async judge(index: number, arrival: Promise<ArrivedPiece>): Promise<void> {
    const { events, data, checker } = this.options;
    const { digest, writeError } = await arrival;
    if (this.stopped) return;
    if (writeError !== undefined) {
      this.planner.pieceFailed(index); // not the senders' fault: asked for again, nobody blamed
      events.writeFailed(index, writeError);
      return;
    }
    try {
      if (!checker.matches(index, digest)) {
        // Judged before the planner asks for the piece again: no new block is written over the bad copy while it is read.
        const blamed = await this.blame.failed(index, this.sendersOf(index), () => data.readPiece(index));
        this.planner.pieceFailed(index);
        if (blamed.length > 0) events.pieceFailed(index, blamed);
        return;
      }
      for (const liars of await this.blame.verified(index, () => data.readPiece(index))) events.pieceFailed(index, liars);
      await data.markVerified(index);
    } catch (error) {
      this.planner.pieceFailed(index);
      events.writeFailed(index, error);
      return;
    }
    this.planner.pieceVerified(index);
    events.pieceVerified(index);
  }
}
