import type { BlockRef } from '../core/BlockRef.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import type { PieceGeometry } from '../wire/PieceGeometry.js';

/**
 * The pieces being downloaded, in memory until their last block arrives:
 * blocks from several peers are copied into one buffer per piece, which is
 * hashed whole before anything is written (a piece that fails costs only
 * memory). At most the pieces the planner has begun are held: a few per peer.
 */
export class PieceAssembler {
  private readonly pieces = new Map<number, Buffer>();

  constructor(private readonly geometry: PieceGeometry) {}

  /** Copies a block into its piece's buffer (the caller keeps ownership of `data`). */
  add(block: BlockRef, data: Buffer): void {
    let piece = this.pieces.get(block.index);
    if (!piece) this.pieces.set(block.index, (piece = pieceBuffers.acquire(this.geometry.pieceLength(block.index))));
    data.copy(piece, block.begin, 0, block.length);
  }

  /** The piece's bytes, no longer held here (the planner said every block is in): lent by `pieceBuffers`, the caller gives them back. */
  take(index: number): Buffer {
    const piece = this.pieces.get(index);
    if (!piece) throw new RangeError(`piece ${index} has no blocks`);
    this.pieces.delete(index);
    return piece;
  }

  /** Pieces held, for status and memory figures. */
  get heldPieces(): number {
    return this.pieces.size;
  }
}
