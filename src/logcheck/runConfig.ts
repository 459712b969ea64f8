import * as fs from 'fs';
import * as path from 'path';
import { COMMON_CFG, PEER_INFO_CFG, loadConfig, type Config } from '../config/Config.js';
import type { PeerLog, RunFacts } from './checkLogs.js';

/** The logs and the config given cannot be of one run: checking them would report false violations. Exit code 3. */
export class RunConfigError extends Error {
  override readonly name = 'RunConfigError';
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export interface RunConfig {
  facts?: RunFacts;
  /** How the logs are checked, for the summary line. */
  scope: string;
}

/**
 * The config of the run the logs come from. An explicit `configDir` must be a
 * folder with both files. Without one, `.` is used when it holds either file;
 * when it holds neither, the logs are checked without a config and `scope`
 * says so. A config whose PeerInfo.cfg does not list every log's peer is
 * another experiment's: a RunConfigError names the mismatch. (A listed peer
 * without a log is not one: that is a finding about that peer.) A malformed
 * file throws its ConfigError.
 */
export function runConfigFor(logs: readonly PeerLog[], logsDir: string, configDir: string | undefined): RunConfig {
  const dir = configDir ?? '.';
  if (configDir !== undefined) {
    if (!fs.existsSync(configDir)) throw new RunConfigError(`--config-dir ${configDir}: no such folder`);
    if (!fs.statSync(configDir).isDirectory()) throw new RunConfigError(`--config-dir ${configDir}: not a folder`);
  } else if (![COMMON_CFG, PEER_INFO_CFG].some((file) => fs.existsSync(path.join(dir, file)))) {
    return { scope: `without a config (no ${COMMON_CFG} or ${PEER_INFO_CFG} here and no --config-dir): piece count inferred; k and peer-order rules skipped` };
  }
  const facts = factsOf(loadConfig(dir));
  const listed = new Set(facts.peers!.map((p) => p.peerId));
  const unlisted = logs.map((log) => log.peerId).filter((id) => !listed.has(id));
  if (unlisted.length > 0) {
    throw new RunConfigError(
      `${logsDir} holds the logs of ${peersNamed(unlisted)}, which ${path.join(dir, PEER_INFO_CFG)} does not list (it lists ${idRanges([...listed])}): ` +
        `pass --config-dir the folder of the experiment's ${COMMON_CFG} and ${PEER_INFO_CFG}`,
    );
  }
  return { facts, scope: `with ${COMMON_CFG} and ${PEER_INFO_CFG}` };
}

function factsOf(config: Config): RunFacts {
  return { pieceCount: config.common.pieceCount, k: config.common.numberOfPreferredNeighbors, peers: config.peers };
}

function peersNamed(ids: readonly number[]): string {
  return `${ids.length === 1 ? 'peer' : 'peers'} ${idRanges(ids)}`;
}

/** "1001-1006", "5001-5003, 5007": IDs in order, runs of consecutive ones as ranges. */
export function idRanges(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    ranges.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(', ');
}
