import bencode from 'bencode';
import type { BDict, BdecodeLimits } from '../../core/bencode/bdecode.js';
import { ProtocolError, type ProtocolErrorCode } from '../ProtocolError.js';
import { assertIntegerIn } from '../uint32.js';
import { decodeDictionaryPrefix } from './bencodedDictionary.js';
import { MAX_EXTENDED_PAYLOAD_BYTES } from './limits.js';

/*
 * BEP 9, the ut_metadata extension: the info dictionary travels in 16 KiB
 * pieces, each message a bencoded dictionary (`msg_type`, `piece`, and for
 * data `total_size`), a data message followed by the piece's raw bytes.
 */

/** The name in BEP 10's `m` dictionary. */
export const UT_METADATA = 'ut_metadata';

/** BEP 9: every piece is 16 KiB but the last, which may be shorter. */
export const METADATA_PIECE_BYTES = 16 * 1024;

/**
 * The largest info dictionary we fetch or accept: 8 MiB is some 400,000 piece
 * hashes or tens of thousands of files, past nearly every real torrent, and
 * what we hold in memory for a magnet link before its hash can be checked.
 */
export const MAX_METADATA_BYTES = 8 << 20;

/** How many pieces the largest accepted info dictionary has: piece numbers are below this. */
export const MAX_METADATA_PIECES = MAX_METADATA_BYTES / METADATA_PIECE_BYTES;

/** A ut_metadata dictionary is one level of three integers: any client's extra keys fit these. */
export const UT_METADATA_BDECODE_LIMITS: BdecodeLimits = { maxDepth: 8, maxValues: 100 };

export type UtMetadataMessage =
  | { type: 'request'; piece: number }
  | { type: 'data'; piece: number; totalSize: number; data: Buffer }
  | { type: 'reject'; piece: number };

const MSG_TYPE = { request: 0, data: 1, reject: 2 } as const satisfies Record<UtMetadataMessage['type'], number>;
const TYPE_BY_NUMBER = new Map(Object.entries(MSG_TYPE).map(([type, number]) => [number as number, type as UtMetadataMessage['type']]));

/** How many pieces an info dictionary of `totalSize` bytes has. */
export function metadataPieceCount(totalSize: number): number {
  return Math.ceil(totalSize / METADATA_PIECE_BYTES);
}

/** The size of piece `piece` of an info dictionary of `totalSize` bytes (the last one may be short). */
export function metadataPieceLength(totalSize: number, piece: number): number {
  return Math.min(METADATA_PIECE_BYTES, totalSize - piece * METADATA_PIECE_BYTES);
}

/** The payload of an extended message (after its id byte). Throws RangeError for a value out of its range (a caller bug). */
export function encodeUtMetadata(m: UtMetadataMessage): Buffer {
  assertIntegerIn(m.piece, 0, MAX_METADATA_PIECES - 1, 'ut_metadata piece');
  if (m.type !== 'data') return bencode.encode({ msg_type: MSG_TYPE[m.type], piece: m.piece });
  assertIntegerIn(m.totalSize, 1, MAX_METADATA_BYTES, 'ut_metadata total_size');
  assertIntegerIn(m.piece, 0, metadataPieceCount(m.totalSize) - 1, `ut_metadata piece of ${m.totalSize} bytes`);
  const expected = metadataPieceLength(m.totalSize, m.piece);
  if (m.data.length !== expected) throw new RangeError(`ut_metadata piece ${m.piece} of ${m.totalSize} bytes must be ${expected} bytes, got ${m.data.length}`);
  return Buffer.concat([bencode.encode({ msg_type: MSG_TYPE.data, piece: m.piece, total_size: m.totalSize }), m.data]);
}

/**
 * A peer's ut_metadata message, or undefined for a msg_type BEP 9 does not
 * define (BEP 9: ignore it). Refuses (ProtocolError) a payload over the
 * extended cap, malformed bencode or a missing field, a piece past
 * MAX_METADATA_PIECES or past `total_size`, a `total_size` over
 * MAX_METADATA_BYTES, and piece bytes not the size the piece must be. Bytes
 * after a request's or a reject's dictionary are ignored.
 */
export function decodeUtMetadata(payload: Buffer): UtMetadataMessage | undefined {
  if (payload.length > MAX_EXTENDED_PAYLOAD_BYTES) {
    fail('frame-too-large', `a message of ${payload.length} bytes, the cap is ${MAX_EXTENDED_PAYLOAD_BYTES}`, { lengthBytes: payload.length });
  }
  const { dictionary, end } = decodeDictionaryPrefix(payload, UT_METADATA_BDECODE_LIMITS, 'ut_metadata (BEP 9)');
  const type = TYPE_BY_NUMBER.get(integerField(dictionary, 'msg_type'));
  if (type === undefined) return undefined;
  const piece = integerField(dictionary, 'piece');
  if (piece < 0 || piece >= MAX_METADATA_PIECES) fail('bad-extension-message', `piece ${piece} is not 0-${MAX_METADATA_PIECES - 1}`, { piece });
  if (type !== 'data') return { type, piece };
  const totalSize = integerField(dictionary, 'total_size');
  if (totalSize < 1 || totalSize > MAX_METADATA_BYTES) fail('bad-extension-message', `total_size ${totalSize} is not 1-${MAX_METADATA_BYTES}`, { totalSize });
  if (piece >= metadataPieceCount(totalSize)) fail('bad-extension-message', `piece ${piece} is past the end of ${totalSize} bytes`, { piece, totalSize });
  const data = payload.subarray(end);
  const expected = metadataPieceLength(totalSize, piece);
  if (data.length !== expected) fail('bad-extension-message', `piece ${piece} of ${totalSize} bytes has ${data.length} bytes, not ${expected}`, { piece, lengthBytes: data.length });
  return { type, piece, totalSize, data };
}

function integerField(dictionary: BDict, key: string): number {
  const value = dictionary.get(key);
  return Number.isSafeInteger(value) ? (value as number) : fail('bad-extension-message', `'${key}' is missing or not an integer`);
}

function fail(code: ProtocolErrorCode, problem: string, detail?: Record<string, number>): never {
  throw new ProtocolError(code, `ut_metadata (BEP 9): ${problem}`, detail);
}
