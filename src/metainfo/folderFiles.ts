import { promises as fs, type Stats } from 'fs';
import * as path from 'path';
import { MakeTorrentError } from './MakeTorrentError.js';

export interface FolderFile {
  /** Segments below the folder. */
  path: string[];
  /** Where it is on disk. */
  source: string;
  length: number;
}

/**
 * The files of a folder to describe, as mktorrent 1.1 lists them, so that the
 * same folder gives the same info-hash: every regular file below it, hidden
 * ones and 0-byte ones included, symbolic links followed; other kinds (pipes,
 * sockets, devices) left out; in the byte order of the whole relative path
 * (C's strcmp, so `a.txt` comes before `a/b`, as '.' < '/'). A folder reached
 * again through a link to itself or above (a cycle) is refused, where mktorrent
 * loops until the system refuses.
 */
export async function folderFiles(folder: string): Promise<FolderFile[]> {
  const files: FolderFile[] = [];
  await walk(folder, [], new Set([await folderKey(folder)]), files);
  const keys = new Map(files.map((file) => [file, Buffer.from(file.path.join('/'))]));
  return files.sort((a, b) => Buffer.compare(keys.get(a)!, keys.get(b)!));
}

async function walk(folder: string, below: string[], ancestors: ReadonlySet<string>, files: FolderFile[]): Promise<void> {
  for (const name of await fs.readdir(folder)) {
    const source = path.join(folder, name);
    const stats = await fs.stat(source);
    const segments = [...below, name];
    if (stats.isFile()) files.push({ path: segments, source, length: stats.size });
    else if (stats.isDirectory()) {
      const key = keyOf(stats);
      if (ancestors.has(key)) throw new MakeTorrentError(`${source} leads back to a folder above it (a symbolic link cycle)`);
      await walk(source, segments, new Set([...ancestors, key]), files);
    }
  }
}

async function folderKey(folder: string): Promise<string> {
  return keyOf(await fs.stat(folder));
}

/** A folder's identity, whatever the path it was reached by. */
function keyOf(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}
