/**
 * The wire layer: pure bytes <-> values. This index is the course dialect
 * (protocol.md) and what both dialects share; BitTorrent's is ./bt/index.ts.
 * Imports nothing of ours outside src/wire.
 */
export { MessageType, messageTypeName, isMessageType } from './course/MessageType.js';
export type { Message } from './course/Message.js';
export { describeMessage } from './course/Message.js';
export type { ProtocolErrorCode, ProtocolErrorDetail } from './ProtocolError.js';
export { ProtocolError } from './ProtocolError.js';
export { HANDSHAKE_LENGTH, HANDSHAKE_HEADER, encodeHandshake, decodeHandshake, checkHandshakePrefix } from './course/Handshake.js';
export type { DecodeResult } from './course/MessageCodec.js';
export { LENGTH_PREFIX_BYTES, encodeMessage, decodeMessage, maxMessageLength } from './course/MessageCodec.js';
export type { FrameReaderLimits, Framing } from './MessageReader.js';
export { MessageReader, SOCKET_CHUNK_MAX_BYTES, recommendedMaxBufferedBytes } from './MessageReader.js';
export { FrameReader } from './course/FrameReader.js';
export type { PieceGeometry } from './PieceGeometry.js';
export { checkMessage } from './course/MessageRules.js';
export { courseDialect, courseFrameLimits } from './course/dialect.js';
export type { Dialect } from './Dialect.js';
export { UINT32_MAX, isUint32 } from './uint32.js';
