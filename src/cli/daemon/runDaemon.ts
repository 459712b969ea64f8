import * as path from 'path';
import { systemClock } from '../../common/Clock.js';
import { systemRandom } from '../../common/Random.js';
import { loadOrCreateToken } from '../../daemon/api/apiToken.js';
import { startApiServer } from '../../daemon/api/ApiServer.js';
import { Daemon } from '../../daemon/Daemon.js';
import { fetchTorrentUrl } from '../../daemon/fetchTorrentUrl.js';
import { dataPaths } from '../../daemon/paths.js';
import { SessionFileError } from '../../daemon/SessionFile.js';
import { serveWebUi, WEB_UI_PATHS } from '../../daemon/web/webUi.js';
import { isLoopback } from '../../net/hosts.js';
import { PortInUseError } from '../../net/Listener.js';
import { ExitCode } from '../exitCodes.js';
import type { DhtArgs } from '../bt/startDht.js';
import { startDht } from '../bt/startDht.js';
import type { TransferIo } from '../bt/runTransfer.js';
import { packageVersion } from '../version.js';

export interface DaemonArgs extends Omit<DhtArgs, 'port' | 'dir'> {
  data: string;
  /** Undefined: the settings' port, else 6881. */
  port?: number;
  apiPort: number;
  apiBind: string;
}

/**
 * `swarmlab daemon`: opens the session under --data (every torrent back as it
 * was), starts the DHT, serves the API, the web UI and /metrics, and runs until
 * SIGINT or SIGTERM, then stops every torrent (trackers hear `stopped`,
 * resume states written) and exits 0. Exit codes: 3 the session file is
 * unusable, 5 a port is taken.
 */
export async function runDaemon(args: DaemonArgs, io: TransferIo): Promise<number> {
  const clock = systemClock;
  const version = packageVersion();
  const paths = dataPaths(args.data);
  let daemon: Daemon;
  try {
    daemon = await Daemon.open({
      dataDir: args.data,
      peerPort: args.port,
      bind: args.bind,
      startDht: (peerPort) => startDht({ ...args, port: peerPort, dir: args.data, routingTableFile: paths.dhtNodes }, false, clock, io.diagnostics),
      clock,
      random: systemRandom,
      diagnostics: io.diagnostics,
      version,
      fetchUrl: (url) => fetchTorrentUrl(url),
    });
  } catch (error) {
    if (error instanceof SessionFileError) {
      io.err(`daemon: ${error.message}`);
      return ExitCode.Config;
    }
    if (error instanceof PortInUseError) {
      io.err(`daemon: ${error.message}; choose another with --port`);
      return ExitCode.PortInUse;
    }
    throw error;
  }
  let api;
  try {
    const token = isLoopback(args.apiBind) ? undefined : await loadOrCreateToken(paths.apiToken);
    api = await startApiServer({ daemon, host: args.apiBind, port: args.apiPort, token, version, page: serveWebUi, pagePaths: WEB_UI_PATHS });
  } catch (error) {
    await daemon.close();
    if (!(error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE')) throw error;
    io.err(`daemon: the API port ${args.apiPort} on ${args.apiBind} is in use (another daemon?); choose another with --api-port`);
    return ExitCode.PortInUse;
  }
  const info = daemon.info();
  io.out.write(
    `swarmlab daemon ${version}: ${daemon.list().length} torrent(s) from ${path.resolve(args.data)}; peers on port ${info.peerPort}` +
      `${info.dhtPort ? `, DHT on UDP ${info.dhtPort}` : ', DHT off'}; web UI and API at ${api.url}` +
      `${isLoopback(args.apiBind) ? '' : ` (token in ${paths.apiToken})`}\n`,
  );
  const signal = await io.stopped;
  io.out.write(`daemon: ${signal}: stopping every torrent\n`);
  await api.close();
  await daemon.close();
  return ExitCode.Ok;
}
