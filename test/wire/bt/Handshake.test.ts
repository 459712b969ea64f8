import {
  BT_HANDSHAKE_HEAD_LENGTH,
  BT_HANDSHAKE_LENGTH,
  BtFrameReader,
  capabilitiesOf,
  checkBtHandshakePrefix,
  decodeHandshakeHead,
  encodeBtHandshake,
  reservedFor,
} from '../../../src/wire/bt/index.js';
import { expectProtocolError, fromHex } from '../helpers.js';

// Written by hand from BEP 3: 19, 'BitTorrent protocol' in ASCII, 8 reserved bytes, info-hash, peer id.
const PROTOCOL_HEX = '13 426974546f7272656e742070726f746f636f6c';
const RESERVED_ALL_HEX = '00 00 00 00 00 10 00 05'; // BEP 10 (0x10 in byte 5), BEP 6 (0x04) and DHT (0x01) in byte 7
const INFO_HASH_HEX = '0102030405060708090a0b0c0d0e0f1011121314';
const PEER_ID_HEX = '2d534c303130302d 6162636465666768696a6b6c'; // '-SL0100-' 'abcdefghijkl'
const HANDSHAKE_HEX = `${PROTOCOL_HEX} ${RESERVED_ALL_HEX} ${INFO_HASH_HEX} ${PEER_ID_HEX}`;

const infoHash = fromHex(INFO_HASH_HEX);
const peerId = Buffer.from('-SL0100-abcdefghijkl', 'ascii');
const ALL = { extended: true, fast: true, dht: true };
const NONE = { extended: false, fast: false, dht: false };

describe('BitTorrent handshake: encoding', () => {
  test('is 68 bytes, the head 48', () => {
    expect(BT_HANDSHAKE_LENGTH).toBe(68);
    expect(BT_HANDSHAKE_HEAD_LENGTH).toBe(48);
  });

  test('with every capability encodes to the golden bytes', () => {
    expect(encodeBtHandshake({ capabilities: ALL, infoHash, peerId }).toString('hex')).toBe(fromHex(HANDSHAKE_HEX).toString('hex'));
  });

  test.each([
    [{ ...NONE, extended: true }, '0000000000100000'],
    [{ ...NONE, fast: true }, '0000000000000004'],
    [{ ...NONE, dht: true }, '0000000000000001'],
    [NONE, '0000000000000000'],
  ])('capabilities %j are reserved bytes %s', (capabilities, hex) => {
    expect(reservedFor(capabilities).toString('hex')).toBe(hex);
    expect(capabilitiesOf(fromHex(hex))).toEqual(capabilities);
  });

  test('bits we do not name are ignored, not mistaken for ours', () => {
    expect(capabilitiesOf(fromHex('ffffffffffef fffa'))).toEqual(NONE); // every bit but ours
  });

  test.each([19, 21])('an info-hash or peer id of %d bytes is a caller bug (RangeError)', (bytes) => {
    expect(() => encodeBtHandshake({ capabilities: NONE, infoHash: Buffer.alloc(bytes), peerId })).toThrow(RangeError);
    expect(() => encodeBtHandshake({ capabilities: NONE, infoHash, peerId: Buffer.alloc(bytes) })).toThrow(RangeError);
  });
});

describe('BitTorrent handshake: decoding', () => {
  test('the head gives the capabilities, the raw reserved bytes and the info-hash', () => {
    const head = decodeHandshakeHead(fromHex(HANDSHAKE_HEX).subarray(0, 48));
    expect(head).toEqual({ capabilities: ALL, reserved: fromHex(RESERVED_ALL_HEX), infoHash });
  });

  test('a listener gets the info-hash before the peer id has arrived, and the peer id after', () => {
    const reader = new BtFrameReader(10);
    const bytes = fromHex(HANDSHAKE_HEX);
    reader.push(bytes.subarray(0, 47));
    expect(reader.readHandshakeHead()).toBeUndefined();
    reader.push(bytes.subarray(47, 48));
    expect(reader.readHandshakeHead()?.infoHash).toEqual(infoHash);
    expect(reader.readPeerId()).toBeUndefined();
    reader.push(bytes.subarray(48, 67));
    expect(reader.readPeerId()).toBeUndefined();
    reader.push(bytes.subarray(67));
    expect(reader.readPeerId()).toEqual(peerId);
    expect(reader.bufferedBytes).toBe(0);
  });

  test('the head consumes exactly 48 bytes and the peer id 20: a bitfield in the same segment stays queued', () => {
    const reader = new BtFrameReader(10);
    reader.push(Buffer.concat([fromHex(HANDSHAKE_HEX), fromHex('00000003 05 ffc0')]));
    expect(reader.readHandshakeHead()?.capabilities).toEqual(ALL);
    expect(reader.readPeerId()).toEqual(peerId);
    expect(reader.readMessage()).toEqual({ kind: 'bitfield', bits: fromHex('ffc0') });
  });

  test('the decoded values do not share memory with the pushed chunk', () => {
    const reader = new BtFrameReader(10);
    const chunk = fromHex(HANDSHAKE_HEX);
    reader.push(chunk);
    const head = reader.readHandshakeHead();
    const id = reader.readPeerId();
    chunk.fill(0);
    expect(head?.infoHash).toEqual(infoHash);
    expect(id).toEqual(peerId);
  });

  test.each([
    ['pstrlen 20', '14'],
    ['pstrlen 0', '00'],
    ['the course handshake', '50325046494c45'],
    ["'bittorrent protocol' in lower case", '13 62'],
    ['the last letter wrong', '13 426974546f7272656e742070726f746f636f4c'],
  ])('%s is bad-protocol-string from its first wrong byte', (_name, hex) => {
    expectProtocolError(() => checkBtHandshakePrefix(fromHex(hex)), 'bad-protocol-string');
    const reader = new BtFrameReader(10);
    reader.push(fromHex(hex));
    expectProtocolError(() => reader.readHandshakeHead(), 'bad-protocol-string');
  });

  test('the error names the offset and the byte', () => {
    const error = expectProtocolError(() => checkBtHandshakePrefix(fromHex('13 4269 00')), 'bad-protocol-string');
    expect(error.detail).toEqual({ offset: 3, byte: 0 });
    expect(expectProtocolError(() => checkBtHandshakePrefix(fromHex('14')), 'bad-protocol-string').message).toContain('length is 20, not 19');
  });

  test('every correct prefix is accepted, whatever the reserved bytes, info-hash and peer id', () => {
    const bytes = fromHex(HANDSHAKE_HEX);
    for (let n = 0; n <= 68; n++) expect(() => checkBtHandshakePrefix(bytes.subarray(0, n))).not.toThrow();
  });

  test('a head shorter than 48 bytes is truncated, a longer one bad-payload-length (the caller slices)', () => {
    const bytes = fromHex(HANDSHAKE_HEX);
    expectProtocolError(() => decodeHandshakeHead(bytes.subarray(0, 47)), 'truncated');
    expectProtocolError(() => decodeHandshakeHead(bytes), 'bad-payload-length');
  });
});
