import type { Clock } from '../common/Clock.js';

/** A rate: so many a second on average, with bursts of up to `burst`. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket of datagrams on an injected clock: take() spends one token
 * if there is one. Not policy/DatagramBucket, which meters bytes, lets a take run
 * into debt (the sender waits) and has a fixed tenth-of-a-second burst: a
 * datagram is sent, queued or dropped whole, and a node may burst a lookup.
 */
export class DatagramBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly rate: Rate,
    private readonly clock: Clock,
  ) {
    this.tokens = rate.burst;
    this.updatedAtMs = clock.now();
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** ms until take() can succeed (0 when it can now). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate.perSecond);
  }

  /** True when the bucket is full again: nothing to remember about its owner. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.rate.burst;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.updatedAtMs) * this.rate.perSecond) / 1000);
    this.updatedAtMs = now;
  }
}

/**
 * One token bucket per source address, for at most `maxAddresses` of them: a
 * flood from many addresses costs a bounded map (the oldest buckets go first,
 * full ones before any), not memory per address ever seen.
 */
export class PerAddressLimiter {
  private readonly buckets = new Map<string, DatagramBucket>();

  constructor(
    private readonly rate: Rate,
    private readonly clock: Clock,
    private readonly maxAddresses: number,
  ) {}

  allows(address: string): boolean {
    let bucket = this.buckets.get(address);
    if (!bucket) {
      this.makeRoom();
      bucket = new DatagramBucket(this.rate, this.clock);
      this.buckets.set(address, bucket);
    }
    return bucket.take();
  }

  get trackedAddresses(): number {
    return this.buckets.size;
  }

  private makeRoom(): void {
    if (this.buckets.size < this.maxAddresses) return;
    for (const [address, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(address);
    if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
  }
}
