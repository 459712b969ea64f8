import type { Bitfield } from '../core/Bitfield.js';
import type { BlockRef } from '../core/BlockRef.js';

/**
 * What a torrent needs of its storage (storage/TorrentStore is the real one;
 * tests use one in memory): blocks in as they come, blocks out. A piece is
 * held only once the torrent has hashed it and said so: nothing unverified is
 * ever stored as good.
 */
export interface TorrentData {
  /** Pieces held and verified (set by markVerified). */
  readonly bitfield: Bitfield;
  /** Bytes of the pieces still missing (a tracker's `left`). */
  readonly bytesLeft: number;
  /** The block's bytes; a buffer lent by `pieceBuffers` may come back, and the connection releases it once sent. */
  readBlock(block: BlockRef): Promise<Buffer>;
  /** Blocks of a piece not held, one after the other from byte `begin`, written but not yet good. */
  writeUnverified(index: number, begin: number, blocks: readonly Buffer[]): Promise<void>;
  /** Every byte of the piece is written and its SHA-1 checked: it is held from now on. False when it already was. */
  markVerified(index: number): Promise<boolean>;
  /** The piece's bytes as written, held or not (who sent a bad block?); lent by `pieceBuffers`. */
  readPiece(index: number): Promise<Buffer>;
  recordTransfer(bytesDownloaded: number, bytesUploaded: number): void;
}
