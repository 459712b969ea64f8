import { parseRate } from '../../src/config/values.js';
import { RateLimits } from '../../src/node/RateLimits.js';
import { TokenBucket } from '../../src/policy/TokenBucket.js';
import { ManualClock } from '../support/ManualClock.js';

/** Sends `chunkBytes` as fast as the limiter allows for `seconds` of manual time; returns bytes sent. */
function pump(clock: ManualClock, limit: (bytes: number) => number, chunkBytes: number, seconds: number): number {
  let sent = 0;
  const end = clock.now() + seconds * 1000;
  while (clock.now() < end) {
    const waitMs = limit(chunkBytes);
    sent += chunkBytes;
    clock.advance(Math.max(waitMs, 1));
  }
  return sent;
}

describe('TokenBucket', () => {
  test('unlimited until a rate is set', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock);
    expect(bucket.take(10_000_000)).toBe(0);
    expect(bucket.bytesPerSecond).toBeUndefined();
  });

  test('a long run stays within a few percent of the rate (10 s)', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 2 * 1024 * 1024);
    const sent = pump(clock, (b) => bucket.take(b), 32_768, 10);
    const rate = sent / 10;
    expect(rate).toBeGreaterThan(0.95 * 2 * 1024 * 1024);
    expect(rate).toBeLessThan(1.1 * 2 * 1024 * 1024);
  });

  test('debt is repaid by waiting: the wait is what the overdraft costs at the rate', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 1000);
    expect(bucket.take(2000)).toBe(2000); // 2000 bytes at 1000 B/s, from an empty bucket
    clock.advance(2000);
    expect(bucket.take(50)).toBe(50);
  });

  test('the burst is a tenth of a second: idle time does not bank unlimited credit', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 10_000);
    clock.advance(60_000);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(1000)).toBe(100);
  });

  test('the rate can change while running', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 1000);
    bucket.setRate(undefined);
    expect(bucket.take(1e9)).toBe(0);
    bucket.setRate(500);
    expect(bucket.take(500)).toBe(1000);
    expect(() => bucket.setRate(0)).toThrow(RangeError);
  });
});

describe('RateLimits: per neighbour, then process-wide', () => {
  test('two neighbours share the global upload limit', () => {
    const clock = new ManualClock();
    const limits = new RateLimits(clock, { uploadBytesPerSecond: 100_000 });
    const a = limits.forNeighbour();
    const b = limits.forNeighbour();
    const sent = pump(clock, (bytes) => Math.max(a.upload(bytes / 2), b.upload(bytes / 2)), 10_000, 10);
    expect(sent / 10).toBeGreaterThan(90_000);
    expect(sent / 10).toBeLessThan(110_000);
  });

  test('a per-neighbour limit applies to each neighbour alone', () => {
    const clock = new ManualClock();
    const limits = new RateLimits(clock, { neighbourDownloadBytesPerSecond: 50_000 });
    const a = limits.forNeighbour();
    const sent = pump(clock, (bytes) => a.download(bytes), 5_000, 10);
    expect(sent / 10).toBeGreaterThan(45_000);
    expect(sent / 10).toBeLessThan(55_000);
    expect(limits.forNeighbour().download(5_000)).toBe(100); // a fresh neighbour has its own bucket (empty at start)
  });

  test('update() changes existing neighbours too (a SIGHUP reload)', () => {
    const clock = new ManualClock();
    const limits = new RateLimits(clock, { neighbourUploadBytesPerSecond: 1000 });
    const a = limits.forNeighbour();
    limits.update({});
    expect(a.upload(1e9)).toBe(0);
    expect(limits.current).toEqual({});
  });
});

describe('parseRate', () => {
  test.each([
    ['1000', 1000],
    ['2MiB/s', 2 * 1024 * 1024],
    ['500KB/s', 500_000],
    ['750kib', 750 * 1024],
    ['1.5MB', 1_500_000],
    ['1GiB/s', 1024 ** 3],
  ])('%s is %d bytes per second', (text, rate) => expect(parseRate(text)).toBe(rate));

  test.each(['', 'fast', '0', '-5', '2 MiB per s', '5XB/s', '0.1'])('refuses %j', (text) => expect(parseRate(text)).toBeUndefined());
});
