import { createHash } from 'crypto';
import type { BlockRef } from '../core/BlockRef.js';
import type { PeerKey } from '../policy/blocks/BlockGeometry.js';

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

  /** A copy of piece `index` failed: the peers to blame now (a sole sender), or none (its blocks are kept). */
  failed(index: number, piece: Buffer, senders: readonly BlockSender[]): PeerKey[] {
    const peers = new Set(senders.map((sender) => sender.from));
    if (peers.size === 1) return [...peers];
    const copies = this.failedCopies.get(index) ?? [];
    copies.push(senders.map((sender) => ({ ...sender, digest: blockDigest(piece, sender.block) })));
    this.failedCopies.set(index, copies);
    return [];
  }

  /** Piece `index` passed: for each copy of it that failed with several senders, the peers whose blocks differ. */
  verified(index: number, piece: Buffer): PeerKey[][] {
    const copies = this.failedCopies.get(index) ?? [];
    this.failedCopies.delete(index);
    return copies
      .map((copy) => [...new Set(copy.filter((sent) => !blockDigest(piece, sent.block).equals(sent.digest)).map((sent) => sent.from))])
      .filter((liars) => liars.length > 0);
  }
}

function blockDigest(piece: Buffer, block: BlockRef): Buffer {
  return createHash('sha1').update(piece.subarray(block.begin, block.begin + block.length)).digest();
}
