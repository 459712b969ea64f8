import { HANDSHAKE_HEADER, HANDSHAKE_LENGTH, checkHandshakePrefix, decodeHandshake, encodeHandshake } from '../../src/wire/index.js';
import { expectProtocolError, fromHex } from './helpers.js';

// Written by hand from protocol.md: 'P2PFILESHARINGPROJ' in ASCII, ten zero bytes, the ID big-endian.
const HEADER_HEX = '50325046494c4553484152494e4750524f4a';
const PADDING_HEX = '00000000000000000000';
const HANDSHAKE_1001 = HEADER_HEX + PADDING_HEX + '000003e9';
const HANDSHAKE_MAX = HEADER_HEX + PADDING_HEX + 'ffffffff';

describe('handshake constants', () => {
  test('are 32 bytes with the course header', () => {
    expect(HANDSHAKE_LENGTH).toBe(32);
    expect(HANDSHAKE_HEADER).toBe('P2PFILESHARINGPROJ');
    expect(Buffer.from(HANDSHAKE_HEADER, 'ascii').toString('hex')).toBe(HEADER_HEX);
  });
});

describe('encodeHandshake', () => {
  test.each([
    [1001, HANDSHAKE_1001],
    [0xffffffff, HANDSHAKE_MAX],
    [0, HEADER_HEX + PADDING_HEX + '00000000'],
  ])('peer %d encodes to the golden bytes', (peerId, hex) => {
    const bytes = encodeHandshake(peerId);
    expect(bytes.length).toBe(32);
    expect(bytes.toString('hex')).toBe(hex);
  });

  test.each([-1, 2 ** 32, 1.5, NaN, Infinity])('rejects peer ID %p with RangeError', (peerId) => {
    expect(() => encodeHandshake(peerId)).toThrow(RangeError);
  });
});

describe('decodeHandshake', () => {
  test('decodes peer 1001 and 0xFFFFFFFF (unsigned, never negative)', () => {
    expect(decodeHandshake(fromHex(HANDSHAKE_1001))).toBe(1001);
    expect(decodeHandshake(fromHex(HANDSHAKE_MAX))).toBe(0xffffffff);
  });

  test('does not judge the peer ID: any uint32 is returned to the caller', () => {
    expect(decodeHandshake(encodeHandshake(0))).toBe(0);
    expect(decodeHandshake(encodeHandshake(123456789))).toBe(123456789);
  });

  test('a wrong header byte is bad-handshake-header, with the offset', () => {
    const bytes = fromHex(HANDSHAKE_1001);
    bytes[0] = 'Q'.charCodeAt(0);
    expect(expectProtocolError(() => decodeHandshake(bytes), 'bad-handshake-header').detail).toEqual({ offset: 0, byte: 0x51 });
    const last = fromHex(HANDSHAKE_1001);
    last[17] = 0x6a; // 'j' instead of 'J': the header is case-sensitive
    expect(expectProtocolError(() => decodeHandshake(last), 'bad-handshake-header').detail?.offset).toBe(17);
  });

  test('a standard BitTorrent handshake is bad-handshake-header', () => {
    const bittorrent = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(12)]);
    expectProtocolError(() => decodeHandshake(bittorrent), 'bad-handshake-header');
  });

  test.each([18, 22, 27])('a non-zero padding byte %d is bad-handshake-padding', (offset) => {
    const bytes = fromHex(HANDSHAKE_1001);
    bytes[offset] = 1;
    expect(expectProtocolError(() => decodeHandshake(bytes), 'bad-handshake-padding').detail).toEqual({ offset, byte: 1 });
  });

  test('fewer than 32 bytes is truncated', () => {
    expectProtocolError(() => decodeHandshake(fromHex(HANDSHAKE_1001).subarray(0, 31)), 'truncated');
    expectProtocolError(() => decodeHandshake(Buffer.alloc(0)), 'truncated');
  });

  test('more than 32 bytes is bad-payload-length (the caller slices)', () => {
    const withBitfield = Buffer.concat([fromHex(HANDSHAKE_1001), fromHex('0000000205ff')]);
    expectProtocolError(() => decodeHandshake(withBitfield), 'bad-payload-length');
  });
});

describe('checkHandshakePrefix', () => {
  test('accepts every correct prefix, including the empty one', () => {
    const bytes = fromHex(HANDSHAKE_1001);
    for (let n = 0; n <= 32; n++) expect(() => checkHandshakePrefix(bytes.subarray(0, n))).not.toThrow();
  });

  test('rejects a wrong byte as soon as it is there', () => {
    expectProtocolError(() => checkHandshakePrefix(Buffer.from('X')), 'bad-handshake-header');
    expectProtocolError(() => checkHandshakePrefix(Buffer.concat([fromHex(HEADER_HEX), Buffer.from([0, 7])])), 'bad-handshake-padding');
  });
});
