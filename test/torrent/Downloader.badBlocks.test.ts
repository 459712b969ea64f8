/**
 * Who is blamed for a piece that fails its hash (src/torrent/Downloader.ts):
 * with blocks from several peers, not everyone who sent some of it. Otherwise
 * a liar sending one bad block into pieces an honest peer also served gets
 * the honest peer banned (two bad pieces, PeerTrust) and keeps its own slate
 * half clean. The Downloader is driven by hand, one request per peer at a time.
 */
import { seededRandom } from '../../src/common/Random.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import type { BtPeerWire } from '../../src/net/bt/BtPeerEvents.js';
import { BlockGeometry } from '../../src/policy/blocks/BlockGeometry.js';
import { BtPeer } from '../../src/torrent/BtPeer.js';
import { Downloader } from '../../src/torrent/Downloader.js';
import { knownBytes } from '../support/fixtures.js';
import { ManualClock } from '../support/ManualClock.js';
import { MemoryTorrentData, checkerFor } from '../support/MemoryTorrentData.js';
import { turnEventLoop } from '../support/waiting.js';

/** Two pieces of two 16 KiB blocks. */
const PIECE_LENGTH = 32 * 1024;
const layout = new PieceLayout(2 * PIECE_LENGTH, PIECE_LENGTH);
const content = knownBytes(layout.fileSize, 11);

function setUp() {
  const clock = new ManualClock(0);
  const data = new MemoryTorrentData(layout, undefined);
  const blamed: string[] = [];
  const downloader = new Downloader({
    geometry: new BlockGeometry(layout.fileSize, PIECE_LENGTH),
    data,
    checker: checkerFor(content, layout),
    clock,
    random: seededRandom(3),
    events: {
      pieceVerified: () => {},
      pieceFailed: (index, peers) => blamed.push(`piece ${index}: ${peers.join(',')}`),
      abuse: (peer, why) => {
        throw new Error(`${peer.key} abusive: ${why}`);
      },
      writeFailed: (index, error) => {
        throw new Error(`writing ${index}: ${String(error)}`);
      },
      diskBehind: () => {},
      diskCaughtUp: () => {},
    },
  });

  /** A peer that has everything, unchokes us and takes one request at a time. */
  const peer = (serial: number) => {
    const asked: BlockRef[] = [];
    const wire = { caps: { extended: true, fast: true, dht: false }, sendRequests: (blocks: readonly BlockRef[]) => asked.push(...blocks) } as unknown as BtPeerWire;
    const made = new BtPeer(serial, `peer ${serial}`, wire, layout.pieceCount, clock);
    const full = Bitfield.full(layout.pieceCount);
    downloader.bitfieldReplaced(made, full);
    made.has = full;
    made.choking = false;
    made.amInterested = true;
    made.reqq = 1;
    return { peer: made, asked };
  };

  /** Lets `who` ask for its next block, and answers it: the true bytes, or garbage. */
  const serve = async (who: ReturnType<typeof peer>, honest: boolean): Promise<BlockRef> => {
    downloader.fill(who.peer);
    const block = who.asked.shift();
    if (!block) throw new Error(`${who.peer.key} was asked for nothing`);
    const start = layout.offsetOf(block.index) + block.begin;
    const bytes = honest ? Buffer.from(content.subarray(start, start + block.length)) : Buffer.alloc(block.length, 0x5a);
    downloader.block(who.peer, block, bytes, () => {});
    await turnEventLoop(2); // the hash, and the write of a good piece
    return block;
  };

  return { data, blamed, peer, serve };
}

describe('Downloader: blame for a piece that fails its hash', () => {
  test('a piece all from one peer fails: that peer is blamed at once', async () => {
    const { blamed, peer, serve } = setUp();
    const liar = peer(1);
    const first = await serve(liar, false);
    const second = await serve(liar, false);
    expect(second.index).toBe(first.index);
    expect(blamed).toEqual([`piece ${first.index}: 1`]);
  });

  test('pieces mixed from an honest peer and liars: only the liars are blamed, once a good copy shows which blocks were bad', async () => {
    const { data, blamed, peer, serve } = setUp();
    const honest = peer(1);
    const liarA = peer(2);
    const liarB = peer(3);
    // Each piece: one block from a liar, the other (the begun piece first) from the honest peer.
    const pieceA = (await serve(liarA, false)).index;
    expect((await serve(honest, true)).index).toBe(pieceA);
    const pieceB = (await serve(liarB, false)).index;
    expect((await serve(honest, true)).index).toBe(pieceB);
    expect(pieceB).not.toBe(pieceA);
    expect(data.written).toEqual([]);
    expect(blamed).toEqual([]); // nobody yet: either block could have been the bad one
    while (!data.bitfield.isComplete) await serve(honest, true);
    expect([...blamed].sort()).toEqual([`piece ${pieceA}: 2`, `piece ${pieceB}: 3`].sort());
  });
});
