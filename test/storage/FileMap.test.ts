import fc from 'fast-check';
import { FileMap, type FileSegment } from '../../src/storage/FileMap.js';
import { range } from '../support/fixtures.js';

const filesOf = (...lengths: number[]) => lengths.map((length, i) => ({ path: ['t', `f${i}`], length }));

/** a=3, b=0, c=2, d=1, e=6, f=0, g=4: 16 bytes with 0-byte files inside. */
const SEVEN = filesOf(3, 0, 2, 1, 6, 0, 4);
const seg = (fileIndex: number, offset: number, length: number): FileSegment => ({ fileIndex, offset, length });

describe('FileMap', () => {
  test('pieces, their lengths and where files start', () => {
    const map = new FileMap(SEVEN, 5);
    expect(map.totalLength).toBe(16);
    expect(map.pieceCount).toBe(4);
    expect(range(0, 4).map((i) => map.lengthOfPiece(i))).toEqual([5, 5, 5, 1]);
    expect(range(0, 7).map((i) => map.fileStart(i))).toEqual([0, 3, 3, 5, 6, 12, 12]);
  });

  test.each<[string, number, [number, number, number], FileSegment[]]>([
    ['a piece across four files, passing a 0-byte one', 8, [0, 0, 8], [seg(0, 0, 3), seg(2, 0, 2), seg(3, 0, 1), seg(4, 0, 2)]],
    ['a piece across two files, passing a 0-byte one at the boundary', 8, [1, 0, 8], [seg(4, 2, 4), seg(6, 0, 4)]],
    ['a block inside a piece, across three files', 8, [0, 2, 4], [seg(0, 2, 1), seg(2, 0, 2), seg(3, 0, 1)]],
    ['a block inside one file', 8, [1, 1, 2], [seg(4, 3, 2)]],
    ['a block starting where a file starts', 8, [0, 3, 2], [seg(2, 0, 2)]],
    ['an empty block', 8, [0, 3, 0], []],
    ['the short last piece', 5, [3, 0, 1], [seg(6, 3, 1)]],
    ['a piece ending where a file ends', 5, [0, 0, 5], [seg(0, 0, 3), seg(2, 0, 2)]],
    ['a piece starting after a file ends', 5, [1, 0, 5], [seg(3, 0, 1), seg(4, 0, 4)]],
    ['a piece across a file and a 0-byte file into the next', 5, [2, 0, 5], [seg(4, 4, 2), seg(6, 0, 3)]],
  ])('segments: %s', (_name, pieceLength, [index, begin, length], expected) => {
    expect(new FileMap(SEVEN, pieceLength).segments(index, begin, length)).toEqual(expected);
  });

  test('0-byte files first and last are in no segment', () => {
    const map = new FileMap(filesOf(0, 0, 4, 0), 4);
    expect(map.segments(0, 0, 4)).toEqual([seg(2, 0, 4)]);
    expect(map.filesOfPiece(0)).toEqual([2]);
  });

  test('which files a piece touches', () => {
    const map = new FileMap(SEVEN, 8);
    expect(map.filesOfPiece(0)).toEqual([0, 2, 3, 4]);
    expect(map.filesOfPiece(1)).toEqual([4, 6]);
  });

  test('which pieces a file spans; none for a 0-byte file', () => {
    const map = new FileMap(SEVEN, 5);
    expect(range(0, 7).map((i) => map.piecesOfFile(i))).toEqual([
      { first: 0, end: 1 },
      { first: 0, end: 0 },
      { first: 0, end: 1 },
      { first: 1, end: 2 },
      { first: 1, end: 3 },
      { first: 2, end: 2 },
      { first: 2, end: 4 },
    ]);
    // A 0-byte file after the last byte of a torrent whose length is a multiple of the piece length.
    expect(new FileMap(filesOf(4, 0), 4).piecesOfFile(1)).toEqual({ first: 1, end: 1 });
  });

  test.each<[string, () => unknown, RegExp]>([
    ['a piece out of range', () => new FileMap(SEVEN, 5).segments(4, 0, 1), /piece 4 out of range 0..3/],
    ['a range past the end of the piece', () => new FileMap(SEVEN, 5).segments(3, 0, 2), /bytes 0..2 are not inside piece 3 \(1 bytes\)/],
    ['a negative begin', () => new FileMap(SEVEN, 5).segments(0, -1, 1), /not inside piece 0/],
    ['a file out of range', () => new FileMap(SEVEN, 5).fileStart(7), /file 7 out of range 0..6/],
    ['a zero piece length', () => new FileMap(SEVEN, 0), /bad piece length 0/],
    ['a negative file length', () => new FileMap(filesOf(3, -1), 4), /bad length -1 for t\/f1/],
    ['nothing but 0-byte files', () => new FileMap(filesOf(0, 0), 4), /bad total length 0/],
  ])('refuses %s', (_name, act, message) => {
    expect(act).toThrow(message);
  });

  test('property: the segments of every piece, and of any block of it, tile it exactly, in order', () => {
    const layout = fc.record({ lengths: fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }), pieceLength: fc.integer({ min: 1, max: 17 }) });
    fc.assert(
      fc.property(
        layout.filter(({ lengths }) => lengths.some((l) => l > 0)),
        fc.nat(),
        fc.nat(),
        ({ lengths, pieceLength }, a, b) => {
          const map = new FileMap(filesOf(...lengths), pieceLength);
          for (let index = 0; index < map.pieceCount; index++) {
            const size = map.lengthOfPiece(index);
            const begin = a % (size + 1);
            const length = b % (size - begin + 1);
            for (const [from, count] of [[0, size], [begin, length]]) {
              let at = index * pieceLength + from;
              for (const { fileIndex, offset, length: take } of map.segments(index, from, count)) {
                expect(take).toBeGreaterThan(0);
                expect(map.fileStart(fileIndex) + offset).toBe(at);
                expect(offset + take).toBeLessThanOrEqual(lengths[fileIndex]);
                at += take;
              }
              expect(at).toBe(index * pieceLength + from + count);
            }
          }
          // Every byte of every file is in exactly the pieces piecesOfFile names.
          lengths.forEach((length, fileIndex) => {
            const span = map.piecesOfFile(fileIndex);
            const touching = range(0, map.pieceCount).filter((index) => map.filesOfPiece(index).includes(fileIndex));
            expect(touching).toEqual(range(span.first, span.end));
            if (length === 0) expect(touching).toEqual([]);
          });
        },
      ),
    );
  });
});
