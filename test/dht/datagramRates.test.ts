import { DatagramBucket, PerAddressLimiter } from '../../src/dht/datagramRates.js';
import { ManualClock } from '../support/ManualClock.js';

describe('datagram rates', () => {
  test('a bucket allows its burst, then refills at its rate, never beyond the burst', () => {
    const clock = new ManualClock();
    const bucket = new DatagramBucket({ perSecond: 4, burst: 3 }, clock);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.waitMs()).toBe(250);
    clock.advance(250);
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    clock.advance(60_000);
    expect(bucket.isFull()).toBe(true);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  test('each address has its own bucket', () => {
    const limiter = new PerAddressLimiter({ perSecond: 1, burst: 1 }, new ManualClock(), 10);
    expect([limiter.allows('1.1.1.1'), limiter.allows('1.1.1.1'), limiter.allows('2.2.2.2')]).toEqual([true, false, true]);
  });

  test('addresses remembered stay bounded: refilled buckets go first, then the oldest', () => {
    const clock = new ManualClock();
    const limiter = new PerAddressLimiter({ perSecond: 1, burst: 2 }, clock, 3);
    for (const address of ['1.0.0.1', '1.0.0.2', '1.0.0.3']) limiter.allows(address);
    clock.advance(5_000); // all three full again: forgotten to make room
    limiter.allows('1.0.0.4');
    expect(limiter.trackedAddresses).toBe(1);
    for (let i = 0; i < 1000; i++) limiter.allows(`2.0.${i >> 8}.${i & 255}`);
    expect(limiter.trackedAddresses).toBe(3);
    // The newest addresses are still limited: their buckets were kept.
    expect([limiter.allows('2.0.3.231'), limiter.allows('2.0.3.231')]).toEqual([true, false]);
  });
});
