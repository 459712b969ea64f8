import { BlockKeyQueue } from './BlockKeyQueue.js';

/**
 * What we asked of one peer (architecture.md: per connection, "blocks in
 * flight" and "snub state"). Blocks are named by their key (BlockGeometry.keyOf).
 */
export class PeerRequests {
  /** Requests in flight that count against the peer's queue depth, oldest first. */
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

  /** Asked of this peer and not answered, counted or not: never asked of it twice. */
  isAwaiting(key: number): boolean {
    return this.outstanding.has(key) || this.unanswered.has(key);
  }

  add(key: number, nowMs: number): void {
    if (this.outstanding.size === 0) this.silentSinceMs = nowMs;
    this.outstanding.add(key);
  }

  /** The request no longer counts against the depth, but may still be answered. */
  demote(key: number): void {
    if (this.outstanding.delete(key)) this.unanswered.add(key);
  }

  /** The peer answered a request or forgot it: returns whether it had counted against the depth. */
  settle(key: number): 'outstanding' | 'unanswered' | undefined {
    if (this.outstanding.delete(key)) return 'outstanding';
    if (this.unanswered.delete(key)) return 'unanswered';
    return undefined;
  }

  /** A block came: the peer is not silent, and no longer snubbed. */
  heard(nowMs: number): void {
    this.silentSinceMs = nowMs;
    this.snubbed = false;
  }
}
