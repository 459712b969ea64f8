import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import type { PieceLayout } from '../storage/Piece.js';

/** Big sequential reads: a recheck is bound by the disk and SHA-1, not by syscalls. */
const READ_CHUNK_BYTES = 4 << 20;

export interface HashProgress {
  piecesDone: number;
  pieceCount: number;
  bytesDone: number;
}

/**
 * Calls `onPiece(index, digest)` with the SHA-1 of every piece of a file, in
 * order, reading it sequentially in large chunks (never the whole file in
 * memory). Awaits between chunks, so a peer that checks its file at start-up
 * still accepts connections meanwhile.
 */
export async function hashPieces(
  file: string,
  layout: PieceLayout,
  onPiece: (index: number, digest: Buffer) => void,
  onProgress?: (progress: HashProgress) => void,
): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(Math.max(READ_CHUNK_BYTES, layout.pieceSize));
    let index = 0;
    let hash = createHash('sha1');
    let filledInPiece = 0;
    for (let offset = 0; offset < layout.fileSize; ) {
      const want = Math.min(chunk.length, layout.fileSize - offset);
      const { bytesRead } = await handle.read(chunk, 0, want, offset);
      if (bytesRead === 0) throw new Error(`${file} ended at byte ${offset}, expected ${layout.fileSize}`);
      for (let used = 0; used < bytesRead; ) {
        const take = Math.min(layout.pieceLength(index) - filledInPiece, bytesRead - used);
        hash.update(chunk.subarray(used, used + take));
        used += take;
        filledInPiece += take;
        if (filledInPiece === layout.pieceLength(index)) {
          onPiece(index, hash.digest());
          index++;
          hash = createHash('sha1');
          filledInPiece = 0;
        }
      }
      offset += bytesRead;
      onProgress?.({ piecesDone: index, pieceCount: layout.pieceCount, bytesDone: offset });
    }
  } finally {
    await handle.close();
  }
}
