import fc from 'fast-check';
import { MAX_PEX_KEPT_PEERS, MAX_PEX_SENT_PEERS, PEX_IPV4_ENTRY_BYTES, PEX_IPV6_ENTRY_BYTES, UtPexMessage, decodeUtPex, encodeUtPex } from '../../../src/wire/bt/UtPex.js';
import { MAX_EXTENDED_PAYLOAD_BYTES } from '../../../src/wire/bt/index.js';
import { ProtocolError } from '../../../src/wire/index.js';
import { expectProtocolError, fromHex } from '../helpers.js';

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
const NONE = Buffer.alloc(0);
const EMPTY: UtPexMessage = { added: NONE, addedFlags: NONE, added6: NONE, added6Flags: NONE, dropped: NONE, dropped6: NONE };

const LOCAL_6881 = fromHex('7f000001 1ae1'); // 127.0.0.1:6881
const LOOPBACK6_6882 = fromHex('00000000000000000000000000000001 1ae2'); // [::1]:6882
const TEN_80 = fromHex('0a000002 0050'); // 10.0.0.2:80

describe('ut_pex golden vectors (BEP 11)', () => {
  test('every list, keys sorted, each written even when empty (as libtorrent does)', () => {
    const message: UtPexMessage = { ...EMPTY, added: LOCAL_6881, addedFlags: Buffer.from([0x10]), added6: LOOPBACK6_6882, added6Flags: Buffer.from([0x02]), dropped: TEN_80 };
    const bytes = Buffer.concat([
      ascii('d5:added6:'), LOCAL_6881, ascii('7:added.f1:\x10'),
      ascii('6:added618:'), LOOPBACK6_6882, ascii('8:added6.f1:\x02'),
      ascii('7:dropped6:'), TEN_80, ascii('8:dropped60:e'),
    ]);
    expect(encodeUtPex(message)).toEqual(bytes);
    expect(decodeUtPex(bytes)).toEqual(message);
  });

  test('an empty message', () => {
    expect(encodeUtPex(EMPTY)).toEqual(ascii('d5:added0:7:added.f0:6:added60:8:added6.f0:7:dropped0:8:dropped60:e'));
    expect(decodeUtPex(ascii('de'))).toEqual(EMPTY);
  });
});

describe('ut_pex decoding is lenient about the lists', () => {
  test('a key of the wrong type is an empty list; unknown keys are ignored', () => {
    expect(decodeUtPex(ascii('d5:addedi1e7:droppedli1ee1:xd1:ai1eee'))).toEqual(EMPTY);
  });

  test('a trailing partial entry is cut', () => {
    const added = Buffer.concat([LOCAL_6881, Buffer.from([1, 2, 3])]);
    expect(decodeUtPex(Buffer.concat([ascii('d5:added9:'), added, ascii('e')])).added).toEqual(LOCAL_6881);
  });

  test('flags missing for an entry are 0; extra flags are cut', () => {
    const two = Buffer.concat([LOCAL_6881, TEN_80]);
    expect(decodeUtPex(Buffer.concat([ascii('d5:added12:'), two, ascii('7:added.f1:\x02e')])).addedFlags).toEqual(Buffer.from([2, 0]));
    expect(decodeUtPex(Buffer.concat([ascii('d6:added618:'), LOOPBACK6_6882, ascii('8:added6.f3:\x01\x02\x03e')])).added6Flags).toEqual(Buffer.from([1]));
  });

  test(`thousands of peers are cut to ${MAX_PEX_KEPT_PEERS} added and ${MAX_PEX_KEPT_PEERS} dropped, IPv4 first`, () => {
    const v4 = Buffer.alloc(150 * PEX_IPV4_ENTRY_BYTES, 1);
    const v6 = Buffer.alloc(100 * PEX_IPV6_ENTRY_BYTES, 2);
    const many = Buffer.alloc(2000 * PEX_IPV4_ENTRY_BYTES, 3);
    const payload = Buffer.concat([ascii(`d5:added${v4.length}:`), v4, ascii(`6:added6${v6.length}:`), v6, ascii(`7:dropped${many.length}:`), many, ascii('e')]);
    expect(payload.length).toBeLessThanOrEqual(MAX_EXTENDED_PAYLOAD_BYTES);
    const message = decodeUtPex(payload);
    expect(message.added.length / PEX_IPV4_ENTRY_BYTES).toBe(150);
    expect(message.added6.length / PEX_IPV6_ENTRY_BYTES).toBe(MAX_PEX_KEPT_PEERS - 150);
    expect(message.added6Flags.length).toBe(MAX_PEX_KEPT_PEERS - 150);
    expect(message.dropped.length / PEX_IPV4_ENTRY_BYTES).toBe(MAX_PEX_KEPT_PEERS);
  });

  test('the lists are copies, not views of the frame (which the reader may reuse)', () => {
    const payload = Buffer.concat([ascii('d5:added6:'), LOCAL_6881, ascii('e')]);
    const message = decodeUtPex(payload);
    payload.fill(0);
    expect(message.added).toEqual(LOCAL_6881);
  });
});

describe('ut_pex refusals', () => {
  test('a list is bad-extension-message', () => {
    expectProtocolError(() => decodeUtPex(ascii('le')), 'bad-extension-message');
  });

  test.each([
    ['a truncated dictionary', 'd5:added6:abc'],
    ['nothing', ''],
    ['deep nesting', 'd1:x' + 'l'.repeat(9) + 'e'.repeat(9) + 'e'],
  ])('%s is bad-bencode', (_name, text) => {
    expectProtocolError(() => decodeUtPex(ascii(text)), 'bad-bencode');
  });

  test('a payload over the extended cap', () => {
    expectProtocolError(() => decodeUtPex(Buffer.alloc(MAX_EXTENDED_PAYLOAD_BYTES + 1, 0x64)), 'frame-too-large');
  });

  test.each<[string, Partial<UtPexMessage>]>([
    [`more than ${MAX_PEX_SENT_PEERS} added, IPv4 and IPv6 together`, { added: Buffer.alloc(30 * 6), addedFlags: Buffer.alloc(30), added6: Buffer.alloc(21 * 18), added6Flags: Buffer.alloc(21) }],
    [`more than ${MAX_PEX_SENT_PEERS} dropped`, { dropped: Buffer.alloc(51 * 6) }],
    ['a partial entry', { dropped6: Buffer.alloc(17) }],
    ['flags not one per added peer', { added: LOCAL_6881, addedFlags: NONE }],
  ])('encoding %s is a RangeError (a caller bug)', (_name, fields) => {
    expect(() => encodeUtPex({ ...EMPTY, ...fields })).toThrow(RangeError);
  });
});

/** Up to `maxEntries` compact entries of random bytes, and a flags byte for each. */
const list = (entryBytes: number, maxEntries: number) =>
  fc
    .uint8Array({ maxLength: maxEntries })
    .chain((flags) => fc.uint8Array({ minLength: flags.length * entryBytes, maxLength: flags.length * entryBytes }).map((entries) => ({ entries: Buffer.from(entries), flags: Buffer.from(flags) })));

const pexMessage: fc.Arbitrary<UtPexMessage> = fc
  .tuple(list(PEX_IPV4_ENTRY_BYTES, 25), list(PEX_IPV6_ENTRY_BYTES, 25), list(PEX_IPV4_ENTRY_BYTES, 25), list(PEX_IPV6_ENTRY_BYTES, 25))
  .map(([added, added6, dropped, dropped6]) => ({ added: added.entries, addedFlags: added.flags, added6: added6.entries, added6Flags: added6.flags, dropped: dropped.entries, dropped6: dropped6.entries }));

describe('ut_pex properties and fuzzing (seed 42)', () => {
  test('decode(encode(m)) deep-equals m', () => {
    fc.assert(
      fc.property(pexMessage, (m) => {
        expect(decodeUtPex(encodeUtPex(m))).toEqual(m);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  /** Valid messages with a few bytes overwritten, and plain random bytes. */
  const noise = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.tuple(pexMessage, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...ascii('dlie0123456789:x'))), { minLength: 1, maxLength: 3 })).map(([m, edits]) => {
      const payload = encodeUtPex(m);
      for (const [at, byte] of edits) payload[at % payload.length] = byte;
      return payload;
    }),
  );

  test('arbitrary bytes decode to whole entries with one flags byte each, or throw a ProtocolError, nothing else', () => {
    let decoded = 0;
    fc.assert(
      fc.property(noise, (payload) => {
        let m: UtPexMessage;
        try {
          m = decodeUtPex(payload);
        } catch (error) {
          if (error instanceof ProtocolError) return;
          throw error;
        }
        decoded++;
        expect(m.added.length % PEX_IPV4_ENTRY_BYTES + m.added6.length % PEX_IPV6_ENTRY_BYTES + m.dropped.length % PEX_IPV4_ENTRY_BYTES + m.dropped6.length % PEX_IPV6_ENTRY_BYTES).toBe(0);
        expect(m.addedFlags.length).toBe(m.added.length / PEX_IPV4_ENTRY_BYTES);
        expect(m.added6Flags.length).toBe(m.added6.length / PEX_IPV6_ENTRY_BYTES);
      }),
      { seed: 42, numRuns: 3000 },
    );
    expect(decoded).toBeGreaterThan(100); // the mutations reach past the bencode grammar
  });
});
