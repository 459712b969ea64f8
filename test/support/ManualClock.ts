import type { Cancel, Clock } from '../../src/common/Clock.js';

/** A clock that moves only when told to; timers fire in time order. */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 0;
  private readonly timers = new Map<number, { due: number; intervalMs?: number; fn: () => void }>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  every(intervalMs: number, fn: () => void): Cancel {
    if (intervalMs <= 0) throw new RangeError('interval must be positive');
    return this.schedule(intervalMs, fn, intervalMs);
  }

  after(delayMs: number, fn: () => void): Cancel {
    return this.schedule(Math.max(0, delayMs), fn);
  }

  /** Moves time forward, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      const [id, timer] = next;
      this.current = timer.due;
      if (timer.intervalMs === undefined) this.timers.delete(id);
      else timer.due += timer.intervalMs;
      timer.fn();
    }
    this.current = target;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  private schedule(delayMs: number, fn: () => void, intervalMs?: number): Cancel {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + delayMs, intervalMs, fn });
    return () => {
      this.timers.delete(id);
    };
  }

  private nextDue(limit: number): [number, { due: number; intervalMs?: number; fn: () => void }] | undefined {
    let best: [number, { due: number; intervalMs?: number; fn: () => void }] | undefined;
    for (const entry of this.timers) {
      if (entry[1].due <= limit && (!best || entry[1].due < best[1].due)) best = entry;
    }
    return best;
  }
}
