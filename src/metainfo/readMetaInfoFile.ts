import { promises as fs } from 'fs';
import { MAX_METAINFO_BYTES } from './limits.js';
import { MetaInfoError } from './MetaInfoError.js';

const CHUNK_BYTES = 1 << 16;

/**
 * The bytes of a .torrent, read in chunks up to the size cap: a huge file (or
 * an endless one, such as a device or a pipe) is refused after reading just
 * past the cap, not loaded whole. File-system errors are thrown as they are.
 */
export async function readMetaInfoFile(file: string): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_METAINFO_BYTES) throw new MetaInfoError(file, tooLarge());
    }
  } finally {
    await handle.close();
  }
}

export function tooLarge(): string {
  return `larger than ${MAX_METAINFO_BYTES >> 20} MiB: too large to be a .torrent`;
}
