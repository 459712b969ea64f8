import { createHash } from 'crypto';
import type { FileSet } from './FileSet.js';
import type { HashProgress } from './pieceHashes.js';
import type { PieceChecker } from './PieceStore.js';

/** Hashing a few MiB between two turns of the event loop keeps the rest of the process answering. */
const YIELD_EVERY_BYTES = 4 << 20;

export interface RecheckResult {
  good: number[];
  bad: number[];
}

/**
 * Hashes `pieces` (in order) as they are on disk and checks each against the
 * torrent. It reads through the FileSet into one piece-sized buffer: a padding
 * file reads as zeros without being on disk, and nothing outside the download
 * folder is read. (hashFiles can do neither: it opens every file by its path
 * and hashes the torrent from its first byte, so it cannot pass over the
 * pieces of a file that is not there either.)
 */
export async function recheckPieces(
  files: FileSet,
  pieces: readonly number[],
  checker: PieceChecker,
  onProgress?: (progress: HashProgress) => void,
): Promise<RecheckResult> {
  const result: RecheckResult = { good: [], bad: [] };
  const bytesTotal = pieces.reduce((sum, index) => sum + files.map.lengthOfPiece(index), 0);
  let bytesDone = 0;
  let bytesSinceYield = 0;
  const buffer = Buffer.allocUnsafe(files.map.pieceLength);
  for (const [done, index] of pieces.entries()) {
    const data = await files.readInto(index, 0, buffer.subarray(0, files.map.lengthOfPiece(index)));
    (checker.matches(index, createHash('sha1').update(data).digest()) ? result.good : result.bad).push(index);
    bytesDone += data.length;
    onProgress?.({ piecesDone: done + 1, pieceCount: pieces.length, bytesDone, bytesTotal });
    bytesSinceYield += data.length;
    if (bytesSinceYield >= YIELD_EVERY_BYTES) {
      bytesSinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return result;
}
