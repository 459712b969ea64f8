import type { EventBus } from './EventBus';
import type { NodeEvents } from './NodeEvents';

export interface NeighbourTotals {
  bytesDownloaded: number;
  piecesDownloaded: number;
  bytesUploaded: number;
  piecesUploaded: number;
}

/** Bytes and pieces exchanged with each neighbour over the whole run, reconnects included. */
export class TransferStats {
  private readonly byPeer = new Map<number, NeighbourTotals>();

  constructor(bus: EventBus<NodeEvents>) {
    bus.on('pieceDownloaded', ({ from, bytes }) => {
      const totals = this.totalsFor(from);
      totals.bytesDownloaded += bytes;
      totals.piecesDownloaded++;
    });
    bus.on('pieceUploaded', ({ to, bytes }) => {
      const totals = this.totalsFor(to);
      totals.bytesUploaded += bytes;
      totals.piecesUploaded++;
    });
  }

  perNeighbour(): ReadonlyMap<number, NeighbourTotals> {
    return this.byPeer;
  }

  get bytesDownloaded(): number {
    return this.sum((t) => t.bytesDownloaded);
  }

  get bytesUploaded(): number {
    return this.sum((t) => t.bytesUploaded);
  }

  private sum(field: (t: NeighbourTotals) => number): number {
    let total = 0;
    for (const totals of this.byPeer.values()) total += field(totals);
    return total;
  }

  private totalsFor(peerId: number): NeighbourTotals {
    let totals = this.byPeer.get(peerId);
    if (!totals) this.byPeer.set(peerId, (totals = { bytesDownloaded: 0, piecesDownloaded: 0, bytesUploaded: 0, piecesUploaded: 0 }));
    return totals;
  }
}
