/** A slot whose key was removed out of order. Keys are never negative. */
const HOLE = -1;

/**
 * Block keys in the order they were added, for the requests in flight to one
 * peer. Peers answer in the order asked, so a key is looked for from the
 * oldest, and is usually the first. A ring of numbers rather than a Map: a
 * Map used as a queue reallocates its table every few hundred requests, and
 * at 8,000 blocks a second those tables were much of what a download moved
 * to V8's old generation. Look-ups walk the ring, which holds at most a
 * peer's queue depth (250) and the holes left by keys removed out of order.
 */
export class BlockKeyQueue {
  private keys = new Int32Array(16);
  /** Where the oldest slot is. */
  private head = 0;
  /** Slots in use from `head`, holes included. */
  private span = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  has(key: number): boolean {
    return this.slotOf(key) !== undefined;
  }

  /** Adds a key not in the queue (the caller's invariant: a block is asked of a peer once). */
  add(key: number): void {
    if (this.span === this.keys.length) this.regrow();
    this.keys[(this.head + this.span) & (this.keys.length - 1)] = key;
    this.span++;
    this.live++;
  }

  /** Removes the key; false when it was not there. */
  delete(key: number): boolean {
    const slot = this.slotOf(key);
    if (slot === undefined) return false;
    this.keys[slot] = HOLE;
    this.live--;
    const mask = this.keys.length - 1;
    while (this.span > 0 && this.keys[this.head] === HOLE) {
      this.head = (this.head + 1) & mask;
      this.span--;
    }
    return true;
  }

  /** The keys, oldest first. */
  toArray(): number[] {
    const keys: number[] = [];
    const mask = this.keys.length - 1;
    for (let i = 0; i < this.span; i++) {
      const key = this.keys[(this.head + i) & mask];
      if (key !== HOLE) keys.push(key);
    }
    return keys;
  }

  clear(): void {
    this.head = 0;
    this.span = 0;
    this.live = 0;
  }

  private slotOf(key: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let i = 0; i < this.span; i++) {
      const slot = (this.head + i) & mask;
      if (this.keys[slot] === key) return slot;
    }
    return undefined;
  }

  /** The ring is full: its keys move, in order and without holes, to one with room for twice as many (a power of two). */
  private regrow(): void {
    const keys = this.toArray();
    let capacity = this.keys.length;
    while (capacity < 2 * keys.length) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.keys.set(keys);
    this.head = 0;
    this.span = keys.length;
  }
}
