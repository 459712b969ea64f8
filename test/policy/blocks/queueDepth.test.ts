import { BLOCK_LENGTH } from '../../../src/policy/blocks/BlockGeometry.js';
import { MAX_QUEUE_DEPTH, MIN_QUEUE_DEPTH, NEAR_PEER_MS, QUEUE_HEADROOM_BLOCKS, TARGET_QUEUE_MS, queueDepth } from '../../../src/policy/blocks/queueDepth.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('queueDepth: requests in flight grow with the peer rate, bounded', () => {
  test.each([
    { rate: 0, reqq: undefined, depth: MIN_QUEUE_DEPTH, why: 'a new peer: two, so one is always in flight' },
    { rate: 5 * KiB, reqq: undefined, depth: MIN_QUEUE_DEPTH, why: 'slow: 15 KiB in 3 s is under two blocks' },
    { rate: 16 * KiB, reqq: undefined, depth: 3, why: '48 KiB in 3 s: three blocks' },
    { rate: 100 * KiB, reqq: undefined, depth: 19, why: '300 KiB in 3 s: 18.75 blocks, rounded up' },
    { rate: 1 * MiB, reqq: undefined, depth: 192, why: '3 MiB in 3 s' },
    { rate: 2 * MiB, reqq: undefined, depth: MAX_QUEUE_DEPTH, why: 'fast: bounded' },
    { rate: 500 * MiB, reqq: undefined, depth: MAX_QUEUE_DEPTH, why: 'loopback: still bounded' },
    { rate: 1 * MiB, reqq: 64, depth: 64, why: 'the peer takes at most 64 (its reqq)' },
    { rate: 500 * MiB, reqq: 2000, depth: MAX_QUEUE_DEPTH, why: 'a larger reqq does not lift our bound' },
    { rate: 0, reqq: 1, depth: 1, why: 'a peer taking one request at a time gets one' },
    { rate: 1 * MiB, reqq: 0, depth: 192, why: 'a reqq of 0 is not one: ignored' },
    { rate: 1 * MiB, reqq: -5, depth: 192, why: 'a negative reqq is ignored' },
    { rate: 1 * MiB, reqq: 2.5, depth: 192, why: 'a fractional reqq is ignored' },
    { rate: Number.NaN, reqq: undefined, depth: MIN_QUEUE_DEPTH, why: 'no rate known' },
    { rate: -100, reqq: undefined, depth: MIN_QUEUE_DEPTH, why: 'a negative rate reads as none' },
  ])('$rate B/s, reqq $reqq: $depth ($why)', ({ rate, reqq, depth }) => {
    expect(queueDepth(rate, { reqq })).toBe(depth);
  });

  test('the depth is what lasts the target queue time at the rate', () => {
    const rate = 40 * BLOCK_LENGTH; // blocks per second
    expect(queueDepth(rate)).toBe((40 * TARGET_QUEUE_MS) / 1000);
  });

  test('depth never falls as the rate rises, and stays within its bounds', () => {
    let previous = 0;
    for (let rate = 0; rate <= 4 * MiB; rate += 7 * KiB) {
      const depth = queueDepth(rate);
      expect(depth).toBeGreaterThanOrEqual(previous);
      expect(depth).toBeGreaterThanOrEqual(MIN_QUEUE_DEPTH);
      expect(depth).toBeLessThanOrEqual(MAX_QUEUE_DEPTH);
      previous = depth;
    }
    expect(previous).toBe(MAX_QUEUE_DEPTH);
  });

  test.each([
    { rate: 200 * MiB, roundTripMs: 1, depth: 13 + QUEUE_HEADROOM_BLOCKS, why: 'loopback: 200 KiB in the pipe, and one batch more' },
    { rate: 200 * MiB, roundTripMs: NEAR_PEER_MS, depth: 26 + QUEUE_HEADROOM_BLOCKS, why: 'a LAN peer: 400 KiB in the pipe' },
    { rate: 20 * MiB, roundTripMs: NEAR_PEER_MS + 1, depth: MAX_QUEUE_DEPTH, why: 'farther: by the rate alone, as libtorrent' },
    { rate: 5 * MiB, roundTripMs: 100, depth: MAX_QUEUE_DEPTH, why: 'a 100 ms path: by the rate alone' },
    { rate: 20 * KiB, roundTripMs: 1, depth: 4, why: 'slow: what 3 s at its rate bring is fewer' },
    { rate: 0, roundTripMs: 1, depth: MIN_QUEUE_DEPTH, why: 'no rate yet: the least' },
    { rate: 200 * MiB, roundTripMs: undefined, depth: MAX_QUEUE_DEPTH, why: 'no round trip measured yet: by the rate alone' },
  ])('with a round trip known: $rate B/s, $roundTripMs ms -> $depth ($why)', ({ rate, roundTripMs, depth }) => {
    expect(queueDepth(rate, { roundTripMs })).toBe(depth);
  });

  test('a round trip known never deepens the queue, and a reqq still bounds it', () => {
    for (const rate of [0, 10 * KiB, 1 * MiB, 30 * MiB, 500 * MiB]) {
      for (const roundTripMs of [1, 2, 3, 10, 100, 1000]) expect(queueDepth(rate, { roundTripMs })).toBeLessThanOrEqual(queueDepth(rate));
    }
    expect(queueDepth(200 * MiB, { roundTripMs: 1, reqq: 8 })).toBe(8);
  });

  test('a snubbed peer gets one request, whatever its rate or reqq', () => {
    expect(queueDepth(500 * MiB, { reqq: 500, snubbed: true })).toBe(1);
  });
});
