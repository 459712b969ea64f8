import { DEFAULT_WAIT_MS, type Probe } from './waiting.js';

/**
 * A bounded wait for a condition nobody notifies about (state inside the node
 * under test, counters fed by several sockets): re-checked every few ms of
 * real time until it holds, failing with a clear message after `timeoutMs`.
 * It resolves as soon as the condition holds: a wait, not a sleep.
 */
export function eventually<T>(probe: Probe<T>, describe: string | (() => string), timeoutMs = DEFAULT_WAIT_MS, everyMs = 2): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise<T>((resolve, reject) => {
    const check = () => {
      let value: T | undefined | null | false;
      try {
        value = probe();
      } catch (error) {
        reject(error);
        return;
      }
      if (value instanceof Promise) return reject(new Error(`the probe for ${typeof describe === 'string' ? describe : describe()} returned a promise: use eventuallyAsync`));
      if (value !== undefined && value !== null && value !== false) return resolve(value);
      if (Date.now() >= deadline) {
        const text = typeof describe === 'string' ? describe : describe();
        return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${text}`));
      }
      setTimeout(check, everyMs);
    };
    check();
  });
}

/** eventually() for a probe that must wait for an answer (an API call): one probe at a time, every `everyMs`. */
export async function eventuallyAsync<T>(probe: () => Promise<T | undefined | null | false>, describe: string | (() => string), timeoutMs = DEFAULT_WAIT_MS, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof describe === 'string' ? describe : describe()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
