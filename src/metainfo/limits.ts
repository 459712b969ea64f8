import type { BdecodeLimits } from '../core/bencode/bdecode.js';

/** SHA-1 digests are 20 bytes; `pieces` is their concatenation. */
export const PIECE_HASH_BYTES = 20;

/**
 * A larger .torrent is refused before it is read whole or decoded: the largest
 * real ones (hundreds of thousands of files, or a million pieces) are a few MiB
 * to some 20 MiB.
 */
export const MAX_METAINFO_BYTES = 32 << 20;

/** 256 TiB: past any real torrent, and far inside exact integer arithmetic (2^53). */
export const MAX_TOTAL_BYTES = 2 ** 48;

/** A piece is hashed and buffered whole: 128 MiB is 8 times the largest piece size in common use. */
export const MAX_PIECE_LENGTH = 128 << 20;

/**
 * Decoding a .torrent: libtorrent's bdecode defaults, depth 100 and a million
 * values (some 140,000 files). At that cap a hostile file of 4 MB of empty
 * dictionaries costs about 250 MB and a second while it is decoded, measured
 * here; twice the cap, twice that.
 */
export const TORRENT_BDECODE_LIMITS: BdecodeLimits = { maxDepth: 100, maxValues: 1_000_000 };
