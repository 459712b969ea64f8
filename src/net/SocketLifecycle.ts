import type { Duplex } from 'stream';
import type { Cancel, Clock } from '../common/Clock.js';
import type { DisconnectReason } from './ProtocolHandlers.js';

export type ConnectionState = 'handshaking' | 'open' | 'closing' | 'closed';

/** After end() is called, how long the peer gets to read what we wrote. */
const CLOSE_GRACE_MS = 5_000;

export interface SocketLifecycleOptions {
  socket: Duplex;
  clock: Clock;
  /** Bytes of a frame still unread when the peer ended its side: an unfinished frame is a violation. */
  pendingBytes(): number;
  /** Once, when the socket has closed, with why. */
  closed(reason: DisconnectReason): void;
}

/**
 * How a connection ends, whatever the dialect: handshaking, open, then
 * closing (we asked: what was written still leaves, within a grace) or closed
 * at once (a socket error, a peer that stopped reading), each with the reason
 * the first cause gave. The connection reports it once the socket is gone.
 */
export class SocketLifecycle {
  private stateValue: ConnectionState = 'handshaking';
  private reason: DisconnectReason | undefined;
  private cancelGrace: Cancel | undefined;
  private readingHolds = 0;
  /** Resolves once the socket is fully closed. */
  readonly whenClosed: Promise<void>;

  constructor(private readonly options: SocketLifecycleOptions) {
    const { socket } = options;
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('end', () => this.close(this.endReason()));
    socket.on('error', (error) => this.fail({ kind: 'socket-error', message: error.message }));
    socket.on('close', () => this.finish());
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The handshake is done. */
  opened(): void {
    if (this.stateValue === 'handshaking') this.stateValue = 'open';
  }

  /** Closing or closed: nothing more is read or sent. */
  get isEnding(): boolean {
    return this.stateValue === 'closing' || this.stateValue === 'closed';
  }

  /** A download limit stops reading the socket for `waitMs`; TCP then slows the sender. */
  pauseReading(waitMs: number): void {
    if (waitMs <= 0) return;
    this.holdReading();
    this.options.clock.after(waitMs, () => this.releaseReading());
  }

  /**
   * Stops reading the socket until as many releaseReading() calls: what the
   * peer sends waits in the kernel's buffers, not ours, and TCP slows it.
   * Holds nest, so a rate limit's pause cannot end a wait for the disk.
   */
  holdReading(): void {
    if (this.readingHolds++ === 0) this.options.socket.pause();
  }

  releaseReading(): void {
    if (this.readingHolds === 0) return;
    if (--this.readingHolds === 0) this.options.socket.resume();
  }

  /** Ends the connection after what was written is flushed; false when it was already ending. */
  close(reason: DisconnectReason): boolean {
    if (this.isEnding) return false;
    this.stateValue = 'closing';
    this.reason = reason;
    const { socket } = this.options;
    socket.end();
    this.cancelGrace = this.options.clock.after(CLOSE_GRACE_MS, () => socket.destroy());
    return true;
  }

  /** Ends it now, dropping what is unsent; the first reason given stands. */
  fail(reason: DisconnectReason): void {
    this.reason ??= reason;
    this.options.socket.destroy();
  }

  /** The peer ended its side: normal, unless it left a frame unfinished. */
  private endReason(): DisconnectReason {
    const pending = this.options.pendingBytes();
    if (pending === 0) return { kind: 'remote-closed' };
    return { kind: 'protocol-violation', code: 'truncated', message: `closed with ${pending} bytes of an unfinished frame` };
  }

  private finish(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.cancelGrace?.();
    this.options.closed(this.reason ?? { kind: 'remote-closed' });
  }
}
