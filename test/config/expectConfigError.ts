import { ConfigError } from '../../src/config/ConfigError.js';

/** Runs fn, asserts it throws a ConfigError, and returns it for field checks. */
export function expectConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
