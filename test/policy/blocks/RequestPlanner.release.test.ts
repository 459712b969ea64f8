import { Bitfield } from '../../../src/core/Bitfield.js';
import { MAX_ASKED_IN_END_GAME, SNUB_AFTER_MS } from '../../../src/policy/blocks/RequestPlanner.js';
import { evenGeometry, join, labels, makePlanner } from './plannerHelpers.js';

describe('RequestPlanner: end game and cancels', () => {
  test('not before every missing block is asked; then the rest is asked of every peer that has it, and the first copy cancels the others', () => {
    const geometry = evenGeometry(1, 4);
    const { planner } = makePlanner(geometry);
    const [a, b, c] = ['A', 'B', 'C'].map((key) => join(planner, key, Bitfield.full(1)));
    expect(labels(geometry, planner.nextRequests(a))).toEqual(['0:0', '0:1']);
    expect(planner.blocks.isEndGame).toBe(false);
    expect(labels(geometry, planner.nextRequests(b))).toEqual(['0:2', '0:3']);
    expect(planner.blocks.isEndGame).toBe(true);
    // C is asked for blocks already asked of others, the least asked first.
    expect(labels(geometry, planner.nextRequests(c))).toEqual(['0:0', '0:1']);

    const first = planner.blockReceived('A', geometry.block(0, 0));
    expect(first).toEqual({ arrival: 'expected', cancels: [{ peer: 'C', block: geometry.block(0, 0) }], pieceComplete: false });
    // C's copy was already on its way: a duplicate, to drop; it no longer counts in C's queue.
    expect(planner.outstanding('C')).toEqual([geometry.block(0, 1)]);
    expect(planner.blockReceived('C', geometry.block(0, 0))).toEqual({ arrival: 'duplicate', cancels: [], pieceComplete: false });

    // A has room: it is asked for a block of B's, never one it already awaits.
    expect(labels(geometry, planner.nextRequests(a))).toEqual(['0:2']);
    expect(planner.blockReceived('B', geometry.block(0, 2)).cancels).toEqual([{ peer: 'A', block: geometry.block(0, 2) }]);
    expect(planner.blockReceived('C', geometry.block(0, 1)).cancels).toEqual([{ peer: 'A', block: geometry.block(0, 1) }]);
    expect(planner.blockReceived('B', geometry.block(0, 3))).toEqual({ arrival: 'expected', cancels: [], pieceComplete: true });
    planner.pieceVerified(0);
    expect(planner.blocks.isEndGame).toBe(false);
    expect([a, b, c].map((p) => planner.nextRequests(p))).toEqual([[], [], []]);
  });

  test(`in the end game a block is asked of at most ${MAX_ASKED_IN_END_GAME} peers at once: a fifth peer is asked for nothing`, () => {
    const geometry = evenGeometry(1, 4);
    const { planner } = makePlanner(geometry);
    const [a, b, c, d, e] = ['A', 'B', 'C', 'D', 'E'].map((key) => join(planner, key, Bitfield.full(1)));
    planner.nextRequests(a);
    planner.nextRequests(b);
    expect(labels(geometry, planner.nextRequests(c))).toEqual(['0:0', '0:1']);
    expect(labels(geometry, planner.nextRequests(d))).toEqual(['0:2', '0:3']);
    // Every block is now asked of two peers.
    expect(planner.nextRequests(e)).toEqual([]);
    // The first copy of a block settles it (the other is cancelled); the rest stay at two.
    expect(planner.blockReceived('A', geometry.block(0, 0)).cancels).toEqual([{ peer: 'C', block: geometry.block(0, 0) }]);
    expect(planner.nextRequests(e)).toEqual([]);
  });

  test('a block nobody asked of this peer, or not one of ours, is unrequested', () => {
    const geometry = evenGeometry(1, 4);
    const { planner } = makePlanner(geometry);
    planner.nextRequests(join(planner, 'A', Bitfield.full(1)));
    expect(planner.blockReceived('B', geometry.block(0, 0)).arrival).toBe('unrequested');
    expect(planner.blockReceived('A', geometry.block(0, 3)).arrival).toBe('unrequested');
    expect(planner.blockReceived('A', { index: 0, begin: 5, length: 16 }).arrival).toBe('unrequested');
    expect(planner.blocks.stateOf(geometry.block(0, 3))).toEqual({ kind: 'none' });
  });
});

describe('RequestPlanner: choke, reject, disconnect', () => {
  test('a choke without the fast extension releases every request of the peer for others; it may be asked again once it unchokes', () => {
    const geometry = evenGeometry(1, 4);
    const { planner } = makePlanner(geometry);
    const a = join(planner, 'A', Bitfield.full(1));
    const b = join(planner, 'B', Bitfield.full(1));
    planner.nextRequests(a);
    expect(labels(geometry, planner.choked('A', { fast: false }))).toEqual(['0:0', '0:1']);
    expect(planner.outstanding('A')).toEqual([]);
    expect(planner.nextRequests({ ...a, choking: true })).toEqual([]);
    expect(labels(geometry, planner.nextRequests(b))).toEqual(['0:0', '0:1']);
    // The choke discarded A's queue (BEP 3): a block for it can no longer come, and A unchoked may be asked anew.
    expect(planner.blockReceived('A', geometry.block(0, 0)).arrival).toBe('unrequested');
    expect(labels(geometry, planner.nextRequests(a))).toEqual(['0:2', '0:3']);
  });

  test('with the fast extension a choke releases nothing; each reject releases its block', () => {
    const geometry = evenGeometry(1, 4);
    const { planner } = makePlanner(geometry);
    const a = join(planner, 'A', Bitfield.full(1));
    const b = join(planner, 'B', Bitfield.full(1));
    planner.nextRequests(a);
    expect(planner.choked('A', { fast: true })).toEqual([]);
    expect(labels(geometry, planner.outstanding('A'))).toEqual(['0:0', '0:1']);
    expect(planner.rejected('A', geometry.block(0, 1))).toBe(true);
    expect(planner.rejected('A', geometry.block(0, 1))).toBe(false); // not asked any more
    expect(planner.rejected('A', { index: 9, begin: 0, length: 1 })).toBe(false);
    expect(labels(geometry, planner.outstanding('A'))).toEqual(['0:0']);
    expect(labels(geometry, planner.nextRequests(b))).toEqual(['0:1', '0:2']);
    // A choked us but still serves what it did not reject.
    expect(planner.blockReceived('A', geometry.block(0, 0)).arrival).toBe('expected');
  });

  test('a peer gone releases its requests', () => {
    const geometry = evenGeometry(1, 2);
    const { planner } = makePlanner(geometry);
    planner.nextRequests(join(planner, 'A', Bitfield.full(1)));
    expect(labels(geometry, planner.peerGone('A'))).toEqual(['0:0', '0:1']);
    expect(planner.blocks.stateOf(geometry.block(0, 0))).toEqual({ kind: 'none' });
    expect(planner.peerGone('A')).toEqual([]);
  });
});

describe('RequestPlanner: snubbing', () => {
  test(`a peer silent for ${SNUB_AFTER_MS / 1000} s while we wait is snubbed: its requests go to others, it gets one at a time, until a block comes`, () => {
    const geometry = evenGeometry(1, 8);
    const { planner, clock } = makePlanner(geometry);
    const a = join(planner, 'A', Bitfield.full(1), { rateBytesPerSecond: 16 * 1024 }); // depth 3
    const b = join(planner, 'B', Bitfield.full(1));
    expect(labels(geometry, planner.nextRequests(a))).toEqual(['0:0', '0:1', '0:2']);
    clock.advance(30_000);
    planner.blockReceived('A', geometry.block(0, 0)); // a block: the silence starts again
    clock.advance(SNUB_AFTER_MS - 1);
    expect(planner.checkSnubs()).toEqual([]);
    clock.advance(1);
    expect(planner.checkSnubs()).toEqual([{ peer: 'A', released: [geometry.block(0, 1), geometry.block(0, 2)] }]);
    expect(planner.isSnubbed('A')).toBe(true);
    expect(planner.checkSnubs()).toEqual([]); // once

    // Others take its blocks; it gets one request, never one it still owes.
    expect(labels(geometry, planner.nextRequests(b))).toEqual(['0:1', '0:2']);
    expect(planner.depthOf(a)).toBe(1);
    expect(labels(geometry, planner.nextRequests(a))).toEqual(['0:3']);
    expect(planner.nextRequests(a)).toEqual([]);

    // Its old request is answered after all: taken (late), B's copy cancelled, and A is forgiven.
    expect(planner.blockReceived('A', geometry.block(0, 1))).toEqual({ arrival: 'late', cancels: [{ peer: 'B', block: geometry.block(0, 1) }], pieceComplete: false });
    expect(planner.isSnubbed('A')).toBe(false);
    expect(planner.depthOf(a)).toBe(3);
  });

  test('a peer we are not waiting on is never snubbed, however long it is silent', () => {
    const geometry = evenGeometry(1, 2);
    const { planner, clock } = makePlanner(geometry);
    const a = join(planner, 'A', Bitfield.full(1));
    planner.nextRequests(a);
    planner.blockReceived('A', geometry.block(0, 0));
    planner.blockReceived('A', geometry.block(0, 1));
    clock.advance(10 * SNUB_AFTER_MS);
    expect(planner.checkSnubs()).toEqual([]);
  });
});

describe('RequestPlanner: a piece that fails its hash', () => {
  test('starts over, and the peers that sent its blocks are named', () => {
    const geometry = evenGeometry(1, 4);
    const { planner } = makePlanner(geometry);
    const [a, b] = ['A', 'B'].map((key) => join(planner, key, Bitfield.full(1)));
    const asked = [...planner.nextRequests(a).map((x) => ['A', x] as const), ...planner.nextRequests(b).map((x) => ['B', x] as const)];
    const complete = asked.map(([key, block]) => planner.blockReceived(key, block).pieceComplete);
    expect(complete).toEqual([false, false, false, true]);
    expect(planner.pieceFailed(0)).toEqual(['A', 'B']);
    expect(planner.blocks.phaseOf(0)).toBe('missing');
    expect(labels(geometry, planner.nextRequests(b))).toEqual(['0:0', '0:1']);
  });
});
