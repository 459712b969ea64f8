import { createHash } from 'crypto';
import type { BlockRef } from '../core/BlockRef.js';
import type { PeerKey } from '../policy/blocks/BlockGeometry.js';
import { pieceBuffers } from '../wire/BufferPool.js';

/** One block of a piece as it arrived: who sent it. */
export interface BlockSender {
  block: BlockRef;
  from: PeerKey;
}

/**
 * Who sent the bad data of a piece that failed its hash check (libtorrent's
 * "smart ban"). When one peer sent every block, it did. When several did, any
 * of them may have: blaming them all would let one liar, putting a bad block
 * into pieces an honest peer also served, get the honest peer banned. So the
 * digest of each block of the failed copy is kept, and once a copy of the
 * piece passes, the blocks that differ from it name the peers who lied.
 */
export class BlockBlame {
  private readonly failedCopies = new Map<number, (BlockSender & { digest: Buffer })[][]>();

  /**
   * A copy of piece `index` failed: the peers to blame now (a sole sender), or
   * none (its blocks' digests are kept). `readPiece` gives the failed copy's
   * bytes (lent by `pieceBuffers`), read only when there are several senders.
   */
  async failed(index: number, senders: readonly BlockSender[], readPiece: () => Promise<Buffer>): Promise<PeerKey[]> {
    const peers = new Set(senders.map((sender) => sender.from));
    if (peers.size === 1) return [...peers];
    const digests = await withPiece(readPiece, (piece) => senders.map((sender) => ({ ...sender, digest: blockDigest(piece, sender.block) })));
    const copies = this.failedCopies.get(index) ?? [];
    copies.push(digests);
    this.failedCopies.set(index, copies);
    return [];
  }

  /** Piece `index` passed: for each copy of it that failed with several senders, the peers whose blocks differ (the good copy is read only then). */
  async verified(index: number, readPiece: () => Promise<Buffer>): Promise<PeerKey[][]> {
    const copies = this.failedCopies.get(index);
    if (!copies) return [];
    this.failedCopies.delete(index);
    return withPiece(readPiece, (piece) =>
      copies
        .map((copy) => [...new Set(copy.filter((sent) => !blockDigest(piece, sent.block).equals(sent.digest)).map((sent) => sent.from))])
        .filter((liars) => liars.length > 0),
    );
  }
}

/** What `use` makes of a piece read by `readPiece`, its buffer given back after. */
async function withPiece<T>(readPiece: () => Promise<Buffer>, use: (piece: Buffer) => T): Promise<T> {
  const piece = await readPiece();
  try {
    return use(piece);
  } finally {
    pieceBuffers.release(piece);
  }
}

function blockDigest(piece: Buffer, block: BlockRef): Buffer {
  return createHash('sha1').update(piece.subarray(block.begin, block.begin + block.length)).digest();
}
