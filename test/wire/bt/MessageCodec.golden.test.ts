import { BtMessage, decodeBtMessage, encodeBtMessage, encodeBtPieceHeader, encodeBtRequests } from '../../../src/wire/bt/index.js';
import { fromHex } from '../helpers.js';

const PIECE_COUNT = 10; // a 2-byte bitfield

// Hex written by hand from BEP 3, 6 and 10: length (4, BE; counts id + payload) | id | payload.
const GOLDEN: Array<[string, BtMessage, string]> = [
  ['keep-alive', { kind: 'keep-alive' }, '00000000'],
  ['choke', { kind: 'choke' }, '00000001 00'],
  ['unchoke', { kind: 'unchoke' }, '00000001 01'],
  ['interested', { kind: 'interested' }, '00000001 02'],
  ['not interested', { kind: 'not-interested' }, '00000001 03'],
  ['have 5', { kind: 'have', index: 5 }, '00000005 04 00000005'],
  ['bitfield: pieces 0, 1 and 9 of 10', { kind: 'bitfield', bits: Buffer.from([0xc0, 0x40]) }, '00000003 05 c040'],
  ['request 1+16384, 16 KiB', { kind: 'request', index: 1, begin: 16384, length: 16384 }, '0000000d 06 00000001 00004000 00004000'],
  ['piece 1+16384 "abc"', { kind: 'piece', index: 1, begin: 16384, data: Buffer.from('abc') }, '0000000c 07 00000001 00004000 616263'],
  ['cancel 0xDEADBEEF+0, 100', { kind: 'cancel', index: 0xdeadbeef, begin: 0, length: 100 }, '0000000d 08 deadbeef 00000000 00000064'],
  ['port 6881', { kind: 'port', port: 6881 }, '00000003 09 1ae1'],
  ['suggest 7', { kind: 'suggest', index: 7 }, '00000005 0d 00000007'],
  ['have all', { kind: 'have-all' }, '00000001 0e'],
  ['have none', { kind: 'have-none' }, '00000001 0f'],
  ['reject 2+32768, 5', { kind: 'reject', index: 2, begin: 32768, length: 5 }, '0000000d 10 00000002 00008000 00000005'],
  ['allowed fast 3', { kind: 'allowed-fast', index: 3 }, '00000005 11 00000003'],
  ['extended handshake "de"', { kind: 'extended', id: 0, payload: Buffer.from('de') }, '00000004 14 00 6465'],
  ['extended 3 without payload', { kind: 'extended', id: 3, payload: Buffer.alloc(0) }, '00000002 14 03'],
];

describe('BitTorrent golden vectors', () => {
  test.each(GOLDEN)('%s encodes to its vector', (_name, message, hex) => {
    expect(encodeBtMessage(message).toString('hex')).toBe(hex.replace(/ /g, ''));
  });

  test.each(GOLDEN)('%s decodes from its vector, using every byte', (_name, message, hex) => {
    const bytes = fromHex(hex);
    expect(decodeBtMessage(bytes, PIECE_COUNT)).toEqual({ kind: 'message', message, bytesUsed: bytes.length });
  });

  test('every message of BEP 3, 6 and 10 has a vector', () => {
    expect(new Set(GOLDEN.map(([, message]) => message.kind)).size).toBe(17);
  });

  test('a keep-alive leaves the next frame alone', () => {
    expect(decodeBtMessage(fromHex('00000000 00000001 01'), PIECE_COUNT)).toEqual({ kind: 'message', message: { kind: 'keep-alive' }, bytesUsed: 4 });
  });

  test('the piece header alone, for a sender that writes the block after it', () => {
    expect(encodeBtPieceHeader(1, 16384, 3).toString('hex')).toBe('0000000c070000000100004000');
  });

  test('several requests in one buffer: the frames of each, back to back', () => {
    const blocks = [
      { index: 1, begin: 16384, length: 16384 },
      { index: 0x01020304, begin: 0, length: 7232 },
    ];
    expect(encodeBtRequests(blocks).toString('hex')).toBe(fromHex('0000000d 06 00000001 00004000 00004000' + '0000000d 06 01020304 00000000 00001c40').toString('hex'));
    expect(encodeBtRequests(blocks)).toEqual(Buffer.concat(blocks.map((b) => encodeBtMessage({ kind: 'request', ...b }))));
    expect(encodeBtRequests([])).toHaveLength(0);
    expect(() => encodeBtRequests([{ index: -1, begin: 0, length: 1 }])).toThrow(RangeError);
  });

  test('payloads are zero-copy subarrays of the input', () => {
    const input = fromHex('0000000c 07 00000001 00004000 616263');
    const result = decodeBtMessage(input, PIECE_COUNT);
    if (result.kind !== 'message' || result.message.kind !== 'piece') throw new Error('expected a piece');
    expect(result.message.data.buffer).toBe(input.buffer);
  });
});
