import { Bitfield } from '../../src/core/Bitfield.js';

describe('Bitfield', () => {
  test('piece 0 is the high bit of byte 0; spare bits stay zero', () => {
    const bits = new Bitfield(10);
    bits.set(0);
    bits.set(7);
    bits.set(9);
    expect(bits.toBuffer().toString('hex')).toBe('8140');
    expect(bits.count).toBe(3);
  });

  test('full() sets every piece and no spare bit', () => {
    expect(Bitfield.full(10).toBuffer().toString('hex')).toBe('ffc0');
    expect(Bitfield.full(16).toBuffer().toString('hex')).toBe('ffff');
    expect(Bitfield.full(306).isComplete).toBe(true);
    expect(Bitfield.byteLength(306)).toBe(39);
  });

  test('set() is idempotent and counts once', () => {
    const bits = new Bitfield(3);
    expect(bits.set(1)).toBe(true);
    expect(bits.set(1)).toBe(false);
    expect(bits.count).toBe(1);
  });

  test('out-of-range indices are never held and cannot be set', () => {
    const bits = Bitfield.full(3);
    expect(bits.has(3)).toBe(false);
    expect(bits.has(-1)).toBe(false);
    expect(bits.has(1.5)).toBe(false);
    expect(() => bits.set(3)).toThrow(RangeError);
  });

  test('fromBytes checks the length and the spare bits', () => {
    expect(Bitfield.fromBytes(Buffer.from('ffc0', 'hex'), 10)).toBeInstanceOf(Bitfield);
    expect(Bitfield.fromBytes(Buffer.from('ff', 'hex'), 10)).toBe('bitfield of 1 bytes, expected 2');
    expect(Bitfield.fromBytes(Buffer.from('ffe0', 'hex'), 10)).toBe('bitfield has spare bits set');
    const parsed = Bitfield.fromBytes(Buffer.from('a0', 'hex'), 3) as Bitfield;
    expect([parsed.has(0), parsed.has(1), parsed.has(2), parsed.count]).toEqual([true, false, true, 2]);
  });

  test('missingFrom and hasAnyMissingFrom agree', () => {
    const theirs = new Bitfield(12);
    const ours = new Bitfield(12);
    [1, 4, 11].forEach((i) => theirs.set(i));
    [1, 4].forEach((i) => ours.set(i));
    expect(theirs.missingFrom(ours)).toEqual([11]);
    expect(theirs.hasAnyMissingFrom(ours)).toBe(true);
    ours.set(11);
    expect(theirs.missingFrom(ours)).toEqual([]);
    expect(theirs.hasAnyMissingFrom(ours)).toBe(false);
  });

  test('toRanges summarises for the debug log', () => {
    const bits = new Bitfield(13);
    [0, 1, 2, 3, 7, 9, 10, 11, 12].forEach((i) => bits.set(i));
    expect(bits.toRanges()).toBe('0-3,7,9-12');
    expect(new Bitfield(4).toRanges()).toBe('none');
  });
});

describe('Bitfield.unset', () => {
  test('clears a held piece and the count; a piece not held is left alone', () => {
    const bits = Bitfield.full(10);
    expect(bits.unset(3)).toBe(true);
    expect(bits.has(3)).toBe(false);
    expect(bits.count).toBe(9);
    expect(bits.unset(3)).toBe(false);
    expect(bits.unset(99)).toBe(false);
    expect(bits.count).toBe(9);
    expect(bits.toBuffer()).toEqual(Buffer.from([0xef, 0xc0]));
  });
});

describe('Bitfield.unionInto', () => {
  test('writes the pieces of either into the target, which it returns; different piece counts are refused', () => {
    const a = new Bitfield(10);
    const b = new Bitfield(10);
    a.set(0);
    a.set(9);
    b.set(3);
    const into = new Bitfield(10);
    into.set(5); // overwritten
    expect(a.unionInto(b, into)).toBe(into);
    expect([...Array(10).keys()].filter((i) => into.has(i))).toEqual([0, 3, 9]);
    expect(() => a.unionInto(new Bitfield(11), into)).toThrow(RangeError);
  });
});
