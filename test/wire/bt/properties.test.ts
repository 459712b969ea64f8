import fc from 'fast-check';
import { BtFrameReader, decodeBtMessage, encodeBtHandshake, encodeBtMessage } from '../../../src/wire/bt/index.js';
import { bytes } from '../arbitraries.js';
import { btMessage } from './arbitraries.js';

const PIECE_COUNT = 20; // a 3-byte bitfield
const message = btMessage(3);
const RUNS = { seed: 42, numRuns: 1000 };

describe('BitTorrent codec properties', () => {
  test('decode(encode(m)) deep-equals m and uses the whole frame', () => {
    fc.assert(
      fc.property(message, (m) => {
        const frame = encodeBtMessage(m);
        expect(decodeBtMessage(frame, PIECE_COUNT)).toEqual({ kind: 'message', message: m, bytesUsed: frame.length });
      }),
      RUNS,
    );
  });

  test('the length prefix counts the id and the payload, not itself', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(encodeBtMessage(m).readUInt32BE(0)).toBe(encodeBtMessage(m).length - 4);
      }),
      RUNS,
    );
  });

  test('trailing bytes never change the decoded message', () => {
    fc.assert(
      fc.property(message, bytes(20), (m, trailing) => {
        const frame = encodeBtMessage(m);
        expect(decodeBtMessage(Buffer.concat([frame, trailing]), PIECE_COUNT)).toEqual({ kind: 'message', message: m, bytesUsed: frame.length });
      }),
      RUNS,
    );
  });

  test('any proper prefix of a frame asks for more, never decodes', () => {
    fc.assert(
      fc.property(message, fc.nat(), (m, seed) => {
        const frame = encodeBtMessage(m);
        const cut = seed % frame.length;
        const result = decodeBtMessage(frame.subarray(0, cut), PIECE_COUNT);
        expect(result.kind).toBe('need');
        if (result.kind === 'need') expect(cut + result.bytesNeeded).toBeLessThanOrEqual(frame.length);
      }),
      RUNS,
    );
  });

  test('a handshake read back gives its capabilities, info-hash and peer id', () => {
    const twenty = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((array) => Buffer.from(array));
    const capabilities = fc.record({ extended: fc.boolean(), fast: fc.boolean(), dht: fc.boolean() });
    fc.assert(
      fc.property(capabilities, twenty, twenty, (caps, infoHash, peerId) => {
        const reader = new BtFrameReader(PIECE_COUNT);
        reader.push(encodeBtHandshake({ capabilities: caps, infoHash, peerId }));
        expect(reader.readHandshakeHead()).toMatchObject({ capabilities: caps, infoHash });
        expect(reader.readPeerId()).toEqual(peerId);
      }),
      RUNS,
    );
  });
});
