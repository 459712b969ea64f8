import { parseDecimal, parseIntegerInRange } from '../../src/config/values.js';

describe('parseIntegerInRange', () => {
  it('accepts plain digits within the range', () => {
    expect(parseIntegerInRange('0', 0, 10)).toBe(0);
    expect(parseIntegerInRange('10', 0, 10)).toBe(10);
    expect(parseIntegerInRange('007', 0, 10)).toBe(7);
    expect(parseIntegerInRange(String(Number.MAX_SAFE_INTEGER), 1, Number.MAX_SAFE_INTEGER)).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it.each(['', '-1', '+1', '1.0', '1e3', '0x10', ' 1', 'abc', '5s', '11', '9007199254740993'])(
    'rejects %p',
    (text) => {
      expect(parseIntegerInRange(text, 0, text === '9007199254740993' ? Infinity : 10)).toBeUndefined();
    },
  );
});

describe('parseDecimal', () => {
  it.each([
    ['5', 5],
    ['0.5', 0.5],
    ['.25', 0.25],
    ['2.', 2],
    ['0', 0],
  ])('reads %p as %p', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each(['', '-1', '+1', '1e3', 'NaN', 'Infinity', '5s', '1.2.3', '.', 'abc'])('rejects %p', (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });
});
