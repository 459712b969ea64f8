import { missingToolError } from '../requiredTools.js';
import { LOOPBACK } from '../sockets.js';
import { startClientProcess, type ClientOptions, type RunningClient } from './clientProcess.js';

/**
 * Debian's aria2 as a seeder (checks the data, then seeds until stopped) or a
 * downloader (exits once the torrent is complete and every piece verified).
 * Only 127.0.0.1 and the torrent's tracker: no local peer discovery, peer
 * exchange or IPv6, and no DHT unless a node on 127.0.0.1 is given (then its
 * DHT starts from that node alone, on the UDP port of its TCP one's number). It
 * also stops by itself if this process dies first.
 */
export function startAria2(options: ClientOptions): Promise<RunningClient> {
  const dht = options.dhtBootstrap
    ? ['--enable-dht=true', `--dht-entry-point=${options.dhtBootstrap}`, `--dht-listen-port=${options.port}`, `--dht-file-path=${options.dir}/aria2-dht.dat`]
    : ['--enable-dht=false'];
  const args = [
    ...dht,
    '--enable-dht6=false',
    '--bt-enable-lpd=false',
    '--enable-peer-exchange=false',
    '--disable-ipv6=true',
    `--interface=${LOOPBACK}`,
    '--bt-require-crypto=false',
    '--file-allocation=none',
    `--listen-port=${options.port}`,
    `--dir=${options.dir}`,
    '--summary-interval=0',
    '--console-log-level=warn',
    // A tracker on loopback answers at once; the default 60 s would hide a dead one for the whole test.
    '--bt-tracker-connect-timeout=5',
    '--bt-tracker-timeout=5',
    `--stop-with-process=${process.pid}`,
    ...(options.role === 'seed' ? ['--seed-ratio=0.0', '--check-integrity=true'] : ['--seed-time=0']),
    options.torrent,
  ];
  return startClientProcess({ client: 'aria2', command: 'aria2c', args, missing: (detail) => missingToolError('aria2', 'aria2c', detail) }, options);
}
