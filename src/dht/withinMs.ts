import type { Clock } from '../common/Clock.js';

/** The promise's value, or 'timeout' when it takes longer than `ms` on the clock (the promise is left to settle on its own). */
export function withinMs<T>(clock: Clock, ms: number, promise: Promise<T>): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    const cancel = clock.after(ms, () => resolve('timeout'));
    promise.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}
