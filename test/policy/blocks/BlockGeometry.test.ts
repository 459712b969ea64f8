import { BLOCK_LENGTH, BlockGeometry } from '../../../src/policy/blocks/BlockGeometry.js';

const KiB = 1024;

describe('BlockGeometry: 16 KiB blocks, the last of a piece shorter', () => {
  test.each([
    // total, piece length, piece, its block lengths
    { total: 100_000, pieceLength: 32 * KiB, index: 0, lengths: [BLOCK_LENGTH, BLOCK_LENGTH] },
    { total: 100_000, pieceLength: 32 * KiB, index: 3, lengths: [100_000 - 3 * 32 * KiB] },
    { total: 90_000, pieceLength: 40_000, index: 0, lengths: [BLOCK_LENGTH, BLOCK_LENGTH, 40_000 - 2 * BLOCK_LENGTH] },
    { total: 90_000, pieceLength: 40_000, index: 2, lengths: [10_000] },
    { total: 64 * KiB + 1, pieceLength: 32 * KiB, index: 2, lengths: [1] },
    { total: 64 * KiB, pieceLength: 32 * KiB, index: 1, lengths: [BLOCK_LENGTH, BLOCK_LENGTH] },
    { total: 40 * KiB, pieceLength: 64 * KiB, index: 0, lengths: [BLOCK_LENGTH, BLOCK_LENGTH, 8 * KiB] },
  ])('$total bytes in pieces of $pieceLength: piece $index has blocks $lengths', ({ total, pieceLength, index, lengths }) => {
    const geometry = new BlockGeometry(total, pieceLength);
    const blocks = geometry.blocksOf(index);
    expect(blocks.map((b) => b.length)).toEqual(lengths);
    expect(blocks.map((b) => b.begin)).toEqual(lengths.map((_, n) => n * BLOCK_LENGTH));
    expect(blocks.every((b) => b.index === index)).toBe(true);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(geometry.pieceLengthOf(index));
  });

  test('every block has its own key, and the keys count every block of the torrent once', () => {
    const geometry = new BlockGeometry(90_000, 40_000);
    const keys = [0, 1, 2].flatMap((index) => geometry.blocksOf(index).map((b) => geometry.keyOf(b)));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(geometry.totalBlocks);
    expect(geometry.totalBlocks).toBe(3 + 3 + 1);
  });

  test.each([
    { what: 'a begin between blocks', ref: { index: 0, begin: 100, length: BLOCK_LENGTH } },
    { what: 'a full-length last block', ref: { index: 0, begin: 2 * BLOCK_LENGTH, length: BLOCK_LENGTH } },
    { what: 'a short middle block', ref: { index: 0, begin: 0, length: 1000 } },
    { what: 'a block past the piece', ref: { index: 0, begin: 3 * BLOCK_LENGTH, length: 1 } },
    { what: 'a piece past the torrent', ref: { index: 3, begin: 0, length: BLOCK_LENGTH } },
    { what: 'a negative piece', ref: { index: -1, begin: 0, length: BLOCK_LENGTH } },
    { what: 'a fractional begin', ref: { index: 0, begin: 0.5, length: BLOCK_LENGTH } },
  ])('$what is not one of our blocks (a peer message naming it is unrequested)', ({ ref }) => {
    const geometry = new BlockGeometry(90_000, 40_000);
    expect(geometry.keyOf(ref)).toBeUndefined();
  });

  test('a block number out of range is a programming error, named', () => {
    const geometry = new BlockGeometry(90_000, 40_000);
    expect(() => geometry.block(2, 1)).toThrow('block 1 out of range 0..0 of piece 2');
  });
});
