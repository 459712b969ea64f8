import fc from 'fast-check';
import { decodeMessage, encodeMessage } from '../../src/wire/index.js';
import { bytes, message } from './arbitraries.js';

const MAX = 1 + 4 + 200;
const RUNS = { seed: 42, numRuns: 1000 };

describe('codec properties', () => {
  test('decode(encode(m)) deep-equals m and uses the whole frame', () => {
    fc.assert(
      fc.property(message(), (m) => {
        const frame = encodeMessage(m);
        expect(decodeMessage(frame, MAX)).toEqual({ kind: 'message', message: m, bytesUsed: frame.length });
      }),
      RUNS,
    );
  });

  test('the length prefix counts the type byte and the payload, not itself', () => {
    fc.assert(
      fc.property(message(), (m) => {
        const frame = encodeMessage(m);
        expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
        expect(frame[4]).toBe(m.type);
      }),
      RUNS,
    );
  });

  test('trailing bytes never change the decoded message', () => {
    fc.assert(
      fc.property(message(), bytes(20), (m, trailing) => {
        const frame = encodeMessage(m);
        const result = decodeMessage(Buffer.concat([frame, trailing]), MAX);
        expect(result).toEqual({ kind: 'message', message: m, bytesUsed: frame.length });
      }),
      RUNS,
    );
  });

  test('any proper prefix of a frame asks for more, never decodes', () => {
    fc.assert(
      fc.property(message(), fc.nat(), (m, seed) => {
        const frame = encodeMessage(m);
        const cut = seed % frame.length;
        const result = decodeMessage(frame.subarray(0, cut), MAX);
        expect(result.kind).toBe('need');
        if (result.kind === 'need') expect(cut + result.bytesNeeded).toBeLessThanOrEqual(frame.length);
      }),
      RUNS,
    );
  });
});
