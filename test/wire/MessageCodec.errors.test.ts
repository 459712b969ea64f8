import { Message, MessageType, decodeMessage, encodeMessage, maxMessageLength } from '../../src/wire/index.js';
import { expectProtocolError, fromHex } from './helpers.js';

const MAX = maxMessageLength(32768);

describe('maxMessageLength', () => {
  test('is 1 (type) + 4 (index) + the piece size', () => {
    expect(maxMessageLength(32768)).toBe(32773);
    expect(maxMessageLength(0)).toBe(5);
  });

  test.each([-1, 1.5, NaN, 2 ** 32])('rejects piece size %p', (size) => {
    expect(() => maxMessageLength(size)).toThrow(RangeError);
  });
});

describe('decodeMessage: incomplete input says how many bytes are missing', () => {
  const frame = encodeMessage({ type: MessageType.Piece, index: 9, data: Buffer.from('hello') }); // 14 bytes

  test('at every truncation point, bytesNeeded is at least 1 and never overshoots the frame', () => {
    for (let n = 0; n < frame.length; n++) {
      const result = decodeMessage(frame.subarray(0, n), MAX);
      expect(result.kind).toBe('need');
      if (result.kind !== 'need') continue;
      expect(result.bytesNeeded).toBeGreaterThanOrEqual(1);
      expect(n + result.bytesNeeded).toBeLessThanOrEqual(frame.length);
      if (n >= 4) expect(result.bytesNeeded).toBe(frame.length - n); // the prefix tells it exactly
    }
  });

  test('before the prefix is complete it asks for the rest of the prefix', () => {
    expect(decodeMessage(Buffer.alloc(0), MAX)).toEqual({ kind: 'need', bytesNeeded: 4 });
    expect(decodeMessage(fromHex('0000'), MAX)).toEqual({ kind: 'need', bytesNeeded: 2 });
  });
});

describe('decodeMessage: malformed frames', () => {
  test('length 0 is empty-frame (no keep-alive in this protocol)', () => {
    expectProtocolError(() => decodeMessage(fromHex('00000000'), MAX), 'empty-frame');
    expectProtocolError(() => decodeMessage(fromHex('00000000 00000001 00'), MAX), 'empty-frame');
  });

  test('a length over the maximum is frame-too-large from the 4 prefix bytes alone', () => {
    const error = expectProtocolError(() => decodeMessage(fromHex('00008006'), MAX), 'frame-too-large');
    expect(error.detail).toEqual({ messageLength: 32774, maxMessageLength: 32773 });
    expectProtocolError(() => decodeMessage(fromHex('ffffffff'), MAX), 'frame-too-large');
  });

  test('a length exactly at the maximum is accepted', () => {
    expect(decodeMessage(fromHex('00008005 07'), MAX)).toEqual({ kind: 'need', bytesNeeded: 32773 - 1 });
  });

  test.each([8, 9, 127, 255])('type %d is unknown-message-type, as soon as the type byte is there', (type) => {
    const header = Buffer.from([0, 0, 0, 5, type]); // body not there yet
    expect(expectProtocolError(() => decodeMessage(header, MAX), 'unknown-message-type').detail).toEqual({ typeByte: type });
  });

  test.each([
    ['choke with a payload', '00000002 00 00'],
    ['unchoke with a payload', '00000005 01 00000001'],
    ['interested with a payload', '00000002 02 ff'],
    ['not interested with a payload', '00000003 03 0000'],
    ['have with 3 bytes', '00000004 04 000005'],
    ['have with 5 bytes', '00000006 04 0000000500'],
    ['have with no index', '00000001 04'],
    ['request with 3 bytes', '00000004 06 00000c'],
    ['request with 8 bytes', '00000009 06 0000000c0000000d'],
    ['piece with 3 bytes', '00000004 07 000002'],
    ['piece with no index', '00000001 07'],
  ])('%s is bad-payload-length', (_name, hex) => {
    expectProtocolError(() => decodeMessage(fromHex(hex), MAX), 'bad-payload-length');
  });

  test('a wrong fixed size is known from the 5-byte header, before the payload arrives', () => {
    expectProtocolError(() => decodeMessage(fromHex('00000100 00'), MAX), 'bad-payload-length');
  });

  test('rejects a nonsensical maximum with RangeError (a caller bug)', () => {
    expect(() => decodeMessage(fromHex('0000000100'), 0)).toThrow(RangeError);
    expect(() => decodeMessage(fromHex('0000000100'), 2.5)).toThrow(RangeError);
  });
});

describe('encodeMessage: caller bugs are RangeErrors', () => {
  test.each<Message>([
    { type: MessageType.Have, index: -1 },
    { type: MessageType.Have, index: 2 ** 32 },
    { type: MessageType.Request, index: 1.5 },
    { type: MessageType.Request, index: NaN },
    { type: MessageType.Piece, index: -5, data: Buffer.alloc(1) },
  ])('%j', (message) => {
    expect(() => encodeMessage(message)).toThrow(RangeError);
  });

  test('an unknown type from untyped code', () => {
    expect(() => encodeMessage({ type: 9 } as unknown as Message)).toThrow(RangeError);
  });
});

describe('decodeMessage payloads are zero-copy subarrays of the input', () => {
  test('piece data and bitfield bits share the input memory', () => {
    const input = fromHex('00000008 07 00000002 616263');
    const result = decodeMessage(input, MAX);
    if (result.kind !== 'message' || result.message.type !== MessageType.Piece) throw new Error('expected a piece');
    expect(result.message.data.buffer).toBe(input.buffer);
    input[9] = 0x7a; // 'a' -> 'z'
    expect(result.message.data.toString()).toBe('zbc');
  });
});
