import type { Bitfield } from '../core/Bitfield.js';
import type { BlockRef } from '../core/BlockRef.js';

/**
 * What a torrent needs of its storage (storage/TorrentStore is the real one;
 * tests use one in memory): verified pieces in, blocks out. The torrent hashes
 * a piece before it is written: nothing unverified is ever stored as good.
 */
export interface TorrentData {
  /** Pieces held and verified; the store sets a bit once the piece's bytes are written. */
  readonly bitfield: Bitfield;
  /** Bytes of the pieces still missing (a tracker's `left`). */
  readonly bytesLeft: number;
  /** The block's bytes; a buffer lent by `pieceBuffers` may come back, and the connection releases it once sent. */
  readBlock(block: BlockRef): Promise<Buffer>;
  /** A piece whose SHA-1 the caller checked: written, then marked held. False when it was already held. */
  writeVerifiedPiece(index: number, data: Buffer): Promise<boolean>;
  recordTransfer(bytesDownloaded: number, bytesUploaded: number): void;
}
