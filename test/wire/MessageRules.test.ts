import { jest } from '@jest/globals';
import { Message, MessageType, PieceGeometry, ProtocolError, ProtocolErrorCode, checkMessage } from '../../src/wire/index.js';

/** 10 pieces of 100 bytes, the last one 37 bytes (a 937-byte file). */
const geometry: PieceGeometry = {
  pieceCount: 10,
  pieceLength: (index) => (index === 9 ? 37 : 100),
};

function expectViolation(m: Message, code: ProtocolErrorCode, g: PieceGeometry = geometry): ProtocolError {
  const error = checkMessage(m, g);
  expect(error).toBeInstanceOf(ProtocolError);
  expect(error?.code).toBe(code);
  return error as ProtocolError;
}

describe('checkMessage', () => {
  test.each<Message>([
    { type: MessageType.Choke },
    { type: MessageType.Unchoke },
    { type: MessageType.Interested },
    { type: MessageType.NotInterested },
  ])('%j has nothing to check', (m) => {
    expect(checkMessage(m, geometry)).toBeUndefined();
  });

  describe('indices (have, request, piece) must be below the piece count', () => {
    test.each([MessageType.Have, MessageType.Request] as const)('type %d: 0 and 9 pass, 10 and 2^32-1 fail', (type) => {
      expect(checkMessage({ type, index: 0 }, geometry)).toBeUndefined();
      expect(checkMessage({ type, index: 9 }, geometry)).toBeUndefined();
      expect(expectViolation({ type, index: 10 }, 'index-out-of-range').detail).toMatchObject({ index: 10, pieceCount: 10 });
      expectViolation({ type, index: 0xffffffff }, 'index-out-of-range');
    });

    test('a piece with an index out of range, without asking its length', () => {
      const pieceLength = jest.fn(() => 100);
      expectViolation({ type: MessageType.Piece, index: 10, data: Buffer.alloc(100) }, 'index-out-of-range', { pieceCount: 10, pieceLength });
      expect(pieceLength).not.toHaveBeenCalled();
    });

    test('no piece index is valid in an empty torrent', () => {
      expectViolation({ type: MessageType.Have, index: 0 }, 'index-out-of-range', { pieceCount: 0, pieceLength: () => 0 });
    });
  });

  describe('piece data must be the whole piece', () => {
    test('full-size and the shorter last piece pass', () => {
      expect(checkMessage({ type: MessageType.Piece, index: 0, data: Buffer.alloc(100) }, geometry)).toBeUndefined();
      expect(checkMessage({ type: MessageType.Piece, index: 9, data: Buffer.alloc(37) }, geometry)).toBeUndefined();
    });

    test('short, long and empty data fail with bad-piece-length', () => {
      expect(expectViolation({ type: MessageType.Piece, index: 0, data: Buffer.alloc(99) }, 'bad-piece-length').detail).toEqual({
        index: 0,
        dataBytes: 99,
        expectedBytes: 100,
      });
      expectViolation({ type: MessageType.Piece, index: 9, data: Buffer.alloc(100) }, 'bad-piece-length');
      expectViolation({ type: MessageType.Piece, index: 3, data: Buffer.alloc(0) }, 'bad-piece-length');
    });
  });

  describe('bitfield: ceil(pieces/8) bytes, spare bits zero', () => {
    const bitfield = (...bytes: number[]): Message => ({ type: MessageType.Bitfield, bits: Buffer.from(bytes) });

    test('10 pieces take 2 bytes; all pieces set passes', () => {
      expect(checkMessage(bitfield(0xff, 0xc0), geometry)).toBeUndefined();
      expect(checkMessage(bitfield(0x00, 0x00), geometry)).toBeUndefined();
      expect(checkMessage(bitfield(0x80, 0x40), geometry)).toBeUndefined(); // piece 0 and piece 9
    });

    test('wrong lengths fail with bad-bitfield-length', () => {
      expect(expectViolation(bitfield(0xff), 'bad-bitfield-length').detail).toEqual({ lengthBytes: 1, expectedBytes: 2, pieceCount: 10 });
      expectViolation(bitfield(0xff, 0xc0, 0x00), 'bad-bitfield-length');
    });

    test('a bitfield with no bytes is tolerated: it means "has nothing"', () => {
      expect(checkMessage(bitfield(), geometry)).toBeUndefined();
    });

    test.each([0x20, 0x01, 0x3f])('a spare bit set (last byte 0x%s) fails with bad-bitfield-spare-bits', (lastByte) => {
      expect(expectViolation(bitfield(0xff, 0xc0 | lastByte), 'bad-bitfield-spare-bits').detail).toMatchObject({ spareBits: 6 });
    });

    test('a piece count that is a multiple of 8 has no spare bits', () => {
      const sixteen: PieceGeometry = { pieceCount: 16, pieceLength: () => 1 };
      expect(checkMessage(bitfield(0xff, 0xff), sixteen)).toBeUndefined();
    });

    test('an empty torrent takes an empty bitfield', () => {
      expect(checkMessage(bitfield(), { pieceCount: 0, pieceLength: () => 0 })).toBeUndefined();
    });

    test('one piece: only the high bit may be set', () => {
      const one: PieceGeometry = { pieceCount: 1, pieceLength: () => 5 };
      expect(checkMessage(bitfield(0x80), one)).toBeUndefined();
      expectViolation(bitfield(0xc0), 'bad-bitfield-spare-bits', one);
    });
  });
});
