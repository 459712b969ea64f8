/** The wire layer: pure bytes <-> values for protocol.md's handshake and messages. Imports nothing of ours. */
export { MessageType, messageTypeName, isMessageType } from './MessageType';
export type { Message } from './Message';
export { describeMessage } from './Message';
export type { ProtocolErrorCode, ProtocolErrorDetail } from './ProtocolError';
export { ProtocolError } from './ProtocolError';
export { HANDSHAKE_LENGTH, HANDSHAKE_HEADER, encodeHandshake, decodeHandshake, checkHandshakePrefix } from './Handshake';
export type { DecodeResult } from './MessageCodec';
export { LENGTH_PREFIX_BYTES, encodeMessage, decodeMessage, maxMessageLength } from './MessageCodec';
export type { FrameReaderLimits } from './FrameReader';
export { FrameReader, SOCKET_CHUNK_MAX_BYTES, recommendedMaxBufferedBytes } from './FrameReader';
export type { PieceGeometry } from './MessageRules';
export { checkMessage } from './MessageRules';
export { UINT32_MAX, isUint32 } from './uint32';
