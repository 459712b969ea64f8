import { BlockGeometry } from '../policy/blocks/BlockGeometry.js';
import type { MetaInfo } from './MetaInfo.js';
import { PieceVerifier } from './PieceVerifier.js';

/** What a Torrent is told of its .torrent: its identity, the info dictionary it serves (BEP 9), its blocks and how pieces are checked. */
export function torrentFacts(meta: MetaInfo) {
  return {
    infoHash: meta.infoHash,
    infoDictionary: meta.infoDictionary,
    isPrivate: meta.isPrivate,
    geometry: new BlockGeometry(meta.length, meta.pieceLength),
    checker: new PieceVerifier(meta),
  };
}
