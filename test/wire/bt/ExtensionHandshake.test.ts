import fc from 'fast-check';
import { EXTENSION_BDECODE_LIMITS, ExtensionHandshake, MAX_EXTENDED_PAYLOAD_BYTES, encodeExtensionHandshake, parseExtensionHandshake } from '../../../src/wire/bt/index.js';
import { ProtocolError } from '../../../src/wire/index.js';
import { expectProtocolError } from '../helpers.js';

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

// Written by hand from BEP 10 (and BEP 9's metadata_size), as libtorrent sends it.
const LIBTORRENT =
  'd1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee' +
  '13:metadata_sizei31235e4:reqqi500e11:upload_onlyi1e1:pi6881e1:v17:libtorrent/2.0.116:yourip4:\x7f\x00\x00\x01e';

describe('parseExtensionHandshake', () => {
  test("reads libtorrent's handshake, ignoring the keys we do not use", () => {
    expect(parseExtensionHandshake(ascii(LIBTORRENT))).toEqual({
      extensions: new Map([
        ['lt_donthave', 7],
        ['share_mode', 8],
        ['upload_only', 3],
        ['ut_holepunch', 4],
        ['ut_metadata', 2],
        ['ut_pex', 1],
      ]),
      client: 'libtorrent/2.0.11',
      maxRequests: 500,
      yourIp: Buffer.from([127, 0, 0, 1]),
      port: 6881,
      metadataSize: 31235,
    });
  });

  test('an empty dictionary is a handshake with no extensions', () => {
    expect(parseExtensionHandshake(ascii('de'))).toEqual({ extensions: new Map() });
  });

  test('an id of 0 is kept: it turns the extension off (BEP 10)', () => {
    expect(parseExtensionHandshake(ascii('d1:md6:ut_pexi0eee')).extensions).toEqual(new Map([['ut_pex', 0]]));
  });

  test('an IPv6 yourip (16 bytes) is kept', () => {
    const ipv6 = Buffer.alloc(16, 0xfe);
    expect(parseExtensionHandshake(Buffer.concat([ascii('d6:yourip16:'), ipv6, ascii('e')])).yourIp).toEqual(ipv6);
  });

  test('extension names are UTF-8', () => {
    expect(parseExtensionHandshake(Buffer.from('d1:md7:ut_päxi1eee')).extensions).toEqual(new Map([['ut_päx', 1]]));
  });

  test('bytes after the dictionary are ignored', () => {
    expect(parseExtensionHandshake(ascii('d1:pi80ee\x00\x01')).port).toBe(80);
  });

  describe('a known key with a wrong type or range is ignored, as if absent', () => {
    test.each([
      ['m as an integer', 'd1:mi1ee'],
      ['m as a list', 'd1:mli1eee'],
      ['m as a string', 'd1:m3:abce'],
      ['v as an integer', 'd1:vi1ee'],
      ['v as a dictionary', 'd1:vdee'],
      ['reqq as a string', 'd4:reqq3:500e'],
      ['reqq of 0', 'd4:reqqi0ee'],
      ['reqq too large to be exact', 'd4:reqqi99999999999999999999ee'],
      ['yourip of 5 bytes', 'd6:yourip5:abcdee'],
      ['yourip as an integer', 'd6:youripi1ee'],
      ['p of 0', 'd1:pi0ee'],
      ['p over 65535', 'd1:pi65536ee'],
      ['p negative', 'd1:pi-1ee'],
      ['metadata_size negative', 'd13:metadata_sizei-5ee'],
      ['metadata_size as a string', 'd13:metadata_size2:10e'],
    ])('%s', (_name, text) => {
      expect(parseExtensionHandshake(ascii(text))).toEqual({ extensions: new Map() });
    });

    test('m entries whose id is not a byte', () => {
      const handshake = parseExtensionHandshake(ascii('d1:md1:ai256e1:bi-1e1:c1:31:dli1ee1:ei255eee'));
      expect(handshake.extensions).toEqual(new Map([['e', 255]]));
    });

    test("a '__proto__' key is an unknown key, not a way to supply m", () => {
      const handshake = parseExtensionHandshake(ascii('d9:__proto__d1:md11:ut_metadatai3ee1:pi6881ee1:v3:abce'));
      expect(handshake).toEqual({ extensions: new Map(), client: 'abc' });
    });
  });

  describe('refusals', () => {
    test.each([
      ['a list', 'li1ee'],
      ['an integer', 'i1e'],
      ['a string', '3:abc'],
      ['nothing', ''],
    ])('a payload that is %s is bad-extension-handshake', (_name, text) => {
      expectProtocolError(() => parseExtensionHandshake(ascii(text)), 'bad-extension-handshake');
    });

    test.each([
      ['a truncated dictionary', 'd1:md11:ut_metadatai3e'],
      ['deep nesting (within the size cap)', 'd1:m' + 'l'.repeat(10_000)],
      ['a negative string length', 'd-4:abcdi1ee'],
      ['an integer with a leading zero (bencode 2 reads i03e as 3)', 'd1:pi03ee'],
      ['a duplicate key (bencode 2 keeps the last)', 'd1:pi1e1:pi2ee'],
    ])('%s is bad-bencode', (_name, text) => {
      expectProtocolError(() => parseExtensionHandshake(ascii(text)), 'bad-bencode');
    });

    test(`nesting is allowed ${EXTENSION_BDECODE_LIMITS.maxDepth} deep, not one more, with the offset of the refusal`, () => {
      const nested = (depth: number) => ascii('d1:x' + 'l'.repeat(depth - 1) + 'e'.repeat(depth));
      const { maxDepth } = EXTENSION_BDECODE_LIMITS;
      expect(parseExtensionHandshake(nested(maxDepth))).toEqual({ extensions: new Map() });
      expect(expectProtocolError(() => parseExtensionHandshake(nested(maxDepth + 1)), 'bad-bencode').detail).toEqual({ offset: maxDepth + 3 });
    });

    test('a payload over the cap is refused before it is parsed', () => {
      expect(MAX_EXTENDED_PAYLOAD_BYTES).toBe(17408);
      const big = Buffer.concat([ascii('d1:v17397:'), Buffer.alloc(17397, 0x61), ascii('e')]); // exactly the cap
      expect(() => parseExtensionHandshake(big)).not.toThrow();
      expect(expectProtocolError(() => parseExtensionHandshake(big, 1000), 'bad-extension-handshake').detail).toEqual({ lengthBytes: 17408, maxBytes: 1000 });
      expectProtocolError(() => parseExtensionHandshake(Buffer.concat([big, Buffer.alloc(1)])), 'bad-extension-handshake');
    });
  });
});

describe('encodeExtensionHandshake', () => {
  test('ours encodes to the golden bytes, keys sorted (BEP 3: dictionary keys in sorted order)', () => {
    const ours: ExtensionHandshake = {
      extensions: new Map([
        ['ut_pex', 1],
        ['ut_metadata', 3],
      ]),
      client: 'swarmlab 0.1.0',
      maxRequests: 250,
      port: 6881,
      metadataSize: 31235,
      yourIp: Buffer.from([192, 0, 2, 7]),
    };
    expect(encodeExtensionHandshake(ours).toString('latin1')).toBe(
      'd1:md11:ut_metadatai3e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi250e1:v14:swarmlab 0.1.06:yourip4:\xc0\x00\x02\x07e',
    );
  });

  test('absent keys are left out', () => {
    expect(encodeExtensionHandshake({ extensions: new Map() }).toString()).toBe('d1:mdee');
  });

  test.each<[string, ExtensionHandshake]>([
    ['an id of 256', { extensions: new Map([['ut_pex', 256]]) }],
    ['a port of 0', { extensions: new Map(), port: 0 }],
    ['a fractional reqq', { extensions: new Map(), maxRequests: 2.5 }],
    ['a yourip of 5 bytes', { extensions: new Map(), yourIp: Buffer.alloc(5) }],
  ])('%s is a caller bug (RangeError)', (_name, handshake) => {
    expect(() => encodeExtensionHandshake(handshake)).toThrow(RangeError);
  });

  test('what we encode, we parse back the same', () => {
    const handshake = fc.record(
      {
        extensions: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 255 }), { maxKeys: 6 }).map((ids) => new Map(Object.entries(ids))),
        client: fc.string({ maxLength: 30 }),
        maxRequests: fc.integer({ min: 1, max: 100_000 }),
        yourIp: fc.constantFrom(4, 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })).map((ip) => Buffer.from(ip)),
        port: fc.integer({ min: 1, max: 65535 }),
        metadataSize: fc.integer({ min: 1, max: 2 ** 40 }),
      },
      { requiredKeys: ['extensions'] },
    );
    fc.assert(
      fc.property(handshake, (h) => {
        expect(parseExtensionHandshake(encodeExtensionHandshake(h))).toEqual(h);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('parseExtensionHandshake fuzz (seed 42)', () => {
  /** Bencode-shaped garbage: real tokens, shuffled, so that the parser goes deep before it fails. */
  const token = fc.constantFrom('d', 'l', 'e', 'i', '1', '0', '-', ':', '1:m', '1:p', '4:reqq', 'i3e', 'i-1e', '3:abc', '99:', 'x');
  const tokens = fc.array(token, { maxLength: 40 }).map((parts) => ascii(parts.join('')));
  const randomBytes = fc.uint8Array({ maxLength: 200 }).map((array) => Buffer.from(array));

  test('random bytes and bencode-shaped garbage give a handshake or a ProtocolError, never another exception', () => {
    const codesSeen = new Set<string>();
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof(tokens, randomBytes, tokens.map((t) => Buffer.concat([ascii('d'), t]))), (payload) => {
        try {
          parseExtensionHandshake(payload);
          parsed++;
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          codesSeen.add(error.code);
        }
      }),
      { seed: 42, numRuns: 5000 },
    );
    expect([...codesSeen].sort()).toEqual(['bad-bencode', 'bad-extension-handshake']);
    expect(parsed).toBeGreaterThan(0);
  });
});
