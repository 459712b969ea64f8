import type { promises as fs } from 'fs';

interface Entry {
  handle: Promise<fs.FileHandle>;
  /** Operations running on the handle: it is never closed under them. */
  users: number;
}

/**
 * Open file handles by file index, at most `capacity` kept open: a torrent may
 * have more files than a process may open (often 1,024), so the least recently
 * used idle handle is closed to make room (libtorrent's file pool does the
 * same, with 40). A handle in use is never closed; the pool may then hold more
 * than `capacity` for a moment.
 */
export class HandlePool {
  /** In order of use, the most recent last. */
  private readonly entries = new Map<number, Entry>();
  /** The file last used: using it again changes no order (a Map's delete and set, per block, kept reallocating its table). */
  private lastUsed: number | undefined;

  constructor(
    private readonly capacity: number,
    private readonly open: (fileIndex: number) => Promise<fs.FileHandle>,
  ) {}

  get openCount(): number {
    return this.entries.size;
  }

  async use<T>(fileIndex: number, operation: (handle: fs.FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(fileIndex);
    if (!entry || this.lastUsed !== fileIndex) {
      entry ??= this.opening(fileIndex);
      this.entries.delete(fileIndex);
      this.entries.set(fileIndex, entry);
      this.lastUsed = fileIndex;
    }
    entry.users++;
    try {
      return await operation(await entry.handle);
    } finally {
      entry.users--;
      if (this.entries.size > this.capacity) await this.trim();
    }
  }

  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(closeEntry));
  }

  private opening(fileIndex: number): Entry {
    const entry: Entry = { handle: this.open(fileIndex), users: 0 };
    // A failed open is forgotten, so that the next use tries again.
    entry.handle.catch(() => {
      if (this.entries.get(fileIndex) === entry) this.entries.delete(fileIndex);
    });
    return entry;
  }

  private async trim(): Promise<void> {
    const closing: Entry[] = [];
    for (const [fileIndex, entry] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (entry.users > 0) continue;
      this.entries.delete(fileIndex);
      closing.push(entry);
    }
    await Promise.all(closing.map(closeEntry));
  }
}

async function closeEntry(entry: Entry): Promise<void> {
  await entry.handle.then(
    (handle) => handle.close(),
    () => undefined,
  );
}
