import { BufferPool } from '../BufferPool.js';
import { Dialect } from '../Dialect.js';
import { FrameReaderLimits, recommendedMaxBufferedBytes } from '../MessageReader.js';
import { PieceGeometry, bitfieldBytes } from '../PieceGeometry.js';
import { TYPE_BYTES } from '../frame.js';
import { FrameReader } from './FrameReader.js';
import { Message } from './Message.js';
import { encodeMessage, maxMessageLength } from './MessageCodec.js';
import { checkMessage } from './MessageRules.js';

/**
 * The course's limits (protocol.md, "Messages"): a whole piece + 5, or the
 * bitfield if pieces are so small that it is longer.
 */
export function courseFrameLimits(geometry: PieceGeometry): FrameReaderLimits {
  const largest = Math.max(
    geometry.pieceCount === 0 ? 0 : maxMessageLength(geometry.pieceLength(0)),
    TYPE_BYTES + bitfieldBytes(geometry.pieceCount),
  );
  return { maxMessageLength: largest, maxBufferedBytes: recommendedMaxBufferedBytes(largest) };
}

export const courseDialect: Dialect<Message, FrameReader> = {
  name: 'course',
  newReader: (geometry: PieceGeometry, pool?: BufferPool) => new FrameReader(courseFrameLimits(geometry), pool),
  encodeMessage,
  checkMessage,
};
