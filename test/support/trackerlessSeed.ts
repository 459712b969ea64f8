import * as fs from 'fs';
import * as path from 'path';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { parseMetaInfo, type MetaInfo } from '../../src/metainfo/MetaInfo.js';
import { knownBytes } from './fixtures.js';

export interface TrackerlessSeed {
  content: Buffer;
  /** Holds data.bin. */
  seedDir: string;
  /** DIR/data.torrent: public, naming no tracker. */
  torrent: string;
  meta: MetaInfo;
}

/** `length` known bytes as DIR/seed/data.bin, and their .torrent with no tracker (found through the DHT or named by a magnet link). */
export async function trackerlessSeed(dir: string, length: number, pieceSize: number, seed = 1): Promise<TrackerlessSeed> {
  const content = knownBytes(length, seed);
  const seedDir = path.join(dir, 'seed');
  fs.mkdirSync(seedDir, { recursive: true });
  fs.writeFileSync(path.join(seedDir, 'data.bin'), content);
  const torrent = path.join(dir, 'data.torrent');
  fs.writeFileSync(torrent, await makeTorrent(path.join(seedDir, 'data.bin'), { pieceSize }));
  return { content, seedDir, torrent, meta: parseMetaInfo(fs.readFileSync(torrent), torrent) };
}
