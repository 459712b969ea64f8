import fc from 'fast-check';
import { splitBuffers, totalLength } from '../../src/storage/bufferLists.js';

describe('buffer lists', () => {
  test('a cut inside a buffer splits it into two views of the same bytes', () => {
    const buffers = [Buffer.from('abc'), Buffer.from('defg'), Buffer.from('h')];
    const [before, after] = splitBuffers(buffers, 5);
    expect(before.map(String)).toEqual(['abc', 'de']);
    expect(after.map(String)).toEqual(['fg', 'h']);
    expect(before[1].buffer).toBe(buffers[1].buffer); // views, nothing copied
    expect(buffers.map(String)).toEqual(['abc', 'defg', 'h']); // the list given is left alone
  });

  test('a cut between buffers, at 0 and past the end', () => {
    const buffers = [Buffer.from('ab'), Buffer.from('cd')];
    expect(splitBuffers(buffers, 2).map((side) => side.map(String))).toEqual([['ab'], ['cd']]);
    expect(splitBuffers(buffers, 0).map((side) => side.map(String))).toEqual([[], ['ab', 'cd']]);
    expect(splitBuffers(buffers, 9).map((side) => side.map(String))).toEqual([['ab', 'cd'], []]);
  });

  test('property: the two sides hold the first `bytes` bytes and the rest, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }).map((s) => Buffer.from(s)), { maxLength: 6 }), fc.nat(60), (buffers, bytes) => {
        const [before, after] = splitBuffers(buffers, bytes);
        expect(totalLength(before)).toBe(Math.min(bytes, totalLength(buffers)));
        expect(Buffer.concat([...before, ...after]).equals(Buffer.concat(buffers))).toBe(true);
      }),
    );
  });
});
