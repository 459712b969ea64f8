import { promises as fs } from 'fs';
import * as path from 'path';
import bencode from 'bencode';
import { folderFiles, type FolderFile } from './folderFiles.js';
import { MakeTorrentError } from './MakeTorrentError.js';
import { PIECE_HASH_BYTES } from './limits.js';
import { hashFiles, type HashProgress } from '../storage/pieceHashes.js';
import { autoPieceLength } from './pieceLengthRule.js';

export interface MakeTorrentOptions {
  /** Bytes per piece; by default autoPieceLength's choice for the total size. */
  pieceSize?: number;
  /** Tracker URLs in BEP 12 tiers: the first becomes `announce`; all form `announce-list` when there is more than one. */
  trackers?: string[][];
  /** BEP 27 `private: 1`: peers only from these trackers (it changes the info-hash). */
  isPrivate?: boolean;
  /** Seconds since 1970 for `creation date`; now by default. */
  creationDate?: number;
  onProgress?(progress: HashProgress): void;
}

/**
 * A standard .torrent for a file (single-file) or a folder (multi-file, its
 * files in mktorrent's order, see folderFiles), bencoded. The info dictionary
 * holds what mktorrent writes and nothing else (files or length, name, piece
 * length, pieces, private), so the same input and piece size give the same
 * info-hash everywhere.
 */
export async function makeTorrent(input: string, options: MakeTorrentOptions = {}): Promise<Buffer> {
  const { files, multiFile } = await inputFiles(input);
  const total = files.reduce((sum, file) => sum + file.length, 0);
  if (total === 0) throw new MakeTorrentError(multiFile ? `${input} holds no data (only empty files): nothing to share` : `${input} is empty: nothing to share`);
  const pieceLength = options.pieceSize ?? autoPieceLength(total);
  const pieces = Buffer.alloc(Math.ceil(total / pieceLength) * PIECE_HASH_BYTES);
  await hashFiles(
    files.map(({ source, length }) => ({ file: source, length })),
    pieceLength,
    (index, digest) => digest.copy(pieces, index * PIECE_HASH_BYTES),
    options.onProgress,
  );
  const info: Record<string, unknown> = {
    name: path.basename(path.resolve(input)),
    'piece length': pieceLength,
    pieces,
    ...(multiFile ? { files: files.map((file) => ({ length: file.length, path: file.path })) } : { length: total }),
    ...(options.isPrivate ? { private: 1 } : {}),
  };
  const torrent: Record<string, unknown> = { 'created by': 'swarmlab', 'creation date': options.creationDate ?? Math.floor(Date.now() / 1000), info };
  const tiers = (options.trackers ?? []).filter((tier) => tier.length > 0);
  if (tiers.length > 0) torrent.announce = tiers[0][0];
  // As mktorrent: a lone tracker is `announce` only.
  if (tiers.flat().length > 1) torrent['announce-list'] = tiers;
  return bencode.encode(torrent);
}

async function inputFiles(input: string): Promise<{ files: FolderFile[]; multiFile: boolean }> {
  const stats = await fs.stat(input);
  if (!stats.isDirectory()) return { files: [{ path: [path.basename(input)], source: input, length: stats.size }], multiFile: false };
  const files = await folderFiles(input);
  if (files.length === 0) throw new MakeTorrentError(`${input} is an empty folder: nothing to share`);
  return { files, multiFile: true };
}
