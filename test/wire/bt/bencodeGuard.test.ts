import bencode from 'bencode';
import { MAX_BENCODE_DEPTH, bencodedValueEnd, decodeDictionary } from '../../../src/wire/bt/index.js';
import { expectProtocolError } from '../helpers.js';

const ascii = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('bencodedValueEnd', () => {
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
    expect(bencodedValueEnd(ascii(text))).toBe(end);
  });

  test('bytes after the value are not looked at (a ut_metadata piece follows its dictionary)', () => {
    expect(bencodedValueEnd(ascii('d8:msg_typei1ee\xff\x00garbage'))).toBe(15);
  });

  test.each([
    ['nothing', ''],
    ['a lone i', 'i'],
    ['an integer without digits', 'ie'],
    ['a minus without digits', 'i-e'],
    ['a float', 'i1.5e'],
    ['an integer without its e', 'i12'],
    ['a string cut short', '3:ab'],
    ['a negative string length', '-3:abc'],
    ['a string length past the end', '99999999999999999999:abc'],
    ['a string length without a colon', '3abc'],
    ['an unknown type', 'x'],
    ['an unclosed list', 'l'],
    ['an unclosed dictionary', 'd1:a'],
    ['a key without a value', 'd1:ae'],
    ['an integer key', 'di1ei2ee'],
    ['a list key', 'dlei2ee'],
    ['a lone e', 'e'],
  ])('%s is bad-bencode', (_name, text) => {
    expectProtocolError(() => bencodedValueEnd(ascii(text)), 'bad-bencode');
  });

  test(`nesting is allowed ${MAX_BENCODE_DEPTH} deep, not one more`, () => {
    expect(bencodedValueEnd(ascii('l'.repeat(MAX_BENCODE_DEPTH) + 'e'.repeat(MAX_BENCODE_DEPTH)))).toBe(2 * MAX_BENCODE_DEPTH);
    const deeper = ascii('l'.repeat(MAX_BENCODE_DEPTH + 1) + 'e'.repeat(MAX_BENCODE_DEPTH + 1));
    expect(expectProtocolError(() => bencodedValueEnd(deeper), 'bad-bencode').detail).toEqual({ offset: MAX_BENCODE_DEPTH });
  });

  test('why the guard exists: bencode 2 alone overflows its stack on deep nesting, and cuts long strings short', () => {
    const deep = ascii('l'.repeat(100_000));
    expect(() => bencode.decode(deep)).toThrow(RangeError);
    expectProtocolError(() => bencodedValueEnd(deep), 'bad-bencode');
    expect(bencode.decode(ascii('99:abc'))).toEqual(ascii('abc'));
  });
});

describe('decodeDictionary', () => {
  test('decodes a dictionary and says where it ends', () => {
    expect(decodeDictionary(ascii('d1:ai1e1:b2:xye!'))).toEqual({ dictionary: { a: 1, b: ascii('xy') }, end: 15 });
  });

  test('another type of value is undefined', () => {
    expect(decodeDictionary(ascii('li1ee'))).toBeUndefined();
    expect(decodeDictionary(ascii('i1e'))).toBeUndefined();
    expect(decodeDictionary(Buffer.alloc(0))).toBeUndefined();
  });

  test('a malformed dictionary is bad-bencode, never handed to bencode', () => {
    expectProtocolError(() => decodeDictionary(ascii('d1:al' + 'l'.repeat(50_000))), 'bad-bencode');
  });
});
