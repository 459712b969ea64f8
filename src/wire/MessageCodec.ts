// Compatibility path: the course dialect moved to ./course/. Import from there (or ./index.js); this file goes once src/net does.
export type { DecodeResult } from './course/MessageCodec.js';
export { LENGTH_PREFIX_BYTES, PIECE_HEADER_BYTES, decodeMessage, encodeMessage, encodePieceHeader, maxMessageLength } from './course/MessageCodec.js';
