/**
 * A FIFO of received chunks that is read without re-concatenating: bytes are
 * copied once, into the buffer of the frame they belong to. A 32 KiB piece that
 * arrives in 1-byte chunks costs linear time, not quadratic.
 *
 * Chunks are kept by reference, not copied: the pusher must not modify a
 * chunk after pushing it (socket 'data' buffers are never reused, so net is
 * fine), or must call ownRemaining() before it does (a socket reading into one
 * reused buffer).
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private headIndex = 0; // chunks before this one are fully consumed
  private headOffset = 0; // bytes of chunks[headIndex] already consumed
  private length = 0;

  get byteLength(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Copies the first `count` queued bytes into `target` at offset 0, without consuming them. */
  copyTo(target: Buffer, count: number): void {
    if (count > this.length || count > target.length) throw new RangeError(`cannot copy ${count} of ${this.length} queued bytes`);
    let copied = 0;
    let offset = this.headOffset;
    for (let i = this.headIndex; copied < count; i++) {
      const chunk = this.chunks[i];
      const take = Math.min(chunk.length - offset, count - copied);
      chunk.copy(target, copied, offset, offset + take);
      copied += take;
      offset = 0;
    }
  }

  /** Returns a new buffer that owns the first `count` bytes, and consumes them. */
  take(count: number): Buffer {
    const out = Buffer.allocUnsafe(count); // every byte is overwritten by copyTo
    this.copyTo(out, count);
    this.skip(count);
    return out;
  }

  /**
   * Copies the bytes not yet consumed into one buffer of their own, so the
   * chunks they came in may be reused. At most an unfinished frame is left
   * after a drained read, so this copies little.
   */
  ownRemaining(): void {
    if (this.length === 0) return;
    const owned = this.take(this.length);
    this.chunks = [owned];
    this.headIndex = 0;
    this.headOffset = 0;
    this.length = owned.length;
  }

  /** Consumes `count` bytes. */
  skip(count: number): void {
    if (count > this.length) throw new RangeError(`cannot skip ${count} of ${this.length} queued bytes`);
    this.length -= count;
    let left = count;
    while (left > 0) {
      const available = this.chunks[this.headIndex].length - this.headOffset;
      if (left < available) {
        this.headOffset += left;
        left = 0;
      } else {
        left -= available;
        this.headIndex++;
        this.headOffset = 0;
      }
    }
    this.compact();
  }

  /**
   * Drops consumed chunk references. Done in bulk (not one Array.shift per
   * chunk, which is linear in the array) once they are half the array, so the
   * cost stays amortised constant per chunk.
   */
  private compact(): void {
    if (this.headIndex === this.chunks.length) {
      this.chunks = [];
      this.headIndex = 0;
    } else if (this.headIndex >= 64 && this.headIndex * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.headIndex);
      this.headIndex = 0;
    }
  }
}
