import type { BlockRef } from '../core/BlockRef.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import type { BtPeer } from './BtPeer.js';
import type { TorrentData } from './TorrentData.js';

/** Requests we queue per peer, announced as our `reqq` (BEP 10); libtorrent's default is 500 too. */
export const MAX_QUEUED_REQUESTS = 500;

export interface BlockUploaderOptions {
  peer: BtPeer;
  data: TorrentData;
  maxQueued?: number;
  /** A block left: its payload bytes. */
  sent(bytes: number): void;
  /** The peer asks far beyond what we said we queue: the torrent closes it. */
  abuse(why: string): void;
  /** A read failed (disk): the torrent logs it; the request is dropped. */
  readFailed(block: BlockRef, error: unknown): void;
  /** Rate limits (as the course's Uploader): resolves when `bytes` may be sent. */
  throttle?(bytes: number): Promise<void>;
}

/**
 * Serves one peer's requests (BEP 3 "request", BEP 6 "reject"): only while it
 * is unchoked, only pieces we hold, at most `maxQueued` waiting (the rest are
 * rejected with BEP 6, else dropped, as BEP 3 allows), one block read at a
 * time and the next only once the socket took the last (back-pressure), so a
 * slow reader holds one block of our memory, not its whole queue.
 */
export class BlockUploader {
  private readonly queue: BlockRef[] = [];
  private readonly maxQueued: number;
  private serving = false;
  private stopped = false;
  /** Requests refused since the queue was last below its limit: a peer that overshoots now and then is never closed for it. */
  private refusedOverLimit = 0;

  constructor(private readonly options: BlockUploaderOptions) {
    this.maxQueued = options.maxQueued ?? MAX_QUEUED_REQUESTS;
  }

  get queued(): number {
    return this.queue.length;
  }

  request(block: BlockRef): void {
    const { peer, data } = this.options;
    if (peer.amChoking || !data.bitfield.has(block.index)) return this.refuse(block);
    if (this.queue.length >= this.maxQueued) {
      // A peer that overshoots our reqq by as much again, while the queue stays full, is not merely racing a choke.
      if (++this.refusedOverLimit > this.maxQueued) {
        this.stop();
        return this.options.abuse(`more than ${this.maxQueued} requests queued, again and again`);
      }
      return this.refuse(block);
    }
    if (this.queue.some((queued) => sameBlock(queued, block))) return; // asked twice: served once
    this.queue.push(block);
    void this.serve();
  }

  cancel(block: BlockRef): void {
    const at = this.queue.findIndex((queued) => sameBlock(queued, block));
    if (at >= 0) this.queue.splice(at, 1);
  }

  /** We choked the peer: BEP 6 rejects what was queued; BEP 3 drops it silently (the choke says it). */
  choked(): void {
    for (const block of this.queue.splice(0)) this.refuse(block);
  }

  /** The peer was unchoked: serve what it asks from now on. */
  unchoked(): void {
    void this.serve();
  }

  /** The connection is closing or gone: its queue is dropped, and a block being read is neither sent nor counted as uploaded. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private refuse(block: BlockRef): void {
    this.options.peer.wire.sendReject(block);
  }

  private async serve(): Promise<void> {
    if (this.serving) return;
    this.serving = true;
    const { peer, data } = this.options;
    try {
      for (let block = this.queue.shift(); block; block = this.queue.shift()) {
        this.refusedOverLimit = 0; // the queue has room again
        let bytes: Buffer;
        try {
          bytes = await data.readBlock(block);
        } catch (error) {
          this.options.readFailed(block, error);
          continue;
        }
        await this.options.throttle?.(block.length);
        if (this.stopped || peer.amChoking) {
          pieceBuffers.release(bytes); // lent by the store; not sent
          if (!this.stopped) this.refuse(block); // choked while reading: choked() answered for the rest of the queue
          break;
        }
        peer.wire.sendPiece(block, bytes);
        this.options.sent(block.length);
        await peer.wire.flushed();
      }
    } finally {
      this.serving = false;
    }
  }
}

function sameBlock(a: BlockRef, b: BlockRef): boolean {
  return a.index === b.index && a.begin === b.begin && a.length === b.length;
}
