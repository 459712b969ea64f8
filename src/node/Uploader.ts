import type { WireCommands } from '../net/ProtocolHandlers';

export interface UploadSource {
  has(index: number): boolean;
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
}

/**
 * Serves one neighbour's requests in order, one piece in flight at a time, and
 * reads the next piece from disk only once the socket has taken the last one.
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
      for (let index = this.queue.shift(); index !== undefined; index = this.queue.shift()) {
        if (!this.options.mayServe() || !this.options.source.has(index)) continue;
        const generation = this.generation;
        try {
          const data = await this.options.source.readPiece(index);
          if (generation !== this.generation || !this.options.mayServe()) continue;
          this.options.wire.sendPiece(index, data);
          this.options.onSent(index, data.length);
          await this.options.wire.flushed();
        } catch (error) {
          this.options.onError(index, error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
