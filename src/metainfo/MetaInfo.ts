import { createHash } from 'crypto';
import bencode from 'bencode';
import { MetaInfoError } from './MetaInfoError.js';

/** SHA-1 digests are 20 bytes; `pieces` is their concatenation. */
export const PIECE_HASH_BYTES = 20;

/** A single-file metainfo (.torrent), validated. */
export interface MetaInfo {
  name: string;
  length: number;
  pieceLength: number;
  pieceCount: number;
  /** The 20-byte SHA-1 of each piece, in order. */
  pieceHashes: Buffer[];
  announce?: string;
  /** SHA-1 of the bencoded info dictionary: the torrent's identity. */
  infoHash: Buffer;
}

type Dict = Record<string, unknown>;

/**
 * Reads a bencoded single-file metainfo and checks everything a hostile file
 * could get wrong: bad bencode, trailing bytes, missing or mistyped keys,
 * `pieces` not a multiple of 20, a piece count that does not match the length,
 * a name that is a path.
 */
export function parseMetaInfo(bytes: Buffer, file: string): MetaInfo {
  const fail = (problem: string): never => {
    throw new MetaInfoError(file, problem);
  };
  let top: unknown;
  try {
    top = bencode.decode(bytes);
  } catch (error) {
    return fail(`not valid bencode (${(error as Error).message})`);
  }
  if (!isDict(top)) return fail('not a bencoded dictionary');
  // bencode stops at the end of the first value: anything after it, or a
  // non-canonical encoding (which would change the info-hash), is refused.
  if (bencode.encodingLength(top) !== bytes.length) return fail('trailing bytes or non-canonical bencode');
  const info = top.info;
  if (!isDict(info)) return fail("no 'info' dictionary");
  if (info.files !== undefined) return fail('a multi-file torrent: only single-file torrents are supported');

  const name = text(info.name) ?? fail("'info.name' is missing or not a string");
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name) || name.includes('\0')) {
    fail(`'info.name' must be a plain file name, got '${name}'`);
  }
  const length = positiveInteger(info.length) ?? fail("'info.length' is missing or not a positive whole number");
  const pieceLength = positiveInteger(info['piece length']) ?? fail("'info.piece length' is missing or not a positive whole number");
  const pieces = Buffer.isBuffer(info.pieces) ? info.pieces : fail("'info.pieces' is missing or not a byte string");
  if (pieces.length % PIECE_HASH_BYTES !== 0) fail(`'info.pieces' is ${pieces.length} bytes, not a multiple of ${PIECE_HASH_BYTES}`);
  const pieceCount = Math.ceil(length / pieceLength);
  if (pieces.length / PIECE_HASH_BYTES !== pieceCount) {
    fail(`'info.pieces' holds ${pieces.length / PIECE_HASH_BYTES} hashes, but ${length} bytes in ${pieceLength}-byte pieces make ${pieceCount}`);
  }
  const announce = top.announce === undefined ? undefined : (text(top.announce) ?? fail("'announce' is not a string"));
  const pieceHashes = Array.from({ length: pieceCount }, (_, i) => pieces.subarray(i * PIECE_HASH_BYTES, (i + 1) * PIECE_HASH_BYTES));
  const infoHash = createHash('sha1').update(bencode.encode(info)).digest();
  return { name, length, pieceLength, pieceCount, pieceHashes, announce, infoHash };
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function text(value: unknown): string | undefined {
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
