import { BDict, type BValue } from '../core/bencode/bdecode.js';

export type Fail = (problem: string) => never;

/**
 * Typed reads of one bencoded dictionary of a .torrent. A key that is present
 * with the wrong type fails, naming the key by its full place in the file
 * (`'info.files[3].length'`), so the user knows what to fix.
 */
export class Fields {
  constructor(
    readonly dict: BDict,
    /** Where this dictionary sits: '' for the top level, 'info.' for the info dictionary. */
    private readonly place: string,
    readonly fail: Fail,
  ) {}

  /** The key's full name, quoted, as messages show it. */
  name(key: string): string {
    return `'${this.place}${key}'`;
  }

  has(key: string): boolean {
    return this.dict.has(key);
  }

  text(key: string): string | undefined {
    return this.optional(key, 'a string', (value) => (Buffer.isBuffer(value) ? value.toString('utf8') : undefined));
  }

  bytes(key: string): Buffer | undefined {
    return this.optional(key, 'a byte string', (value) => (Buffer.isBuffer(value) ? value : undefined));
  }

  integer(key: string): number | bigint | undefined {
    return this.optional(key, 'a whole number', (value) => (typeof value === 'number' || typeof value === 'bigint' ? value : undefined));
  }

  list(key: string): BValue[] | undefined {
    return this.optional(key, 'a list', (value) => (Array.isArray(value) ? value : undefined));
  }

  /** The dictionary under `key`, read with the same rules. */
  fields(key: string): Fields | undefined {
    const dict = this.optional(key, 'a dictionary', (value) => (value instanceof BDict ? value : undefined));
    return dict && new Fields(dict, `${this.place}${key}.`, this.fail);
  }

  private optional<T>(key: string, kind: string, read: (value: BValue) => T | undefined): T | undefined {
    const value = this.dict.get(key);
    if (value === undefined) return undefined;
    return read(value) ?? this.fail(`${this.name(key)} is not ${kind}`);
  }
}

/** A byte count: a whole number from 0 to 2^53 - 1, or a failure naming `what`. */
export function byteCount(value: BValue | undefined, what: string, fail: Fail): number {
  if (typeof value === 'number' && value >= 0) return value;
  if (value === undefined) return fail(`${what} is missing`);
  const shown = typeof value === 'number' || typeof value === 'bigint' ? String(value) : 'not a number';
  return fail(`${what} must be a whole number of bytes from 0 to 2^53, got ${shown}`);
}
