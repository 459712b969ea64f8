// Compatibility path: the course dialect moved to ./course/. Import from there (or ./index.js); this file goes once src/net does.
export type { Message } from './course/Message.js';
export { describeMessage } from './course/Message.js';
