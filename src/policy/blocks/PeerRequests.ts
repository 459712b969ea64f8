import { BlockKeyQueue } from './BlockKeyQueue.js';

/**
 * What we asked of one peer (architecture.md: per connection, "blocks in
 * flight" and "snub state"). Blocks are named by their key (BlockGeometry.keyOf).
 */
export class PeerRequests {
  /** Requests in flight that count against the peer's queue depth, oldest first, with when each was sent. */
  readonly outstanding = new BlockKeyQueue();
  /**
   * Requests the peer may still answer that no longer count: released when
   * it was snubbed, or cancelled in the end game. A block arriving for one is
   * still taken; none of them is asked of this peer again meanwhile.
   */
  readonly unanswered = new Set<number>();
  /** Since when the peer has sent nothing while we wait on it (for snubbing). */
  silentSinceMs = 0;
  snubbed = false;
  /**
   * The quickest answer to a request so far, from sending it to its block
   * (queueDepth's round trip): every answer takes at least the round trip,
   * and the first one on an empty pipeline takes little more.
   */
  roundTripMs: number | undefined;

  /** Asked of this peer and not answered, counted or not: never asked of it twice. */
  isAwaiting(key: number): boolean {
    return this.outstanding.has(key) || this.unanswered.has(key);
  }

  add(key: number, nowMs: number): void {
    if (this.outstanding.size === 0) this.silentSinceMs = nowMs;
    this.outstanding.add(key, nowMs);
  }

  /** The request no longer counts against the depth, but may still be answered. */
  demote(key: number): void {
    if (this.outstanding.delete(key)) this.unanswered.add(key);
  }

  /**
   * The peer answered a request (its block came at `answeredAtMs`) or forgot
   * it (a reject): returns whether it had counted against the depth.
   */
  settle(key: number, answeredAtMs?: number): 'outstanding' | 'unanswered' | undefined {
    const sentAtMs = this.outstanding.take(key);
    if (sentAtMs !== undefined) {
      if (answeredAtMs !== undefined) this.timed(answeredAtMs - sentAtMs);
      return 'outstanding';
    }
    if (this.unanswered.delete(key)) return 'unanswered';
    return undefined;
  }

  /** A block came: the peer is not silent, and no longer snubbed. */
  heard(nowMs: number): void {
    this.silentSinceMs = nowMs;
    this.snubbed = false;
  }

  private timed(answerMs: number): void {
    // The clock counts whole milliseconds: a loopback round trip reads 0.
    const sample = Math.max(1, answerMs);
    if (this.roundTripMs === undefined || sample < this.roundTripMs) this.roundTripMs = sample;
  }
}
