export { ConfigError, formatWarning } from './ConfigError.js';
export type { ConfigWarning } from './ConfigError.js';
export { readConfigLines } from './lineReader.js';
export type { ConfigLine } from './lineReader.js';
export {
  parseCommonConfig,
  MAX_PIECE_SIZE_BYTES,
  MAX_PIECE_COUNT,
  MAX_INTERVAL_MS,
  OPTIONAL_KEYS,
  REQUIRED_KEYS,
} from './CommonConfig.js';
export type { CommonConfig } from './CommonConfig.js';
export { parsePeerInfo, MAX_PEER_ID } from './PeerInfo.js';
export type { PeerInfo } from './PeerInfo.js';
export { loadConfig, findPeer, COMMON_CFG, PEER_INFO_CFG } from './Config.js';
export type { Config } from './Config.js';
