import { RateTracker } from '../../src/policy/RateTracker.js';
import { ManualClock } from '../support/ManualClock.js';

describe('RateTracker', () => {
  test('sums bytes per neighbour within an interval', () => {
    const tracker = new RateTracker(new ManualClock());
    const records: [number, number][] = [[1, 100], [2, 50], [1, 25], [3, 0], [2, 50]];
    for (const [peerId, bytes] of records) tracker.record(peerId, bytes);
    const expected: [number, number][] = [[1, 125], [2, 100], [3, 0], [4, 0]];
    for (const [peerId, bytes] of expected) expect(tracker.bytesThisInterval(peerId)).toBe(bytes);
  });

  test('takeInterval returns the interval and its length, then starts a new one', () => {
    const clock = new ManualClock(1_000);
    const tracker = new RateTracker(clock);
    clock.advance(500);
    tracker.record(1, 10);
    clock.advance(1_500);
    tracker.record(2, 30);

    const first = tracker.takeInterval();
    expect(first.elapsedMs).toBe(2_000);
    expect([...first.bytesByPeer].sort()).toEqual([[1, 10], [2, 30]]);
    expect(tracker.bytesThisInterval(1)).toBe(0);

    clock.advance(5_000);
    tracker.record(1, 7);
    const second = tracker.takeInterval();
    expect(second.elapsedMs).toBe(5_000);
    expect([...second.bytesByPeer]).toEqual([[1, 7]]);
    // The first result is not disturbed by later recording.
    expect(first.bytesByPeer.get(1)).toBe(10);

    const empty = tracker.takeInterval();
    expect(empty).toEqual({ elapsedMs: 0, bytesByPeer: new Map() });
  });

  test('intervals follow the clock as timers advance it', () => {
    const clock = new ManualClock();
    const tracker = new RateTracker(clock);
    const lengths: number[] = [];
    clock.every(3_000, () => lengths.push(tracker.takeInterval().elapsedMs));
    clock.advance(9_000);
    expect(lengths).toEqual([3_000, 3_000, 3_000]);
  });

  test('remove forgets a neighbour', () => {
    const tracker = new RateTracker(new ManualClock());
    tracker.record(1, 10);
    tracker.record(2, 20);
    tracker.remove(1);
    expect(tracker.bytesThisInterval(1)).toBe(0);
    expect([...tracker.takeInterval().bytesByPeer]).toEqual([[2, 20]]);
  });

  test.each([-1, NaN, Infinity])('rejects a byte count of %p', (bytes) => {
    expect(() => new RateTracker(new ManualClock()).record(1, bytes)).toThrow(RangeError);
  });
});
