import { Message, MessageType, decodeMessage, encodeMessage } from '../../src/wire/index.js';
import { fromHex } from './helpers.js';

const MAX = 1 + 4 + 32768; // maxMessageLength(32768)

// Hex written by hand from protocol.md: length (4, BE; counts type + payload) | type | payload.
const GOLDEN: Array<[string, Message, string]> = [
  ['choke', { type: MessageType.Choke }, '00000001 00'],
  ['unchoke', { type: MessageType.Unchoke }, '00000001 01'],
  ['interested', { type: MessageType.Interested }, '00000001 02'],
  ['not interested', { type: MessageType.NotInterested }, '00000001 03'],
  ['have 5', { type: MessageType.Have, index: 5 }, '00000005 04 00000005'],
  ['have 0xDEADBEEF', { type: MessageType.Have, index: 0xdeadbeef }, '00000005 04 deadbeef'],
  ['bitfield F0 80', { type: MessageType.Bitfield, bits: Buffer.from([0xf0, 0x80]) }, '00000003 05 f080'],
  ['bitfield of 0 bytes', { type: MessageType.Bitfield, bits: Buffer.alloc(0) }, '00000001 05'],
  ['request 12', { type: MessageType.Request, index: 12 }, '00000005 06 0000000c'],
  ['request 0xFFFFFFFF', { type: MessageType.Request, index: 0xffffffff }, '00000005 06 ffffffff'],
  ['piece 2 "abc"', { type: MessageType.Piece, index: 2, data: Buffer.from('abc') }, '00000008 07 00000002 616263'],
  ['piece 258 without data', { type: MessageType.Piece, index: 258, data: Buffer.alloc(0) }, '00000005 07 00000102'],
];

describe('golden vectors', () => {
  test('the protocol.md example: have 5 is 00 00 00 05 04 00 00 00 05', () => {
    expect(encodeMessage({ type: MessageType.Have, index: 5 }).toString('hex')).toBe('000000050400000005');
  });

  test('the brief example: piece 2 "abc"', () => {
    expect(encodeMessage({ type: MessageType.Piece, index: 2, data: Buffer.from('abc') }).toString('hex')).toBe('00000008070000000261' + '6263');
  });

  test.each(GOLDEN)('%s encodes to its vector', (_name, message, hex) => {
    expect(encodeMessage(message).toString('hex')).toBe(hex.replace(/ /g, ''));
  });

  test.each(GOLDEN)('%s decodes from its vector, using every byte', (_name, message, hex) => {
    const bytes = fromHex(hex);
    expect(decodeMessage(bytes, MAX)).toEqual({ kind: 'message', message, bytesUsed: bytes.length });
  });

  test('every message type has a vector', () => {
    const types = new Set(GOLDEN.map(([, message]) => message.type));
    expect(types.size).toBe(8);
  });

  test('trailing bytes are left for the next frame', () => {
    const bytes = fromHex('00000005 04 00000005 00000001 01');
    const first = decodeMessage(bytes, MAX);
    expect(first).toEqual({ kind: 'message', message: { type: MessageType.Have, index: 5 }, bytesUsed: 9 });
    expect(decodeMessage(bytes.subarray(9), MAX)).toEqual({ kind: 'message', message: { type: MessageType.Unchoke }, bytesUsed: 5 });
  });

  test('encodeMessage makes a whole frame of exactly the right size', () => {
    const data = Buffer.alloc(32768, 7);
    const frame = encodeMessage({ type: MessageType.Piece, index: 1, data });
    expect(frame.length).toBe(4 + 1 + 4 + 32768);
    expect(frame.readUInt32BE(0)).toBe(MAX);
  });
});
