import * as path from 'path';
import { missingToolError } from '../requiredTools.js';
import { startClientProcess, type ClientOptions, type RunningClient } from './clientProcess.js';

/** The libtorrent bindings are built for Debian's python, which may not be the first python3 on PATH. */
const DEBIAN_PYTHON = '/usr/bin/python3';
const LT_CLIENT = path.join(import.meta.dirname, 'ltclient.py');
/** A downloader gives up by itself after this; tests have their own, shorter deadlines. */
const DOWNLOAD_TIMEOUT_S = 600;

/**
 * libtorrent (python3-libtorrent) through ltclient.py: a seeder checks its
 * data, prints {"state": "seeding"} and seeds until stopped; a downloader exits
 * 0 once every piece is in and verified. It stops by itself if this process dies.
 */
export function startLibtorrent(options: ClientOptions): Promise<RunningClient> {
  const args = [LT_CLIENT, options.role, options.torrent, '--dir', options.dir, '--port', String(options.port), '--timeout', String(DOWNLOAD_TIMEOUT_S), '--parent', String(process.pid)];
  if (options.dhtBootstrap) args.push('--dht-bootstrap', options.dhtBootstrap);
  return startClientProcess({ client: 'libtorrent', command: DEBIAN_PYTHON, args, missing: (detail) => missingToolError('python3-libtorrent', DEBIAN_PYTHON, detail) }, options);
}
