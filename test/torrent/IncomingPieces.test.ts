/**
 * Pieces streamed to disk as their blocks come (src/torrent/IncomingPieces.ts):
 * hashed in order whatever the order of arrival, written in runs, every byte
 * in its place, and the block buffers given back once written.
 */
import { createHash } from 'crypto';
import { jest } from '@jest/globals';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { IncomingPieces, WRITE_RUN_BYTES } from '../../src/torrent/IncomingPieces.js';
import { pieceBuffers } from '../../src/wire/BufferPool.js';
import { knownBytes } from '../support/fixtures.js';

const BLOCK = 16 * 1024;
/** One piece of 20 blocks and a bit: several runs, the last one short. */
const PIECE_LENGTH = 20 * BLOCK + 100;
const PIECE = knownBytes(PIECE_LENGTH, 3);

function blocksOf(length: number): BlockRef[] {
  const blocks: BlockRef[] = [];
  for (let begin = 0; begin < length; begin += BLOCK) blocks.push({ index: 0, begin, length: Math.min(BLOCK, length - begin) });
  return blocks;
}

function setUp() {
  const writes: { begin: number; bytes: Buffer }[] = [];
  const waiting: number[] = [];
  let failWith: Error | undefined;
  let awaitingDisk = 0;
  const incoming = new IncomingPieces(
    {
      writeUnverified: async (index, begin, blocks) => {
        expect(index).toBe(0);
        if (failWith) throw failWith;
        writes.push({ begin, bytes: Buffer.concat(blocks) });
      },
    },
    () => PIECE_LENGTH,
    {
      writing: (delta) => {
        awaitingDisk += delta;
        waiting.push(awaitingDisk);
      },
    },
  );
  /** Gives a block as the frame reader does: its bytes in a buffer lent by the pool. */
  const lent: Buffer[] = [];
  const give = (block: BlockRef) => {
    const buffer = pieceBuffers.acquire(block.length);
    PIECE.copy(buffer, 0, block.begin, block.begin + block.length);
    lent.push(buffer);
    incoming.add(block, buffer);
  };
  return { incoming, writes, waiting, give, lent, fail: (error: Error) => (failWith = error), awaitingDisk: () => awaitingDisk };
}

/** The bytes the writes put on "disk". */
function onDisk(writes: { begin: number; bytes: Buffer }[]): Buffer {
  const disk = Buffer.alloc(PIECE_LENGTH);
  for (const { begin, bytes } of writes) bytes.copy(disk, begin);
  return disk;
}

describe('IncomingPieces', () => {
  test('blocks in order: written in runs of WRITE_RUN_BYTES as they come, the last run at the end; the digest is the piece\'s SHA-1', async () => {
    const { incoming, writes, give, awaitingDisk } = setUp();
    const blocks = blocksOf(PIECE_LENGTH);
    const blocksPerRun = WRITE_RUN_BYTES / BLOCK;
    for (const block of blocks.slice(0, blocksPerRun + 1)) give(block);
    expect(writes.map((w) => [w.begin, w.bytes.length])).toEqual([[0, WRITE_RUN_BYTES]]); // one run; the next block waits for more
    for (const block of blocks.slice(blocksPerRun + 1)) give(block);
    const arrived = await incoming.finish(0);
    expect(arrived).toEqual({ digest: createHash('sha1').update(PIECE).digest() });
    const runStarts = Array.from({ length: Math.ceil(PIECE_LENGTH / WRITE_RUN_BYTES) }, (_, i) => i * WRITE_RUN_BYTES);
    expect(writes.map((w) => w.begin)).toEqual(runStarts);
    expect(onDisk(writes).equals(PIECE)).toBe(true);
    expect(awaitingDisk()).toBe(0);
    expect(incoming.pieceCount).toBe(0);
  });

  test('blocks in any order: the ones ahead wait for those before them, then the piece is hashed and written as in order', async () => {
    const { incoming, writes, give } = setUp();
    const blocks = blocksOf(PIECE_LENGTH);
    const scrambled = [...blocks.slice(5).reverse(), blocks[2], blocks[4], blocks[3], blocks[1], blocks[0]];
    for (const block of scrambled.slice(0, -1)) give(block);
    expect(writes).toEqual([]); // nothing can be hashed before block 0
    give(scrambled.at(-1)!);
    const arrived = await incoming.finish(0);
    expect(arrived.digest.equals(createHash('sha1').update(PIECE).digest())).toBe(true);
    expect(onDisk(writes).equals(PIECE)).toBe(true);
  });

  test('every block buffer goes back to the pool once written', async () => {
    const { incoming, give, lent } = setUp();
    const release = jest.spyOn(pieceBuffers, 'release');
    try {
      for (const block of blocksOf(PIECE_LENGTH)) give(block);
      expect(release).not.toHaveBeenCalled(); // the runs are still being written
      await incoming.finish(0);
      expect(release.mock.calls.map(([buffer]) => buffer)).toEqual(lent);
    } finally {
      release.mockRestore();
    }
  });

  test('a failed write is reported with the digest, after every write of the piece is done', async () => {
    const { incoming, give, fail, awaitingDisk } = setUp();
    fail(new Error('EIO: i/o error'));
    for (const block of blocksOf(PIECE_LENGTH)) give(block);
    const arrived = await incoming.finish(0);
    expect(arrived.writeError).toEqual(new Error('EIO: i/o error'));
    expect(arrived.digest.equals(createHash('sha1').update(PIECE).digest())).toBe(true);
    expect(awaitingDisk()).toBe(0);
  });

  test('bytes waiting for the disk are counted up as runs go out and down as they land', async () => {
    const { incoming, waiting, give } = setUp();
    for (const block of blocksOf(PIECE_LENGTH)) give(block);
    await incoming.finish(0);
    expect(Math.max(...waiting)).toBeGreaterThanOrEqual(WRITE_RUN_BYTES);
    expect(waiting.at(-1)).toBe(0);
  });

  test('finish() before every byte came is a caller\'s bug, said as such', async () => {
    const { incoming, give } = setUp();
    give(blocksOf(PIECE_LENGTH)[1]);
    await expect(incoming.finish(0)).rejects.toThrow(new RangeError(`piece 0 has 0 of its ${PIECE_LENGTH} bytes in order`));
  });
});
