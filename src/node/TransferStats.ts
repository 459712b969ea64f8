import type { Clock } from '../common/Clock.js';
import { SlidingRate } from '../policy/SlidingRate.js';
import type { EventBus } from './EventBus.js';
import type { NodeEvents } from './NodeEvents.js';

export interface NeighbourTotals {
  bytesDownloaded: number;
  piecesDownloaded: number;
  bytesUploaded: number;
  piecesUploaded: number;
}

interface Exchange {
  totals: NeighbourTotals;
  /** Bytes per second over the last two seconds, for people watching (status, dashboard). */
  down: SlidingRate;
  up: SlidingRate;
}

/**
 * What was exchanged with each neighbour: totals over the whole run, reconnects
 * included, and the current rates, per neighbour and for the whole node.
 */
export class TransferStats {
  private readonly byPeer = new Map<number, Exchange>();
  private readonly overall: Exchange;

  constructor(
    bus: EventBus<NodeEvents>,
    private readonly clock: Clock,
  ) {
    this.overall = this.newExchange();
    bus.on('pieceDownloaded', ({ from, bytes }) => {
      this.overall.down.record(bytes);
      const { totals, down } = this.exchangeWith(from);
      totals.bytesDownloaded += bytes;
      totals.piecesDownloaded++;
      down.record(bytes);
    });
    bus.on('pieceUploaded', ({ to, bytes }) => {
      this.overall.up.record(bytes);
      const { totals, up } = this.exchangeWith(to);
      totals.bytesUploaded += bytes;
      totals.piecesUploaded++;
      up.record(bytes);
    });
  }

  perNeighbour(): ReadonlyMap<number, NeighbourTotals> {
    return new Map([...this.byPeer].map(([peerId, { totals }]) => [peerId, totals]));
  }

  get bytesDownloaded(): number {
    return this.sum((t) => t.bytesDownloaded);
  }

  get bytesUploaded(): number {
    return this.sum((t) => t.bytesUploaded);
  }

  /** Bytes per second over the last two seconds; peerId undefined for the whole node. */
  downloadRate(peerId?: number): number {
    return this.exchangeOrNone(peerId)?.down.bytesPerSecond() ?? 0;
  }

  uploadRate(peerId?: number): number {
    return this.exchangeOrNone(peerId)?.up.bytesPerSecond() ?? 0;
  }

  private sum(field: (t: NeighbourTotals) => number): number {
    let total = 0;
    for (const { totals } of this.byPeer.values()) total += field(totals);
    return total;
  }

  private exchangeOrNone(peerId: number | undefined): Exchange | undefined {
    return peerId === undefined ? this.overall : this.byPeer.get(peerId);
  }

  private exchangeWith(peerId: number): Exchange {
    let exchange = this.byPeer.get(peerId);
    if (!exchange) this.byPeer.set(peerId, (exchange = this.newExchange()));
    return exchange;
  }

  private newExchange(): Exchange {
    return {
      totals: { bytesDownloaded: 0, piecesDownloaded: 0, bytesUploaded: 0, piecesUploaded: 0 },
      down: new SlidingRate(this.clock),
      up: new SlidingRate(this.clock),
    };
  }
}
