import * as fs from 'fs';
import * as path from 'path';
import { LOOPBACK } from '../sockets.js';
import { startClientProcess, type ClientOptions, type RunningClient } from './clientProcess.js';

export const SWARMLAB_CLI = path.join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'swarmlab.js');

/**
 * Our own client, built and run as a program: `swarmlab download TORRENT --dir DIR` (exits 0 once
 * the torrent is on disk and verified) or `swarmlab seed TORRENT --dir DIR`
 * (seeds until SIGTERM), on 127.0.0.1 and the given port.
 */
export async function startSwarmlab(options: ClientOptions): Promise<RunningClient> {
  if (!fs.existsSync(SWARMLAB_CLI)) throw new Error(`${SWARMLAB_CLI} is missing: run \`npm run build\` first (npm test does)`);
  // The debug log (every connection and why it ended) beside the data, for a failing test to show.
  const log = path.join(options.dir, `swarmlab-${options.role}-${options.port}.debug.log`);
  // Like aria2's and libtorrent's, our DHT is off unless a local node is given: its default bootstrap nodes are public routers.
  const dht = options.dhtBootstrap ? ['--dht-bootstrap', options.dhtBootstrap] : ['--no-dht'];
  const args = [options.role, options.torrent, '--dir', options.dir, '--port', String(options.port), '--bind', LOOPBACK, ...dht];
  if (options.debugLog !== false) args.push('--log', log);
  // Run as a user's shell runs it (npm's bin link), so the node flags of its first line apply.
  return startClientProcess({ client: 'swarmlab', command: SWARMLAB_CLI, args, missing: (detail) => new Error(`cannot start ${SWARMLAB_CLI}: ${detail}`) }, options);
}
