/**
 * The one decoder of untrusted bencode: .torrent files, BEP 10 extension
 * handshakes, HTTP tracker replies. Each caller gives the limits its input
 * needs (BdecodeLimits).
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
 * dictionary's raw bytes. What it returns is plain data: numbers or bigints,
 * Buffers, arrays and BDicts (Maps, so no key can reach a prototype).
 */

export type BValue = number | bigint | Buffer | BValue[] | BDict;

const EMPTY = Buffer.alloc(0);

/** A decoded dictionary: keys as latin1 strings (one character per byte, so distinct keys stay distinct), and its exact bytes. */
export class BDict extends Map<string, BValue> {
  // Where its bytes are, rather than a Buffer view per dictionary: a hostile file may hold millions.
  private source: Buffer = EMPTY;
  private start = 0;
  private end = 0;

  /** The dictionary's bytes as they appear in the input, `d` to `e`. */
  get raw(): Buffer {
    return this.source.subarray(this.start, this.end);
  }

  /** Called by the decoder once it reaches the dictionary's `e`. */
  locate(source: Buffer, start: number, end: number): void {
    this.source = source;
    this.start = start;
    this.end = end;
  }
}

/**
 * What one input may cost. The input's size is capped where its bytes are
 * read (the file, the frame, the HTTP body), before it is all in memory; these
 * cap the work and memory of decoding it.
 */
export interface BdecodeLimits {
  /** Lists and dictionaries nested deeper than this are refused: the decoder recurses once per level. */
  maxDepth: number;
  /** Values of any type, dictionary keys included. */
  maxValues: number;
}

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
const MAX_STRING_LENGTH_DIGITS = 10;
const INTEGER = /^(0|-?[1-9][0-9]*)$/;
/** Longer than any integer a .torrent needs (a 64-bit one is 20 characters). */
const MAX_PREFIX_BYTES = 24;

/** Decodes exactly one value filling all of `bytes`, or throws a BdecodeError saying what and where. */
export function bdecode(bytes: Buffer, limits: BdecodeLimits): BValue {
  const { value, end } = bdecodePrefix(bytes, limits);
  if (end !== bytes.length) throw new BdecodeError('trailing bytes after the end of the value', end);
  return value;
}

/**
 * Decodes the one value at the start of `bytes` and says where it ends; the
 * bytes after it are not looked at (a ut_metadata piece follows its
 * dictionary, BEP 9). Throws a BdecodeError saying what and where.
 */
export function bdecodePrefix(bytes: Buffer, limits: BdecodeLimits): { value: BValue; end: number } {
  const decoder = new Decoder(bytes, limits);
  const value = decoder.value(0);
  return { value, end: decoder.position };
}

class Decoder {
  position = 0;
  private values = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly limits: BdecodeLimits,
  ) {}

  value(depth: number): BValue {
    this.count();
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
    // Up to 15 digits a double is exact; BigInt only for the rare longer ones.
    if (digits.length <= 15) return Number(digits);
    const value = BigInt(digits);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private string(): Buffer {
    const start = this.stringStart();
    return this.bytes.subarray(start, this.position);
  }

  /**
   * Reads a string's length prefix digit by digit (the hot path: a .torrent is
   * mostly strings), moves past the string, and returns where its bytes start.
   */
  private stringStart(): number {
    const { bytes } = this;
    const first = this.position;
    let length = 0;
    let at = first;
    for (; bytes[at] !== COLON; at++) {
      const digit = bytes[at] - 0x30;
      if (!(digit >= 0 && digit <= 9) || at - first >= MAX_STRING_LENGTH_DIGITS) this.fail(bytes[at] === undefined ? 'unterminated string length' : 'malformed string length', at);
      if (at > first && length === 0) this.fail('malformed string length (a leading zero)', first);
      length = length * 10 + digit;
    }
    const start = at + 1;
    if (start + length > bytes.length) this.fail(`a ${length}-byte string runs past the end of the data`, first);
    this.position = start + length;
    return start;
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
    const dict = new BDict();
    while (this.bytes[this.position] !== E) {
      const keyAt = this.position;
      const first = this.bytes[keyAt];
      if (first === undefined) this.fail('the data ends in the middle of a value');
      if (!(first >= 0x30 && first <= 0x39)) this.fail('a dictionary key is not a string');
      this.count();
      // Straight to a string: a Buffer per key would cost more than the key itself.
      const key = this.bytes.toString('latin1', this.stringStart(), this.position);
      // Two values for one key: other programs would read one or the other.
      if (dict.has(key)) this.fail(`duplicate dictionary key '${key}'`, keyAt);
      dict.set(key, this.value(depth));
    }
    this.position++;
    dict.locate(this.bytes, start, this.position);
    return dict;
  }

  private count(): void {
    if (++this.values > this.limits.maxValues) this.fail(`more than ${this.limits.maxValues} values`);
  }

  /** The ASCII text from `from` up to `terminator`, without it; only a few bytes are scanned, as the text is short. */
  private readUntil(terminator: number, from: number, what: string): string {
    const limit = Math.min(this.bytes.length, from + MAX_PREFIX_BYTES + 1);
    for (let at = from; at < limit; at++) if (this.bytes[at] === terminator) return this.bytes.toString('latin1', from, at);
    return this.fail(`unterminated ${what}`);
  }

  private fail(problem: string, at = this.position): never {
    throw new BdecodeError(problem, at);
  }
}
