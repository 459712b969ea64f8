import type { promises as fs } from 'fs';
import { HandlePool } from '../../src/storage/HandlePool.js';

/** Fake handles that record their opening and closing. */
function recorder() {
  const events: string[] = [];
  const open = async (index: number) => {
    events.push(`open ${index}`);
    return { close: async () => void events.push(`close ${index}`) } as unknown as fs.FileHandle;
  };
  return { events, open };
}

const noop = async () => undefined;

describe('HandlePool', () => {
  test('keeps at most its capacity open, closing the least recently used', async () => {
    const { events, open } = recorder();
    const pool = new HandlePool(2, open);
    await pool.use(0, noop);
    await pool.use(1, noop);
    await pool.use(0, noop);
    await pool.use(2, noop);
    expect(events).toEqual(['open 0', 'open 1', 'open 2', 'close 1']);
    expect(pool.openCount).toBe(2);
    await pool.closeAll();
    expect(events.slice(-2).sort()).toEqual(['close 0', 'close 2']);
    expect(pool.openCount).toBe(0);
  });

  test('a handle in use is never closed under its user', async () => {
    const { events, open } = recorder();
    const pool = new HandlePool(1, open);
    let finish!: () => void;
    const slow = pool.use(0, () => new Promise<void>((resolve) => (finish = resolve)));
    await pool.use(1, noop);
    // 1 was the most recent, but 0 is busy: 1 goes, 0 stays.
    expect(events).toEqual(['open 0', 'open 1', 'close 1']);
    finish();
    await slow;
    expect(events).toEqual(['open 0', 'open 1', 'close 1']);
    expect(pool.openCount).toBe(1);
  });

  test('a failed open is tried again on the next use', async () => {
    let attempts = 0;
    const pool = new HandlePool(4, async () => {
      if (++attempts === 1) throw new Error('EMFILE');
      return { close: async () => undefined } as unknown as fs.FileHandle;
    });
    await expect(pool.use(0, noop)).rejects.toThrow('EMFILE');
    await expect(pool.use(0, async () => 'read')).resolves.toBe('read');
    expect(attempts).toBe(2);
  });
});
