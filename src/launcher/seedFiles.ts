import { createHash, randomFillSync } from 'crypto';
import { createReadStream, createWriteStream, promises as fs } from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import type { Config } from '../config/Config.js';
import { peerDirectory } from '../config/peerDirectory.js';
import { peerDiscoveryOf, protocolOf } from '../config/CommonConfig.js';
import { metaInfoPath } from '../metainfo/forConfig.js';
import { makeTorrent, type MakeTorrentOptions } from '../metainfo/makeTorrent.js';
import { embeddedTrackerUrl } from './embeddedTracker.js';

const CHUNK_BYTES = 1 << 20;

export class SeedFileError extends Error {
  override readonly name = 'SeedFileError';
}

/**
 * Makes sure every seeder (hasFile 1) has the file before the swarm starts.
 * With makeFile, a missing one is copied from another seeder, or created from
 * random bytes when no seeder has it. Returns the files it created.
 */
export async function prepareSeedFiles(config: Config, peersDir: string, makeFile: boolean): Promise<string[]> {
  const { fileName, fileSize } = config.common;
  const seeders = config.peers.filter((p) => p.hasFile).map((p) => path.join(peerDirectory(peersDir, p.peerId), fileName));
  if (seeders.length === 0) throw new SeedFileError('PeerInfo.cfg lists no seeder (hasFile 1): nobody has the file to share');
  const present: string[] = [];
  const missing: string[] = [];
  for (const file of seeders) {
    const size = await fileSizeOf(file);
    if (size === fileSize) present.push(file);
    else if (size === undefined || makeFile) missing.push(file);
    else throw new SeedFileError(`${file} is ${size} bytes but FileSize is ${fileSize}: remove it, or fix Common.cfg`);
  }
  if (missing.length === 0) return makeMetaInfoIfMissing(config, present[0], makeFile);
  if (!makeFile) {
    throw new SeedFileError(`${missing.join(', ')} missing: put the file there, or run with --make-file to create ${fileSize} random bytes`);
  }
  const created: string[] = [];
  // New random bytes: a .torrent made for the last ones describes other data.
  const newData = present.length === 0;
  for (const file of missing) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    if (present.length > 0) await fs.copyFile(present[0], file);
    else await writeRandomFile(file, fileSize);
    present.push(file);
    created.push(file);
  }
  return [...created, ...(await makeMetaInfoIfMissing(config, present[0], makeFile, newData))];
}

/**
 * With a `MetaInfo` key in Common.cfg, --make-file also writes that .torrent
 * for the seeders' file when it is missing (or describes the random bytes it
 * replaced), so a verified experiment is one command. A BitTorrent set-up's names the launcher's tracker, and is private
 * (BEP 27): a real client added to the swarm looks for peers there only.
 */
async function makeMetaInfoIfMissing(config: Config, seedFile: string, makeFile: boolean, newData = false): Promise<string[]> {
  const target = metaInfoPath(config);
  if (!target || !makeFile || (!newData && (await fileSizeOf(target)) !== undefined)) return [];
  const options: MakeTorrentOptions = { pieceSize: config.common.pieceSize };
  // A DHT set-up's torrent names no tracker and is public: the DHT is how its peers meet.
  if (protocolOf(config.common) === 'bittorrent' && peerDiscoveryOf(config.common) === 'listed') Object.assign(options, { trackers: [[embeddedTrackerUrl(config)]], isPrivate: true });
  await fs.writeFile(target, await makeTorrent(seedFile, options));
  return [target];
}

async function fileSizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return undefined;
  }
}

/** Streams random bytes to disk in 1 MiB chunks: never the whole file in memory. */
export async function writeRandomFile(file: string, size: number): Promise<void> {
  async function* chunks() {
    for (let left = size; left > 0; left -= CHUNK_BYTES) yield randomFillSync(Buffer.allocUnsafe(Math.min(CHUNK_BYTES, left)));
  }
  await pipeline(chunks, createWriteStream(file));
}

/** SHA-1 of a file, streamed. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha1');
  await pipeline(createReadStream(file, { highWaterMark: CHUNK_BYTES }), hash);
  return hash.digest('hex');
}
