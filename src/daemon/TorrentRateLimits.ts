import type { Clock } from '../common/Clock.js';
import type { RateLimits } from '../node/RateLimits.js';
import { TokenBucket } from '../policy/TokenBucket.js';
import type { ConnectionLimits, RateLimiter } from '../torrent/TorrentObserver.js';

/** Bytes per second; null: no limit. */
export interface TorrentLimits {
  downloadRate: number | null;
  uploadRate: number | null;
}

export const NO_LIMITS: TorrentLimits = { downloadRate: null, uploadRate: null };

/**
 * One torrent's limits between the daemon's per-peer and global ones (issue
 * 14: per peer, per torrent, global, each a token bucket, the same as the
 * course peer's): a transfer takes from its peer's bucket, the torrent's and
 * the global one, and waits as long as the emptiest says. Changeable while it
 * runs.
 */
export class TorrentRateLimits implements RateLimiter {
  private readonly up: TokenBucket;
  private readonly down: TokenBucket;
  private limits: TorrentLimits;

  constructor(
    /** The daemon's: its global buckets, and the per-peer rates each connection's own buckets get. */
    private readonly daemon: RateLimits,
    clock: Clock,
    limits: TorrentLimits,
  ) {
    this.limits = { ...limits };
    this.up = new TokenBucket(clock, limits.uploadRate ?? undefined);
    this.down = new TokenBucket(clock, limits.downloadRate ?? undefined);
  }

  get current(): TorrentLimits {
    return { ...this.limits };
  }

  update(limits: TorrentLimits): void {
    this.limits = { ...limits };
    this.up.setRate(limits.uploadRate ?? undefined);
    this.down.setRate(limits.downloadRate ?? undefined);
  }

  forNeighbour(): ConnectionLimits {
    const peerAndGlobal = this.daemon.forNeighbour();
    return {
      upload: (bytes) => Math.max(peerAndGlobal.upload(bytes), this.up.take(bytes)),
      download: (bytes) => Math.max(peerAndGlobal.download(bytes), this.down.take(bytes)),
      release: () => peerAndGlobal.release(),
    };
  }
}
