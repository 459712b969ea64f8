import * as fs from 'fs';
import * as path from 'path';
import { COMMON_CFG, PEER_INFO_CFG, loadConfig, type Config } from '../config/Config.js';
import type { PeerLog, RunFacts } from './checkLogs.js';

const PROTOCOL_LOG = /^log_peer_(\d+)\.log$/;

/** Every `log_peer_<id>.log` in a directory (not the .debug.log files), by peer ID. */
export function readProtocolLogs(dir: string): PeerLog[] {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => PROTOCOL_LOG.test(name)) : [];
  return names
    .map((name) => ({
      peerId: Number(PROTOCOL_LOG.exec(name)![1]),
      file: path.join(dir, name),
      lines: fs.readFileSync(path.join(dir, name), 'utf8').split(/\r?\n/),
    }))
    .sort((a, b) => a.peerId - b.peerId);
}

/**
 * What Common.cfg and PeerInfo.cfg in `configDir` say about the run, when both
 * are there (undefined otherwise). A malformed one throws its ConfigError.
 */
export function runFacts(configDir: string): RunFacts | undefined {
  if (![COMMON_CFG, PEER_INFO_CFG].every((f) => fs.existsSync(path.join(configDir, f)))) return undefined;
  return factsOf(loadConfig(configDir));
}

export function factsOf(config: Config): RunFacts {
  return { pieceCount: config.common.pieceCount, k: config.common.numberOfPreferredNeighbors, peers: config.peers };
}
