import { MessageType, ProtocolError, courseDialect, courseFrameLimits, encodeHandshake } from '../../../src/wire/index.js';
import { expectProtocolError, fromHex } from '../helpers.js';

/** 10 pieces of 100 bytes, the last one 37 (protocol.md: pieces = ceil(FileSize / PieceSize)). */
const geometry = { pieceCount: 10, pieceLength: (index: number) => (index === 9 ? 37 : 100) };

describe('the course dialect', () => {
  test('its frame limit is a whole piece + 5 (protocol.md), its buffer cap one frame and one socket chunk more', () => {
    expect(courseFrameLimits(geometry)).toEqual({ maxMessageLength: 105, maxBufferedBytes: 105 + 4 + 65536 });
  });

  test('with tiny pieces the bitfield is the largest message', () => {
    expect(courseFrameLimits({ pieceCount: 2000, pieceLength: () => 1 }).maxMessageLength).toBe(1 + 250);
  });

  test('its reader takes those limits: a piece frame one byte over is refused from the length prefix', () => {
    const reader = courseDialect.newReader(geometry);
    reader.push(encodeHandshake(1001));
    expect(reader.readHandshake()).toBe(1001);
    reader.push(fromHex('00000069')); // 105: a whole piece
    expect(reader.readMessage()).toBeUndefined();
    const over = courseDialect.newReader(geometry);
    over.push(fromHex('0000006a')); // 106
    expectProtocolError(() => over.readMessage(), 'frame-too-large');
  });

  test('encodes and checks messages as the course codec does', () => {
    expect(courseDialect.name).toBe('course');
    expect(courseDialect.encodeMessage({ type: MessageType.Have, index: 5 }).toString('hex')).toBe('000000050400000005');
    expect(courseDialect.checkMessage({ type: MessageType.Have, index: 10 }, geometry)).toBeInstanceOf(ProtocolError);
    expect(courseDialect.checkMessage({ type: MessageType.Have, index: 9 }, geometry)).toBeUndefined();
  });
});
