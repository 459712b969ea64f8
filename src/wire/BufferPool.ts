/**
 * Piece-sized buffers lent out and given back, so that moving a file does not
 * leave one fresh buffer per piece to the garbage collector. Those buffers live
 * outside the JavaScript heap, and V8 collects them late: with a new 256 KiB
 * buffer per piece received, per piece read to serve and per frame encoded, a
 * peer moving 1 GiB peaked near 170 MiB of resident memory, most of it garbage.
 *
 * Ownership is explicit and one-way: acquire() hands a buffer to the caller,
 * who may pass it on (a received piece goes from the frame reader to the store;
 * a piece read to serve goes from the store to the connection); whoever is last
 * to need its bytes calls release(), and must not touch it afterwards. A buffer
 * that is never given back is only garbage, as without a pool: the pool holds
 * no reference to what it lent. It keeps at most `maxIdle` buffers of a size,
 * or more of a small size, up to `idleBytesPerSize` bytes of them.
 */
export class BufferPool {
  /**
   * Sizes are rounded up to whole KiB, so that a few sizes serve everything:
   * a BitTorrent block's frame (16 KiB and 13 bytes) takes 17 KiB, where a
   * whole page took 20 (a quarter of the memory of the blocks in flight).
   */
  static readonly GRANULE_BYTES = 1024;
  private readonly idleBySize = new Map<number, Buffer[]>();
  /** The backing stores currently lent: weak, so a buffer never given back can still be collected. */
  private readonly lent = new WeakSet<ArrayBuffer>();

  constructor(
    /** Buffers kept for reuse per size; what comes back beyond that is left to the collector. */
    private readonly maxIdle: number,
    /** Requests smaller than this are plain allocations: Node's own slab serves them cheaply. */
    private readonly minPooledBytes = 16 * 1024,
    /** Small buffers kept for reuse per size, in bytes, when that is more than `maxIdle` of them. */
    private readonly idleBytesPerSize = 0,
  ) {}

  /** A buffer of exactly `bytes` bytes, contents undefined, owned by the caller until release(). */
  acquire(bytes: number): Buffer {
    if (bytes < this.minPooledBytes) return Buffer.allocUnsafe(bytes);
    const size = Math.ceil(bytes / BufferPool.GRANULE_BYTES) * BufferPool.GRANULE_BYTES;
    const whole = this.idleBySize.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
    this.lent.add(whole.buffer as ArrayBuffer);
    return whole.subarray(0, bytes);
  }

  /**
   * Gives back a buffer from acquire() (or any view into it). Anything else, or
   * a buffer given back twice, is ignored, so a caller may release whatever it
   * was handed without knowing where it came from.
   */
  release(buffer: Buffer): void {
    const backing = buffer.buffer as ArrayBuffer;
    if (!this.lent.has(backing)) return;
    this.lent.delete(backing);
    let idle = this.idleBySize.get(backing.byteLength);
    if (!idle) this.idleBySize.set(backing.byteLength, (idle = []));
    if (idle.length < Math.max(this.maxIdle, Math.floor(this.idleBytesPerSize / backing.byteLength))) idle.push(Buffer.from(backing));
  }

  /** Buffers waiting for reuse, all sizes together. */
  get idleCount(): number {
    let count = 0;
    for (const idle of this.idleBySize.values()) count += idle.length;
    return count;
  }
}

/**
 * The process's pool of piece and block buffers, shared by every connection's
 * frame reader and the stores: a peer has one piece size, so a few buffers
 * serve every neighbour in turn. Eight idle of each size is 2 MiB for 256 KiB
 * pieces; of 16 KiB blocks, those waiting for the disk (up to 2 MiB, see
 * torrent/Downloader.ts) come back together, and 2 MiB of them are kept.
 */
export const pieceBuffers = new BufferPool(8, 16 * 1024, 4 * 1024 * 1024);
