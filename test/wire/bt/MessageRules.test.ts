import { jest } from '@jest/globals';
import { BtMessage, checkBtMessage } from '../../../src/wire/bt/index.js';
import { PieceGeometry, ProtocolError, ProtocolErrorCode } from '../../../src/wire/index.js';

/** 3 pieces of 32 KiB, the last one 1000 bytes (a 66,536-byte torrent). */
const geometry: PieceGeometry = { pieceCount: 3, pieceLength: (index) => (index === 2 ? 1000 : 32768) };

function expectViolation(m: BtMessage, code: ProtocolErrorCode, g: PieceGeometry = geometry): ProtocolError {
  const error = checkBtMessage(m, g);
  expect(error).toBeInstanceOf(ProtocolError);
  expect(error?.code).toBe(code);
  return error as ProtocolError;
}

describe('checkBtMessage', () => {
  test.each<BtMessage>([
    { kind: 'keep-alive' },
    { kind: 'choke' },
    { kind: 'have-all' },
    { kind: 'have-none' },
    { kind: 'port', port: 0 },
    { kind: 'extended', id: 9, payload: Buffer.alloc(3) },
  ])('%j names no piece: nothing to check', (m) => {
    expect(checkBtMessage(m, geometry)).toBeUndefined();
  });

  describe('have, suggest, allowed fast: an index below the piece count', () => {
    test.each(['have', 'suggest', 'allowed-fast'] as const)('%s 2 passes, 3 is index-out-of-range', (kind) => {
      expect(checkBtMessage({ kind, index: 2 }, geometry)).toBeUndefined();
      expect(expectViolation({ kind, index: 3 }, 'index-out-of-range').detail).toEqual({ type: kind, index: 3, pieceCount: 3 });
    });
  });

  describe('request, cancel, reject: 1 byte to 16 KiB inside one piece', () => {
    const kinds = ['request', 'cancel', 'reject'] as const;

    test.each(kinds)('%s for whole blocks, the short last block and a 1-byte block passes', (kind) => {
      expect(checkBtMessage({ kind, index: 0, begin: 0, length: 16384 }, geometry)).toBeUndefined();
      expect(checkBtMessage({ kind, index: 0, begin: 16384, length: 16384 }, geometry)).toBeUndefined();
      expect(checkBtMessage({ kind, index: 2, begin: 0, length: 1000 }, geometry)).toBeUndefined();
      expect(checkBtMessage({ kind, index: 2, begin: 999, length: 1 }, geometry)).toBeUndefined();
    });

    test.each(kinds)('%s of length 0 is empty-block', (kind) => {
      expect(expectViolation({ kind, index: 0, begin: 0, length: 0 }, 'empty-block').detail).toEqual({ type: kind, index: 0, begin: 0, length: 0 });
    });

    test.each(kinds)('%s for more than 16 KiB is block-too-large', (kind) => {
      expect(expectViolation({ kind, index: 0, begin: 0, length: 16385 }, 'block-too-large').detail).toMatchObject({ length: 16385, maxBytes: 16384 });
      expectViolation({ kind, index: 0, begin: 0, length: 0xffffffff }, 'block-too-large');
    });

    test.each(kinds)("%s past the piece's end is block-past-piece-end, the last piece's shorter end included", (kind) => {
      expect(expectViolation({ kind, index: 0, begin: 16385, length: 16384 }, 'block-past-piece-end').detail).toMatchObject({ pieceBytes: 32768 });
      expect(expectViolation({ kind, index: 2, begin: 0, length: 1001 }, 'block-past-piece-end').detail).toMatchObject({ pieceBytes: 1000 });
      expectViolation({ kind, index: 2, begin: 1000, length: 1 }, 'block-past-piece-end');
      expectViolation({ kind, index: 0, begin: 0xffffffff, length: 16384 }, 'block-past-piece-end');
    });

    test.each(kinds)('%s for a piece out of range is index-out-of-range, without asking its length', (kind) => {
      const pieceLength = jest.fn(() => 32768);
      expectViolation({ kind, index: 3, begin: 0, length: 16384 }, 'index-out-of-range', { pieceCount: 3, pieceLength });
      expect(pieceLength).not.toHaveBeenCalled();
    });
  });

  describe('piece: a block of 1 byte to 16 KiB inside its piece', () => {
    test('a whole block and the short last block pass', () => {
      expect(checkBtMessage({ kind: 'piece', index: 1, begin: 16384, data: Buffer.alloc(16384) }, geometry)).toBeUndefined();
      expect(checkBtMessage({ kind: 'piece', index: 2, begin: 0, data: Buffer.alloc(1000) }, geometry)).toBeUndefined();
    });

    test('an empty block, a block past the end, a piece out of range', () => {
      expectViolation({ kind: 'piece', index: 0, begin: 0, data: Buffer.alloc(0) }, 'empty-block');
      expectViolation({ kind: 'piece', index: 2, begin: 500, data: Buffer.alloc(501) }, 'block-past-piece-end');
      expectViolation({ kind: 'piece', index: 3, begin: 0, data: Buffer.alloc(1) }, 'index-out-of-range');
    });
  });

  describe('bitfield: ceil(pieces/8) bytes, spare bits zero', () => {
    test('3 pieces take 1 byte whose 5 low bits are zero', () => {
      expect(checkBtMessage({ kind: 'bitfield', bits: Buffer.from([0xe0]) }, geometry)).toBeUndefined();
      expect(expectViolation({ kind: 'bitfield', bits: Buffer.from([0xe1]) }, 'bad-bitfield-spare-bits').detail).toMatchObject({ spareBits: 5 });
    });

    test('an empty bitfield is not tolerated as in the course: BEP 6 has have-none for that', () => {
      expectViolation({ kind: 'bitfield', bits: Buffer.alloc(0) }, 'bad-bitfield-length');
      expectViolation({ kind: 'bitfield', bits: Buffer.alloc(2) }, 'bad-bitfield-length');
    });
  });
});
