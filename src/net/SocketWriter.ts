import * as net from 'net';
import type { Duplex } from 'stream';
import { pieceBuffers } from '../wire/BufferPool.js';

/** When held writes leave: at the end of this tick, or at the event loop's next check phase. */
export type HoldUntil = 'tick' | 'turn';

/**
 * The outbound half of a connection, whatever the dialect: small messages are
 * held back to leave together in one system call, a block leaves at once with
 * whatever was held (so back-pressure sees it), and a peer that stops reading
 * altogether is noticed before its unsent bytes grow without bound.
 */
export class SocketWriter {
  private flushDueAtTick = false;
  private flushDueAtTurn = false;

  constructor(
    private readonly socket: Duplex,
    /** What we let pile up unsent before calling the peer not reading. */
    private readonly maxUnsentBytes: number,
    private readonly onNotReading: (unsentBytes: number) => void,
  ) {}

  /**
   * Writes a small message, corked until `until`: a pipeline of requests
   * leaves in one write at the end of the tick; haves, which carry no
   * deadline, wait for the loop's next turn so that the haves of every piece
   * completed in a turn share one write.
   */
  write(frame: Buffer, until: HoldUntil): void {
    this.hold(until);
    this.socket.write(frame);
    this.checkUnsent();
  }

  /**
   * A block's frame as its header and the data as they are (no copy into a
   * new frame; both leave in the same system call, corked). The data is ours
   * now: a buffer lent by `pieceBuffers` goes back once the kernel has copied
   * it, which a TCP socket's write callback says. Another kind of stream may
   * keep the chunk itself, so it keeps it.
   */
  writeBlock(header: Buffer, data: Buffer): void {
    const { socket } = this;
    socket.cork();
    socket.write(header);
    if (socket instanceof net.Socket) socket.write(data, () => pieceBuffers.release(data));
    else socket.write(data);
    this.flush();
    this.checkUnsent();
  }

  /** Resolves when the socket has room for more (back-pressure): a slow reader gets its next block only when it took the last one. */
  flushed(): Promise<void> {
    const { socket } = this;
    if (socket.destroyed || !socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  private hold(until: HoldUntil): void {
    const { socket } = this;
    if (!socket.writableCorked) socket.cork();
    if (until === 'tick' && !this.flushDueAtTick) {
      this.flushDueAtTick = true;
      process.nextTick(() => {
        this.flushDueAtTick = false;
        this.flush();
      });
    } else if (until === 'turn' && !this.flushDueAtTurn) {
      this.flushDueAtTurn = true;
      setImmediate(() => {
        this.flushDueAtTurn = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    while (this.socket.writableCorked) this.socket.uncork();
  }

  /** Blocks wait for flushed(); this is the net under everything else for a peer that stopped reading altogether. */
  private checkUnsent(): void {
    if (this.socket.writableLength > this.maxUnsentBytes) this.onNotReading(this.socket.writableLength);
  }
}
