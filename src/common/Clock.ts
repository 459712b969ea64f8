/** Cancels a scheduled callback. */
export type Cancel = () => void;

/**
 * Time, injected: the choking timers (p and m seconds) and rate measurement read
 * it, so tests drive time by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since some fixed origin. */
  now(): number;
  /** Calls fn every intervalMs until cancelled. */
  every(intervalMs: number, fn: () => void): Cancel;
  /** Calls fn once after delayMs unless cancelled first. */
  after(delayMs: number, fn: () => void): Cancel;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(intervalMs, fn) {
    const timer = setInterval(fn, intervalMs);
    return () => clearInterval(timer);
  },
  after(delayMs, fn) {
    const timer = setTimeout(fn, delayMs);
    return () => clearTimeout(timer);
  },
};
