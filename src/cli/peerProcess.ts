#!/usr/bin/env node
import { hideBin, yargs } from './yargs.js';
import { DIAGNOSTIC_LEVELS, type DiagnosticLevel } from '../log/DiagnosticLog.js';
import { MAX_REQUESTS_PER_PEER_LIMIT, REQUEST_STRATEGIES } from '../config/CommonConfig.js';
import { parseIntegerInRange, parseRate } from '../config/values.js';
import { MAX_PEER_ID } from '../config/PeerInfo.js';
import { ExitCode } from './exitCodes.js';
import { runPeer } from './runPeer.js';
import { packageVersion } from './version.js';

const RATE_FLAGS = ['max-upload-rate', 'max-download-rate', 'max-neighbour-upload-rate', 'max-neighbour-download-rate'] as const;

/** A peer ID as PeerInfo.cfg writes it (the same rule), or undefined. */
function parsePeerId(text: string): number | undefined {
  return parseIntegerInRange(text, 0, MAX_PEER_ID);
}

function rate(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseRate(text);
}

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('peerProcess')
    .usage(
      '$0 <peerId> [options]\n\nRuns one peer of the course protocol until every peer listed in PeerInfo.cfg has the whole file. ' +
        'With `Protocol bittorrent` in Common.cfg the peer speaks standard BitTorrent instead (the .torrent of MetaInfo, its tracker and the peers of PeerInfo.cfg).',
    )
    .command('$0 <peerId>', false)
    .positional('peerId', { type: 'string', describe: 'this peer\'s ID, as listed in PeerInfo.cfg' })
    .option('config-dir', { type: 'string', default: '.', describe: 'where Common.cfg and PeerInfo.cfg are' })
    .option('peers-dir', { type: 'string', default: 'peers', describe: 'where peer_<id>/ (holding the file) lives' })
    .option('log-dir', { type: 'string', default: 'logs', describe: 'where log_peer_<id>.log and log_peer_<id>.debug.log go' })
    .option('log-level', { choices: DIAGNOSTIC_LEVELS, default: 'info' as DiagnosticLevel, describe: 'console and debug-log detail; debug traces every message' })
    .option('request-strategy', { choices: REQUEST_STRATEGIES, describe: 'piece choice: course (one random piece at a time, the default) or rarest-first (pipelined, end game); overrides Common.cfg' })
    .option('max-requests-per-peer', { type: 'number', describe: `requests in flight per neighbour (1 to ${MAX_REQUESTS_PER_PEER_LIMIT}); overrides Common.cfg` })
    .option('max-upload-rate', { type: 'string', describe: 'process-wide upload limit, e.g. 2MiB/s; overrides Common.cfg MaxUploadRate' })
    .option('max-download-rate', { type: 'string', describe: 'process-wide download limit, e.g. 500KB/s; overrides Common.cfg MaxDownloadRate' })
    .option('max-neighbour-upload-rate', { type: 'string', describe: 'upload limit per neighbour; overrides Common.cfg MaxNeighbourUploadRate' })
    .option('max-neighbour-download-rate', { type: 'string', describe: 'download limit per neighbour; overrides Common.cfg MaxNeighbourDownloadRate' })
    .option('append-logs', { type: 'boolean', default: false, describe: 'continue the logs instead of starting them anew (a restart after a crash; a leecher with a resume state always does)' })
    .option('control-port', { type: 'number', describe: 'serve the control interface (GET /status; POST /pause, /resume, /limits, /stop) on 127.0.0.1 at this port; 0 picks a free one' })
    .option('metrics-port', { type: 'number', describe: 'serve Prometheus metrics (GET /metrics) on 127.0.0.1 at this port; 0 picks a free one' })
    .example('$0 1001', 'run peer 1001 with the config in this directory')
    .example('$0 1003 --control-port 7001', 'then: curl 127.0.0.1:7001/status; curl -X POST -H content-type:application/json 127.0.0.1:7001/pause')
    .example('$0 1002 --peers-dir . --log-dir .', 'the spec\'s flat layout: peer_1002/ and log_peer_1002.log here')
    .epilog('Options given on the command line win over the same settings in Common.cfg.\nRate limits take units (2MiB/s, 500KB/s); kill -HUP <pid> re-reads them from Common.cfg (a limit given as a flag stays).\nExit codes: 0 all peers done, 2 usage, 3 config error, 4 seed file missing or wrong size, 5 port in use, 6 disk error, 8 bad .torrent, 130 interrupted.\nThe control and metrics servers listen on 127.0.0.1 only and take no password: anyone with a shell on this machine can use them.')
    .check((args) => {
      if (parsePeerId(args.peerId as string) === undefined) throw new Error(`peerId must be a whole number from 0 to ${MAX_PEER_ID}, got '${args.peerId}'`);
      for (const flag of RATE_FLAGS) {
        const text = args[flag] as string | undefined;
        if (text !== undefined && parseRate(text) === undefined) throw new Error(`--${flag} takes a rate such as 2MiB/s, 500KB/s or 1000 (bytes per second), got '${text}'`);
      }
      for (const flag of ['control-port', 'metrics-port'] as const) {
        const port = args[flag];
        if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error(`--${flag} takes a port from 0 to 65535, got ${port}`);
      }
      const max = args['max-requests-per-peer'];
      if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_REQUESTS_PER_PEER_LIMIT)) {
        throw new Error(`--max-requests-per-peer takes a whole number from 1 to ${MAX_REQUESTS_PER_PEER_LIMIT}`);
      }
      return true;
    })
    .strict()
    .help()
    .alias('help', 'h')
    .version(packageVersion())
    .fail((message, error) => {
      process.stderr.write(`peerProcess: ${message ?? error?.message}\nTry peerProcess --help\n`);
      process.exit(ExitCode.Usage);
    })
    .parseAsync();
  return runPeer({
    peerId: parsePeerId(argv.peerId as string) as number,
    configDir: argv['config-dir'],
    peersDir: argv['peers-dir'],
    logDir: argv['log-dir'],
    logLevel: argv['log-level'],
    requestStrategy: argv['request-strategy'],
    maxRequestsPerPeer: argv['max-requests-per-peer'],
    rateLimits: {
      uploadBytesPerSecond: rate(argv['max-upload-rate']),
      downloadBytesPerSecond: rate(argv['max-download-rate']),
      neighbourUploadBytesPerSecond: rate(argv['max-neighbour-upload-rate']),
      neighbourDownloadBytesPerSecond: rate(argv['max-neighbour-download-rate']),
    },
    appendLogs: argv['append-logs'],
    controlPort: argv['control-port'],
    metricsPort: argv['metrics-port'],
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`peerProcess: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.Internal;
  },
);
