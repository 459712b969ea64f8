import bencode from 'bencode';
import fc from 'fast-check';
import { BDict, BdecodeError, bdecode, type BValue } from '../../src/metainfo/bdecode.js';

const decode = (text: string, limits?: Parameters<typeof bdecode>[1]) => bdecode(Buffer.from(text, 'latin1'), limits);

function decodeError(text: string, limits?: Parameters<typeof bdecode>[1]): BdecodeError {
  try {
    decode(text, limits);
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
    const top = bdecode(bytes) as BDict;
    const info = top.get('info') as BDict;
    expect(info.raw.toString()).toBe('d1:zi1e1:ai2ee');
    expect(info.raw.buffer).toBe(bytes.buffer);
    expect([...info.keys()]).toEqual(['z', 'a']);
  });

  test('integers past 2^53 come back as bigint, not rounded', () => {
    expect(decode('i99999999999999999999e')).toBe(99999999999999999999n);
    expect(decode('i-9007199254740991e')).toBe(-9007199254740991);
  });

  test('a __proto__ key is an ordinary key', () => {
    const dict = decode('d9:__proto__d6:lengthi5eee') as BDict;
    expect([...dict.keys()]).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(dict)).toBe(BDict.prototype);
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
  ])('refuses %s', (_name, text, message) => {
    expect(decodeError(text).message).toMatch(message);
  });

  test('nesting is capped (bencode 2 overflows the stack instead)', () => {
    const nested = (depth: number) => 'l'.repeat(depth) + 'e'.repeat(depth);
    expect(() => decode(nested(100))).not.toThrow();
    expect(decodeError(nested(101)).message).toMatch(/nested deeper than 100 levels at byte 100/);
    expect(decodeError(nested(1_000_000)).message).toMatch(/nested deeper than 100 levels/);
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
        const decoded = bdecode(encoded);
        expect(plain(decoded)).toEqual(JSON.parse(JSON.stringify(value)));
        if (decoded instanceof BDict) expect(decoded.raw.equals(encoded)).toBe(true);
      }),
    );
  });

  test('random bytes never crash it: a value or a BdecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          bdecode(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(BdecodeError);
        }
      }),
    );
  });
});
