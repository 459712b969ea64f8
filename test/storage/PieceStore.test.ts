import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PieceLayout } from '../../src/storage/Piece';
import { PieceStore } from '../../src/storage/PieceStore';
import { StorageError } from '../../src/storage/StorageError';

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

  test('reading a piece not held is refused', async () => {
    const store = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: false });
    await expect(store.readPiece(0)).rejects.toThrow(RangeError);
    await store.close();
  });
});
