import bencode from 'bencode';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BDict, BdecodeError, bdecode, bdecodePrefix, type BdecodeLimits, type BValue } from '../../../src/core/bencode/bdecode.js';
import { TORRENT_BDECODE_LIMITS } from '../../../src/metainfo/limits.js';

// The one decoder of untrusted bencode (.torrent files, BEP 10 handshakes, tracker replies): its refusals are tested here, once.

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');
const decode = (text: string, limits: BdecodeLimits = TORRENT_BDECODE_LIMITS) => bdecode(ascii(text), limits);
/** A small depth, as the extension handshake and tracker replies use. */
const SMALL: BdecodeLimits = { maxDepth: 32, maxValues: 10_000 };

function decodeError(text: string, limits?: BdecodeLimits, decoder: typeof bdecode = bdecode): BdecodeError {
  try {
    decoder(ascii(text), limits ?? TORRENT_BDECODE_LIMITS);
  } catch (error) {
    if (error instanceof BdecodeError) return error;
    throw error;
  }
  throw new Error(`decoded ${JSON.stringify(text)} without an error`);
}

/** Plain JS values, to compare with what the bencode package was given. */
function plain(value: BValue): unknown {
  if (value instanceof BDict) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  return value;
}

describe('bdecode', () => {
  test('decodes integers, strings, lists and dictionaries', () => {
    expect(plain(decode('d1:ai-42e1:bl0:3:xyzi0eee'))).toEqual({ a: -42, b: ['', 'xyz', 0] });
  });

  test('a dictionary keeps its exact bytes, keys in file order even when unsorted', () => {
    const bytes = Buffer.from('d4:infod1:zi1e1:ai2eee');
    const top = bdecode(bytes, TORRENT_BDECODE_LIMITS) as BDict;
    const info = top.get('info') as BDict;
    expect(info.raw.toString()).toBe('d1:zi1e1:ai2ee');
    expect(info.raw.buffer).toBe(bytes.buffer);
    expect([...info.keys()]).toEqual(['z', 'a']);
  });

  test('integers past 2^53 come back as bigint, not rounded', () => {
    expect(decode('i99999999999999999999e')).toBe(99999999999999999999n);
    expect(decode('i-9007199254740991e')).toBe(-9007199254740991);
  });

  test('a __proto__ key is an ordinary key (bencode 2 makes it the prototype)', () => {
    const dict = decode('d9:__proto__d6:lengthi5eee') as BDict;
    expect([...dict.keys()]).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(dict)).toBe(BDict.prototype);
    expect(dict.get('length')).toBeUndefined();
    expect((bencode.decode(ascii('d9:__proto__d6:lengthi5eee')) as { length?: number }).length).toBe(5);
  });

  test.each<[string, string, RegExp]>([
    ['a negative string length (loops forever in bencode 2)', 'l-3:e', /unexpected byte 0x2d at byte 1/],
    ['a string running past the end', '5:ab', /5-byte string runs past the end/],
    ['a string length with a leading zero', '01:a', /malformed string length \(a leading zero\) at byte 0/],
    ['a string length with a stray byte', '1x:a', /malformed string length at byte 1/],
    ['an unterminated string length', '12', /unterminated string length at byte 2/],
    ['an endless string length', '12345678901:a', /malformed string length at byte 10/],
    ['an integer with a leading zero', 'i03e', /malformed integer 'i03e'/],
    ['minus zero', 'i-0e', /malformed integer/],
    ['a fractional integer', 'i1.5e', /malformed integer/],
    ['an empty integer', 'ie', /malformed integer/],
    ['an unterminated integer', 'i12', /unterminated integer/],
    ['an endless integer', `i${'1'.repeat(100)}e`, /unterminated integer/],
    ['an unterminated list', 'l1:a', /ends in the middle of a value at byte 4/],
    ['an unterminated dictionary', 'd1:a', /ends in the middle of a value/],
    ['a key that is not a string', 'di1ei2ee', /key is not a string at byte 1/],
    ['a duplicate key', 'd1:ai1e1:ai2ee', /duplicate dictionary key 'a' at byte 7/],
    ['trailing bytes', 'i1ejunk', /trailing bytes after the end of the value at byte 3/],
    ['an empty input', '', /ends in the middle of a value at byte 0/],
    ['a stray byte', 'x', /unexpected byte 0x78/],
    ['a lone e', 'e', /unexpected byte 0x65 at byte 0/],
    ['a lone i', 'i', /unterminated integer/],
    ['a minus without digits', 'i-e', /malformed integer/],
    ['a negative string length', '-3:abc', /unexpected byte 0x2d at byte 0/],
    ['a string length far past the end', '99999999999999999999:abc', /malformed string length at byte 10/],
    ['a string length without a colon', '3abc', /malformed string length at byte 1/],
    ['a key without a value', 'd1:ae', /unexpected byte 0x65 at byte 4/],
    ['a list key', 'dlei2ee', /key is not a string at byte 1/],
  ])('refuses %s', (_name, text, message) => {
    expect(decodeError(text).message).toMatch(message);
  });

  test('nesting is capped (bencode 2 overflows the stack instead)', () => {
    const nested = (depth: number) => 'l'.repeat(depth) + 'e'.repeat(depth);
    expect(() => decode(nested(100))).not.toThrow();
    expect(decodeError(nested(101)).message).toMatch(/nested deeper than 100 levels at byte 100/);
    expect(decodeError(nested(1_000_000)).message).toMatch(/nested deeper than 100 levels/);
    expect(() => bencode.decode(ascii('l'.repeat(100_000)))).toThrow(RangeError);
  });

  test('a small depth is a parameter: 32 deep is allowed, not one more', () => {
    const nested = (depth: number) => 'l'.repeat(depth) + 'e'.repeat(depth);
    expect(() => decode(nested(32), SMALL)).not.toThrow();
    expect(decodeError(nested(33), SMALL).message).toMatch(/nested deeper than 32 levels at byte 32/);
    expect(decodeError('d1:al' + 'l'.repeat(50_000), SMALL).message).toMatch(/nested deeper than 32 levels/);
  });

  test('what bencode 2 gets wrong on the same bytes: a string cut short, i03e accepted', () => {
    expect(bencode.decode(ascii('99:abc'))).toEqual(ascii('abc'));
    expect(decodeError('99:abc').message).toMatch(/99-byte string runs past the end/);
    expect(bencode.decode(ascii('i03e'))).toBe(3);
  });

  test('the number of values is capped', () => {
    const limits = { maxDepth: 10, maxValues: 4 };
    expect(plain(decode('li1ei2ei3ee', limits))).toEqual([1, 2, 3]);
    expect(decodeError('li1ei2ei3ei4ee', limits).message).toMatch(/more than 4 values/);
  });

  test('decodes whatever the bencode package encodes (property)', () => {
    const key = fc.string({ unit: 'binary-ascii', maxLength: 6 });
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, fc.maxSafeInteger(), fc.string({ unit: 'binary-ascii', maxLength: 8 }), tie('list'), tie('dict')),
      list: fc.array(tie('tree'), { maxLength: 4 }),
      dict: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const encoded = bencode.encode(value as never);
        const decoded = bdecode(encoded, TORRENT_BDECODE_LIMITS);
        expect(plain(decoded)).toEqual(JSON.parse(JSON.stringify(value)));
        if (decoded instanceof BDict) expect(decoded.raw.equals(encoded)).toBe(true);
      }),
    );
  });

  test('random bytes never crash it: a value or a BdecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          bdecode(Buffer.from(bytes), TORRENT_BDECODE_LIMITS);
        } catch (error) {
          expect(error).toBeInstanceOf(BdecodeError);
        }
      }),
    );
  });
});

describe('bdecodePrefix: one value at the start of the bytes', () => {
  test.each([
    ['i42e', 4],
    ['i-3e', 4],
    ['i0e', 3],
    ['0:', 2],
    ['3:abc', 5],
    ['le', 2],
    ['de', 2],
    ['d1:ai1ee', 8],
    ['l4:spami42ee', 12],
    ['d1:md11:ut_metadatai3eee', 24],
  ])('%s is one value of %d bytes', (text, end) => {
    expect(bdecodePrefix(ascii(text), SMALL).end).toBe(end);
  });

  test('decodes a dictionary and says where it ends; the bytes after it are not looked at (a ut_metadata piece follows its dictionary)', () => {
    const { value, end } = bdecodePrefix(ascii('d1:ai1e1:b2:xye!'), SMALL);
    expect(plain(value)).toEqual({ a: 1, b: 'xy' });
    expect(end).toBe(15);
    expect(bdecodePrefix(ascii('d8:msg_typei1ee\xff\x00garbage'), SMALL).end).toBe(15);
  });

  test.each([
    ['a truncated dictionary', 'd1:md11:ut_metadatai3e', /ends in the middle of a value/],
    ['a negative string length (loops forever in bencode 2)', 'l-3:e', /unexpected byte 0x2d at byte 1/],
    ['an integer with a leading zero', 'd1:pi03ee', /malformed integer 'i03e'/],
    ['a duplicate key', 'd1:pi1e1:pi2ee', /duplicate dictionary key 'p'/],
    ['an empty input', '', /ends in the middle of a value at byte 0/],
  ])('refuses %s just as bdecode does', (_name, text, message) => {
    expect(decodeError(text, SMALL, (bytes, limits) => bdecodePrefix(bytes, limits).value).message).toMatch(message);
  });

  test('random bytes never crash it: a value and its end within the bytes, or a BdecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          expect(bdecodePrefix(Buffer.from(bytes), SMALL).end).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(error).toBeInstanceOf(BdecodeError);
        }
      }),
    );
  });
});

describe('the one decoder of untrusted bencode', () => {
  const SRC = join(import.meta.dirname, '../../../src');
  const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));

  test('no file under src/ decodes with the bencode package (its encoder, for our own values, is allowed)', () => {
    expect(sources.length).toBeGreaterThan(100);
    const decoding = sources.filter((name) => /\bbencode\.decode\b|\bdecode\b[^;]*from\s+['"]bencode['"]/.test(readFileSync(join(SRC, name), 'utf8')));
    expect(decoding).toEqual([]);
  });
});
