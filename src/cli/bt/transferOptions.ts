import * as net from 'net';
import type { Argv } from 'yargs';
import { systemClock } from '../../common/Clock.js';
import { parseDhtBootstrap, type DhtAddress } from '../../dht/bootstrapNodes.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import { untilStopSignal } from '../commands/tracker.js';
import type { TransferIo } from './runTransfer.js';

/** The port BitTorrent clients conventionally listen on first (6881-6889). */
export const DEFAULT_PEER_PORT = 6881;

export interface CommonTransferArgs {
  torrent: string;
  dir: string;
  port: number;
  bind?: string;
  log?: string;
  verbose: boolean;
  dht: boolean;
  dhtPort?: number;
  dhtBootstrap?: DhtAddress[];
}

/** The options `download` and `seed` share: where we listen and dial from, and where the debug log goes. */
export function transferOptions<T>(yargs: Argv<T>) {
  return peerNetworkOptions(yargs.positional('torrent', { type: 'string', demandOption: true, describe: 'the .torrent file (download: or a magnet link, in quotes)' }), String(DEFAULT_PEER_PORT));
}

/** Where a BitTorrent session listens, dials from and finds peers (the DHT), and where its debug log goes: `download`, `seed`, `daemon`. */
export function peerNetworkOptions<T>(yargs: Argv<T>, portDefault: string | undefined, portHelp = 'the TCP port to accept peers on') {
  return yargs
    .option('port', { type: 'string', default: portDefault, coerce: (text: string) => parsePort('--port', text), describe: portHelp })
    .option('bind', { type: 'string', describe: 'the IP address to listen on and dial from (default: every interface); tests use 127.0.0.1' })
    .option('log', { type: 'string', describe: 'write a debug log (connections, why each ended, every tracker reply) to this file' })
    .option('verbose', { type: 'boolean', default: false, describe: 'print the debug log on the console too' })
    .option('dht', { type: 'boolean', default: true, describe: 'find peers through the DHT too (BEP 5; never for a private torrent); --no-dht turns it off' })
    .option('dht-port', { type: 'string', coerce: (text: string) => parsePort('--dht-port', text), describe: "the UDP port of our DHT node (default: --port's number)" })
    .option('dht-bootstrap', {
      type: 'string',
      coerce: parseDhtBootstrap,
      describe: 'host:port,... of the DHT nodes to ask first when our routing table is empty (default: the public routers)',
    })
    .check((args) => {
      if (args.bind !== undefined && net.isIP(args.bind) === 0) throw new Error(`--bind takes an IP address of this machine, such as 127.0.0.1, got '${args.bind}'`);
      return true;
    });
}

export function parsePort(option: string, text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 0xffff)) throw new Error(`${option} takes a whole number from 1 to 65535, got '${text}'`);
  return port;
}

/**
 * The console, the stop signals, and the diagnostics: warnings and errors on
 * the console, everything with --verbose, everything in the --log file.
 * winston is loaded only for --log and --verbose: it costs some 10 MiB, a
 * sixth of what a download may use (the 64 MiB).
 */
export async function transferIo(args: Pick<CommonTransferArgs, 'log' | 'verbose'>): Promise<TransferIo & { closeLog(): Promise<void> }> {
  const logs: (Diagnostics & { close?(): Promise<void> })[] = [];
  if (args.log || args.verbose) {
    const { DiagnosticLog } = await import('../../log/DiagnosticLog.js');
    logs.push(new DiagnosticLog({ peerId: 'bt', level: args.verbose ? 'debug' : 'warn', clock: systemClock, console: true }));
    if (args.log) logs.push(new DiagnosticLog({ peerId: 'bt', logFile: args.log, level: 'debug', clock: systemClock, console: false }));
  } else {
    logs.push(consoleWarnings);
  }
  const diagnostics: Diagnostics = {
    error: (message) => logs.forEach((log) => log.error(message)),
    warn: (message) => logs.forEach((log) => log.warn(message)),
    info: (message) => logs.forEach((log) => log.info(message)),
    debug: (message) => logs.forEach((log) => log.debug(message)),
  };
  return {
    out: process.stdout,
    err: (line) => process.stderr.write(`${line}\n`),
    stopped: untilStopSignal(),
    diagnostics,
    closeLog: async () => void (await Promise.all(logs.map((log) => log.close?.()))),
  };
}

/** Without a log: warnings and errors on stderr, the rest dropped. */
const consoleWarnings: Diagnostics = {
  error: (message) => process.stderr.write(`error: ${message}\n`),
  warn: (message) => process.stderr.write(`warning: ${message}\n`),
  info: () => {},
  debug: () => {},
};
