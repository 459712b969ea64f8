// Compatibility path: the course dialect moved to ./course/. Import from there (or ./index.js); this file goes once src/net does.
export { FrameReader } from './course/FrameReader.js';
export type { FrameReaderLimits } from './MessageReader.js';
export { SOCKET_CHUNK_MAX_BYTES, recommendedMaxBufferedBytes } from './MessageReader.js';
