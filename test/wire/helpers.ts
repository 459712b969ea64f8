import { ProtocolError, ProtocolErrorCode } from '../../src/wire/index.js';

/** Hex written by hand in tests may carry spaces for readability. */
export function fromHex(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Asserts that `fn` throws a ProtocolError (a real instance, not just the shape) with this code. */
export function expectProtocolError(fn: () => unknown, code: ProtocolErrorCode): ProtocolError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(ProtocolError);
  expect((error as ProtocolError).code).toBe(code);
  return error as ProtocolError;
}
