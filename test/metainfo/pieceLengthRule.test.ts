import fc from 'fast-check';
import { autoPieceLength } from '../../src/metainfo/pieceLengthRule.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('the piece length chosen when none is given', () => {
  test.each([
    [1, 16 * KiB],
    [2000 * 16 * KiB, 16 * KiB],
    [2000 * 16 * KiB + 1, 32 * KiB],
    [1024 * MiB, 1 * MiB],
    [4000 * MiB, 2 * MiB],
    [4001 * MiB, 4 * MiB],
    [2000 * 16 * MiB, 16 * MiB],
    [100 * 1024 * MiB, 16 * MiB],
  ])('%d bytes: %d-byte pieces', (total, expected) => {
    expect(autoPieceLength(total)).toBe(expected);
  });

  test('between the bounds, a power of two giving 1001 to 2000 pieces (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000 * 16 * KiB + 1, max: 2000 * 16 * MiB }), (total) => {
        const length = autoPieceLength(total);
        expect(Math.log2(length) % 1).toBe(0);
        const pieces = Math.ceil(total / length);
        expect(pieces).toBeGreaterThanOrEqual(1001);
        expect(pieces).toBeLessThanOrEqual(2000);
      }),
    );
  });
});
