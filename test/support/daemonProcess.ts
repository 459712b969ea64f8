import * as fs from 'fs';
import * as path from 'path';
import { systemClock } from '../../src/common/Clock.js';
import { systemRandom } from '../../src/common/Random.js';
import { ApiClient } from '../../src/daemon/api/ApiClient.js';
import type { DaemonOptions } from '../../src/daemon/Daemon.js';
import { DaemonError } from '../../src/daemon/DaemonControl.js';
import { freePorts } from '../../src/net/freePorts.js';
import { startClientProcess, type RunningClient } from './realClients/clientProcess.js';
import { SWARMLAB_CLI } from './realClients/swarmlab.js';
import { silentDiagnostics } from './RecordingDiagnostics.js';
import { LOOPBACK } from './sockets.js';

export interface RunningDaemon {
  /** The process: stop() sends SIGTERM (SIGKILL after a grace) to its pid and no other. */
  process: RunningClient;
  api: ApiClient;
  apiUrl: string;
  peerPort: number;
  apiPort: number;
}

export interface DaemonProcessOptions {
  dataDir: string;
  /** Kept across restarts of one daemon: pass the last run's. */
  peerPort?: number;
  apiPort?: number;
  /** A small tmpfs of this many KiB mounted on `tmpfs` in a mount namespace of the daemon's own (`unshare -m`; root only). */
  tmpfs?: { mountPoint: string; sizeKiB: number };
  startTimeoutMs?: number;
}

/**
 * `swarmlab daemon` as a user runs it, on 127.0.0.1 with the DHT off and a
 * debug log in its data folder; resolves once it says where its API is.
 */
export async function startDaemonProcess(options: DaemonProcessOptions): Promise<RunningDaemon> {
  if (!fs.existsSync(SWARMLAB_CLI)) throw new Error(`${SWARMLAB_CLI} is missing: run \`npm run build\` first (npm test does)`);
  const [peerPort, apiPort] = options.peerPort && options.apiPort ? [options.peerPort, options.apiPort] : await freePorts(2);
  fs.mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(path.dirname(options.dataDir), `${path.basename(options.dataDir)}-daemon.debug.log`);
  const daemonArgs = ['daemon', '--data', options.dataDir, '--port', String(peerPort), '--bind', LOOPBACK, '--api-port', String(apiPort), '--no-dht', '--log', logFile];
  const { tmpfs } = options;
  const program = tmpfs
    ? {
        command: 'unshare',
        // exec: the daemon keeps unshare's pid, so stopping that pid stops the daemon.
        args: ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=${tmpfs.sizeKiB}k tmpfs "$0" && exec "$@"`, tmpfs.mountPoint, SWARMLAB_CLI, ...daemonArgs],
      }
    : { command: SWARMLAB_CLI, args: daemonArgs };
  const process = await startClientProcess(
    { client: 'swarmlab', ...program, missing: (detail) => new Error(`cannot start ${program.command}: ${detail}`) },
    { role: 'download', torrent: '', dir: path.dirname(options.dataDir), port: peerPort },
  );
  const line = await process.untilLine(/web UI and API at (\S+)/, options.startTimeoutMs ?? 15_000);
  const apiUrl = /web UI and API at (\S+)/.exec(line)![1].replace(/\/$/, '');
  return { process, api: new ApiClient({ url: apiUrl }), apiUrl, peerPort, apiPort };
}

/** For a test file: starts daemons that are stopped (by pid, SIGTERM then SIGKILL) when each test ends. */
export function daemonsOfEachTest(): (options: DaemonProcessOptions) => Promise<RunningDaemon> {
  let started: RunningDaemon[] = [];
  afterEach(async () => {
    await Promise.all(started.map((daemon) => daemon.process.stop()));
    started = [];
  });
  return async (options) => {
    const daemon = await startDaemonProcess(options);
    started.push(daemon);
    return daemon;
  };
}

/** Daemon.open's options for a daemon in the test's own process: 127.0.0.1, real clock and randomness, no DHT, silent, no URL fetching. */
export function inProcessDaemonOptions(dataDir: string, peerPort: number): DaemonOptions {
  return {
    dataDir,
    peerPort,
    bind: LOOPBACK,
    clock: systemClock,
    random: systemRandom,
    diagnostics: silentDiagnostics,
    version: '0.0.0-test',
    fetchUrl: async (url) => {
      throw new DaemonError('bad-input', `${url}: no fetching in this test`);
    },
  };
}
