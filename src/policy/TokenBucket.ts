import type { Clock } from '../common/Clock.js';

/**
 * A rate limit as a token bucket: tokens (bytes) refill at the rate, up to a
 * burst of a tenth of a second's worth (so a long run stays within a few
 * percent of the rate); taking more than there is runs into debt, repaid by
 * waiting. Unlimited while the rate is undefined.
 */
export class TokenBucket {
  private tokens = 0;
  private lastRefillMs: number;
  private rate: number | undefined;

  constructor(
    private readonly clock: Clock,
    rateBytesPerSecond?: number,
  ) {
    this.lastRefillMs = clock.now();
    this.setRate(rateBytesPerSecond);
  }

  get bytesPerSecond(): number | undefined {
    return this.rate;
  }

  setRate(rateBytesPerSecond: number | undefined): void {
    if (rateBytesPerSecond !== undefined && !(rateBytesPerSecond > 0)) throw new RangeError(`bad rate ${rateBytesPerSecond}`);
    this.refill();
    this.rate = rateBytesPerSecond;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** Takes `bytes`; returns how many ms to wait before using them (0: go ahead). */
  take(bytes: number): number {
    if (this.rate === undefined) return 0;
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.rate !== undefined) this.tokens = Math.min(this.burst(), this.tokens + ((now - this.lastRefillMs) * this.rate) / 1000);
    this.lastRefillMs = now;
  }

  private burst(): number {
    return this.rate === undefined ? 0 : this.rate / 10;
  }
}
