import type { BlockRef } from '../../core/BlockRef.js';
import { PieceLayout } from '../../core/PieceLayout.js';

/** A peer, whatever its dialect's identity (architecture.md: a string, not a number). */
export type PeerKey = string;

/** BEP 3: "all current implementations use 2^14 (16 kiB)", and clients refuse larger requests (bittorrent.md). */
export const BLOCK_LENGTH = 16 * 1024;

/**
 * Where the blocks of each piece are: every block is `blockLength` bytes but
 * the last of a piece, which holds the rest of it (and the last piece is
 * itself shorter). Each block also has a number unique in the torrent, its
 * key, so sets of blocks are sets of numbers.
 */
export class BlockGeometry {
  private readonly layout: PieceLayout;
  readonly pieceCount: number;
  /** Blocks in a full piece: block keys are index * blocksPerPiece + block number. */
  readonly blocksPerPiece: number;

  constructor(
    readonly totalLength: number,
    readonly pieceLength: number,
    readonly blockLength = BLOCK_LENGTH,
  ) {
    if (!Number.isSafeInteger(blockLength) || blockLength < 1) throw new RangeError(`bad block length ${blockLength}`);
    this.layout = new PieceLayout(totalLength, pieceLength);
    this.pieceCount = this.layout.pieceCount;
    this.blocksPerPiece = Math.ceil(pieceLength / blockLength);
  }

  pieceLengthOf(index: number): number {
    return this.layout.pieceLength(index);
  }

  blockCountOf(index: number): number {
    return Math.ceil(this.pieceLengthOf(index) / this.blockLength);
  }

  /** The `blockNumber`-th block of piece `index`; the last one of a piece is short. */
  block(index: number, blockNumber: number): BlockRef {
    const count = this.blockCountOf(index);
    if (!Number.isInteger(blockNumber) || blockNumber < 0 || blockNumber >= count) {
      throw new RangeError(`block ${blockNumber} out of range 0..${count - 1} of piece ${index}`);
    }
    const begin = blockNumber * this.blockLength;
    return { index, begin, length: Math.min(this.blockLength, this.pieceLengthOf(index) - begin) };
  }

  blocksOf(index: number): BlockRef[] {
    return Array.from({ length: this.blockCountOf(index) }, (_, n) => this.block(index, n));
  }

  /**
   * The block's number within its piece, or undefined when `ref` is not
   * exactly one of our blocks (a peer's piece or reject message may name
   * anything: it is answered as unrequested, never trusted).
   */
  blockNumberOf(ref: BlockRef): number | undefined {
    if (!Number.isInteger(ref.index) || ref.index < 0 || ref.index >= this.pieceCount) return undefined;
    if (!Number.isInteger(ref.begin) || ref.begin % this.blockLength !== 0) return undefined;
    const blockNumber = ref.begin / this.blockLength;
    if (blockNumber < 0 || blockNumber >= this.blockCountOf(ref.index)) return undefined;
    return this.block(ref.index, blockNumber).length === ref.length ? blockNumber : undefined;
  }

  /** The block's key, unique in the torrent, or undefined when `ref` is not one of our blocks. */
  keyOf(ref: BlockRef): number | undefined {
    const blockNumber = this.blockNumberOf(ref);
    return blockNumber === undefined ? undefined : ref.index * this.blocksPerPiece + blockNumber;
  }

  /** The block named by `key` (keyOf's inverse; a key of ours, else a RangeError). */
  blockOfKey(key: number): BlockRef {
    return this.block(Math.floor(key / this.blocksPerPiece), key % this.blocksPerPiece);
  }

  get totalBlocks(): number {
    return (this.pieceCount - 1) * this.blocksPerPiece + this.blockCountOf(this.pieceCount - 1);
  }
}
