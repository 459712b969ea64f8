import { SlidingRate } from '../../src/policy/SlidingRate.js';
import { ManualClock } from '../support/ManualClock.js';

describe('SlidingRate', () => {
  it('averages what arrived over the last two seconds', () => {
    const clock = new ManualClock();
    const rate = new SlidingRate(clock);
    rate.record(1000);
    clock.advance(600);
    rate.record(3000);
    expect(rate.bytesPerSecond()).toBe(2000);
  });

  it('forgets bytes older than its window', () => {
    const clock = new ManualClock();
    const rate = new SlidingRate(clock);
    rate.record(10_000);
    clock.advance(1_600);
    expect(rate.bytesPerSecond()).toBe(5000);
    clock.advance(500);
    expect(rate.bytesPerSecond()).toBe(0);
  });

  it('reuses a bucket after a long silence without keeping its old count', () => {
    const clock = new ManualClock();
    const rate = new SlidingRate(clock);
    rate.record(10_000);
    clock.advance(2_000);
    rate.record(100);
    expect(rate.bytesPerSecond()).toBe(50);
  });
});
