import type { Clock } from '../common/Clock.js';

const BUCKET_MS = 500;
const BUCKETS = 4;

/**
 * Bytes per second over the last two seconds, for people watching (status,
 * dashboard), not for choking decisions (those use RateTracker's interval).
 * Counts in half-second buckets, so its memory does not grow with traffic.
 */
export class SlidingRate {
  private readonly buckets = new Float64Array(BUCKETS);
  /** The bucket number (time / BUCKET_MS) that buckets[n % BUCKETS] holds. */
  private readonly bucketIds = new Float64Array(BUCKETS).fill(-1);

  constructor(private readonly clock: Clock) {}

  record(bytes: number): void {
    const id = Math.floor(this.clock.now() / BUCKET_MS);
    const slot = id % BUCKETS;
    if (this.bucketIds[slot] !== id) {
      this.bucketIds[slot] = id;
      this.buckets[slot] = 0;
    }
    this.buckets[slot] += bytes;
  }

  bytesPerSecond(): number {
    const newest = Math.floor(this.clock.now() / BUCKET_MS);
    let total = 0;
    for (let slot = 0; slot < BUCKETS; slot++) {
      if (this.bucketIds[slot] > newest - BUCKETS) total += this.buckets[slot];
    }
    return Math.round(total / ((BUCKETS * BUCKET_MS) / 1000));
  }
}
