// Compatibility path: the course dialect moved to ./course/. Import from there (or ./index.js); this file goes once src/net does.
export { HANDSHAKE_HEADER, HANDSHAKE_LENGTH, checkHandshakePrefix, decodeHandshake, encodeHandshake } from './course/Handshake.js';
