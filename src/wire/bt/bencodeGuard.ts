import bencode from 'bencode';
import { ProtocolError } from '../ProtocolError.js';

/*
 * bencode 2's decoder trusts its input, and extension payloads come from
 * anyone: nesting a few thousand deep overflows its recursion (RangeError), a
 * negative string length walks it backwards until the stack overflows, a string
 * length past the end is silently cut short, and a `__proto__` key replaces the
 * decoded dictionary's prototype. So a payload is first checked here, in one
 * pass without recursion, to be one well-formed value of bounded depth; only
 * then is it handed to bencode. (Checked with bencode 2.0.3.)
 */

/** Deep enough for every BEP message (BEP 10's handshake is 2 levels), far below bencode 2's recursion limit. */
export const MAX_BENCODE_DEPTH = 32;

const INTEGER = 0x69; // 'i'
const LIST = 0x6c; // 'l'
const DICTIONARY = 0x64; // 'd'
const END = 0x65; // 'e'
const COLON = 0x3a; // ':'
const MINUS = 0x2d; // '-'

type Container = { kind: 'list' | 'dictionary'; keyNext: boolean };

/**
 * Where the bencoded value at the start of `bytes` ends; bytes after it are
 * not looked at (a ut_metadata piece follows its dictionary, BEP 9). Throws
 * ProtocolError 'bad-bencode' for anything but one complete, well-formed value
 * (integers of digits, string lengths within the bytes, string keys) nested at
 * most `maxDepth` deep.
 */
export function bencodedValueEnd(bytes: Buffer, maxDepth = MAX_BENCODE_DEPTH): number {
  const open: Container[] = [];
  let position = 0;
  for (;;) {
    const top = open.at(-1);
    const byte = bytes[position];
    if (byte === END && top !== undefined) {
      if (!top.keyNext) throw badBencode('a dictionary key without a value', position);
      open.pop();
      position++;
    } else {
      if (top?.kind === 'dictionary' && top.keyNext && !isDigit(byte)) throw badBencode('a dictionary key that is not a string', position);
      if (byte === DICTIONARY || byte === LIST) {
        if (open.length >= maxDepth) throw badBencode(`nested deeper than ${maxDepth}`, position);
        open.push({ kind: byte === DICTIONARY ? 'dictionary' : 'list', keyNext: true });
        position++;
        continue; // this value ends at its 'e'
      }
      position = byte === INTEGER ? integerEnd(bytes, position) : stringEnd(bytes, position);
    }
    const parent = open.at(-1);
    if (parent === undefined) return position;
    if (parent.kind === 'dictionary') parent.keyNext = !parent.keyNext;
  }
}

/**
 * The bencoded dictionary at the start of `bytes` and where it ends, decoded by
 * bencode 2 once bencodedValueEnd has passed it (strings stay Buffers), or
 * undefined if `bytes` starts with another type of value.
 */
export function decodeDictionary(bytes: Buffer): { dictionary: Record<string, unknown>; end: number } | undefined {
  if (bytes[0] !== DICTIONARY) return undefined;
  const end = bencodedValueEnd(bytes);
  return { dictionary: bencode.decode(bytes.subarray(0, end)) as Record<string, unknown>, end };
}

function integerEnd(bytes: Buffer, start: number): number {
  let position = start + 1;
  if (bytes[position] === MINUS) position++;
  const digitsStart = position;
  while (isDigit(bytes[position])) position++;
  if (position === digitsStart || bytes[position] !== END) throw badBencode('an integer that is not i<digits>e', start);
  return position + 1;
}

function stringEnd(bytes: Buffer, start: number): number {
  if (start >= bytes.length) throw badBencode('the value ends early', start);
  let length = 0;
  let position = start;
  while (isDigit(bytes[position])) {
    length = length * 10 + (bytes[position] - 0x30);
    if (length > bytes.length) throw badBencode('a string longer than the payload', start);
    position++;
  }
  if (position === start) throw badBencode(`an unexpected byte 0x${bytes[start].toString(16).padStart(2, '0')}`, start);
  if (bytes[position] !== COLON) throw badBencode('a string length not followed by a colon', start);
  const end = position + 1 + length;
  if (end > bytes.length) throw badBencode('a string longer than the payload', start);
  return end;
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

function badBencode(what: string, offset: number): ProtocolError {
  return new ProtocolError('bad-bencode', `bencoded payload has ${what} at byte ${offset}`, { offset });
}
