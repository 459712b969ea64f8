import fc from 'fast-check';
import {
  MAX_METADATA_BYTES,
  MAX_METADATA_PIECES,
  METADATA_PIECE_BYTES,
  UtMetadataMessage,
  decodeUtMetadata,
  encodeUtMetadata,
  metadataPieceLength,
} from '../../../src/wire/bt/UtMetadata.js';
import { MAX_EXTENDED_PAYLOAD_BYTES } from '../../../src/wire/bt/index.js';
import { ProtocolError } from '../../../src/wire/index.js';
import { expectProtocolError } from '../helpers.js';

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
const RUNS = { seed: 42, numRuns: 500 };

describe('ut_metadata golden vectors (BEP 9)', () => {
  const data = Buffer.alloc(34256 - 2 * METADATA_PIECE_BYTES, 0xab); // the last piece of BEP 9's example size
  test.each<[string, UtMetadataMessage, Buffer]>([
    ['request', { type: 'request', piece: 0 }, ascii('d8:msg_typei0e5:piecei0ee')],
    ['reject', { type: 'reject', piece: 511 }, ascii('d8:msg_typei2e5:piecei511ee')],
    ['data, the last (short) piece', { type: 'data', piece: 2, totalSize: 34256, data }, Buffer.concat([ascii('d8:msg_typei1e5:piecei2e10:total_sizei34256ee'), data])],
  ])('%s', (_name, message, bytes) => {
    expect(encodeUtMetadata(message)).toEqual(bytes);
    expect(decodeUtMetadata(bytes)).toEqual(message);
  });

  test("libtorrent's data message for a full piece: keys in any order, extra keys ignored", () => {
    const piece = Buffer.alloc(METADATA_PIECE_BYTES, 7);
    const bytes = Buffer.concat([ascii('d5:piecei0e10:total_sizei20000e8:msg_typei1e1:xli1eee'), piece]);
    expect(decodeUtMetadata(bytes)).toEqual({ type: 'data', piece: 0, totalSize: 20000, data: piece });
  });

  test('an unknown msg_type is ignored (BEP 9), and so are bytes after a request', () => {
    expect(decodeUtMetadata(ascii('d8:msg_typei3e5:piecei0ee'))).toBeUndefined();
    expect(decodeUtMetadata(ascii('d8:msg_typei-1ee'))).toBeUndefined();
    expect(decodeUtMetadata(ascii('d8:msg_typei0e5:piecei4eeXYZ'))).toEqual({ type: 'request', piece: 4 });
  });
});

describe('ut_metadata refusals', () => {
  test.each([
    ['not bencode', 'hello', 'bad-bencode'],
    ['a list', 'li0ee', 'bad-extension-message'],
    ['a truncated dictionary', 'd8:msg_typei0e', 'bad-bencode'],
    ['no msg_type', 'd5:piecei0ee', 'bad-extension-message'],
    ['msg_type as a string', 'd8:msg_type1:05:piecei0ee', 'bad-extension-message'],
    ['no piece', 'd8:msg_typei0ee', 'bad-extension-message'],
    ['a negative piece', 'd8:msg_typei0e5:piecei-1ee', 'bad-extension-message'],
    ['a piece past the largest metadata', `d8:msg_typei2e5:piecei${MAX_METADATA_PIECES}ee`, 'bad-extension-message'],
    ['data without total_size', 'd8:msg_typei1e5:piecei0ee', 'bad-extension-message'],
    ['a total_size of 0', 'd8:msg_typei1e5:piecei0e10:total_sizei0ee', 'bad-extension-message'],
    ['a total_size over the cap', `d8:msg_typei1e5:piecei0e10:total_sizei${MAX_METADATA_BYTES + 1}ee`, 'bad-extension-message'],
    ['a piece past total_size', 'd8:msg_typei1e5:piecei1e10:total_sizei16384ee', 'bad-extension-message'],
    ['data shorter than the piece', 'd8:msg_typei1e5:piecei0e10:total_sizei5eeabcd', 'bad-extension-message'],
    ['data longer than the piece', 'd8:msg_typei1e5:piecei0e10:total_sizei5eeabcdef', 'bad-extension-message'],
    ['deep nesting', 'd1:x' + 'l'.repeat(9) + 'e'.repeat(9) + 'e', 'bad-bencode'],
  ])('%s (%j) is %s', (_name, text, code) => {
    expectProtocolError(() => decodeUtMetadata(ascii(text)), code as ProtocolError['code']);
  });

  test('a payload over the extended cap is refused before it is decoded', () => {
    const error = expectProtocolError(() => decodeUtMetadata(Buffer.alloc(MAX_EXTENDED_PAYLOAD_BYTES + 1, 0x64)), 'frame-too-large');
    expect(error.detail).toEqual({ lengthBytes: MAX_EXTENDED_PAYLOAD_BYTES + 1 });
    expect(error.message).toBe(`ut_metadata (BEP 9): a message of ${MAX_EXTENDED_PAYLOAD_BYTES + 1} bytes, the cap is ${MAX_EXTENDED_PAYLOAD_BYTES} [frame-too-large]`);
  });

  test('the largest data message fits the extended cap', () => {
    const largest = encodeUtMetadata({ type: 'data', piece: MAX_METADATA_PIECES - 1, totalSize: MAX_METADATA_BYTES, data: Buffer.alloc(METADATA_PIECE_BYTES) });
    expect(largest.length).toBeLessThanOrEqual(MAX_EXTENDED_PAYLOAD_BYTES);
  });

  test.each<[string, UtMetadataMessage]>([
    ['a negative piece', { type: 'request', piece: -1 }],
    ['a piece past the cap', { type: 'reject', piece: MAX_METADATA_PIECES }],
    ['a total_size over the cap', { type: 'data', piece: 0, totalSize: MAX_METADATA_BYTES + 1, data: Buffer.alloc(METADATA_PIECE_BYTES) }],
    ['a piece past total_size', { type: 'data', piece: 1, totalSize: 100, data: Buffer.alloc(0) }],
    ['data of the wrong size', { type: 'data', piece: 0, totalSize: 100, data: Buffer.alloc(99) }],
  ])('encoding %s is a RangeError (a caller bug)', (_name, message) => {
    expect(() => encodeUtMetadata(message)).toThrow(RangeError);
  });
});

/** Any valid message; data messages of metadata up to `maxTotalSize` bytes. */
const utMetadataMessage = (maxTotalSize: number): fc.Arbitrary<UtMetadataMessage> => fc.oneof(
  fc.record({ type: fc.constantFrom('request' as const, 'reject' as const), piece: fc.integer({ min: 0, max: MAX_METADATA_PIECES - 1 }) }),
  fc
    .integer({ min: 1, max: maxTotalSize })
    .chain((totalSize) => fc.tuple(fc.constant(totalSize), fc.integer({ min: 0, max: Math.ceil(totalSize / METADATA_PIECE_BYTES) - 1 })))
    .chain(([totalSize, piece]) =>
      fc.uint8Array({ minLength: metadataPieceLength(totalSize, piece), maxLength: metadataPieceLength(totalSize, piece) }).map(
        (bytes): UtMetadataMessage => ({ type: 'data', piece, totalSize, data: Buffer.from(bytes) }),
      ),
    ),
);

describe('ut_metadata properties and fuzzing (seed 42)', () => {
  test('decode(encode(m)) deep-equals m', () => {
    fc.assert(
      fc.property(utMetadataMessage(3 * METADATA_PIECE_BYTES), (m) => {
        expect(decodeUtMetadata(encodeUtMetadata(m))).toEqual(m);
      }),
      RUNS,
    );
  });

  test('a data message cut short or lengthened is refused', () => {
    const data = utMetadataMessage(3 * METADATA_PIECE_BYTES).filter((m) => m.type === 'data');
    fc.assert(
      fc.property(data, fc.integer({ min: 1, max: 100 }), fc.boolean(), (m, bytes, cut) => {
        const payload = encodeUtMetadata(m);
        const changed = cut ? payload.subarray(0, Math.max(0, payload.length - bytes)) : Buffer.concat([payload, Buffer.alloc(bytes)]);
        expect(() => decodeUtMetadata(changed)).toThrow(ProtocolError);
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  /** Valid messages with a few bytes overwritten, so that every check is reached, not only the bencode grammar. */
  const mutated = fc
    .tuple(utMetadataMessage(100), fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ascii('dlie0123456789:-x'))), { minLength: 1, maxLength: 3 }))
    .map(([m, edits]) => {
      const payload = encodeUtMetadata(m);
      for (const [at, byte] of edits) payload[at % payload.length] = byte;
      return payload;
    });
  const noise = fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), mutated);

  test('arbitrary bytes decode or throw a ProtocolError, nothing else', () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(noise, (payload) => {
        try {
          outcomes.add(decodeUtMetadata(payload)?.type ?? 'ignored');
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          // One code for every malformed field: the detail's keys tell which check refused it.
          outcomes.add([error.code, ...Object.keys(error.detail ?? {})].join(' '));
        }
      }),
      { seed: 42, numRuns: 5000 },
    );
    // Guards against a generator that reaches only the first check.
    expect([...outcomes].sort()).toEqual([
      'bad-bencode offset',
      'bad-extension-message', // a field missing
      'bad-extension-message piece', // a piece past the largest metadata
      'bad-extension-message piece lengthBytes', // piece bytes of the wrong size
      'bad-extension-message piece totalSize', // a piece past total_size
      'data',
      'ignored',
      'reject',
      'request',
    ]);
  });
});
