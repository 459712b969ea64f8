import type { Bitfield } from '../core/Bitfield.js';

/**
 * How many connected neighbours have each piece, from their bitfields and
 * haves: what rarest-first ranks by.
 */
export class Availability {
  private counts: Uint16Array | undefined;

  /** A neighbour's whole bitfield arrived (or it left: sign -1). */
  addBitfield(bits: Bitfield, sign: 1 | -1 = 1): void {
    const counts = this.countsFor(bits.pieceCount);
    for (let i = 0; i < bits.pieceCount; i++) if (bits.has(i)) counts[i] = Math.max(0, counts[i] + sign);
  }

  /** A neighbour announced one new piece. */
  addPiece(index: number, pieceCount: number): void {
    this.countsFor(pieceCount)[index]++;
  }

  of(index: number): number {
    return this.counts?.[index] ?? 0;
  }

  /** Every piece's count, indexed by piece: read it, never write it (rarest-first scans it whole). */
  all(pieceCount: number): Readonly<Uint16Array> {
    return this.countsFor(pieceCount);
  }

  private countsFor(pieceCount: number): Uint16Array {
    if (!this.counts || this.counts.length !== pieceCount) this.counts = new Uint16Array(pieceCount);
    return this.counts;
  }
}
