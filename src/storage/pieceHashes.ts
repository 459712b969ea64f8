import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import type { PieceLayout } from '../core/PieceLayout.js';

/** Big sequential reads: a recheck is bound by the disk and SHA-1, not by syscalls. */
const READ_CHUNK_BYTES = 4 << 20;

export interface HashProgress {
  piecesDone: number;
  pieceCount: number;
  bytesDone: number;
  bytesTotal: number;
}

/** A file shorter than it was when listed: it changed while it was being hashed. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
}

export interface FileToHash {
  file: string;
  length: number;
}

/**
 * Calls `onPiece(index, digest)` with the SHA-1 of every piece of a file, in
 * order, reading it sequentially in large chunks (never the whole file in
 * memory). Awaits between chunks, so a peer that checks its file at start-up
 * still accepts connections meanwhile.
 */
export function hashPieces(
  file: string,
  layout: PieceLayout,
  onPiece: (index: number, digest: Buffer) => void,
  onProgress?: (progress: HashProgress) => void,
): Promise<void> {
  return hashFiles([{ file, length: layout.fileSize }], layout.pieceSize, onPiece, onProgress);
}

/**
 * The same over files laid end to end, pieces running across them (BEP 3):
 * each file is read for exactly its length, and one that ends early (it
 * changed since it was listed) is an error naming it.
 */
export async function hashFiles(
  files: readonly FileToHash[],
  pieceLength: number,
  onPiece: (index: number, digest: Buffer) => void,
  onProgress?: (progress: HashProgress) => void,
): Promise<void> {
  const bytesTotal = files.reduce((sum, f) => sum + f.length, 0);
  const pieceCount = Math.ceil(bytesTotal / pieceLength);
  const chunk = Buffer.allocUnsafe(Math.max(READ_CHUNK_BYTES, pieceLength));
  let index = 0;
  let hash = createHash('sha1');
  let filledInPiece = 0;
  let bytesDone = 0;
  const finishPiece = () => {
    onPiece(index++, hash.digest());
    hash = createHash('sha1');
    filledInPiece = 0;
  };
  for (const { file, length } of files) {
    if (length === 0) continue;
    const handle = await fs.open(file, 'r');
    try {
      for (let offset = 0; offset < length; ) {
        const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, length - offset), offset);
        if (bytesRead === 0) throw new FileChangedError(`${file} ended at byte ${offset}, expected ${length}: it changed while it was being hashed`);
        for (let used = 0; used < bytesRead; ) {
          // Every piece is pieceLength bytes but the last, which holds the remainder.
          const lengthOfPiece = Math.min(pieceLength, bytesTotal - index * pieceLength);
          const take = Math.min(lengthOfPiece - filledInPiece, bytesRead - used);
          hash.update(chunk.subarray(used, used + take));
          used += take;
          filledInPiece += take;
          if (filledInPiece === lengthOfPiece) finishPiece();
        }
        offset += bytesRead;
        bytesDone += bytesRead;
        onProgress?.({ piecesDone: index, pieceCount, bytesDone, bytesTotal });
      }
    } finally {
      await handle.close();
    }
  }
}
