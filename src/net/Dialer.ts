import * as net from 'net';
import type { Cancel, Clock } from '../common/Clock';

export interface DialOptions {
  host: string;
  port: number;
  clock: Clock;
  /** First wait after a refused attempt; doubles each time up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Gives up after this many attempts. */
  maxAttempts: number;
  onRetry?(attempt: number, delayMs: number, error: Error): void;
}

export interface Dial {
  socket: Promise<net.Socket>;
  cancel(): void;
}

/**
 * Dials an earlier peer, trying again with exponential back-off while it is
 * not up yet (bounded: a peer that never appears is reported, not waited for
 * forever).
 */
export function dialWithRetry(options: DialOptions): Dial {
  let cancelled = false;
  let cancelWait: Cancel | undefined;
  let current: net.Socket | undefined;
  let connected = false;
  let giveUp: (error: Error) => void = () => {};
  const socket = new Promise<net.Socket>((resolve, reject) => {
    giveUp = reject;
    const attempt = (n: number, delayMs: number) => {
      if (cancelled) return reject(new Error('dial cancelled'));
      const s = net.connect({ host: options.host, port: options.port, noDelay: true });
      current = s;
      const onError = (error: Error) => {
        s.destroy();
        if (cancelled) return reject(new Error('dial cancelled'));
        if (n >= options.maxAttempts) return reject(error);
        options.onRetry?.(n, delayMs, error);
        cancelWait = options.clock.after(delayMs, () => attempt(n + 1, Math.min(delayMs * 2, options.maxDelayMs)));
      };
      s.once('error', onError);
      s.once('connect', () => {
        connected = true;
        s.off('error', onError);
        resolve(s);
      });
    };
    attempt(1, options.initialDelayMs);
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
