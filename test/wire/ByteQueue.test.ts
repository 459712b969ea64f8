import { ByteQueue } from '../../src/wire/ByteQueue.js';

describe('ByteQueue (FrameReader internals)', () => {
  const stream = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff));

  test('takes arbitrary sizes across many small chunks, in order, compacting as it goes', () => {
    const queue = new ByteQueue();
    for (let i = 0; i < stream.length; i += 3) queue.push(stream.subarray(i, i + 3));
    expect(queue.byteLength).toBe(5000);
    let offset = 0;
    for (const size of [1, 2, 3, 4, 200, 1, 0, 999, 1500, 90, 2200]) {
      expect(queue.take(size).equals(stream.subarray(offset, offset + size))).toBe(true);
      offset += size;
      expect(queue.byteLength).toBe(5000 - offset);
    }
    expect(offset).toBe(5000);
  });

  test('copyTo peeks without consuming; skip consumes; empty chunks are ignored', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('ab'));
    queue.push(Buffer.alloc(0));
    queue.push(Buffer.from('cde'));
    const peek = Buffer.alloc(4);
    queue.copyTo(peek, 4);
    expect(peek.toString()).toBe('abcd');
    queue.skip(3);
    expect(queue.take(2).toString()).toBe('de');
    expect(queue.byteLength).toBe(0);
  });

  test('take returns memory of its own', () => {
    const queue = new ByteQueue();
    const chunk = Buffer.from('xyz');
    queue.push(chunk);
    const taken = queue.take(3);
    chunk.fill(0);
    expect(taken.toString()).toBe('xyz');
  });

  test('ownRemaining copies what is unread, so the chunks it came in may be reused', () => {
    const queue = new ByteQueue();
    const reused = Buffer.from('abcdef');
    queue.push(reused);
    queue.skip(2);
    queue.ownRemaining();
    reused.fill(0x2e); // the socket reads its next chunk into the same buffer
    queue.push(Buffer.from('gh'));
    expect(queue.byteLength).toBe(6);
    expect(queue.take(6).toString()).toBe('cdefgh');
    queue.ownRemaining(); // nothing left: nothing to do
    expect(queue.byteLength).toBe(0);
  });

  test('asking for more than is queued is a RangeError', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('a'));
    expect(() => queue.take(2)).toThrow(RangeError);
    expect(() => queue.skip(2)).toThrow(RangeError);
  });
});
