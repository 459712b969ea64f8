import type { CommandModule } from 'yargs';
import { checkLogs } from '../../logcheck/checkLogs.js';
import { formatGroup, groupViolations } from '../../logcheck/groupViolations.js';
import { ExitCode } from '../exitCodes.js';
import { readRunInput, runInputOptions, type RunInputArgs } from './runInput.js';

export const checkLogsCommand: CommandModule<object, RunInputArgs> = {
  command: 'check-logs [dir]',
  describe: "check every log_peer_*.log in a directory against the spec's sentences and the rules logs can show",
  builder: (yargs) =>
    runInputOptions(yargs)
      .example('$0 check-logs logs', 'the logs of the last swarm, with ./Common.cfg and ./PeerInfo.cfg')
      .example('$0 check-logs --logs student/logs --config-dir student', "another experiment's logs, with its config")
      .epilog('Exit codes: 0 no violation, 9 violations (listed), 2 no logs found, 3 a config that is missing, malformed or not the logs\' run.'),
  handler: (args) => {
    process.exitCode = runCheck(args);
  },
};

function runCheck(args: RunInputArgs): number {
  const input = readRunInput('check-logs', args);
  if (typeof input === 'number') return input;
  const { logs, config } = input;
  const violations = checkLogs(logs, config.facts);
  const groups = groupViolations(violations);
  for (const group of groups) console.log(formatGroup(group));
  const found = groups.length === violations.length ? `${violations.length} violation(s)` : `${violations.length} violation(s), ${groups.length} after grouping repeats`;
  console.log(`${logs.length} logs checked ${config.scope}: ${violations.length === 0 ? 'no violations' : found}`);
  return violations.length === 0 ? ExitCode.Ok : ExitCode.LogViolations;
}
