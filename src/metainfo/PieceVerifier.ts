import { createHash } from 'crypto';
import type { MetaInfo } from './MetaInfo.js';

/** Checks a piece against the metainfo's SHA-1 before it counts as good. */
export class PieceVerifier {
  constructor(private readonly meta: Pick<MetaInfo, 'pieceHashes'>) {}

  verify(index: number, data: Buffer): boolean {
    return this.matches(index, createHash('sha1').update(data).digest());
  }

  matches(index: number, digest: Buffer): boolean {
    const expected = this.meta.pieceHashes[index];
    return expected !== undefined && expected.equals(digest);
  }
}
