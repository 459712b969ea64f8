import * as fs from 'fs';
import type { CommandModule } from 'yargs';
import { checkConformance } from '../../conform/conformance.js';
import { formatResults, resultsJson } from '../../conform/formatResults.js';
import { outputWidth } from '../../launcher/terminalWidth.js';
import { ExitCode } from '../exitCodes.js';

interface ConformArgs {
  json?: string;
  timeout: number;
  keep: boolean;
  '--'?: (string | number)[];
}

/** conform's own exit codes (issue 12): 9 as check-logs' for broken rules, 3 as peerProcess's for a peer that cannot start. */
export const ConformExit = { Ok: ExitCode.Ok, RuleFailed: ExitCode.LogViolations, NotStarted: ExitCode.Config } as const;

export const conformCommand: CommandModule<object, ConformArgs> = {
  command: 'conform',
  describe: 'check a course peer of your own on the wire: scripted peers of ours play scenarios with it and judge each rule of the protocol',
  builder: (yargs) =>
    yargs
      .parserConfiguration({ 'populate--': true })
      .usage('$0 conform [--json FILE] [--timeout S] [--keep] -- COMMAND...\n\nCOMMAND starts the peer under test in its working directory; {id} stands for its peer ID.')
      .option('json', { type: 'string', requiresArg: true, describe: 'also write the verdicts as JSON to FILE: {"rules":[{"id","verdict","evidence"}]}' })
      .option('timeout', { type: 'number', default: 60, requiresArg: true, describe: 'seconds each scenario may take at most' })
      .option('keep', { type: 'boolean', default: false, describe: "keep each scenario's working directory (printed) to look at afterwards" })
      .check((args) => {
        if ((args['--'] as unknown[] | undefined ?? []).length === 0) throw new Error('give the command that starts your peer after --, e.g. -- python3 peerProcess.py {id}');
        if (!(args.timeout > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${args.timeout}`);
        return true;
      })
      .example('$0 conform -- python3 /path/peerProcess.py {id}', 'a Python peer')
      .example('$0 conform --json verdicts.json -- java -cp bin peerProcess {id}', 'a Java peer, verdicts also as JSON')
      .epilog(
        'Scenarios: the peer as the only leecher of our seeder; the peer as the seeder of two leechers of ours. ' +
          'Each runs in a fresh directory in the spec\'s flat layout (Common.cfg, PeerInfo.cfg, peer_<id>/, log_peer_<id>.log). ' +
          'Verdicts: pass, fail, not-shown (the scenarios did not show the behaviour). ' +
          'Exit codes: 0 no rule fails, 9 a rule fails, 3 the peer could not be started (its output shown), 6 the JSON file cannot be written.',
      ),
  handler: async (args) => {
    process.exitCode = await runConform(args);
  },
};

async function runConform(args: ConformArgs): Promise<number> {
  const command = (args['--'] ?? []).map(String);
  const result = await checkConformance({ command, timeoutMs: args.timeout * 1000, keepWorkDirs: args.keep });
  if (args.keep) for (const outcome of result.kind === 'judged' ? result.outcomes : [result.outcome]) console.log(`kept ${outcome.run.name} scenario's directory: ${outcome.workDir}`);
  if (result.kind === 'not-started') {
    const { run, output, spawnError } = result.outcome;
    const { end } = run;
    const ended = end.by === 'us' ? `no connection within ${args.timeout}s` : `it ended (${end.signal ? `signal ${end.signal}` : `status ${end.code}`}) before any connection`;
    const why = spawnError ?? ended;
    console.error(`conform: the peer did not start in the ${run.name} scenario (${why}): ${command.join(' ')}`);
    console.error(output.length > 0 ? output.map((line) => `  ${line}`).join('\n') : '  (no output)');
    return ConformExit.NotStarted;
  }
  for (const line of formatResults(result.rules, outputWidth(process.stdout))) console.log(line);
  if (args.json !== undefined) {
    try {
      fs.writeFileSync(args.json, resultsJson(result.rules));
    } catch (error) {
      console.error(`conform: cannot write ${args.json}: ${(error as Error).message}`);
      return ExitCode.Storage;
    }
  }
  return result.rules.some((r) => r.verdict === 'fail') ? ConformExit.RuleFailed : ConformExit.Ok;
}
