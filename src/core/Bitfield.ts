/** BITS_SET[b]: how many bits of the byte b are 1. */
const BITS_SET = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v !== 0; v >>= 1) n += v & 1;
  return n;
});

/**
 * Which pieces a peer has. Wire layout (protocol.md, "bitfield"): piece 0 is the
 * high bit of byte 0, and the spare bits after the last piece are zero.
 */
export class Bitfield {
  private readonly bytes: Buffer;
  private held = 0;

  constructor(readonly pieceCount: number) {
    if (!Number.isInteger(pieceCount) || pieceCount < 0) throw new RangeError(`bad piece count ${pieceCount}`);
    this.bytes = Buffer.alloc(Bitfield.byteLength(pieceCount));
  }

  static byteLength(pieceCount: number): number {
    return Math.ceil(pieceCount / 8);
  }

  static full(pieceCount: number): Bitfield {
    const bits = new Bitfield(pieceCount);
    for (let i = 0; i < pieceCount; i++) bits.set(i);
    return bits;
  }

  /**
   * Reads a bitfield payload. Returns a description of what is wrong instead of
   * a Bitfield when the length or the spare bits break the rule.
   */
  static fromBytes(payload: Buffer, pieceCount: number): Bitfield | string {
    const expected = Bitfield.byteLength(pieceCount);
    if (payload.length !== expected) return `bitfield of ${payload.length} bytes, expected ${expected}`;
    const bits = new Bitfield(pieceCount);
    payload.copy(bits.bytes);
    const spare = expected * 8 - pieceCount;
    if (spare > 0 && (bits.bytes[expected - 1] & ((1 << spare) - 1)) !== 0) return 'bitfield has spare bits set';
    for (let i = 0; i < pieceCount; i++) if (bits.has(i)) bits.held++;
    return bits;
  }

  has(index: number): boolean {
    if (!this.inRange(index)) return false;
    return (this.bytes[index >> 3] & (0x80 >> (index & 7))) !== 0;
  }

  /** Marks a piece as held; returns false when it already was. */
  set(index: number): boolean {
    if (!this.inRange(index)) throw new RangeError(`piece ${index} out of range 0..${this.pieceCount - 1}`);
    if (this.has(index)) return false;
    this.bytes[index >> 3] |= 0x80 >> (index & 7);
    this.held++;
    return true;
  }

  /** Marks a piece as not held; returns false when it was not. */
  unset(index: number): boolean {
    if (!this.has(index)) return false;
    this.bytes[index >> 3] &= ~(0x80 >> (index & 7));
    this.held--;
    return true;
  }

  inRange(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.pieceCount;
  }

  /** How many pieces are held. */
  get count(): number {
    return this.held;
  }

  get isComplete(): boolean {
    return this.held === this.pieceCount;
  }

  get isEmpty(): boolean {
    return this.held === 0;
  }

  /** Pieces this bitfield has that `other` lacks, in index order. */
  missingFrom(other: Bitfield): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.pieceCount; i++) if (this.has(i) && !other.has(i)) out.push(i);
    return out;
  }

  /**
   * Among the pieces this bitfield has and `other` lacks (and `excluded`, if
   * given, lacks too), the one of least weight, the first found going round
   * from piece `start` when several tie; it stops at the first of weight
   * `enough` or less. Whole bytes with no such piece are skipped. Rarest-first
   * runs this for every request over thousands of candidates, so it is one
   * tight loop over typed arrays, not a callback per piece.
   */
  lightestMissingFrom(other: Bitfield, start: number, weights: ArrayLike<number>, enough: number, excluded?: Bitfield): number | undefined {
    const [mine, theirs, skip] = [this.bytes, other.bytes, excluded ? excluded.bytes : Buffer.alloc(this.bytes.length)];
    const byteCount = mine.length;
    if (byteCount === 0) return undefined;
    const startByte = Math.floor(start / 8) % byteCount;
    const startBit = start % 8;
    let best: number | undefined;
    let bestWeight = Infinity;
    // The start byte is looked at twice: its bits from startBit on first, the ones before it last.
    for (let step = 0, byte = startByte; step <= byteCount; step++, byte = byte + 1 === byteCount ? 0 : byte + 1) {
      let wanted = mine[byte] & ~theirs[byte] & ~skip[byte] & 0xff;
      if (wanted === 0) continue;
      if (step === 0) wanted &= 0xff >> startBit;
      else if (step === byteCount) wanted &= ~(0xff >> startBit) & 0xff;
      while (wanted !== 0) {
        const bit = Math.clz32(wanted) - 24; // the highest bit left: the lowest piece index
        wanted &= ~(0x80 >> bit);
        const weight = weights[byte * 8 + bit];
        if (weight < bestWeight) {
          best = byte * 8 + bit;
          bestWeight = weight;
          if (weight <= enough) return best;
        }
      }
    }
    return best;
  }

  /** How many pieces this bitfield has that `other` lacks (and `excluded`, if given). */
  countMissingFrom(other: Bitfield, excluded?: Bitfield): number {
    let count = 0;
    for (let byte = 0; byte < this.bytes.length; byte++) count += BITS_SET[this.wantedByte(other, excluded, byte)];
    return count;
  }

  /** The `n`-th (from 0, in index order) of the pieces countMissingFrom counts, else undefined. */
  nthMissingFrom(other: Bitfield, n: number, excluded?: Bitfield): number | undefined {
    let left = n;
    for (let byte = 0; byte < this.bytes.length; byte++) {
      const wanted = this.wantedByte(other, excluded, byte);
      if (left >= BITS_SET[wanted]) {
        left -= BITS_SET[wanted];
        continue;
      }
      for (let bit = 0; bit < 8; bit++) if (wanted & (0x80 >> bit) && left-- === 0) return byte * 8 + bit;
    }
    return undefined;
  }

  /** The bits of one byte held here, not by `other`, not by `excluded`. */
  private wantedByte(other: Bitfield, excluded: Bitfield | undefined, byte: number): number {
    return this.bytes[byte] & ~other.bytes[byte] & ~(excluded ? excluded.bytes[byte] : 0) & 0xff;
  }

  /** True when this bitfield holds at least one piece that `other` lacks. */
  hasAnyMissingFrom(other: Bitfield): boolean {
    for (let byte = 0; byte < this.bytes.length; byte++) {
      if ((this.bytes[byte] & ~other.bytes[byte] & 0xff) !== 0) return true;
    }
    return false;
  }

  /** Writes the pieces held here or by `other` into `into` (the same piece count), and returns it: no allocation, for a choice made often. */
  unionInto(other: Bitfield, into: Bitfield): Bitfield {
    if (other.pieceCount !== this.pieceCount || into.pieceCount !== this.pieceCount) throw new RangeError(`bitfields of ${this.pieceCount}, ${other.pieceCount} and ${into.pieceCount} pieces`);
    for (let byte = 0; byte < this.bytes.length; byte++) into.bytes[byte] = this.bytes[byte] | other.bytes[byte];
    return into;
  }

  /** A copy of the wire bytes. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }

  clone(): Bitfield {
    return Bitfield.fromBytes(this.bytes, this.pieceCount) as Bitfield;
  }

  /** "0-3,7,9-12": compact, for the debug log; cut with '...' past maxChars. */
  toRanges(maxChars = Infinity): string {
    const parts: string[] = [];
    for (let i = 0; i < this.pieceCount; i++) {
      if (!this.has(i)) continue;
      let end = i;
      while (this.has(end + 1)) end++;
      parts.push(end === i ? `${i}` : `${i}-${end}`);
      i = end;
    }
    const ranges = parts.join(',') || 'none';
    return ranges.length > maxChars ? `${ranges.slice(0, maxChars)}...` : ranges;
  }
}
