import type { Clock } from '../common/Clock.js';
import { SlidingRate } from '../policy/SlidingRate.js';
import type { BtPeer } from './BtPeer.js';

/** Who else counts a block that moved: the choker (rates by interval), the store (totals across runs), an observer. */
export interface TallySinks {
  received(peer: BtPeer, bytes: number): void;
  sent(peer: BtPeer, bytes: number): void;
}

/**
 * The payload bytes of a torrent's run, in one place: per peer (its totals
 * and rates, for the summary and the planner's queue depth), for the torrent
 * (what trackers are told, the rates people watch), and passed on to `sinks`.
 */
export class TransferTally {
  downloaded = 0;
  uploaded = 0;
  readonly downloadRate: SlidingRate;
  readonly uploadRate: SlidingRate;

  constructor(
    clock: Clock,
    private readonly sinks: TallySinks,
  ) {
    this.downloadRate = new SlidingRate(clock);
    this.uploadRate = new SlidingRate(clock);
  }

  received(peer: BtPeer, bytes: number): void {
    peer.bytesDownloaded += bytes;
    peer.downloadRate.record(bytes);
    this.downloaded += bytes;
    this.downloadRate.record(bytes);
    this.sinks.received(peer, bytes);
  }

  sent(peer: BtPeer, bytes: number): void {
    peer.bytesUploaded += bytes;
    peer.uploadRate.record(bytes);
    this.uploaded += bytes;
    this.uploadRate.record(bytes);
    this.sinks.sent(peer, bytes);
  }
}
