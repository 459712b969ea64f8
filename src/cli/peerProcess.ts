#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DIAGNOSTIC_LEVELS, type DiagnosticLevel } from '../log/DiagnosticLog';
import { ExitCode } from './exitCodes';
import { runPeer } from './runPeer';

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('peerProcess')
    .usage('$0 <peerId> [options]\n\nRuns one peer of the course protocol until every peer listed in PeerInfo.cfg has the whole file.')
    .command('$0 <peerId>', false)
    .positional('peerId', { type: 'number', describe: 'this peer\'s ID, as listed in PeerInfo.cfg' })
    .option('config-dir', { type: 'string', default: '.', describe: 'where Common.cfg and PeerInfo.cfg are' })
    .option('peers-dir', { type: 'string', default: 'peers', describe: 'where peer_<id>/ (holding the file) lives' })
    .option('log-dir', { type: 'string', default: 'logs', describe: 'where log_peer_<id>.log and log_peer_<id>.debug.log go' })
    .option('log-level', { choices: DIAGNOSTIC_LEVELS, default: 'info' as DiagnosticLevel, describe: 'console and debug-log detail; debug traces every message' })
    .example('$0 1001', 'run peer 1001 with the config in this directory')
    .example('$0 1002 --peers-dir . --log-dir .', 'the spec\'s flat layout: peer_1002/ and log_peer_1002.log here')
    .epilog('Exit codes: 0 all peers done, 2 usage, 3 config error, 4 seed file missing or wrong size, 5 port in use, 6 disk error, 130 interrupted.')
    .check((args) => {
      const id = args.peerId as number;
      if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new Error(`peerId must be a whole number from 0 to 4294967295, got ${args.peerId}`);
      return true;
    })
    .strict()
    .help()
    .version(false)
    .fail((message, error) => {
      process.stderr.write(`peerProcess: ${message ?? error?.message}\nTry peerProcess --help\n`);
      process.exit(ExitCode.Usage);
    })
    .parseAsync();
  return runPeer({
    peerId: argv.peerId as number,
    configDir: argv['config-dir'],
    peersDir: argv['peers-dir'],
    logDir: argv['log-dir'],
    logLevel: argv['log-level'],
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
