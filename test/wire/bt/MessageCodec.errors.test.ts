import {
  BLOCK_BYTES,
  BtMessage,
  MAX_EXTENDED_PAYLOAD_BYTES,
  btMaxMessageLength,
  decodeBtMessage,
  encodeBtMessage,
} from '../../../src/wire/bt/index.js';
import { expectProtocolError, fromHex } from '../helpers.js';

const PIECE_COUNT = 10; // a 2-byte bitfield

/** The 5-byte header of a frame of `messageLength` with type `id`: what is known before any body byte arrives. */
function header(messageLength: number, id: number): Buffer {
  const bytes = Buffer.alloc(5);
  bytes.writeUInt32BE(messageLength, 0);
  bytes[4] = id;
  return bytes;
}

describe('BitTorrent limits', () => {
  test('the largest frame is an extended one: 16 KiB + 1 KiB of dictionary, after the type and extended id', () => {
    expect(BLOCK_BYTES).toBe(16384);
    expect(MAX_EXTENDED_PAYLOAD_BYTES).toBe(17408);
    expect(btMaxMessageLength(PIECE_COUNT)).toBe(1 + 1 + 17408);
  });

  test('unless the torrent has so many pieces that its bitfield is longer', () => {
    expect(btMaxMessageLength(139_272)).toBe(17410);
    expect(btMaxMessageLength(139_273)).toBe(17411);
    expect(btMaxMessageLength(1_000_000)).toBe(1 + 125_000);
  });
});

describe('BitTorrent frames refused from the length prefix or the header, before the body is buffered', () => {
  test('a length over the largest message is frame-too-large from the 4 prefix bytes alone', () => {
    const error = expectProtocolError(() => decodeBtMessage(fromHex('00004403'), PIECE_COUNT), 'frame-too-large');
    expect(error.detail).toEqual({ messageLength: 17411, maxMessageLength: 17410 });
    expectProtocolError(() => decodeBtMessage(fromHex('ffffffff'), PIECE_COUNT), 'frame-too-large');
  });

  test('a piece with a block over 16 KiB (16 KiB + 13 bytes with its prefix) is frame-too-large from its header', () => {
    expect(decodeBtMessage(header(1 + 8 + 16384, 7), PIECE_COUNT)).toEqual({ kind: 'need', bytesNeeded: 16392 });
    const error = expectProtocolError(() => decodeBtMessage(header(1 + 8 + 16385, 7), PIECE_COUNT), 'frame-too-large');
    expect(error.detail).toEqual({ type: 'piece', messageLength: 16394, maxMessageLength: 16393 });
  });

  test('an extended message over its cap is frame-too-large from its header; at the cap it is awaited', () => {
    expect(decodeBtMessage(header(2 + MAX_EXTENDED_PAYLOAD_BYTES, 20), PIECE_COUNT).kind).toBe('need');
    const big = btMaxMessageLength(1_000_000); // a torrent whose bitfield allows longer frames
    const error = expectProtocolError(() => decodeBtMessage(header(3 + MAX_EXTENDED_PAYLOAD_BYTES, 20), 1_000_000), 'frame-too-large');
    expect(error.detail).toMatchObject({ type: 'extended', maxMessageLength: 2 + MAX_EXTENDED_PAYLOAD_BYTES });
    expect(big).toBeGreaterThan(3 + MAX_EXTENDED_PAYLOAD_BYTES);
  });

  test.each([
    ['pieces 0 and 1 in one byte', '00000002 05 c0'],
    ['three bytes', '00000004 05 c00000'],
    ['no bytes at all', '00000001 05'],
  ])('a bitfield of the wrong size (%s) is bad-bitfield-length from its header', (_name, hex) => {
    const error = expectProtocolError(() => decodeBtMessage(fromHex(hex).subarray(0, 5), PIECE_COUNT), 'bad-bitfield-length');
    expect(error.detail).toMatchObject({ expectedBytes: 2, pieceCount: 10 });
  });

  test.each([10, 11, 12, 18, 19, 21, 255])('type %d is unknown-message-type from the type byte', (id) => {
    expect(expectProtocolError(() => decodeBtMessage(header(5, id), PIECE_COUNT), 'unknown-message-type').detail).toEqual({ typeByte: id });
  });

  test.each([
    ['choke with a payload', 2, 0],
    ['interested with a payload', 5, 2],
    ['have all with a payload', 2, 14],
    ['have none with a payload', 2, 15],
    ['have with 3 bytes', 4, 4],
    ['have with 5 bytes', 6, 4],
    ['suggest with no index', 1, 13],
    ['allowed fast with 8 bytes', 9, 17],
    ['request with 8 bytes (a course request is 4)', 9, 6],
    ['request with 16 bytes', 17, 6],
    ['cancel with 11 bytes', 12, 8],
    ['reject with 13 bytes', 14, 16],
    ['port with 1 byte', 2, 9],
    ['port with 4 bytes', 5, 9],
    ['piece with 7 bytes', 8, 7],
    ['extended without its id', 1, 20],
  ])('%s is bad-payload-length from its header', (_name, messageLength, id) => {
    expectProtocolError(() => decodeBtMessage(header(messageLength, id), PIECE_COUNT), 'bad-payload-length');
  });
});

describe('encodeBtMessage: caller bugs are RangeErrors', () => {
  test.each<BtMessage>([
    { kind: 'have', index: -1 },
    { kind: 'request', index: 0, begin: 2 ** 32, length: 1 },
    { kind: 'cancel', index: 0, begin: 0, length: 1.5 },
    { kind: 'piece', index: NaN, begin: 0, data: Buffer.alloc(1) },
    { kind: 'port', port: 65536 },
    { kind: 'port', port: -1 },
    { kind: 'extended', id: 256, payload: Buffer.alloc(0) },
  ])('%j', (message) => {
    expect(() => encodeBtMessage(message)).toThrow(RangeError);
  });

  test('an unknown kind from untyped code', () => {
    expect(() => encodeBtMessage({ kind: 'hello' } as unknown as BtMessage)).toThrow(RangeError);
  });
});
