import * as fs from 'fs';
import * as path from 'path';
import { loadConfig, type Config } from '../../src/config/Config.js';
import { prepareSeedFiles } from '../../src/launcher/seedFiles.js';
import { SwarmLauncher } from '../../src/launcher/SwarmLauncher.js';
import { makeSwarmDir, type SwarmSetup } from './swarmDir.js';

export const PEER_PROCESS = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'peerProcess.js');

export interface LiveSwarm {
  setup: SwarmSetup;
  config: Config;
  peersDir: string;
  /** Not started yet: the test calls run() once it watches what it needs. */
  launcher: SwarmLauncher;
}

/**
 * Four real peers (seeder 1001, leechers 1002-1004) in a temp dir, 3 MB in
 * 16 KiB pieces. The seeder's upload is limited so the swarm lasts several
 * seconds, long enough to pause someone in it.
 */
export async function slowSwarm(extraArgs: ReadonlyMap<number, readonly string[]> = new Map()): Promise<LiveSwarm> {
  if (!fs.existsSync(PEER_PROCESS)) throw new Error(`${PEER_PROCESS} is missing: run npm run build (npm test does it first)`);
  const setup = await makeSwarmDir({ peers: 4, fileSize: 3_000_000, pieceSize: 16_384, unchokingSeconds: 1, optimisticSeconds: 2 });
  const config = loadConfig(setup.root);
  const peersDir = path.join(setup.root, 'peers');
  await prepareSeedFiles(config, peersDir, true);
  const launcher = new SwarmLauncher({
    peers: config.peers,
    configDir: setup.root,
    peersDir,
    logDir: path.join(setup.root, 'logs'),
    logLevel: 'info',
    timeoutMs: 90_000,
    peerProcessScript: PEER_PROCESS,
    extraArgs: new Map([[1001, ['--max-upload-rate', '600KiB/s']], ...extraArgs]),
    liveLog: true,
  });
  return { setup, config, peersDir, launcher };
}
