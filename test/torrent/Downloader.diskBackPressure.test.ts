/**
 * Disk back-pressure (src/torrent/Downloader.ts, MAX_BYTES_AWAITING_DISK): a
 * disk slower than the peers must not gather blocks in memory without bound.
 * Once that many bytes wait for the disk no request goes out; when half of
 * them are written the torrent is told to fill the queues again.
 */
import { seededRandom } from '../../src/common/Random.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import type { BtPeerWire } from '../../src/net/bt/BtPeerEvents.js';
import { BlockGeometry } from '../../src/policy/blocks/BlockGeometry.js';
import { BtPeer } from '../../src/torrent/BtPeer.js';
import { Downloader, MAX_BYTES_AWAITING_DISK } from '../../src/torrent/Downloader.js';
import { knownBytes } from '../support/fixtures.js';
import { ManualClock } from '../support/ManualClock.js';
import { MemoryTorrentData, checkerFor } from '../support/MemoryTorrentData.js';
import { turnEventLoop } from '../support/waiting.js';

/** Pieces of one 16 KiB block each: every answered request completes a piece. */
const PIECE_LENGTH = 16 * 1024;
/** Twice as many bytes as may wait for the disk. */
const layout = new PieceLayout((2 * MAX_BYTES_AWAITING_DISK) / PIECE_LENGTH * PIECE_LENGTH, PIECE_LENGTH);
const content = knownBytes(layout.fileSize, 5);

function setUp() {
  const clock = new ManualClock(0);
  const data = new MemoryTorrentData(layout, undefined);
  let behind = 0;
  let caughtUp = 0;
  const downloader = new Downloader({
    geometry: new BlockGeometry(layout.fileSize, PIECE_LENGTH),
    data,
    checker: checkerFor(content, layout),
    clock,
    random: seededRandom(9),
    events: {
      pieceVerified: () => {},
      pieceFailed: () => {
        throw new Error('no piece should fail');
      },
      abuse: (_peer, why) => {
        throw new Error(why);
      },
      writeFailed: (index, error) => {
        throw new Error(`writing ${index}: ${String(error)}`);
      },
      diskBehind: () => behind++,
      diskCaughtUp: () => caughtUp++,
    },
  });
  const asked: BlockRef[] = [];
  const wire = { caps: { extended: true, fast: true, dht: false }, sendRequests: (blocks: readonly BlockRef[]) => asked.push(...blocks) } as unknown as BtPeerWire;
  const peer = new BtPeer(1, 'peer 1', wire, layout.pieceCount, clock);
  const full = Bitfield.full(layout.pieceCount);
  downloader.bitfieldReplaced(peer, full);
  Object.assign(peer, { has: full, choking: false, amInterested: true });
  /** Answers every request asked so far with the true bytes. */
  const answerAll = () => {
    for (const block of asked.splice(0)) {
      const start = layout.offsetOf(block.index) + block.begin;
      downloader.block(peer, block, Buffer.from(content.subarray(start, start + block.length)), () => {});
    }
  };
  return { data, downloader, peer, asked, answerAll, behind: () => behind, caughtUp: () => caughtUp };
}

describe('Downloader: disk back-pressure', () => {
  test(`with ${MAX_BYTES_AWAITING_DISK} bytes waiting for a slow disk no request goes out; writes done let them go again`, async () => {
    const { data, downloader, peer, asked, answerAll, behind, caughtUp } = setUp();
    data.holdWrites();
    for (let round = 0; round < layout.pieceCount && !downloader.isDiskBehind; round++) {
      downloader.fill(peer);
      answerAll();
      await turnEventLoop(1);
    }
    expect(downloader.isDiskBehind).toBe(true);
    expect(downloader.bytesWriting).toBeGreaterThanOrEqual(MAX_BYTES_AWAITING_DISK);
    expect(downloader.bytesWriting).toBeLessThan(layout.fileSize);
    expect(behind()).toBe(1);
    expect(data.written).toEqual([]);

    downloader.fill(peer);
    expect(asked).toEqual([]);
    expect(caughtUp()).toBe(0);

    data.releaseWrites();
    await turnEventLoop(3);
    expect(downloader.bytesWriting).toBe(0);
    expect(data.written.length).toBeGreaterThanOrEqual(MAX_BYTES_AWAITING_DISK / PIECE_LENGTH);
    expect(caughtUp()).toBe(1);
    expect(downloader.isDiskBehind).toBe(false);
    downloader.fill(peer);
    expect(asked.length).toBeGreaterThan(0);
  });

  test('a disk that keeps up gets the next requests at each fill, to the end', async () => {
    const { data, downloader, peer, asked, answerAll } = setUp();
    for (let round = 0; round < layout.pieceCount && !data.bitfield.isComplete; round++) {
      downloader.fill(peer);
      expect(asked.length).toBeGreaterThan(0);
      answerAll();
      await turnEventLoop(3);
    }
    expect(data.bitfield.isComplete).toBe(true);
  });
});
