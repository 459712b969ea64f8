import { promises as fs } from 'fs';
import * as path from 'path';
import bencode from 'bencode';
import { PieceLayout } from '../storage/Piece.js';
import { PIECE_HASH_BYTES } from './MetaInfo.js';
import { hashPieces, type HashProgress } from './pieceHashes.js';

export interface MakeTorrentOptions {
  pieceSize: number;
  announce?: string;
  onProgress?(progress: HashProgress): void;
}

/**
 * A standard single-file .torrent for `file`, bencoded. The info dictionary
 * holds exactly name, length, piece length and pieces, as other creators write
 * it, so the same file and piece size give the same info-hash everywhere.
 */
export async function makeTorrent(file: string, options: MakeTorrentOptions): Promise<Buffer> {
  const { size } = await fs.stat(file);
  if (size === 0) throw new Error(`${file} is empty: nothing to share`);
  const layout = new PieceLayout(size, options.pieceSize);
  const pieces = Buffer.alloc(layout.pieceCount * PIECE_HASH_BYTES);
  await hashPieces(file, layout, (index, digest) => digest.copy(pieces, index * PIECE_HASH_BYTES), options.onProgress);
  const torrent: Record<string, unknown> = {
    'created by': 'swarmlab',
    'creation date': Math.floor(Date.now() / 1000),
    info: { length: size, name: path.basename(file), 'piece length': options.pieceSize, pieces },
  };
  if (options.announce) torrent.announce = options.announce;
  return bencode.encode(torrent);
}
