import type { Clock } from '../../common/Clock.js';
import type { NeighbourTotals } from '../../node/TransferStats.js';
import { SlidingRate } from '../../policy/SlidingRate.js';

interface Exchange {
  bytesDownloaded: number;
  bytesUploaded: number;
  down: SlidingRate;
  up: SlidingRate;
}

/**
 * What a BitTorrent peer exchanged over its whole run (pauses and reconnects
 * included), in total and per listed neighbour, with the current rates: the
 * figures the course node's TransferStats gives, for the same progress, status
 * and summary. A BitTorrent piece comes in 16 KiB blocks, often from several
 * peers, so the pieces per neighbour are pieces' worth of bytes.
 */
export class BtPeerStats {
  private readonly overall: Exchange;
  private readonly byPeer = new Map<number, Exchange>();

  constructor(
    private readonly clock: Clock,
    private readonly pieceLength: number,
  ) {
    this.overall = this.newExchange();
  }

  /** Payload bytes from (down) or to (up) a peer: its PeerInfo.cfg ID, or undefined for a peer not listed there. */
  record(peerId: number | undefined, bytesDownloaded: number, bytesUploaded: number): void {
    const exchanges = peerId === undefined ? [this.overall] : [this.overall, this.exchangeWith(peerId)];
    for (const exchange of exchanges) {
      exchange.bytesDownloaded += bytesDownloaded;
      exchange.bytesUploaded += bytesUploaded;
      if (bytesDownloaded > 0) exchange.down.record(bytesDownloaded);
      if (bytesUploaded > 0) exchange.up.record(bytesUploaded);
    }
  }

  get bytesDownloaded(): number {
    return this.overall.bytesDownloaded;
  }

  get bytesUploaded(): number {
    return this.overall.bytesUploaded;
  }

  perNeighbour(): ReadonlyMap<number, NeighbourTotals> {
    const pieces = (bytes: number) => Math.round(bytes / this.pieceLength);
    return new Map(
      [...this.byPeer].map(([peerId, e]) => [
        peerId,
        { bytesDownloaded: e.bytesDownloaded, piecesDownloaded: pieces(e.bytesDownloaded), bytesUploaded: e.bytesUploaded, piecesUploaded: pieces(e.bytesUploaded) },
      ]),
    );
  }

  /** Bytes per second over the last two seconds; peerId undefined for the whole peer. */
  downloadRate(peerId?: number): number {
    return this.exchangeOrNone(peerId)?.down.bytesPerSecond() ?? 0;
  }

  uploadRate(peerId?: number): number {
    return this.exchangeOrNone(peerId)?.up.bytesPerSecond() ?? 0;
  }

  totalsWith(peerId: number): { bytesDownloaded: number; bytesUploaded: number } {
    const exchange = this.byPeer.get(peerId);
    return { bytesDownloaded: exchange?.bytesDownloaded ?? 0, bytesUploaded: exchange?.bytesUploaded ?? 0 };
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
    return { bytesDownloaded: 0, bytesUploaded: 0, down: new SlidingRate(this.clock), up: new SlidingRate(this.clock) };
  }
}
