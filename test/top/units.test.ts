import { formatRate, formatSize } from '../../src/top/units.js';

describe('formatSize', () => {
  test.each([
    [0, 'binary', '0 B'],
    [1023, 'binary', '1023 B'],
    [1024, 'binary', '1.0 KiB'],
    [1536, 'binary', '1.5 KiB'],
    [150 * 1024, 'binary', '150 KiB'],
    [5 * 1024 ** 3, 'binary', '5.0 GiB'],
    [999, 'decimal', '999 B'],
    [1000, 'decimal', '1.0 kB'],
    [1536, 'decimal', '1.5 kB'],
    [4 * 1024 * 1024, 'decimal', '4.2 MB'],
    [123_456_789_000, 'decimal', '123 GB'],
  ] as const)('%d bytes, %s: %s', (bytes, base, shown) => {
    expect(formatSize(bytes, base)).toBe(shown);
  });
});

describe('formatRate', () => {
  test.each([
    [0, 'bytes', 'binary', '0 B/s'],
    [150 * 1024, 'bytes', 'binary', '150 KiB/s'],
    [1.5 * 1024 * 1024, 'bytes', 'binary', '1.5 MiB/s'],
    [1.5 * 1024 * 1024, 'bytes', 'decimal', '1.6 MB/s'],
    [100, 'bits', 'binary', '800 bit/s'],
    [128, 'bits', 'binary', '1.0 Kibit/s'],
    [125, 'bits', 'decimal', '1.0 kbit/s'],
    [1.5 * 1024 * 1024, 'bits', 'binary', '12.0 Mibit/s'],
    [1.5 * 1024 * 1024, 'bits', 'decimal', '12.6 Mbit/s'],
    [125_000_000, 'bits', 'decimal', '1.0 Gbit/s'],
  ] as const)('%d B/s in %s, %s: %s', (rate, units, base, shown) => {
    expect(formatRate(rate, { units, base })).toBe(shown);
  });
});
