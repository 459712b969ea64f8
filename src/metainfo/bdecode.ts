/**
 * A strict bencode decoder for untrusted input (.torrent files).
 *
 * Why not the `bencode` 2 package's decode: on hostile bytes it loops forever
 * (a negative string length such as `l-3:e` moves its cursor backwards), it
 * overflows the stack on deep nesting (`l` repeated some ten thousand times),
 * a `__proto__` key replaces a dictionary's prototype, it reads past the end of
 * a truncated string, accepts `i03e`, `i-0e` and `i1.5e`, silently rounds
 * integers past 2^53, and keeps the last of duplicate keys. It also gives no
 * byte positions, and the info-hash must be taken over the info dictionary's
 * exact bytes.
 *
 * This one follows BEP 3's grammar exactly, caps the nesting depth and the
 * number of values (as libtorrent's bdecode does), and keeps each
 * dictionary's raw bytes.
 */

export type BValue = number | bigint | Buffer | BValue[] | BDict;

/** A decoded dictionary: keys as latin1 strings (one character per byte, so distinct keys stay distinct), and its exact bytes. */
export class BDict extends Map<string, BValue> {
  constructor(
    /** The dictionary's bytes as they appear in the input, `d` to `e`. */
    readonly raw: Buffer,
  ) {
    super();
  }
}

export interface BdecodeLimits {
  maxDepth: number;
  maxValues: number;
}

/** libtorrent's defaults for .torrent files (load_torrent_limits): depth 100; we allow 2 million values (some 300,000 files). */
export const TORRENT_LIMITS: BdecodeLimits = { maxDepth: 100, maxValues: 2_000_000 };

export class BdecodeError extends Error {
  override readonly name = 'BdecodeError';

  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(`${problem} at byte ${position}`);
  }
}

const I = 0x69;
const L = 0x6c;
const D = 0x64;
const E = 0x65;
const COLON = 0x3a;
/** A string's length prefix: at most 10 digits (lengths beyond that exceed any input we accept anyway). */
const STRING_LENGTH = /^(0|[1-9][0-9]{0,9})$/;
const INTEGER = /^(0|-?[1-9][0-9]*)$/;
/** Longer than any integer a .torrent needs (a 64-bit one is 20 characters). */
const MAX_PREFIX_BYTES = 24;

/** Decodes exactly one value filling all of `bytes`, or throws a BdecodeError saying what and where. */
export function bdecode(bytes: Buffer, limits: BdecodeLimits = TORRENT_LIMITS): BValue {
  const decoder = new Decoder(bytes, limits);
  const value = decoder.value(0);
  if (decoder.position !== bytes.length) throw new BdecodeError('trailing bytes after the end of the value', decoder.position);
  return value;
}

class Decoder {
  position = 0;
  private values = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly limits: BdecodeLimits,
  ) {}

  value(depth: number): BValue {
    if (++this.values > this.limits.maxValues) this.fail(`more than ${this.limits.maxValues} values`);
    const first = this.bytes[this.position];
    if (first === I) return this.integer();
    if (first === L || first === D) {
      if (depth >= this.limits.maxDepth) this.fail(`nested deeper than ${this.limits.maxDepth} levels`);
      return first === L ? this.list(depth + 1) : this.dictionary(depth + 1);
    }
    if (first !== undefined && first >= 0x30 && first <= 0x39) return this.string();
    return this.fail(first === undefined ? 'the data ends in the middle of a value' : `unexpected byte 0x${first.toString(16).padStart(2, '0')}`);
  }

  private integer(): number | bigint {
    const digits = this.readUntil(E, this.position + 1, 'integer');
    if (!INTEGER.test(digits)) this.fail(`malformed integer 'i${digits}e'`);
    this.position += digits.length + 2;
    const value = BigInt(digits);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private string(): Buffer {
    const digits = this.readUntil(COLON, this.position, 'string length');
    if (!STRING_LENGTH.test(digits)) this.fail(`malformed string length '${digits}'`);
    const start = this.position + digits.length + 1;
    const end = start + Number(digits);
    if (end > this.bytes.length) this.fail(`a ${digits}-byte string runs past the end of the data`);
    this.position = end;
    return this.bytes.subarray(start, end);
  }

  private list(depth: number): BValue[] {
    this.position++;
    const items: BValue[] = [];
    while (this.bytes[this.position] !== E) items.push(this.value(depth));
    this.position++;
    return items;
  }

  private dictionary(depth: number): BDict {
    const start = this.position++;
    const entries: [string, BValue][] = [];
    const keys = new Set<string>();
    while (this.bytes[this.position] !== E) {
      const keyAt = this.position;
      const first = this.bytes[keyAt];
      if (first !== undefined && !(first >= 0x30 && first <= 0x39)) this.fail('a dictionary key is not a string');
      const key = (this.value(depth) as Buffer).toString('latin1');
      // Two values for one key: other programs would read one or the other.
      if (keys.has(key)) this.fail(`duplicate dictionary key '${key}'`, keyAt);
      keys.add(key);
      entries.push([key, this.value(depth)]);
    }
    this.position++;
    const dict = new BDict(this.bytes.subarray(start, this.position));
    for (const [key, value] of entries) dict.set(key, value);
    return dict;
  }

  /** The ASCII text from `from` up to `terminator`, without it; both prefixes are short, so only a few bytes are scanned. */
  private readUntil(terminator: number, from: number, what: string): string {
    const length = this.bytes.subarray(from, from + MAX_PREFIX_BYTES + 1).indexOf(terminator);
    if (length < 0) this.fail(`unterminated ${what}`);
    return this.bytes.toString('latin1', from, from + length);
  }

  private fail(problem: string, at = this.position): never {
    throw new BdecodeError(problem, at);
  }
}
