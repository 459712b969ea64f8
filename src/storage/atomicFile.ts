import { promises as fs } from 'fs';
import * as path from 'path';

let tempSerial = 0;

/**
 * Replaces `target` with `data` so that a reader, or the next start after a
 * crash or a power cut, sees the old file or the new one, never a torn or
 * empty one: the bytes go to a temporary file beside it, which is forced to
 * disk and renamed over `target`; then the folder is forced to disk, so the
 * rename itself survives. When a step fails (a full disk), the temporary file
 * is removed, `target` is left as it was and the error is thrown.
 */
export async function replaceAtomically(target: string, data: string | Buffer): Promise<void> {
  // Unique per call: two writers of one file (a checkpoint and a close) must not share a temporary file.
  const temp = `${target}.${process.pid}.${++tempSerial}.tmp`;
  try {
    const handle = await fs.open(temp, 'w', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(path.dirname(target));
}

/** Forces a folder's entries (a rename, a new file) to disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await fs.open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
