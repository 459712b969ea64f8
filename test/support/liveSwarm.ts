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
  const setup = await makeSwarmDir({ peers: 4, fileSize: 3_000_000, pieceSize: 16_384, unchokingSeconds: 1, optimisticSeconds: 2 });
  return { setup, ...(await liveLauncher(setup.root, new Map([[1001, ['--max-upload-rate', '600KiB/s']], ...extraArgs]))) };
}

/**
 * For the leecher a test pauses: at 200 KiB/s it needs 15 s for the file, while
 * the swarm as a whole is done in 5 s. On a busy machine it is still far from
 * done when the test first sees it hold pieces, so Pause finds it running.
 */
export const SLOW_LEECHER_ARGS = ['--max-download-rate', '200KiB/s'] as const;

/** The set-up in `root`, ready to run: the seeders' file (and .torrent) made, and a launcher for its peers, each with its extra arguments. */
export async function liveLauncher(root: string, extraArgs: ReadonlyMap<number, readonly string[]>): Promise<Omit<LiveSwarm, 'setup'>> {
  if (!fs.existsSync(PEER_PROCESS)) throw new Error(`${PEER_PROCESS} is missing: run npm run build (npm test does it first)`);
  const config = loadConfig(root);
  const peersDir = path.join(root, 'peers');
  await prepareSeedFiles(config, peersDir, true);
  const launcher = new SwarmLauncher({
    peers: config.peers,
    configDir: root,
    peersDir,
    logDir: path.join(root, 'logs'),
    logLevel: 'info',
    timeoutMs: 90_000,
    peerProcessScript: PEER_PROCESS,
    extraArgs,
    liveLog: true,
  });
  return { config, peersDir, launcher };
}
