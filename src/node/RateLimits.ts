import type { Clock } from '../common/Clock.js';
import { TokenBucket } from '../policy/TokenBucket.js';

/** Bytes per second; undefined means unlimited. */
export interface RateLimitSettings {
  uploadBytesPerSecond?: number;
  downloadBytesPerSecond?: number;
  neighbourUploadBytesPerSecond?: number;
  neighbourDownloadBytesPerSecond?: number;
}

/** One neighbour's share: its own buckets, cascading into the process-wide ones. */
export interface NeighbourLimits {
  /** Ms to wait before sending `bytes` to this neighbour. */
  upload(bytes: number): number;
  /** Ms to stop reading from this neighbour after receiving `bytes`. */
  download(bytes: number): number;
}

/**
 * Process-wide upload and download limits, and per-neighbour ones, as token
 * buckets: a transfer waits for its neighbour's bucket, then for the global
 * one. Changeable while running (a SIGHUP reload, later the control interface).
 */
export class RateLimits {
  private readonly globalUpload: TokenBucket;
  private readonly globalDownload: TokenBucket;
  private readonly neighbours = new Set<{ up: TokenBucket; down: TokenBucket }>();
  private settings: RateLimitSettings;

  constructor(
    private readonly clock: Clock,
    settings: RateLimitSettings = {},
  ) {
    this.settings = { ...settings };
    this.globalUpload = new TokenBucket(clock, settings.uploadBytesPerSecond);
    this.globalDownload = new TokenBucket(clock, settings.downloadBytesPerSecond);
  }

  get current(): RateLimitSettings {
    return { ...this.settings };
  }

  update(settings: RateLimitSettings): void {
    this.settings = { ...settings };
    this.globalUpload.setRate(settings.uploadBytesPerSecond);
    this.globalDownload.setRate(settings.downloadBytesPerSecond);
    for (const buckets of this.neighbours) {
      buckets.up.setRate(settings.neighbourUploadBytesPerSecond);
      buckets.down.setRate(settings.neighbourDownloadBytesPerSecond);
    }
  }

  /** Buckets for a new neighbour; `release` when it leaves. */
  forNeighbour(): NeighbourLimits & { release(): void } {
    const buckets = {
      up: new TokenBucket(this.clock, this.settings.neighbourUploadBytesPerSecond),
      down: new TokenBucket(this.clock, this.settings.neighbourDownloadBytesPerSecond),
    };
    this.neighbours.add(buckets);
    return {
      upload: (bytes) => Math.max(buckets.up.take(bytes), this.globalUpload.take(bytes)),
      download: (bytes) => Math.max(buckets.down.take(bytes), this.globalDownload.take(bytes)),
      release: () => this.neighbours.delete(buckets),
    };
  }
}
