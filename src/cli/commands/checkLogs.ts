import type { CommandModule } from 'yargs';
import { ConfigError } from '../../config/ConfigError';
import { checkLogs, type RunFacts } from '../../logcheck/checkLogs';
import { readProtocolLogs, runFacts } from '../../logcheck/readRun';
import { ExitCode } from '../exitCodes';

interface CheckLogsArgs {
  dir: string;
  'config-dir': string;
}

export const checkLogsCommand: CommandModule<object, CheckLogsArgs> = {
  command: 'check-logs [dir]',
  describe: "check every log_peer_*.log in a directory against the spec's sentences and the rules logs can show",
  builder: (yargs) =>
    yargs
      .positional('dir', { type: 'string', default: 'logs', describe: 'where the protocol logs are' })
      .option('config-dir', {
        type: 'string',
        default: '.',
        describe: 'Common.cfg and PeerInfo.cfg of the run, when there: piece count, k and peer order make more rules checkable',
      })
      .example('$0 check-logs logs', 'the logs of the last swarm')
      .epilog('Exit codes: 0 no violation, 9 violations (listed), 2 no logs found, 3 a config error.'),
  handler: (args) => {
    process.exitCode = runCheck(args);
  },
};

function runCheck(args: CheckLogsArgs): number {
  const logs = readProtocolLogs(args.dir);
  if (logs.length === 0) {
    console.error(`check-logs: no log_peer_<id>.log in ${args.dir}`);
    return ExitCode.Usage;
  }
  let facts: RunFacts | undefined;
  try {
    facts = runFacts(args['config-dir']);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`check-logs: ${error.message}`);
    return ExitCode.Config;
  }
  const violations = checkLogs(logs, facts);
  for (const v of violations) console.log(`${v.file}${v.line ? `:${v.line}` : ''}: ${v.rule}: ${v.detail}`);
  const scope = facts ? 'with Common.cfg and PeerInfo.cfg' : 'without the config (piece count inferred; k and order rules skipped)';
  console.log(`${logs.length} logs checked ${scope}: ${violations.length === 0 ? 'no violations' : `${violations.length} violation(s)`}`);
  return violations.length === 0 ? ExitCode.Ok : ExitCode.LogViolations;
}
