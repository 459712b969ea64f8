import { DEFAULT_RETRY_SCHEDULE, nextRetry, type RetrySchedule } from '../../src/net/Dialer.js';

const SCHEDULE: RetrySchedule = { pollIntervalMs: 50, pollWindowMs: 1_000, initialDelayMs: 100, maxDelayMs: 800, maxBackoffAttempts: 5 };

describe('nextRetry: when an earlier peer that refused us is dialled again', () => {
  test('while it may just be starting, every 50 ms: found as soon as it listens', () => {
    for (const elapsedMs of [0, 50, 500, 999]) expect(nextRetry(SCHEDULE, elapsedMs, 0)).toEqual({ phase: 'polling', delayMs: 50 });
  });

  test('after the polling window, doubling pauses up to the cap, then giving up', () => {
    const delays: (number | undefined)[] = [];
    for (let done = 0; done <= 5; done++) delays.push(nextRetry(SCHEDULE, 1_000 + done, done)?.delayMs);
    expect(delays).toEqual([100, 200, 400, 800, 800, undefined]);
    expect(nextRetry(SCHEDULE, 1_000, 0)?.phase).toBe('backing-off');
  });

  test('no window and no back-off: a single attempt', () => {
    expect(nextRetry({ ...SCHEDULE, pollWindowMs: 0, maxBackoffAttempts: 0 }, 0, 0)).toBeUndefined();
  });

  test('the default polls for 10 s, then keeps trying for over a minute more (a paused or restarting peer is found again)', () => {
    expect(nextRetry(DEFAULT_RETRY_SCHEDULE, 9_999, 0)).toEqual({ phase: 'polling', delayMs: 50 });
    let totalBackoffMs = 0;
    for (let done = 0; ; done++) {
      const step = nextRetry(DEFAULT_RETRY_SCHEDULE, 10_000, done);
      if (!step) break;
      totalBackoffMs += step.delayMs;
    }
    expect(totalBackoffMs).toBeGreaterThan(60_000);
  });
});
