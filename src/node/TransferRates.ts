import type { Clock } from '../common/Clock';
import { SlidingRate } from '../policy/SlidingRate';
import type { EventBus } from './EventBus';
import type { NodeEvents } from './NodeEvents';

interface Pair {
  down: SlidingRate;
  up: SlidingRate;
}

/** Current rates up and down, overall and per neighbour, for status and the dashboard. */
export class TransferRates {
  private readonly overall: Pair;
  private readonly byPeer = new Map<number, Pair>();

  constructor(
    bus: EventBus<NodeEvents>,
    private readonly clock: Clock,
  ) {
    this.overall = this.newPair();
    bus.on('pieceDownloaded', ({ from, bytes }) => {
      this.overall.down.record(bytes);
      this.pairFor(from).down.record(bytes);
    });
    bus.on('pieceUploaded', ({ to, bytes }) => {
      this.overall.up.record(bytes);
      this.pairFor(to).up.record(bytes);
    });
  }

  /** Bytes per second over the last two seconds; peerId undefined for the whole node. */
  downloadRate(peerId?: number): number {
    return this.pairOrNone(peerId)?.down.bytesPerSecond() ?? 0;
  }

  uploadRate(peerId?: number): number {
    return this.pairOrNone(peerId)?.up.bytesPerSecond() ?? 0;
  }

  private pairOrNone(peerId: number | undefined): Pair | undefined {
    return peerId === undefined ? this.overall : this.byPeer.get(peerId);
  }

  private pairFor(peerId: number): Pair {
    let pair = this.byPeer.get(peerId);
    if (!pair) this.byPeer.set(peerId, (pair = this.newPair()));
    return pair;
  }

  private newPair(): Pair {
    return { down: new SlidingRate(this.clock), up: new SlidingRate(this.clock) };
  }
}
