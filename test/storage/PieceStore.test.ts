import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { PieceStore } from '../../src/storage/PieceStore.js';
import { StorageError } from '../../src/storage/StorageError.js';
import { pieceBuffers } from '../../src/wire/BufferPool.js';

describe('PieceLayout', () => {
  test("the spec's example: 306 pieces, the last 5,992 bytes", () => {
    const layout = new PieceLayout(10_000_232, 32_768);
    expect(layout.pieceCount).toBe(306);
    expect(layout.pieceLength(0)).toBe(32_768);
    expect(layout.pieceLength(304)).toBe(32_768);
    expect(layout.pieceLength(305)).toBe(5_992);
    expect(layout.offsetOf(305)).toBe(305 * 32_768);
    expect(() => layout.pieceLength(306)).toThrow(RangeError);
  });

  test('an exact multiple has a full last piece', () => {
    const layout = new PieceLayout(8, 4);
    expect([layout.pieceCount, layout.pieceLength(1)]).toEqual([2, 4]);
  });
});

describe('PieceStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-store-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const layout = new PieceLayout(10, 4); // pieces of 4, 4 and 2 bytes

  test('a leecher writes each piece at its position into one file of the full size', async () => {
    const peerDir = path.join(dir, 'peer_2');
    const store = await PieceStore.open({ dir: peerDir, fileName: 'f.dat', layout, complete: false });
    expect(store.bitfield.count).toBe(0);
    expect(await store.writePiece(2, Buffer.from('IJ'))).toBe(true);
    expect(await store.writePiece(0, Buffer.from('ABCD'))).toBe(true);
    expect(await store.writePiece(0, Buffer.from('ABCD'))).toBe(false);
    expect(await store.writePiece(1, Buffer.from('EFGH'))).toBe(true);
    expect(store.bitfield.isComplete).toBe(true);
    expect((await store.readPiece(1)).toString()).toBe('EFGH');
    await store.close();
    expect(fs.readFileSync(path.join(peerDir, 'f.dat'), 'utf8')).toBe('ABCDEFGHIJ');
    // One data file and its resume state: no per-piece files.
    expect(fs.readdirSync(peerDir).sort()).toEqual(['f.dat', 'f.dat.resume']);
  });

  test('a write of the wrong size is refused', async () => {
    const store = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: false });
    await expect(store.writePiece(2, Buffer.from('IJK'))).rejects.toThrow(RangeError);
    expect(store.has(2)).toBe(false);
    await store.close();
  });

  test('a seeder reads its complete file', async () => {
    fs.writeFileSync(path.join(dir, 'f.dat'), 'ABCDEFGHIJ');
    const store = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: true });
    expect(store.bitfield.isComplete).toBe(true);
    expect((await store.readPiece(2)).toString()).toBe('IJ');
    await store.close();
  });

  test('a seeder without its file gets a clear error naming the file', async () => {
    const error = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: true }).catch((e) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe('seed-file-missing');
    expect(error.message).toContain(path.join(dir, 'f.dat'));
  });

  test('a seeder file of the wrong size is refused', async () => {
    fs.writeFileSync(path.join(dir, 'f.dat'), 'short');
    const error = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: true }).catch((e) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error.code).toBe('seed-file-wrong-size');
    expect(error.message).toMatch(/is 5 bytes, FileSize says 10/);
  });

  test('pieces written together become held one per turn: each writer sees its own count', async () => {
    // NeighborSession logs "Now the number of pieces it has is N" from the count it sees
    // when its write resolves: N must rise by one per piece even when pieces arrive together.
    const store = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: false });
    const seen: number[] = [];
    const writes = [0, 1, 2].map((i) => store.writePiece(i, Buffer.alloc(layout.pieceLength(i), i)).then(() => seen.push(store.bitfield.count)));
    await Promise.all(writes);
    expect(seen).toEqual([1, 2, 3]);
    await store.close();
  });

  describe('with piece-sized buffers (16 KiB and up come from the pool)', () => {
    const bigLayout = new PieceLayout(3 * 16_384, 16_384);

    test('a piece read to serve is lent by the pool; one written is given back to it', async () => {
      fs.writeFileSync(path.join(dir, 'f.dat'), Buffer.alloc(bigLayout.fileSize, 7));
      const seeder = await PieceStore.open({ dir, fileName: 'f.dat', layout: bigLayout, complete: true });
      const served = await seeder.readPiece(1);
      expect(served.equals(Buffer.alloc(16_384, 7))).toBe(true);
      await seeder.close();

      const leecherDir = path.join(dir, 'leecher');
      const leecher = await PieceStore.open({ dir: leecherDir, fileName: 'f.dat', layout: bigLayout, complete: false });
      const idleBefore = pieceBuffers.idleCount;
      expect(await leecher.writePiece(1, served)).toBe(true); // the store owns it now, and returns it once written
      expect(pieceBuffers.idleCount).toBe(idleBefore + 1);
      const duplicate = pieceBuffers.acquire(16_384).fill(7);
      expect(await leecher.writePiece(1, duplicate)).toBe(false); // a duplicate is given back too
      expect(pieceBuffers.idleCount).toBe(idleBefore + 1);
      await leecher.close();
      expect(fs.readFileSync(path.join(leecherDir, 'f.dat')).subarray(16_384, 32_768).equals(Buffer.alloc(16_384, 7))).toBe(true);
    });
  });

  test('reading a piece not held is refused', async () => {
    const store = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: false });
    await expect(store.readPiece(0)).rejects.toThrow(RangeError);
    await store.close();
  });
});
