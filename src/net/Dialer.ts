import * as net from 'net';
import type { Cancel, Clock } from '../common/Clock.js';

/**
 * When to try an earlier peer again after a refused dial. Peers are started a
 * moment apart (by hand, by a script 0.3 s apart, or several at once on a busy
 * machine), so an earlier peer is often not listening yet: while it may just
 * be starting, we poll often and find it as soon as it listens; after that,
 * it is paused, restarting or gone, and we back off.
 */
export interface RetrySchedule {
  /** The pause between attempts while polling. */
  pollIntervalMs: number;
  /** How long after the first attempt we keep polling. */
  pollWindowMs: number;
  /** The first pause once polling is over; doubles each time up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts after the polling window before giving up (a peer that never appears is reported, not waited for forever). */
  maxBackoffAttempts: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  pollIntervalMs: 50,
  pollWindowMs: 10_000,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
  maxBackoffAttempts: 40,
};

export interface RetryStep {
  phase: 'polling' | 'backing-off';
  delayMs: number;
}

/**
 * The wait before the next attempt, or undefined to give up: polling while
 * the window lasts, then `backoffAttemptsSoFar` doubling steps.
 */
export function nextRetry(schedule: RetrySchedule, elapsedMs: number, backoffAttemptsSoFar: number): RetryStep | undefined {
  if (elapsedMs < schedule.pollWindowMs) return { phase: 'polling', delayMs: schedule.pollIntervalMs };
  if (backoffAttemptsSoFar >= schedule.maxBackoffAttempts) return undefined;
  return { phase: 'backing-off', delayMs: Math.min(schedule.initialDelayMs * 2 ** backoffAttemptsSoFar, schedule.maxDelayMs) };
}

export interface DialOptions {
  host: string;
  port: number;
  clock: Clock;
  schedule: RetrySchedule;
  /** Called before each wait; `attempt` is the number of the attempt that just failed. */
  onRetry?(attempt: number, step: RetryStep, error: Error): void;
}

export interface Dial {
  socket: Promise<net.Socket>;
  cancel(): void;
}

/** Dials an earlier peer, trying again on the schedule while it is not up yet. */
export function dialWithRetry(options: DialOptions): Dial {
  let cancelled = false;
  let cancelWait: Cancel | undefined;
  let current: net.Socket | undefined;
  let connected = false;
  let giveUp: (error: Error) => void = () => {};
  const startedMs = options.clock.now();
  const socket = new Promise<net.Socket>((resolve, reject) => {
    giveUp = reject;
    let backoffAttempts = 0;
    const attempt = (n: number) => {
      if (cancelled) return reject(new Error('dial cancelled'));
      const s = net.connect({ host: options.host, port: options.port, noDelay: true });
      current = s;
      const onError = (error: Error) => {
        s.destroy();
        if (cancelled) return reject(new Error('dial cancelled'));
        const step = nextRetry(options.schedule, options.clock.now() - startedMs, backoffAttempts);
        if (step === undefined) return reject(error);
        if (step.phase === 'backing-off') backoffAttempts++;
        options.onRetry?.(n, step, error);
        cancelWait = options.clock.after(step.delayMs, () => attempt(n + 1));
      };
      s.once('error', onError);
      s.once('connect', () => {
        connected = true;
        s.off('error', onError);
        resolve(s);
      });
    };
    attempt(1);
  });
  return {
    socket,
    cancel() {
      if (connected || cancelled) return;
      cancelled = true;
      cancelWait?.();
      current?.destroy();
      giveUp(new Error('dial cancelled'));
    },
  };
}
