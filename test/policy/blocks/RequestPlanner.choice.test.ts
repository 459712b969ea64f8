import { Bitfield } from '../../../src/core/Bitfield.js';
import { BLOCK_LENGTH, BlockGeometry } from '../../../src/policy/blocks/BlockGeometry.js';
import { MAX_QUEUE_DEPTH, NEAR_PEER_MS, QUEUE_HEADROOM_BLOCKS, queueDepth } from '../../../src/policy/blocks/queueDepth.js';
import { RANDOM_FIRST_PIECES, type RequestPlanner } from '../../../src/policy/blocks/RequestPlanner.js';
import { KiB, bits, evenGeometry, join, labels, makePlanner, peer } from './plannerHelpers.js';

/** Requests one block from `from` (it should take one at a time), delivers it and verifies its piece when complete: returns the piece. */
function fetchOne(planner: RequestPlanner, from: ReturnType<typeof peer>): number | undefined {
  const [block] = planner.nextRequests(from);
  if (!block) return undefined;
  expect(planner.blockReceived(from.key, block).arrival).toBe('expected');
  if (planner.blocks.phaseOf(block.index) === 'hashing') planner.pieceVerified(block.index);
  return block.index;
}

describe('RequestPlanner: which blocks, in which order', () => {
  test.each([
    { total: 3 * 32 * KiB + 1000, pieceLength: 32 * KiB, last: '3:0 of 1000 bytes' },
    { total: 2 * 40_000, pieceLength: 40_000, last: '1:2 of 7232 bytes' },
    { total: 5 * 16 * KiB, pieceLength: 16 * KiB, last: '4:0 of 16384 bytes' },
  ])('every block is asked for once, the last block of each piece short ($total bytes in pieces of $pieceLength)', ({ total, pieceLength, last }) => {
    const geometry = new BlockGeometry(total, pieceLength);
    const { planner } = makePlanner(geometry);
    const seed = join(planner, 'seed', Bitfield.full(geometry.pieceCount), { rateBytesPerSecond: 100 * 1024 * 1024 });
    const asked = planner.nextRequests(seed);
    expect(asked).toHaveLength(geometry.totalBlocks);
    const sorted = [...asked].sort((a, b) => a.index - b.index || a.begin - b.begin);
    expect(sorted).toEqual(Array.from({ length: geometry.pieceCount }, (_, i) => geometry.blocksOf(i)).flat());
    const final = sorted[sorted.length - 1];
    expect(`${final.index}:${final.begin / BLOCK_LENGTH} of ${final.length} bytes`).toBe(last);
  });

  test.each([
    { availability: [3, 1, 2, 4, 5, 6, 7, 8], order: [1, 2, 0, 3, 4, 5, 6, 7] },
    { availability: [8, 7, 6, 5, 4, 3, 2, 1], order: [7, 6, 5, 4, 3, 2, 1, 0] },
    { availability: [2, 8, 1, 7, 3, 6, 4, 5], order: [2, 0, 4, 6, 7, 5, 3, 1] },
  ])('rarest first once past the random first pieces: availability $availability gives $order', ({ availability, order }) => {
    const geometry = evenGeometry(8, 1);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    // Peer p holds every piece whose availability exceeds p, so piece i is held by availability[i] peers.
    for (let p = 0; p < 8; p++) join(planner, `other${p}`, bits(8, availability.flatMap((count, i) => (count > p ? [i] : []))));
    const asker = peer('asker', Bitfield.full(8), { reqq: 1 });
    const fetched = Array.from({ length: 8 }, () => fetchOne(planner, asker));
    expect(fetched).toEqual(order);
  });

  test(`the first ${RANDOM_FIRST_PIECES} pieces are random, not rarest; from then on, rarest`, () => {
    const availability = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const firstPicks = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) {
      const geometry = evenGeometry(16, 1);
      const { planner } = makePlanner(geometry, { seed });
      for (let p = 0; p < 16; p++) join(planner, `other${p}`, bits(16, availability.flatMap((count, i) => (count > p ? [i] : []))));
      const asker = peer('asker', Bitfield.full(16), { reqq: 1 });
      const random = Array.from({ length: RANDOM_FIRST_PIECES }, () => fetchOne(planner, asker) as number);
      firstPicks.add(random[0]);
      // After the random ones, the rarest left, in order.
      const rest = Array.from({ length: 16 - RANDOM_FIRST_PIECES }, () => fetchOne(planner, asker));
      expect(rest).toEqual([...Array(16).keys()].filter((i) => !random.includes(i)));
    }
    // Thirty seeds pick more than a few different first pieces, and not always the rarest (piece 0).
    expect(firstPicks.size).toBeGreaterThan(5);
  });

  test('strict priority: a begun piece is finished before a new one, even a rarer one', () => {
    const geometry = evenGeometry(4, 4);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    const a = join(planner, 'A', bits(4, [0, 1, 2, 3])); // piece 3: only A has it, the rarest
    const b = join(planner, 'B', bits(4, [0, 1, 2]));
    const c = join(planner, 'C', bits(4, [0, 1, 2]));
    const begun = planner.nextRequests(b);
    const x = begun[0].index;
    expect(labels(geometry, begun)).toEqual([`${x}:0`, `${x}:1`]);
    expect(labels(geometry, planner.nextRequests(a))).toEqual([`${x}:2`, `${x}:3`]);
    // Piece x is all asked for: C begins another, and A, with room again, helps finish that one too.
    const next = planner.nextRequests(c);
    const y = next[0].index;
    expect(y).not.toBe(x);
    expect(labels(geometry, next)).toEqual([`${y}:0`, `${y}:1`]);
    planner.blockReceived('A', geometry.block(x, 2));
    expect(labels(geometry, planner.nextRequests(a))).toEqual([`${y}:2`]);
  });

  test('among begun pieces, the one nearest to complete first, whatever its index', () => {
    const geometry = evenGeometry(2, 4);
    const { planner } = makePlanner(geometry);
    expect(labels(geometry, planner.nextRequests(join(planner, 'X', bits(2, [1]), { rateBytesPerSecond: BLOCK_LENGTH })))).toEqual(['1:0', '1:1', '1:2']);
    expect(labels(geometry, planner.nextRequests(join(planner, 'Y', bits(2, [0]), { reqq: 1 })))).toEqual(['0:0']);
    const z = join(planner, 'Z', bits(2, [0, 1]), { reqq: 1 });
    expect(labels(geometry, planner.nextRequests(z))).toEqual(['1:3']); // one block left there, three in piece 0
    planner.blockReceived('Z', geometry.block(1, 3));
    expect(labels(geometry, planner.nextRequests(z))).toEqual(['0:1']);
  });

  test('a piece is assembled from the blocks of several peers', () => {
    const geometry = evenGeometry(1, 6);
    const { planner } = makePlanner(geometry);
    const peers = ['A', 'B', 'C'].map((key) => join(planner, key, Bitfield.full(1)));
    const byPeer = peers.map((p) => planner.nextRequests(p));
    expect(byPeer.map((asked) => labels(geometry, asked))).toEqual([
      ['0:0', '0:1'],
      ['0:2', '0:3'],
      ['0:4', '0:5'],
    ]);
    const outcomes = byPeer.flatMap((asked, i) => asked.map((block) => planner.blockReceived(peers[i].key, block)));
    expect(outcomes.map((o) => o.pieceComplete)).toEqual([false, false, false, false, false, true]);
    expect(planner.blocks.phaseOf(0)).toBe('hashing');
    planner.pieceVerified(0);
    expect(planner.blocks.verified.isComplete).toBe(true);
    expect(planner.nextRequests(peers[0])).toEqual([]);
  });

  test.each([
    { rate: 0, reqq: undefined, asked: 2 },
    { rate: 64 * KiB, reqq: undefined, asked: 12 },
    { rate: 1024 * KiB, reqq: undefined, asked: 192 },
    { rate: 64 * 1024 * KiB, reqq: undefined, asked: MAX_QUEUE_DEPTH },
    { rate: 64 * 1024 * KiB, reqq: 100, asked: 100 },
  ])('queue depth follows the rate, bounded: $rate B/s, reqq $reqq -> $asked in flight', ({ rate, reqq, asked }) => {
    const geometry = evenGeometry(4, 256); // 4 pieces of 4 MiB: room for more than any depth
    const { planner } = makePlanner(geometry);
    const seed = join(planner, 'seed', Bitfield.full(4), { rateBytesPerSecond: rate, reqq });
    expect(planner.depthOf(seed)).toBe(queueDepth(rate, { reqq }));
    expect(planner.nextRequests(seed)).toHaveLength(asked);
    expect(planner.nextRequests(seed)).toEqual([]); // full: nothing more until blocks come
    // The rate grows: the queue deepens to match (and no further than the bound).
    const faster = { ...seed, rateBytesPerSecond: rate * 2 + 64 * KiB };
    const more = planner.nextRequests(faster);
    expect(planner.outstanding('seed')).toHaveLength(asked + more.length);
    expect(planner.outstanding('seed').length).toBe(Math.max(asked, planner.depthOf(faster)));
  });

  test('the quickest answer sets the round trip: a near peer\'s queue then holds what the pipe does, and one batch more', () => {
    const geometry = evenGeometry(4, 256);
    const { planner, clock } = makePlanner(geometry);
    const seed = join(planner, 'seed', Bitfield.full(4), { rateBytesPerSecond: 64 * 1024 * KiB }); // 4,096 blocks a second
    const asked = planner.nextRequests(seed);
    expect(asked).toHaveLength(MAX_QUEUE_DEPTH); // no round trip known: by the rate alone
    clock.advance(5);
    planner.blockReceived('seed', asked[0]); // 5 ms: not near, the rate alone still
    expect(planner.depthOf(seed)).toBe(MAX_QUEUE_DEPTH);
    clock.advance(1);
    planner.blockReceived('seed', asked[1]); // 6 ms after it was asked: slower, the quickest stands
    expect(planner.depthOf(seed)).toBe(MAX_QUEUE_DEPTH);
    const again = planner.nextRequests(seed);
    clock.advance(NEAR_PEER_MS);
    planner.blockReceived('seed', again[0]); // within NEAR_PEER_MS: near
    expect(planner.depthOf(seed)).toBe(Math.ceil((4096 * NEAR_PEER_MS) / 1000) + QUEUE_HEADROOM_BLOCKS);
    expect(planner.nextRequests(seed)).toEqual([]); // more in flight than that: nothing asked until they come
    clock.advance(1);
    planner.rejected('seed', asked[2]); // a reject times nothing
    expect(planner.depthOf(seed)).toBe(Math.ceil((4096 * NEAR_PEER_MS) / 1000) + QUEUE_HEADROOM_BLOCKS);
  });

  test('a choking peer is asked nothing; a bitfield of the wrong size is refused, named', () => {
    const geometry = evenGeometry(2, 2);
    const { planner } = makePlanner(geometry);
    expect(planner.nextRequests(peer('A', Bitfield.full(2), { choking: true }))).toEqual([]);
    expect(() => planner.nextRequests(peer('A', Bitfield.full(3)))).toThrow("peer A's bitfield has 3 pieces, the torrent 2");
  });
});
