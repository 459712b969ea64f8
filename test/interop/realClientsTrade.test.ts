/**
 * The real-client harness (test/support/realClients) proven with real clients
 * only: Debian's aria2 and libtorrent trade our private torrents through our
 * tracker, on 127.0.0.1. Never skipped: a missing client fails naming
 * `npm run setup`.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import type { ClientName } from '../support/realClients/realSwarm.js';
import { expectTrade, realClientsSuite, type FixtureKind } from '../support/realClients/suite.js';
import { multiFileFixture, sameTree } from '../support/realClients/torrentFixtures.js';

jest.setTimeout(60_000);

describe('aria2 and libtorrent trade our torrents through our tracker', () => {
  const suite = realClientsSuite();

  test('the torrents are private, announce to the tracker, and the multi-file one has a piece across several files', () => {
    const [single, multi] = (['single-file', 'multi-file'] as const).map((kind) => {
      const torrent = suite.fixture(kind).torrent;
      return parseMetaInfo(fs.readFileSync(torrent), torrent);
    });
    for (const meta of [single, multi]) expect(meta).toMatchObject({ isPrivate: true, announce: suite.tracker.announceUrl });
    expect(single.length % 16_384).not.toBe(0);
    let offset = 0;
    const filesPerPiece = Array.from({ length: multi.pieceCount }, () => 0);
    for (const file of multi.files) {
      const [first, last] = [Math.floor(offset / multi.pieceLength), Math.floor((offset + Math.max(file.length, 1) - 1) / multi.pieceLength)];
      for (let piece = first; piece <= last; piece++) filesPerPiece[piece]++;
      offset += file.length;
    }
    expect(Math.max(...filesPerPiece)).toBeGreaterThanOrEqual(3);
    expect(multi.files.some((f) => f.length === 0)).toBe(true);
  });

  test.each<[ClientName, ClientName, FixtureKind]>([
    ['aria2', 'libtorrent', 'multi-file'],
    ['libtorrent', 'aria2', 'single-file'],
  ])('%s seeds, %s downloads the %s torrent: an exact copy, both exit 0', async (seeder, downloader, kind) => {
    await expectTrade(suite.swarm, seeder, downloader, suite.fixture(kind));
  });
});

describe('sameTree, the check of a downloaded copy', () => {
  let root: string;
  let original: string;
  let copy: string;
  beforeEach(async () => {
    root = makeTempDir('swarmlab-same-tree-');
    original = (await multiFileFixture(root, 'http://127.0.0.1:1/announce')).original;
    copy = path.join(root, 'copy');
    fs.cpSync(original, copy, { recursive: true });
  });
  afterEach(() => removeTempDir(root));

  test('passes an exact copy', async () => {
    await expect(sameTree(original, copy)).resolves.toBeUndefined();
  });

  test('notices a missing empty file, an extra file and one changed byte', async () => {
    fs.rmSync(path.join(copy, 'a', 'e.txt'));
    fs.writeFileSync(path.join(copy, 'a', 'b', 'extra.part'), '');
    const changed = fs.readFileSync(path.join(copy, 'z.bin'));
    changed[500_000] ^= 1;
    fs.writeFileSync(path.join(copy, 'z.bin'), changed);
    const check = sameTree(original, copy);
    await expect(check).rejects.toThrow('a/e.txt is missing from the copy');
    await expect(check).rejects.toThrow('a/b/extra.part is in the copy only');
    await expect(check).rejects.toThrow('z.bin: differs within bytes 0 to 777777');
  });

  test('notices a shorter file and a copy that is not there', async () => {
    fs.truncateSync(path.join(copy, 'a', 'g.bin'), 1_000);
    await expect(sameTree(original, copy)).rejects.toThrow('a/g.bin: 1000 bytes instead of 1500017');
    await expect(sameTree(original, path.join(root, 'nowhere'))).rejects.toThrow('does not exist');
  });
});
