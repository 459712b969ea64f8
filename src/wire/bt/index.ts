/** The BitTorrent dialect of the wire layer (BEP 3, 6, 10): pure bytes <-> values. */
export type { BtHandshake, Capabilities, HandshakeHead } from './Handshake.js';
export {
  BT_HANDSHAKE_HEAD_LENGTH,
  BT_HANDSHAKE_LENGTH,
  BT_PROTOCOL,
  INFO_HASH_BYTES,
  PEER_ID_BYTES,
  capabilitiesOf,
  checkBtHandshakePrefix,
  decodeHandshakeHead,
  encodeBtHandshake,
  reservedFor,
} from './Handshake.js';
export type { BlockMessage, BtMessage, BtMessageId, BtMessageKind } from './Message.js';
export { BT_MESSAGE_ID, btKindOf, describeBtMessage } from './Message.js';
export { BT_PIECE_HEADER_BYTES, btFrameRules, decodeBtMessage, encodeBtMessage, encodeBtPieceHeader, encodeBtRequests } from './MessageCodec.js';
export { checkBtMessage } from './MessageRules.js';
export { BtFrameReader } from './FrameReader.js';
export { BLOCK_BYTES, MAX_EXTENDED_PAYLOAD_BYTES, btFrameLimits, btMaxMessageLength } from './limits.js';
export { CLIENT_CODE, makePeerId, peerIdVersion } from './PeerId.js';
export { btDialect } from './dialect.js';
export type { ExtensionHandshake } from './ExtensionHandshake.js';
export { EXTENSION_BDECODE_LIMITS, EXTENSION_HANDSHAKE_ID, encodeExtensionHandshake, parseExtensionHandshake } from './ExtensionHandshake.js';
export type { UtMetadataMessage } from './UtMetadata.js';
export {
  MAX_METADATA_BYTES,
  METADATA_PIECE_BYTES,
  UT_METADATA,
  decodeUtMetadata,
  encodeUtMetadata,
  metadataPieceCount,
  metadataPieceLength,
} from './UtMetadata.js';
export type { UtPexMessage } from './UtPex.js';
export { MAX_PEX_KEPT_PEERS, MAX_PEX_SENT_PEERS, PEX_FLAG, UT_PEX, decodeUtPex, encodeUtPex } from './UtPex.js';
