import { promises as fs } from 'fs';
import * as path from 'path';
import type { MetaInfo } from '../metainfo/MetaInfo.js';

/** A removed torrent's files, then the folders of a multi-file torrent left empty; nothing else in `dir` is touched. */
export async function deleteTorrentFiles(dir: string, meta: MetaInfo): Promise<void> {
  const folders = new Set<string>();
  for (const file of meta.files) {
    if (file.padding) continue;
    const full = path.join(dir, ...file.path);
    await fs.rm(full, { force: true });
    for (let folder = path.dirname(full); folder.startsWith(dir + path.sep); folder = path.dirname(folder)) folders.add(folder);
  }
  // Deepest first; a folder that still holds something (another file of the user's) stays.
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) await fs.rmdir(folder).catch(() => undefined);
}
