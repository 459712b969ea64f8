import type { WireCommands } from '../net/ProtocolHandlers.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import { wholePiece } from '../core/BlockRef.js';

export interface UploadSource {
  has(index: number): boolean;
  /** May lend a buffer from `pieceBuffers` (PieceStore does): it is handed on to the wire, or given back. */
  readPiece(index: number): Promise<Buffer>;
}

export interface UploaderOptions {
  wire: Pick<WireCommands, 'sendPiece'> & { flushed(): Promise<void> };
  source: UploadSource;
  /** Requests held at most; more are dropped (a flood costs the flooder, not us). */
  maxQueued: number;
  /** Checked before each piece: a neighbour choked meanwhile gets nothing. */
  mayServe(): boolean;
  onSent(index: number, bytes: number): void;
  onError(index: number, error: unknown): void;
  /** Pieces read from disk at once ahead of sending (a pipelining neighbour keeps several queued). */
  readAhead?: number;
  /** Rate limits: resolves when `bytes` may be sent. */
  throttle?(bytes: number): Promise<void>;
}

/**
 * Serves one neighbour's requests in order. Up to `readAhead` queued pieces are
 * read from disk together (disk latency overlaps), then sent in order; the next
 * batch is read only once the socket has taken the last one (back-pressure).
 */
export class Uploader {
  private readonly queue: number[] = [];
  private running = false;
  /** Bumped by every clear(): a piece read before a choke is not sent after it. */
  private generation = 0;

  constructor(private readonly options: UploaderOptions) {}

  /** Returns false when the request was dropped (queue full or a repeat). */
  enqueue(index: number): boolean {
    if (this.queue.length >= this.options.maxQueued || this.queue.includes(index)) return false;
    this.queue.push(index);
    if (!this.running) void this.drain();
    return true;
  }

  /** A choke voids every request not yet answered. */
  clear(): void {
    this.queue.length = 0;
    this.generation++;
  }

  get queued(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.readAhead ?? 1).filter((index) => this.options.source.has(index));
        if (!this.options.mayServe()) continue;
        const generation = this.generation;
        const reads = batch.map((index) => this.options.source.readPiece(index).catch((error: unknown) => error));
        for (const [i, index] of batch.entries()) {
          const data = await reads[i];
          if (!Buffer.isBuffer(data)) {
            this.options.onError(index, data);
            continue;
          }
          await this.options.throttle?.(data.length);
          if (generation !== this.generation || !this.options.mayServe()) {
            // Choked meanwhile: nothing more of this batch is sent; its buffers go back to the pool.
            for (const read of reads.slice(i)) void read.then((unsent) => Buffer.isBuffer(unsent) && pieceBuffers.release(unsent));
            break;
          }
          // The wire owns the buffer from here (it gives it back once the socket took it).
          this.options.wire.sendPiece(wholePiece(index, data.length), data);
          this.options.onSent(index, data.length);
        }
        await this.options.wire.flushed();
      }
    } finally {
      this.running = false;
    }
  }
}
