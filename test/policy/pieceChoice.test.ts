import { seededRandom, type Random } from '../../src/common/Random.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import { chooseRandomMissingPiece } from '../../src/policy/pieceChoice.js';

function bits(pieceCount: number, held: readonly number[]): Bitfield {
  const out = new Bitfield(pieceCount);
  for (const index of held) out.set(index);
  return out;
}

/** Nothing requested yet, for a file of n pieces. */
const none = (n: number): Bitfield => new Bitfield(n);

describe('chooseRandomMissingPiece', () => {
  const cases: { name: string; n: number; theirs: number[]; ours: number[]; requested: number[]; eligible: number[] }[] = [
    { name: 'all missing', n: 5, theirs: [0, 1, 2, 3, 4], ours: [], requested: [], eligible: [0, 1, 2, 3, 4] },
    { name: 'skips what we have', n: 5, theirs: [0, 1, 2, 3, 4], ours: [1, 3], requested: [], eligible: [0, 2, 4] },
    { name: 'skips what they lack', n: 9, theirs: [8], ours: [], requested: [], eligible: [8] },
    { name: 'skips requested', n: 5, theirs: [0, 1, 2], ours: [0], requested: [1], eligible: [2] },
    { name: 'nothing left', n: 5, theirs: [0, 1], ours: [0], requested: [1], eligible: [] },
    { name: 'empty file', n: 0, theirs: [], ours: [], requested: [], eligible: [] },
  ];
  test.each(cases)('$name', ({ n, theirs, ours, requested, eligible }) => {
    const seen = new Set<number | undefined>();
    for (let seed = 1; seed <= 100; seed++) {
      seen.add(chooseRandomMissingPiece(bits(n, theirs), bits(n, ours), bits(n, requested), seededRandom(seed)));
    }
    expect([...seen].sort((a, b) => (a ?? -1) - (b ?? -1))).toEqual(eligible.length ? eligible : [undefined]);
  });

  test('roughly uniform over the eligible pieces', () => {
    const random = seededRandom(7);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[chooseRandomMissingPiece(Bitfield.full(8), new Bitfield(8), none(8), random)!]++;
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  test('one random draw per choice, none when nothing is eligible', () => {
    let draws = 0;
    const counting: Random = { next: () => (draws++, 0.5) };
    chooseRandomMissingPiece(Bitfield.full(100), new Bitfield(100), none(100), counting);
    expect(draws).toBe(1);
    chooseRandomMissingPiece(new Bitfield(100), new Bitfield(100), none(100), counting);
    expect(draws).toBe(1);
  });

  test('rejects bitfields of different sizes', () => {
    expect(() => chooseRandomMissingPiece(Bitfield.full(4), new Bitfield(5), none(5), seededRandom(1))).toThrow(RangeError);
  });
});

describe('the byte-wise scans behind the choice', () => {
  test('count and n-th agree with a piece-by-piece walk, with and without an exclusion', () => {
    const random = seededRandom(3);
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(random.next() * 40);
      const pick = () => Array.from({ length: n }, (_, i) => i).filter(() => random.next() < 0.5);
      const [theirs, ours, requested] = [bits(n, pick()), bits(n, pick()), bits(n, pick())];
      const expected = Array.from({ length: n }, (_, i) => i).filter((i) => theirs.has(i) && !ours.has(i) && !requested.has(i));
      expect(theirs.countMissingFrom(ours, requested)).toBe(expected.length);
      expect(expected.map((_, k) => theirs.nthMissingFrom(ours, k, requested))).toEqual(expected);
      expect(theirs.nthMissingFrom(ours, expected.length, requested)).toBeUndefined();
      // With every weight equal the first candidate from the start wins; with weights rising, the last.
      const start = Math.floor(random.next() * n);
      const fromStart = [...expected.filter((i) => i >= start), ...expected.filter((i) => i < start)];
      expect(theirs.lightestMissingFrom(ours, start, new Array<number>(n).fill(3), 0, requested)).toBe(fromStart[0]);
      const rising = Array.from({ length: n }, (_, i) => (n + i - start) % n);
      expect(theirs.lightestMissingFrom(ours, start, rising.map((w) => -w), -Infinity, requested)).toBe(fromStart.at(-1));
      expect(theirs.countMissingFrom(ours)).toBe(theirs.missingFrom(ours).length);
    }
  });
});
