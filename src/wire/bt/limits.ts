import { FrameReaderLimits, recommendedMaxBufferedBytes } from '../MessageReader.js';
import { bitfieldBytes } from '../PieceGeometry.js';
import { TYPE_BYTES } from '../frame.js';

/**
 * BEP 3's block: requests ask for 16 KiB (the last block of a piece may be
 * shorter), and clients refuse more (bittorrent.md). So do we, both ways.
 */
export const BLOCK_BYTES = 16 * 1024;

/** Piece index and offset within it: the head of request, cancel, reject and piece payloads. */
export const BLOCK_HEAD_BYTES = 8;

/**
 * The largest extended message (BEP 10) we accept, after its 1-byte extended id.
 * The largest legitimate one is a ut_metadata data message (BEP 9): a bencoded
 * dict of a few dozen bytes (`msg_type`, `piece`, `total_size`) followed by one
 * 16 KiB piece of metadata. An extension handshake is a few hundred bytes and a
 * ut_pex message (BEP 11: at most 50 added and 50 dropped peers) under 4 KiB.
 * So a block plus 1 KiB for the dict: a larger one is refused from its header.
 */
export const MAX_EXTENDED_PAYLOAD_BYTES = BLOCK_BYTES + 1024;

/** Largest legal length-field value per kind that can vary (the others have fixed sizes). */
export const MAX_PIECE_MESSAGE_LENGTH = TYPE_BYTES + BLOCK_HEAD_BYTES + BLOCK_BYTES; // 16 KiB + 9: the "+ 13" of BEP 3 counts the prefix
export const MAX_EXTENDED_MESSAGE_LENGTH = TYPE_BYTES + 1 + MAX_EXTENDED_PAYLOAD_BYTES;

/**
 * The largest legal message for a torrent of `pieceCount` pieces: an extended
 * message, or the bitfield if the torrent has more than 139,272 pieces.
 */
/**
 * The most pieces a torrent of ours can have: a .torrent of at most 32 MiB
 * (metainfo/limits.ts) lists fewer than 2^21. It bounds a bitfield's frame
 * while the piece count is not known yet (fetching a magnet link's metadata).
 */
export const MAX_PIECE_COUNT = 2 ** 21;

export function btMaxMessageLength(pieceCount: number): number {
  return Math.max(MAX_PIECE_MESSAGE_LENGTH, MAX_EXTENDED_MESSAGE_LENGTH, TYPE_BYTES + bitfieldBytes(pieceCount));
}

/** The reader's limits for a torrent of `pieceCount` pieces (architecture.md, practice 2). */
export function btFrameLimits(pieceCount: number): FrameReaderLimits {
  const maxMessageLength = btMaxMessageLength(pieceCount);
  return { maxMessageLength, maxBufferedBytes: recommendedMaxBufferedBytes(maxMessageLength) };
}
