// Compatibility path: the course dialect moved to ./course/. Import from there (or ./index.js); this file goes once src/net does.
export { MessageType, isMessageType, messageTypeName } from './course/MessageType.js';
