import type { Cancel, Clock } from '../common/Clock.js';
import { ProtocolError } from '../wire/ProtocolError.js';

export interface InboundGuardOptions {
  clock: Clock;
  /** More messages than this in one second is a flood (each one is work and, often, a log line). */
  maxMessagesPerSecond: number;
  /** A frame left unfinished this long, with no frame completed meanwhile, is a stalled (trickling) peer. */
  stalledFrameTimeoutMs: number;
}

export const DEFAULT_MAX_MESSAGES_PER_SECOND = 20_000;
export const DEFAULT_STALLED_FRAME_TIMEOUT_MS = 60_000;

/**
 * The limits on what one peer may make us do, whatever the dialect: a bounded
 * number of messages per second, and no frame trickled in forever (a peer
 * sending a frame byte by byte could otherwise hold the connection and its
 * buffer without end).
 */
export class InboundGuard {
  private messagesReceived = 0;
  private windowStartMs = 0;
  private messagesInWindow = 0;
  private cancelStallTimer: Cancel | undefined;
  private messagesAtStallCheck = 0;

  constructor(private readonly options: InboundGuardOptions) {}

  /** Messages received so far. */
  get count(): number {
    return this.messagesReceived;
  }

  /** Counts one message; throws ProtocolError 'flood' past the per-second limit. */
  countMessage(): void {
    this.messagesReceived++;
    const now = this.options.clock.now();
    if (now - this.windowStartMs >= 1_000) {
      this.windowStartMs = now;
      this.messagesInWindow = 0;
    }
    const limit = this.options.maxMessagesPerSecond;
    if (++this.messagesInWindow > limit) throw new ProtocolError('flood', `more than ${limit} messages in one second`);
  }

  /**
   * After reading what arrived: while bytes of an unfinished frame are held, a
   * frame must complete within the stall timeout, else `onStall` is called.
   * `stillPending()` says whether the connection is open and still holds them.
   */
  watchForStall(stillPending: () => boolean, onStall: (timeoutMs: number) => void): void {
    if (!stillPending() || this.cancelStallTimer) return;
    const timeoutMs = this.options.stalledFrameTimeoutMs;
    this.messagesAtStallCheck = this.messagesReceived;
    this.cancelStallTimer = this.options.clock.after(timeoutMs, () => {
      this.cancelStallTimer = undefined;
      if (!stillPending()) return;
      if (this.messagesReceived === this.messagesAtStallCheck) onStall(timeoutMs);
      else this.watchForStall(stillPending, onStall);
    });
  }

  stop(): void {
    this.cancelStallTimer?.();
    this.cancelStallTimer = undefined;
  }
}
