/** A slot whose key was removed out of order. Keys are never negative. */
const HOLE = -1;

/**
 * Block keys in the order they were added, with when each was added, for the
 * requests in flight to one peer. Peers answer in the order asked, so a key is
 * looked for from the oldest, and is usually the first. A ring of numbers
 * rather than a Map: a Map used as a queue reallocates its table every few
 * hundred requests, and at 8,000 blocks a second those tables were much of
 * what a download moved to V8's old generation. Look-ups walk the ring, which
 * holds at most a peer's queue depth (250) and the holes left by keys removed
 * out of order.
 */
export class BlockKeyQueue {
  private keys = new Int32Array(16);
  /** When each slot's key was added (ms), beside it. */
  private addedAt = new Float64Array(16);
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

  /** Adds a key not in the queue (the caller's invariant: a block is asked of a peer once), added at `atMs`. */
  add(key: number, atMs = 0): void {
    if (this.span === this.keys.length) this.regrow();
    const slot = (this.head + this.span) & (this.keys.length - 1);
    this.keys[slot] = key;
    this.addedAt[slot] = atMs;
    this.span++;
    this.live++;
  }

  /** Removes the key; false when it was not there. */
  delete(key: number): boolean {
    return this.take(key) !== undefined;
  }

  /** Removes the key and returns when it was added; undefined when it was not there. */
  take(key: number): number | undefined {
    const slot = this.slotOf(key);
    if (slot === undefined) return undefined;
    const atMs = this.addedAt[slot];
    this.keys[slot] = HOLE;
    this.live--;
    const mask = this.keys.length - 1;
    while (this.span > 0 && this.keys[this.head] === HOLE) {
      this.head = (this.head + 1) & mask;
      this.span--;
    }
    return atMs;
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

  /** The ring is full: its keys and their times move, in order and without holes, to one with room for twice as many (a power of two). */
  private regrow(): void {
    const keys: number[] = [];
    const times: number[] = [];
    const mask = this.keys.length - 1;
    for (let i = 0; i < this.span; i++) {
      const slot = (this.head + i) & mask;
      if (this.keys[slot] === HOLE) continue;
      keys.push(this.keys[slot]);
      times.push(this.addedAt[slot]);
    }
    let capacity = this.keys.length;
    while (capacity < 2 * keys.length) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.keys.set(keys);
    this.addedAt = new Float64Array(capacity);
    this.addedAt.set(times);
    this.head = 0;
    this.span = keys.length;
  }
}
