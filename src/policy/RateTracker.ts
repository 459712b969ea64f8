import type { Clock } from '../common/Clock.js';

/**
 * Download rate per neighbour, for the rule "preferred neighbours are those
 * that sent us data at the highest rate during the last interval". All
 * neighbours share one interval, so bytes per interval rank them the same as
 * bytes per second; elapsedMs is returned for logs and for callers wanting a rate.
 * Reads the clock only; schedules nothing.
 */
export class RateTracker {
  private bytesByPeer = new Map<number, number>();
  private intervalStartMs: number;

  constructor(private readonly clock: Clock) {
    this.intervalStartMs = clock.now();
  }

  /** Bytes received from a neighbour (piece payloads). */
  record(peerId: number, bytes: number): void {
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`bad byte count ${bytes} from neighbour ${peerId}`);
    this.bytesByPeer.set(peerId, (this.bytesByPeer.get(peerId) ?? 0) + bytes);
  }

  bytesThisInterval(peerId: number): number {
    return this.bytesByPeer.get(peerId) ?? 0;
  }

  /** Ends the current interval: returns what each neighbour sent during it and how long it lasted, and starts a new one. */
  takeInterval(): { elapsedMs: number; bytesByPeer: ReadonlyMap<number, number> } {
    const nowMs = this.clock.now();
    const ended = { elapsedMs: nowMs - this.intervalStartMs, bytesByPeer: this.bytesByPeer };
    this.bytesByPeer = new Map();
    this.intervalStartMs = nowMs;
    return ended;
  }

  remove(peerId: number): void {
    this.bytesByPeer.delete(peerId);
  }
}
