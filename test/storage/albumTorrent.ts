import type { MappedFile } from '../../src/storage/FileMap.js';
import { StorageError } from '../../src/storage/StorageError.js';

/**
 * A torrent folder for multi-file storage tests: album/a.bin 5000, album/empty 0,
 * album/sub/deeper/b.bin 3000, album/sub/c.bin 9001 (odd-sized, last): 17001 bytes
 * in 4096-byte pieces. Piece 0 is in a.bin; piece 1 in a.bin, b.bin and c.bin
 * (a.bin ends 904 bytes into it, b.bin 3904); pieces 2-4 in c.bin (4 is 617 bytes).
 */
export const ALBUM_FILES: MappedFile[] = [
  { path: ['album', 'a.bin'], length: 5000 },
  { path: ['album', 'empty'], length: 0 },
  { path: ['album', 'sub', 'deeper', 'b.bin'], length: 3000 },
  { path: ['album', 'sub', 'c.bin'], length: 9001 },
];
export const ALBUM_PIECE = 4096;

/** The StorageError a promise rejects with (the test fails if it resolves or rejects otherwise). */
export async function refusal(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}
