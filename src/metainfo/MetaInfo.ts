import { createHash } from 'crypto';
import { BDict, BdecodeError, bdecode, type BValue } from '../core/bencode/bdecode.js';
import { Fields, type Fail } from './fields.js';
import { torrentFiles, torrentName, type TorrentFile } from './infoFiles.js';
import { MAX_METAINFO_BYTES, MAX_PIECE_LENGTH, PIECE_HASH_BYTES, TORRENT_BDECODE_LIMITS } from './limits.js';
import { MetaInfoError } from './MetaInfoError.js';
import { tooLarge } from './readMetaInfoFile.js';
import { trackerTiers } from './trackers.js';

export { PIECE_HASH_BYTES } from './limits.js';
export type { TorrentFile } from './infoFiles.js';

/** A metainfo (.torrent), validated: single-file or multi-file, v1 or the v1 part of a hybrid. */
export interface MetaInfo {
  name: string;
  /** The total of every file's length, padding included: the bytes the pieces cover. */
  length: number;
  pieceLength: number;
  pieceCount: number;
  /** The 20-byte SHA-1 of each piece, in order. */
  pieceHashes: Buffer[];
  /** The files laid end to end in this order make the pieces. One for a single-file torrent. */
  files: TorrentFile[];
  /** `info.files` (the files sit in a folder named `name`) rather than `info.length`. */
  multiFile: boolean;
  announce?: string;
  /** BEP 12 tiers of tracker URLs, tried in order (`[[announce]]` without an announce-list). */
  trackerTiers: string[][];
  /** BEP 27 `private: 1`: only the torrent's trackers find peers (no DHT, no peer exchange). */
  isPrivate: boolean;
  /** 'hybrid': a BEP 52 torrent that also has a v1 part, which is what is read here. */
  version: 'v1' | 'hybrid';
  comment?: string;
  createdBy?: string;
  creationDate?: Date;
  /** SHA-1 of the info dictionary's bytes as they are in the file: the torrent's identity. */
  infoHash: Buffer;
  /** The info dictionary's bytes as they are in the file: what ut_metadata (BEP 9) serves to a magnet link's peers. */
  infoDictionary: Buffer;
}

/**
 * Reads a bencoded metainfo and checks everything a hostile file could get
 * wrong: its size, bad bencode (see core/bencode/bdecode.ts), missing or mistyped keys,
 * unsafe paths, files that collide, `pieces` not matching the length.
 */
export function parseMetaInfo(bytes: Buffer, file: string): MetaInfo {
  const fail: Fail = (problem) => {
    throw new MetaInfoError(file, problem);
  };
  if (bytes.length > MAX_METAINFO_BYTES) fail(tooLarge());
  const top = decode(bytes, fail);
  const info = top.fields('info') ?? fail("no 'info' dictionary");
  const version = metaVersion(info);
  const name = torrentName(info);
  const { files, multiFile, total: length } = torrentFiles(info, name);
  const pieceLength = info.integer('piece length');
  if (typeof pieceLength !== 'number' || pieceLength < 1) return fail(`${info.name('piece length')} is missing or not a positive whole number`);
  if (pieceLength > MAX_PIECE_LENGTH) fail(`${info.name('piece length')} is ${pieceLength} bytes: more than the ${MAX_PIECE_LENGTH} a piece may be`);
  const pieceHashes = hashesOf(info, length, pieceLength);
  const { announce, tiers } = trackerTiers(top);
  const creationSeconds = top.integer('creation date');
  return {
    name,
    length,
    pieceLength,
    pieceCount: pieceHashes.length,
    pieceHashes,
    files,
    multiFile,
    announce,
    trackerTiers: tiers,
    isPrivate: info.dict.get('private') === 1,
    version,
    comment: top.text('comment'),
    createdBy: top.text('created by'),
    creationDate: typeof creationSeconds === 'number' ? new Date(creationSeconds * 1000) : undefined,
    // The bytes as they are: a re-encoding would differ for a file with unsorted keys, and so would the hash.
    infoHash: createHash('sha1').update(info.dict.raw).digest(),
    infoDictionary: info.dict.raw,
  };
}

function decode(bytes: Buffer, fail: Fail): Fields {
  let top: BValue;
  try {
    top = bdecode(bytes, TORRENT_BDECODE_LIMITS);
  } catch (error) {
    if (error instanceof BdecodeError) return fail(`not valid bencode: ${error.message}`);
    throw error;
  }
  return top instanceof BDict ? new Fields(top, '', fail) : fail('not a bencoded dictionary');
}

/**
 * BEP 52: `meta version 2` marks a v2 torrent. A hybrid one also carries v1's
 * `pieces` and `length` or `files`, and v1 clients use that part (with the
 * SHA-1 of the whole info dictionary as its info-hash); a v2-only one cannot be read.
 */
function metaVersion(info: Fields): MetaInfo['version'] {
  const version = info.integer('meta version');
  if (version === undefined) return 'v1';
  if (version !== 2) return info.fail(`${info.name('meta version')} is ${version}: only BEP 52's version 2 is known`);
  if (info.has('pieces') && (info.has('length') || info.has('files'))) return 'hybrid';
  return info.fail("is a v2-only torrent (BEP 52 'meta version' 2, no v1 'pieces'): swarmlab reads v1 torrents and the v1 part of hybrid ones");
}

function hashesOf(info: Fields, length: number, pieceLength: number): Buffer[] {
  const pieces = info.bytes('pieces') ?? info.fail(`${info.name('pieces')} is missing or not a byte string`);
  if (pieces.length % PIECE_HASH_BYTES !== 0) info.fail(`${info.name('pieces')} is ${pieces.length} bytes, not a multiple of ${PIECE_HASH_BYTES}`);
  const pieceCount = Math.ceil(length / pieceLength);
  if (pieces.length / PIECE_HASH_BYTES !== pieceCount) {
    info.fail(`${info.name('pieces')} holds ${pieces.length / PIECE_HASH_BYTES} hashes, but ${length} bytes in ${pieceLength}-byte pieces make ${pieceCount}`);
  }
  return Array.from({ length: pieceCount }, (_, i) => pieces.subarray(i * PIECE_HASH_BYTES, (i + 1) * PIECE_HASH_BYTES));
}
