import { promises as fs } from 'fs';
import * as path from 'path';
import type { FileMap } from './FileMap.js';
import { ioStep } from './ioStep.js';

/** What a torrent's file is on disk: what a resume state is checked against. */
export interface FileOnDisk {
  size: number;
  mtimeMs: number;
}

/**
 * Each of the torrent's files under `root` as found there, in the map's
 * order: undefined for a file that is not there (or is not a regular file),
 * and for a padding file (never on disk).
 */
export function filesOnDisk(root: string, map: FileMap): Promise<(FileOnDisk | undefined)[]> {
  return Promise.all(
    map.files.map(async (file) => {
      if (file.padding) return undefined;
      const where = path.join(root, ...file.path);
      const stat = await ioStep(where, () => fs.stat(where).catch(undefinedIfAbsent));
      return stat?.isFile() ? { size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
    }),
  );
}

/** A file that does not exist, or a folder on its way that does not: not an error here. */
function undefinedIfAbsent(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
  throw error;
}
