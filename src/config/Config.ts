import * as fs from 'fs';
import * as path from 'path';
import { CommonConfig, parseCommonConfig } from './CommonConfig.js';
import { ConfigError, ConfigWarning } from './ConfigError.js';
import { PeerInfo, parsePeerInfo } from './PeerInfo.js';

export const COMMON_CFG = 'Common.cfg';
export const PEER_INFO_CFG = 'PeerInfo.cfg';

/** Both config files of one directory, validated. */
export interface Config {
  common: CommonConfig;
  /** In file order. */
  peers: PeerInfo[];
  warnings: ConfigWarning[];
  /** The directory as given to loadConfig. */
  dir: string;
}

/** Reads and validates Common.cfg and PeerInfo.cfg from dir; throws ConfigError on any problem. */
export function loadConfig(dir: string): Config {
  const commonPath = path.join(dir, COMMON_CFG);
  const peerInfoPath = path.join(dir, PEER_INFO_CFG);
  const { config: common, warnings } = parseCommonConfig(readConfigFile(commonPath), commonPath);
  const peers = parsePeerInfo(readConfigFile(peerInfoPath), peerInfoPath);
  return { common, peers, warnings, dir };
}

/** The entry for peerId; a peer started with an ID not in the file cannot know its port. */
export function findPeer(config: Config, peerId: number): PeerInfo {
  const peer = config.peers.find((p) => p.peerId === peerId);
  if (peer === undefined) {
    throw new ConfigError(
      path.join(config.dir, PEER_INFO_CFG),
      undefined,
      undefined,
      `peer ${peerId} is not listed in ${PEER_INFO_CFG}`,
    );
  }
  return peer;
}

// Synchronous: configs are read once at startup, before anything else can run.
function readConfigFile(filePath: string): string {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    throw new ConfigError(filePath, undefined, undefined, describeReadError(err));
  }
}

function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  }
}
