import { ProtocolError } from '../../src/wire/index.js';

describe('ProtocolError', () => {
  const error = new ProtocolError('frame-too-large', 'frame length 99 exceeds the maximum 10', { messageLength: 99, maxMessageLength: 10 });

  test('is an instance of ProtocolError and of Error', () => {
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(error)).toBe(ProtocolError.prototype);
  });

  test('carries its name, code, detail and a readable message', () => {
    expect(error.name).toBe('ProtocolError');
    expect(error.code).toBe('frame-too-large');
    expect(error.detail).toEqual({ messageLength: 99, maxMessageLength: 10 });
    expect(error.message).toBe('frame length 99 exceeds the maximum 10 [frame-too-large]');
    expect(String(error)).toBe('ProtocolError: frame length 99 exceeds the maximum 10 [frame-too-large]');
    expect(error.stack).toContain('ProtocolError');
  });

  test('detail is optional and frozen when given', () => {
    expect(new ProtocolError('empty-frame', 'frame of length 0').detail).toBeUndefined();
    expect(Object.isFrozen(error.detail)).toBe(true);
  });

  test('can be caught by code after a throw', () => {
    try {
      throw new ProtocolError('truncated', 'short');
    } catch (caught) {
      expect(caught instanceof ProtocolError && caught.code === 'truncated').toBe(true);
    }
  });
});
