import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MakeTorrentError } from '../../src/metainfo/MakeTorrentError.js';
import { parseMetaInfo, type MetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import { FileMap } from '../../src/storage/FileMap.js';
import { FileSet } from '../../src/storage/FileSet.js';
import { knownBytes, makeTempDir, range, removeTempDir } from '../support/fixtures.js';
import { missingToolError } from '../support/requiredTools.js';

/** Debian's mktorrent 1.1 on `input`, parsed; `flags` as its command line takes them. */
function mktorrent(input: string, out: string, ...flags: string[]): MetaInfo {
  let version: string;
  try {
    version = execFileSync('mktorrent', ['-h'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    throw missingToolError('mktorrent', 'mktorrent');
  }
  expect(version).toMatch(/mktorrent 1\./);
  execFileSync('mktorrent', [...flags, '-o', out, input], { stdio: 'ignore' });
  return parseMetaInfo(fs.readFileSync(out), out);
}

/**
 * A folder with what can make two creators disagree: nested folders, an
 * odd-sized last file, 0-byte files, hidden files, `a.txt` beside a folder `a`
 * ('.' sorts before '/'), names whose UTF-8 byte order differs from JavaScript's
 * UTF-16 order (an emoji and a full-width letter), a link to a file, a link to
 * a folder, and a pipe (not a file: left out by both).
 */
function awkwardFolder(parent: string): string {
  const root = path.join(parent, 'album');
  const put = (relative: string, size: number, seed: number) => {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), knownBytes(size, seed));
  };
  put('a.txt', 40_000, 1);
  put('a/b', 12_345, 2);
  put('empty', 0, 3);
  put('.hidden/h', 3, 4);
  put('.dot', 5, 5);
  put('sub/deeper/z', 70_001, 6);
  put('sub/deeper/nothing', 0, 7);
  put('\u{1F600}.bin', 999, 8);
  put('\uFF21.bin', 1001, 9);
  put('zz/last.bin', 33_333, 10);
  fs.symlinkSync('a.txt', path.join(root, 'link'));
  fs.symlinkSync('sub', path.join(root, 'sublink'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  return root;
}

describe('makeTorrent', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('swarmlab-torrent-')));
  afterEach(() => removeTempDir(dir));

  test('a file: the hashes are the SHA-1 of each piece, the last one short', async () => {
    const data = knownBytes(100_000, 3);
    const file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
    const meta = parseMetaInfo(await makeTorrent(file, { pieceSize: 16_384, trackers: [['http://t.example/a']] }), 'made.torrent');
    expect(meta).toMatchObject({ name: 'data.bin', length: 100_000, pieceLength: 16_384, pieceCount: 7, announce: 'http://t.example/a', multiFile: false });
    const verifier = new PieceVerifier(meta);
    for (let i = 0; i < 7; i++) expect(verifier.verify(i, data.subarray(i * 16_384, Math.min((i + 1) * 16_384, 100_000)))).toBe(true);
    const flipped = Buffer.from(data.subarray(0, 16_384));
    flipped[100] ^= 1;
    expect(verifier.verify(0, flipped)).toBe(false);
    expect(verifier.verify(7, Buffer.alloc(1))).toBe(false);
  });

  test('a file: the same info-hash as mktorrent (Debian) for the same piece size', async () => {
    const file = path.join(dir, 'TheFile.dat');
    fs.writeFileSync(file, knownBytes(1_000_003, 9));
    const reference = mktorrent(file, path.join(dir, 'theirs.torrent'), '-l', '15');
    const ours = parseMetaInfo(await makeTorrent(file, { pieceSize: 32_768 }), 'ours.torrent');
    expect(ours.infoHash.toString('hex')).toBe(reference.infoHash.toString('hex'));
    expect(ours.pieceCount).toBe(31);
  });

  test.each([
    // mktorrent 1.1 takes 32 KiB (2^15) pieces at the least.
    ['32 KiB pieces', ['-l', '15'], 32_768, false],
    ['64 KiB pieces, private', ['-l', '16', '-p'], 65_536, true],
  ])('a folder: the same info-hash as mktorrent, %s', async (_name, flags, pieceSize, isPrivate) => {
    const root = awkwardFolder(dir);
    const reference = mktorrent(root, path.join(dir, 'theirs.torrent'), ...flags);
    const ours = parseMetaInfo(await makeTorrent(root, { pieceSize, isPrivate }), 'ours.torrent');
    expect(ours.files).toEqual(reference.files);
    expect(ours.infoHash.toString('hex')).toBe(reference.infoHash.toString('hex'));
    expect(ours.isPrivate).toBe(isPrivate);
    expect(ours.files.map((f) => f.path.slice(1).join('/'))).toEqual([
      '.dot',
      '.hidden/h',
      'a.txt',
      'a/b',
      'empty',
      'link',
      'sub/deeper/nothing',
      'sub/deeper/z',
      'sublink/deeper/nothing',
      'sublink/deeper/z',
      'zz/last.bin',
      '\uFF21.bin',
      '\u{1F600}.bin',
    ]);
  });

  test('trackers: the same announce and tiers as mktorrent; one tracker is announce only', async () => {
    const file = path.join(dir, 'f.bin');
    fs.writeFileSync(file, knownBytes(1000, 1));
    const reference = mktorrent(file, path.join(dir, 'theirs.torrent'), '-a', 'http://a/1,http://a/2', '-a', 'udp://b/3');
    const ours = parseMetaInfo(await makeTorrent(file, { trackers: [['http://a/1', 'http://a/2'], ['udp://b/3']] }), 'ours.torrent');
    expect(ours).toMatchObject({ announce: reference.announce, trackerTiers: reference.trackerTiers });
    expect(ours.trackerTiers).toEqual([['http://a/1', 'http://a/2'], ['udp://b/3']]);
    const lone = await makeTorrent(file, { trackers: [['http://a/1']] });
    expect(lone.includes('announce-list')).toBe(false);
    expect(parseMetaInfo(lone, 'lone.torrent').trackerTiers).toEqual([['http://a/1']]);
  });

  test('round trip: a folder made, parsed, and read back through FileMap and FileSet verifies piece by piece', async () => {
    const root = awkwardFolder(dir);
    fs.rmSync(path.join(root, 'pipe'));
    const meta = parseMetaInfo(await makeTorrent(root, { pieceSize: 16_384, creationDate: 1_700_000_000 }), 'made.torrent');
    expect(meta).toMatchObject({ name: 'album', multiFile: true, createdBy: 'swarmlab' });
    expect(meta.creationDate?.getTime()).toBe(1_700_000_000_000);
    expect(meta.files.find((f) => f.path.join('/') === 'album/sub/deeper/z')?.length).toBe(70_001);
    expect(meta.length).toBe(meta.files.reduce((sum, f) => sum + f.length, 0));
    const set = await FileSet.open(dir, new FileMap(meta.files, meta.pieceLength), { complete: 'all' });
    const verifier = new PieceVerifier(meta);
    const verified = await Promise.all(range(0, meta.pieceCount).map(async (i) => verifier.verify(i, await set.read(i, 0, set.map.lengthOfPiece(i)))));
    await set.close();
    expect(verified.every(Boolean)).toBe(true);
  });

  test.each<[string, (root: string) => void, RegExp]>([
    ['an empty file', (root) => fs.writeFileSync(root, ''), /is empty: nothing to share/],
    ['an empty folder', (root) => fs.mkdirSync(root), /is an empty folder: nothing to share/],
    ['a folder of 0-byte files', (root) => (fs.mkdirSync(root), fs.writeFileSync(path.join(root, 'e'), '')), /holds no data \(only empty files\): nothing to share/],
    [
      'a folder with a link to itself (mktorrent loops)',
      (root) => (fs.mkdirSync(path.join(root, 'x'), { recursive: true }), fs.symlinkSync('..', path.join(root, 'x', 'up'))),
      /x\/up leads back to a folder above it \(a symbolic link cycle\)/,
    ],
  ])('refuses %s', async (_name, make, message) => {
    const root = path.join(dir, 'input');
    make(root);
    const error = await makeTorrent(root, { pieceSize: 16_384 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MakeTorrentError);
    expect((error as Error).message).toMatch(message);
  });
});
