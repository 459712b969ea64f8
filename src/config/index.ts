export { ConfigError, formatWarning } from './ConfigError';
export type { ConfigWarning } from './ConfigError';
export { readConfigLines } from './lineReader';
export type { ConfigLine } from './lineReader';
export {
  parseCommonConfig,
  MAX_PIECE_SIZE_BYTES,
  MAX_PIECE_COUNT,
  MAX_INTERVAL_MS,
  OPTIONAL_KEYS,
  REQUIRED_KEYS,
} from './CommonConfig';
export type { CommonConfig } from './CommonConfig';
export { parsePeerInfo, MAX_PEER_ID } from './PeerInfo';
export type { PeerInfo } from './PeerInfo';
export { loadConfig, findPeer, COMMON_CFG, PEER_INFO_CFG } from './Config';
export type { Config } from './Config';
