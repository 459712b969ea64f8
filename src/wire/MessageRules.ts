// Compatibility path: the course dialect moved to ./course/. Import from there (or ./index.js); this file goes once src/net does.
export type { PieceGeometry } from './course/MessageRules.js';
export { checkMessage } from './course/MessageRules.js';
