import { BLOCK_LENGTH, BlockGeometry } from '../../../src/policy/blocks/BlockGeometry.js';
import { BlockTracker } from '../../../src/policy/blocks/BlockTracker.js';

/** Two pieces of three blocks (the third short) and a last piece of one block. */
const geometry = new BlockGeometry(2 * 40_000 + 5_000, 40_000);
const [b0, b1, b2] = geometry.blocksOf(0);

describe('BlockTracker: block states, then hash, then have', () => {
  test('a block goes none -> requested (by whom, when) -> received; the piece then hashes and is verified', () => {
    const tracker = new BlockTracker(geometry);
    expect(tracker.phaseOf(0)).toBe('missing');
    expect(tracker.stateOf(b0)).toEqual({ kind: 'none' });

    tracker.request(b0, 'A');
    tracker.request(b0, 'B');
    expect(tracker.phaseOf(0)).toBe('downloading');
    expect(tracker.stateOf(b0)).toEqual({ kind: 'requested', by: new Set(['A', 'B']) });
    expect(tracker.started.has(0)).toBe(true);

    expect(tracker.receive(b0, 'B')).toEqual({ outcome: 'accepted', pieceComplete: false });
    expect(tracker.stateOf(b0)).toEqual({ kind: 'received', from: 'B' });
    expect(tracker.receive(b0, 'A')).toEqual({ outcome: 'duplicate' });

    tracker.request(b1, 'A');
    expect(tracker.receive(b1, 'A').outcome).toBe('accepted');
    expect(tracker.receive(b2, 'C')).toEqual({ outcome: 'accepted', pieceComplete: true });
    expect(tracker.phaseOf(0)).toBe('hashing');
    expect(() => tracker.request(b2, 'A')).toThrow('piece 0 is hashing');

    tracker.pieceVerified(0);
    expect(tracker.phaseOf(0)).toBe('verified');
    expect(tracker.verified.has(0)).toBe(true);
    expect(tracker.started.has(0)).toBe(false);
    expect(tracker.stateOf(b1)).toEqual({ kind: 'done' });
    expect(tracker.receive(b1, 'A')).toEqual({ outcome: 'duplicate' });
  });

  test('a released block is none again only when nobody else is asked for it', () => {
    const tracker = new BlockTracker(geometry);
    tracker.request(b1, 'A');
    tracker.request(b1, 'B');
    tracker.release(b1, 'A');
    expect(tracker.stateOf(b1)).toEqual({ kind: 'requested', by: new Set(['B']) });
    tracker.release(b1, 'B');
    expect(tracker.stateOf(b1)).toEqual({ kind: 'none' });
  });

  test('a hash failure resets every block of the piece and names each contributor once', () => {
    const tracker = new BlockTracker(geometry);
    tracker.receive(b0, 'A');
    tracker.receive(b1, 'B');
    tracker.receive(b2, 'A');
    expect(tracker.pieceFailed(0)).toEqual(['A', 'B']);
    expect(tracker.phaseOf(0)).toBe('missing');
    expect(tracker.started.has(0)).toBe(false);
    expect([b0, b1, b2].map((b) => tracker.stateOf(b).kind)).toEqual(['none', 'none', 'none']);
    expect(tracker.verified.has(0)).toBe(false);
  });

  test('a piece not being hashed can be neither verified nor failed', () => {
    const tracker = new BlockTracker(geometry);
    tracker.request(b0, 'A');
    expect(() => tracker.pieceVerified(0)).toThrow('piece 0 is downloading, not being hashed');
    expect(() => tracker.pieceFailed(1)).toThrow('piece 1 is missing, not being hashed');
  });

  test('end game begins when every missing block is asked of someone, and ends with a release or a failed hash', () => {
    const tracker = new BlockTracker(geometry);
    const all = [0, 1, 2].flatMap((index) => geometry.blocksOf(index));
    for (const block of all.slice(0, -1)) tracker.request(block, 'A');
    expect(tracker.isEndGame).toBe(false);
    const last = all[all.length - 1];
    tracker.request(last, 'A');
    expect(tracker.isEndGame).toBe(true);
    tracker.release(last, 'A');
    expect(tracker.isEndGame).toBe(false);
    tracker.receive(last, 'B');
    expect(tracker.isEndGame).toBe(true);
    tracker.pieceFailed(2);
    expect(tracker.isEndGame).toBe(false);
  });

  test('a piece held from the start is verified, never asked for, and counts towards the end game', () => {
    const tracker = new BlockTracker(geometry);
    tracker.held(0);
    tracker.held(0); // twice: counted once
    expect(tracker.phaseOf(0)).toBe('verified');
    expect(() => tracker.request(b0, 'A')).toThrow(/piece 0 is verified/);
    for (const block of [1, 2].flatMap((index) => geometry.blocksOf(index))) tracker.request(block, 'A');
    expect(tracker.isEndGame).toBe(true);
  });

  test('a block that is not ours is refused, named', () => {
    const tracker = new BlockTracker(geometry);
    expect(() => tracker.request({ index: 0, begin: 1, length: BLOCK_LENGTH }, 'A')).toThrow('not a block of this torrent');
  });
});
