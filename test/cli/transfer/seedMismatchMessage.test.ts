import { seedMismatchMessage } from '../../../src/cli/transfer/seedMismatchMessage.js';

describe('why seed refuses: the pieces that do not match, as ranges, and the files they touch', () => {
  test.each([
    ['one piece, one file', [3], ['a.bin'], 'piece 3 of 40 does not match the torrent (file: a.bin)'],
    ['ranges, in any order, duplicates once', [9, 3, 7, 8, 8], ['a.bin', 'dir/b.bin'], 'pieces 3, 7-9 of 40 do not match the torrent (files: a.bin, dir/b.bin)'],
    ['the first and the last', [0, 39], [], 'pieces 0, 39 of 40 do not match the torrent'],
    ['all of them', Array.from({ length: 40 }, (_, i) => i), ['a.bin'], 'pieces 0-39 of 40 do not match the torrent (file: a.bin)'],
    [
      'many ranges: counted, the first 10 named',
      Array.from({ length: 15 }, (_, i) => 2 * i),
      ['1', '2', '3', '4', '5', '6', '7'],
      '15 of 40 pieces do not match the torrent: 0, 2, 4, 6, 8, 10, 12, 14, 16, 18 and 5 more ranges (files: 1, 2, 3, 4, 5, and 2 more)',
    ],
    ['a file name with a terminal escape', [1], ['evil\x1b[2J'], 'piece 1 of 40 does not match the torrent (file: evil\\x1b[2J)'],
  ])('%s', (_what, bad, files, expected) => {
    expect(seedMismatchMessage(bad, 40, files)).toBe(expected);
  });

  test('a piece out of range, or none, is the caller\'s mistake', () => {
    expect(() => seedMismatchMessage([40], 40, [])).toThrow(RangeError);
    expect(() => seedMismatchMessage([], 40, [])).toThrow(/at least one piece/);
  });
});
