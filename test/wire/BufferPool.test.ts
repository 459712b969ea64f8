import { BufferPool } from '../../src/wire/BufferPool.js';

describe('BufferPool', () => {
  test('a released buffer is lent again: same memory, no new allocation', () => {
    const pool = new BufferPool(4);
    const first = pool.acquire(20_000);
    expect(first.length).toBe(20_000);
    first.fill(1);
    pool.release(first);
    expect(pool.idleCount).toBe(1);
    const second = pool.acquire(20_000);
    expect(second.buffer).toBe(first.buffer);
    expect(pool.idleCount).toBe(0);
  });

  test('sizes are rounded to whole KiB: a block\'s frame takes 17 KiB, and any size rounding to it shares its buffers', () => {
    const pool = new BufferPool(4);
    const piece = pool.acquire(16_384 + 13);
    expect(piece.buffer.byteLength).toBe(17_408);
    pool.release(piece);
    const shorter = pool.acquire(17_000); // the same KiB count: the same buffer
    expect(shorter.buffer).toBe(piece.buffer);
    expect(shorter.length).toBe(17_000);
    const other = pool.acquire(40_000); // another size: a buffer of its own
    expect(other.buffer).not.toBe(piece.buffer);
  });

  test('a view into a lent buffer gives the whole buffer back', () => {
    const pool = new BufferPool(4);
    const frame = pool.acquire(16_393);
    pool.release(frame.subarray(9)); // e.g. a piece's data within its received frame
    expect(pool.idleCount).toBe(1);
  });

  test('giving back twice, or giving back what it never lent, changes nothing', () => {
    const pool = new BufferPool(4);
    const lent = pool.acquire(32_768);
    pool.release(lent);
    pool.release(lent);
    expect(pool.idleCount).toBe(1);
    pool.release(Buffer.alloc(32_768));
    pool.release(Buffer.from('small'));
    expect(pool.idleCount).toBe(1);
    // The twice-released buffer is lent only once more.
    const a = pool.acquire(32_768);
    const b = pool.acquire(32_768);
    expect(a.buffer).not.toBe(b.buffer);
  });

  test('keeps at most maxIdle buffers of a size; the rest are left to the collector', () => {
    const pool = new BufferPool(2);
    const lent = [1, 2, 3, 4].map(() => pool.acquire(65_536));
    for (const buffer of lent) pool.release(buffer);
    expect(pool.idleCount).toBe(2);
  });

  test('keeps more of a small size, up to idleBytesPerSize bytes of them', () => {
    const pool = new BufferPool(2, 16_384, 65_536);
    const small = [1, 2, 3, 4, 5, 6].map(() => pool.acquire(16_384));
    const large = [1, 2, 3, 4].map(() => pool.acquire(65_536));
    for (const buffer of [...small, ...large]) pool.release(buffer);
    expect(pool.idleCount).toBe(4 + 2); // 64 KiB of 16 KiB buffers; of 64 KiB ones, maxIdle
  });

  test('small requests are plain allocations, never pooled', () => {
    const pool = new BufferPool(4);
    const small = pool.acquire(100);
    expect(small.length).toBe(100);
    pool.release(small);
    expect(pool.idleCount).toBe(0);
  });
});
