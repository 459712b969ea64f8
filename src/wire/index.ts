/** The wire layer: pure bytes <-> values for protocol.md's handshake and messages. Imports nothing of ours. */
export { MessageType, messageTypeName, isMessageType } from './MessageType.js';
export type { Message } from './Message.js';
export { describeMessage } from './Message.js';
export type { ProtocolErrorCode, ProtocolErrorDetail } from './ProtocolError.js';
export { ProtocolError } from './ProtocolError.js';
export { HANDSHAKE_LENGTH, HANDSHAKE_HEADER, encodeHandshake, decodeHandshake, checkHandshakePrefix } from './Handshake.js';
export type { DecodeResult } from './MessageCodec.js';
export { LENGTH_PREFIX_BYTES, encodeMessage, decodeMessage, maxMessageLength } from './MessageCodec.js';
export type { FrameReaderLimits } from './FrameReader.js';
export { FrameReader, SOCKET_CHUNK_MAX_BYTES, recommendedMaxBufferedBytes } from './FrameReader.js';
export type { PieceGeometry } from './MessageRules.js';
export { checkMessage } from './MessageRules.js';
export { UINT32_MAX, isUint32 } from './uint32.js';
