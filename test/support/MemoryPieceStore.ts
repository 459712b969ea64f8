import type { LocalPieces } from '../../src/node/NeighborSession.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { PieceLayout } from '../../src/core/PieceLayout.js';

/**
 * An in-memory stand-in for PieceStore, of the shape PeerNode needs
 * (LocalPieces plus close()). Same rules as the real one: a write of the wrong
 * length throws, a duplicate (held or being written) returns false, reads of a
 * piece not held throw. Reads and writes complete asynchronously, as on disk.
 */
export class MemoryPieceStore implements LocalPieces {
  readonly bitfield: Bitfield;
  private readonly bytes: Buffer;
  private readonly inFlight = new Set<number>();
  readonly written: number[] = [];
  closed = false;

  /**
   * @param file the complete file's bytes (what a seeder would hold)
   * @param held the pieces held at start, taken from `file`; the rest of the buffer is zero
   */
  constructor(
    readonly layout: PieceLayout,
    file: Buffer,
    held: Iterable<number> = [],
  ) {
    if (file.length !== layout.fileSize) throw new RangeError(`file of ${file.length} bytes, layout says ${layout.fileSize}`);
    this.bitfield = new Bitfield(layout.pieceCount);
    this.bytes = Buffer.alloc(layout.fileSize);
    for (const index of held) {
      const offset = layout.offsetOf(index);
      file.copy(this.bytes, offset, offset, offset + layout.pieceLength(index));
      this.bitfield.set(index);
    }
  }

  static seeder(layout: PieceLayout, file: Buffer): MemoryPieceStore {
    return new MemoryPieceStore(layout, file, allPieces(layout.pieceCount));
  }

  static empty(layout: PieceLayout): MemoryPieceStore {
    return new MemoryPieceStore(layout, Buffer.alloc(layout.fileSize));
  }

  has(index: number): boolean {
    return this.bitfield.has(index);
  }

  async readPiece(index: number): Promise<Buffer> {
    await Promise.resolve();
    if (this.closed) throw new Error('store closed');
    if (!this.has(index)) throw new RangeError(`piece ${index} is not held`);
    return Buffer.from(this.slice(index));
  }

  async writePiece(index: number, data: Buffer): Promise<boolean> {
    if (data.length !== this.layout.pieceLength(index)) {
      throw new RangeError(`piece ${index} is ${this.layout.pieceLength(index)} bytes, got ${data.length}`);
    }
    if (this.has(index) || this.inFlight.has(index)) return false;
    this.inFlight.add(index);
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.closed) throw new Error('store closed');
      data.copy(this.bytes, this.layout.offsetOf(index));
      this.bitfield.set(index);
      this.written.push(index);
      return true;
    } finally {
      this.inFlight.delete(index);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The whole file as held now (pieces not held read as zeros). */
  contents(): Buffer {
    return Buffer.from(this.bytes);
  }

  private slice(index: number): Buffer {
    const offset = this.layout.offsetOf(index);
    return this.bytes.subarray(offset, offset + this.layout.pieceLength(index));
  }
}

export function allPieces(pieceCount: number): number[] {
  return Array.from({ length: pieceCount }, (_, i) => i);
}
