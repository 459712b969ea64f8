import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { FileMap } from '../../src/storage/FileMap.js';
import { FileSet } from '../../src/storage/FileSet.js';
import type { HashProgress } from '../../src/storage/pieceHashes.js';
import { recheckPieces } from '../../src/storage/recheckPieces.js';
import { knownBytes, makeTempDir, range, removeTempDir } from '../support/fixtures.js';

describe('recheckPieces', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('swarmlab-recheck-')));
  afterEach(() => removeTempDir(dir));

  /** Two files of known bytes in 16 KiB pieces (small: read synchronously, see positionalIo.ts), and a checker for them. */
  function twoFiles(data: Buffer) {
    fs.mkdirSync(path.join(dir, 't'));
    fs.writeFileSync(path.join(dir, 't', 'a'), data.subarray(0, 10_000));
    fs.writeFileSync(path.join(dir, 't', 'b'), data.subarray(10_000));
    const map = new FileMap(
      [
        { path: ['t', 'a'], length: 10_000 },
        { path: ['t', 'b'], length: data.length - 10_000 },
      ],
      16 * 1024,
    );
    const hashes = range(0, map.pieceCount).map((index) => createHash('sha1').update(data.subarray(index * map.pieceLength, index * map.pieceLength + map.lengthOfPiece(index))).digest());
    return { map, checker: { matches: (index: number, digest: Buffer) => hashes[index].equals(digest) } };
  }

  test('only the pieces asked for are hashed, in order, each found good or bad; progress counts those', async () => {
    const { map, checker } = twoFiles(knownBytes(100_000, 3));
    const b = path.join(dir, 't', 'b');
    const bytes = fs.readFileSync(b);
    bytes[3 * 16 * 1024 - 10_000] ^= 1; // the first byte of piece 3
    fs.writeFileSync(b, bytes);
    const set = await FileSet.open(dir, map);
    const progress: HashProgress[] = [];
    const result = await recheckPieces(set, [0, 3, 5, 6], checker, (p) => progress.push(p));
    await set.close();
    expect(result).toEqual({ good: [0, 5, 6], bad: [3] });
    expect(progress.map((p) => p.piecesDone)).toEqual([1, 2, 3, 4]);
    const hashed = 3 * 16_384 + 1_696; // piece 6 is the last: 100000 - 6 * 16384 bytes
    expect(progress[3]).toEqual({ piecesDone: 4, pieceCount: 4, bytesDone: hashed, bytesTotal: hashed });
  });

  test('a long recheck lets the event loop turn (the rest of the process keeps answering)', async () => {
    const { map, checker } = twoFiles(Buffer.alloc(5 << 20, 7)); // more than the 4 MiB hashed between two turns
    const set = await FileSet.open(dir, map);
    let turned = false;
    setImmediate(() => (turned = true));
    let turnedBeforeTheEnd = false;
    await recheckPieces(set, range(0, map.pieceCount), checker, (p) => {
      if (p.piecesDone < p.pieceCount && turned) turnedBeforeTheEnd = true;
    });
    await set.close();
    expect(turnedBeforeTheEnd).toBe(true);
  });
});
