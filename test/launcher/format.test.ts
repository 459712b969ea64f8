import { formatDuration, formatRate } from '../../src/launcher/format.js';

describe('durations and rates for people', () => {
  test.each([
    [0, '0s'],
    [200, '1s'], // rounded up: an ETA of 0.2 s is not 0s
    [45_000, '45s'],
    [59_001, '1m 00s'],
    [90_000, '1m 30s'],
    [605_000, '10m 05s'],
    [3_600_000, '1h 00m'],
    [3_900_000, '1h 05m'],
    [99 * 3_600_000, '4d 3h'],
    [86_400_000 - 1, '1d 0h'],
  ])('%d ms: %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  test.each([
    [0, '0 B/s'],
    [512.7, '513 B/s'], // whole bytes: no '512.7 B/s'
    [1023.6, '1.0 KiB/s'],
    [12.3 * 1024 * 1024, '12.3 MiB/s'],
  ])('%d bytes a second: %s', (rate, expected) => {
    expect(formatRate(rate)).toBe(expected);
  });
});
