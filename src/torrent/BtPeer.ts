import type { Clock } from '../common/Clock.js';
import { Bitfield } from '../core/Bitfield.js';
import type { BtPeerWire } from '../net/bt/BtPeerEvents.js';
import type { PeerKey } from '../policy/blocks/BlockGeometry.js';
import type { PlannerPeer } from '../policy/blocks/RequestPlanner.js';
import { SlidingRate } from '../policy/SlidingRate.js';

/**
 * One connected BitTorrent peer as the torrent sees it (architecture.md, "per
 * connection"): the four flags, what it has, its rates and totals, its
 * identity. The wire does the talking; this only remembers.
 */
export class BtPeer implements PlannerPeer {
  /** The planner's key: one per connection. */
  readonly key: PeerKey;
  amChoking = true;
  amInterested = false;
  choking = true;
  interested = false;
  has: Bitfield;
  /** BEP 10 `reqq`: how many requests it queues. */
  reqq?: number;
  /** BEP 10 `v`, when it sent one. */
  clientVersion?: string;
  peerId?: Buffer;
  /** Who dialled: we did (outbound) or it did (inbound). */
  direction: 'inbound' | 'outbound' = 'inbound';
  /** `host:port` where it accepts connections: the address dialled, or for one that dialled us, its BEP 10 `p`. */
  listenAddress?: string;
  /** Payload bytes this run. */
  bytesDownloaded = 0;
  bytesUploaded = 0;
  /** Blocks it sent that nobody asked it for: a few happen (cancels cross), many are abuse. */
  unrequestedBlocks = 0;
  readonly downloadRate: SlidingRate;
  readonly uploadRate: SlidingRate;

  constructor(
    /** A small number, unique in this run: the choker's id for it. */
    readonly serial: number,
    /** `host:port` as connected. */
    readonly address: string,
    readonly wire: BtPeerWire,
    pieceCount: number,
    clock: Clock,
  ) {
    this.key = String(serial);
    this.has = new Bitfield(pieceCount);
    this.downloadRate = new SlidingRate(clock);
    this.uploadRate = new SlidingRate(clock);
  }

  get rateBytesPerSecond(): number {
    return this.downloadRate.bytesPerSecond();
  }

  get isSeed(): boolean {
    return this.has.isComplete;
  }
}
