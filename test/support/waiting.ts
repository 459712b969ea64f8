/**
 * Bounded waits for tests that do real I/O on 127.0.0.1. A wait is not a sleep:
 * it resolves as soon as the condition holds, and fails the test with a clear
 * message (instead of hanging until jest's own timeout) when it never does.
 */

/** Long enough for anything on loopback; short enough to fail well before jest's test timeout. */
export const DEFAULT_WAIT_MS = 5_000;

/** A value, or "not yet": undefined, null and false all mean keep waiting. */
export type Probe<T> = () => T | undefined | null | false;

type Describe = string | (() => string);

function text(describe: Describe): string {
  return typeof describe === 'string' ? describe : describe();
}

/**
 * A set of pending conditions, re-checked whenever the owner calls notify()
 * (e.g. after every received message). A probe that throws rejects its wait.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  notify(): void {
    for (const check of [...this.pending]) check();
  }

  get size(): number {
    return this.pending.size;
  }

  until<T>(probe: Probe<T>, describe: Describe, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        if (timer) clearTimeout(timer);
        this.pending.delete(check);
      };
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (value !== undefined && value !== null && value !== false) {
          finish();
          resolve(value);
        }
      };
      this.pending.add(check);
      check();
      if (!this.pending.has(check)) return;
      timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${text(describe)}`));
      }, timeoutMs);
    });
  }
}

/** Races a promise against a real-time bound; the timer is cleared either way. */
export function withTimeout<T>(promise: Promise<T>, describe: Describe, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${text(describe)}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Lets pending I/O callbacks and promise continuations run (one turn of the
 * event loop, not a timed sleep). Used before asserting that something did
 * NOT happen after an in-process event.
 */
export function turnEventLoop(turns = 1): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < turns; i++) chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return chain;
}
