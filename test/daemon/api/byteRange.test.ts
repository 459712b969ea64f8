import { parseRange } from '../../../src/daemon/api/byteRange.js';

describe('the Range a request asks of a file (RFC 9110 14.2)', () => {
  test.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=50-5000', 100, { start: 50, end: 99 }],
    ['bytes=99-99', 100, { start: 99, end: 99 }],
  ] as const)('%s of %d bytes is %j', (header, size, range) => {
    expect(parseRange(header, size)).toEqual(range);
  });

  test.each([
    ['bytes=100-', 100],
    ['bytes=100-200', 100],
    ['bytes=-0', 100],
    ['bytes=0-', 0],
  ] as const)('%s of %d bytes cannot be served (416)', (header, size) => {
    expect(parseRange(header, size)).toBe('unsatisfiable');
  });

  test.each([[undefined], ['items=0-9'], ['bytes=0-9,20-29'], ['bytes=9-0'], ['bytes=-'], ['bytes=a-b']])('%s: the whole file', (header) => {
    expect(parseRange(header, 100)).toBe('whole');
  });
});
