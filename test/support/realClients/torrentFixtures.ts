import * as fs from 'fs';
import * as path from 'path';
import { makeTorrent } from '../../../src/metainfo/makeTorrent.js';
import { knownBytes } from '../fixtures.js';

/** A torrent and the data it describes, ready to seed. */
export interface TorrentFixture {
  /** Holds `name`: the directory a seeder is given. */
  seedDir: string;
  /** The torrent's file or folder, as it appears inside a client's directory. */
  name: string;
  /** seedDir/name: what every copy must equal. */
  original: string;
  /** The .torrent file. */
  torrent: string;
}

const KIB = 1024;

/** One file of a few MiB whose size is no multiple of a block (16 KiB) or a piece. */
export const SINGLE_FILE = { name: 'single.bin', size: 3 * KIB * KIB + 12_345, pieceSize: 64 * KIB };

/**
 * A folder with nested folders, a 0-byte file and an odd-sized last file, in
 * the torrent's order (the byte order of the paths). With 32 KiB pieces,
 * piece 9 (288 KiB to 320 KiB) holds the end of a/b/c.bin, all of a/b/d.bin,
 * a/e.txt (empty) and a/f.bin, and the start of a/g.bin.
 */
export const MULTI_FILE = {
  name: 'multi',
  pieceSize: 32 * KIB,
  files: [
    ['a/b/c.bin', 300_001],
    ['a/b/d.bin', 10_000],
    ['a/e.txt', 0],
    ['a/f.bin', 9_999],
    ['a/g.bin', 1_500_017],
    ['z.bin', 777_777],
  ] as [string, number][],
};

/** Writes single.bin under `root`/seed and a private torrent for it announcing to `announceUrl`. */
export async function singleFileFixture(root: string, announceUrl: string): Promise<TorrentFixture> {
  const seedDir = path.join(root, 'seed');
  fs.mkdirSync(seedDir, { recursive: true });
  fs.writeFileSync(path.join(seedDir, SINGLE_FILE.name), knownBytes(SINGLE_FILE.size, 7));
  return fixtureOf(root, seedDir, SINGLE_FILE.name, SINGLE_FILE.pieceSize, announceUrl);
}

/** Writes the folder `multi` under `root`/seed and a private torrent for it announcing to `announceUrl`. */
export async function multiFileFixture(root: string, announceUrl: string): Promise<TorrentFixture> {
  const seedDir = path.join(root, 'seed');
  MULTI_FILE.files.forEach(([name, size], i) => {
    const file = path.join(seedDir, MULTI_FILE.name, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, knownBytes(size, 20 + i));
  });
  return fixtureOf(root, seedDir, MULTI_FILE.name, MULTI_FILE.pieceSize, announceUrl);
}

/** Makes `root`/NAME.torrent (private, announcing to `announceUrl`) for `seedDir`/`name`. */
export async function fixtureOf(root: string, seedDir: string, name: string, pieceSize: number, announceUrl: string): Promise<TorrentFixture> {
  const torrent = path.join(root, `${name}.torrent`);
  fs.writeFileSync(torrent, await makeTorrent(path.join(seedDir, name), { pieceSize, trackers: [[announceUrl]], isPrivate: true }));
  return { seedDir, name, original: path.join(seedDir, name), torrent };
}

const COMPARE_CHUNK_BYTES = 1 << 20;

/**
 * Checks that `copy` is `original`: the same file, or the same folder (the
 * same set of file and folder paths, empty files included, and every file
 * equal byte for byte). Throws naming every difference.
 */
export async function sameTree(original: string, copy: string): Promise<void> {
  if (!fs.existsSync(copy)) throw new Error(`${copy} does not exist: nothing was written where ${original} should be copied`);
  const differences: string[] = [];
  const want = entriesOf(original);
  const got = entriesOf(copy);
  for (const entry of want) if (!got.includes(entry)) differences.push(`${entry} is missing from the copy`);
  for (const entry of got) if (!want.includes(entry)) differences.push(`${entry} is in the copy only`);
  for (const entry of want.filter((e) => got.includes(e) && !e.endsWith('/'))) {
    const difference = await fileDifference(path.join(original, entry), path.join(copy, entry));
    if (difference) differences.push(`${entry || path.basename(copy)}: ${difference}`);
  }
  if (differences.length > 0) throw new Error(`${copy} differs from ${original}:\n${differences.join('\n')}`);
}

/** Relative paths below `root` (folders end with '/'); '' for a plain file. */
function entriesOf(root: string): string[] {
  if (!fs.statSync(root).isDirectory()) return [''];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)) + (entry.isDirectory() ? '/' : ''))
    .sort();
}

/** Where two files first differ, or undefined when they are equal. */
async function fileDifference(a: string, b: string): Promise<string | undefined> {
  const [sizeA, sizeB] = [fs.statSync(a).size, fs.statSync(b).size];
  if (sizeA !== sizeB) return `${sizeB} bytes instead of ${sizeA}`;
  const [fileA, fileB] = await Promise.all([fs.promises.open(a), fs.promises.open(b)]);
  try {
    const [chunkA, chunkB] = [Buffer.alloc(COMPARE_CHUNK_BYTES), Buffer.alloc(COMPARE_CHUNK_BYTES)];
    for (let offset = 0; offset < sizeA; offset += COMPARE_CHUNK_BYTES) {
      const length = Math.min(COMPARE_CHUNK_BYTES, sizeA - offset);
      await Promise.all([fileA.read(chunkA, 0, length, offset), fileB.read(chunkB, 0, length, offset)]);
      if (!chunkA.subarray(0, length).equals(chunkB.subarray(0, length))) return `differs within bytes ${offset} to ${offset + length}`;
    }
    return undefined;
  } finally {
    await Promise.all([fileA.close(), fileB.close()]);
  }
}
