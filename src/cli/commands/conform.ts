import * as fs from 'fs';
import type { CommandModule } from 'yargs';
import { batchPasses, runBatch } from '../../conform/batch.js';
import { checkConformance, notStartedReason } from '../../conform/conformance.js';
import { batchJson, formatBatch } from '../../conform/formatBatch.js';
import { formatResults, resultsJson } from '../../conform/formatResults.js';
import { renderBatchHtml, renderResultsHtml } from '../../conform/renderHtml.js';
import { findSubmissions } from '../../conform/submissions.js';
import { outputWidth } from '../../launcher/terminalWidth.js';
import { ExitCode } from '../exitCodes.js';

interface ConformArgs {
  json?: string;
  html?: string;
  batch?: string;
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
      .usage(
        '$0 conform [--json FILE] [--html FILE] [--timeout S] [--keep] -- COMMAND...\n$0 conform --batch DIR [--json FILE] [--html FILE] [--timeout S] [--keep]\n\n' +
          'COMMAND starts the peer under test in its working directory; {id} stands for its peer ID.',
      )
      .option('json', { type: 'string', requiresArg: true, describe: 'also write the verdicts as JSON to FILE: {"rules":[{"id","verdict","evidence"}]}, with --batch {"submissions":[{"name","started","rules"}],"skipped"}' })
      .option('html', { type: 'string', requiresArg: true, describe: 'also write the verdicts as one self-contained HTML page to FILE' })
      .option('batch', {
        type: 'string',
        requiresArg: true,
        describe: 'check every subfolder of DIR holding a run file (one line: its COMMAND; ./ or ../ words and {dir} are paths in that subfolder); prints submissions by rules',
      })
      .option('timeout', { type: 'number', default: 60, requiresArg: true, describe: 'seconds each scenario may take at most' })
      .option('keep', { type: 'boolean', default: false, describe: "keep each scenario's working directory (printed) to look at afterwards" })
      .check((args) => {
        const command = args['--'] as unknown[] | undefined ?? [];
        if (args.batch !== undefined && command.length > 0) throw new Error('give either --batch DIR or a command after --, not both');
        if (args.batch === undefined && command.length === 0) throw new Error('give the command that starts your peer after --, e.g. -- python3 peerProcess.py {id}');
        if (!(args.timeout > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${args.timeout}`);
        return true;
      })
      .example('$0 conform -- python3 /path/peerProcess.py {id}', 'a Python peer')
      .example('$0 conform --json verdicts.json -- java -cp bin peerProcess {id}', 'a Java peer, verdicts also as JSON')
      .example('$0 conform --batch submissions --html grades.html', 'every student folder in submissions/ (each with a run file such as: java -cp ./bin peerProcess {id})')
      .epilog(
        'Scenarios: the peer as the only leecher of our seeder; the peer as the seeder of four leechers of ours; the peer as a late joiner that dials two partial peers of ours; the peer as a leecher fed by two of four neighbours of ours; the peer as a leecher of two slow sources of ours, one of which chokes it once while it waits for a piece. ' +
          'Each runs in a fresh directory in the spec\'s flat layout (Common.cfg, PeerInfo.cfg, peer_<id>/, log_peer_<id>.log). ' +
          'Verdicts: pass, fail, not-shown (the scenarios did not show the behaviour). ' +
          'Exit codes: 0 no rule fails, 9 a rule fails (with --batch: or a submission did not start), 3 the peer could not be started (its output shown), ' +
          '2 a --batch DIR without any run file, 6 the JSON or HTML file cannot be written.',
      ),
  handler: async (args) => {
    process.exitCode = args.batch !== undefined ? await runConformBatch(args, args.batch) : await runConform(args);
  },
};

async function runConform(args: ConformArgs): Promise<number> {
  const command = (args['--'] ?? []).map(String);
  const result = await checkConformance({ command, timeoutMs: args.timeout * 1000, keepWorkDirs: args.keep });
  if (args.keep) for (const outcome of result.kind === 'judged' ? result.outcomes : [result.outcome]) console.log(`kept ${outcome.run.name} scenario's directory: ${outcome.workDir}`);
  if (result.kind === 'not-started') {
    console.error(`conform: ${notStartedReason(result.outcome, args.timeout)}: ${command.join(' ')}`);
    const { output } = result.outcome;
    console.error(output.length > 0 ? output.map((line) => `  ${line}`).join('\n') : '  (no output)');
    return ConformExit.NotStarted;
  }
  for (const line of formatResults(result.rules, outputWidth(process.stdout))) console.log(line);
  const written = writeOutputs(args, () => resultsJson(result.rules), () => renderResultsHtml(result.rules, command.join(' ')));
  if (!written) return ExitCode.Storage;
  return result.rules.some((r) => r.verdict === 'fail') ? ConformExit.RuleFailed : ConformExit.Ok;
}

async function runConformBatch(args: ConformArgs, dir: string): Promise<number> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    console.error(`conform: --batch ${dir}: no such folder`);
    return ExitCode.Usage;
  }
  const { submissions, skipped } = findSubmissions(dir);
  if (submissions.length === 0) {
    console.error(`conform: --batch ${dir}: no subfolder holds a run file (one line: the command that starts the peer, {id} for its peer ID)`);
    return ExitCode.Usage;
  }
  const onKept = (name: string, scenario: string, workDir: string) => console.log(`kept ${name}'s ${scenario} scenario's directory: ${workDir}`);
  const results = await runBatch(submissions, { timeoutMs: args.timeout * 1000, keepWorkDirs: args.keep, onKept });
  for (const line of formatBatch(results, skipped, outputWidth(process.stdout))) console.log(line);
  const written = writeOutputs(args, () => batchJson(results, skipped), () => renderBatchHtml(results, skipped));
  if (!written) return ExitCode.Storage;
  return batchPasses(results) ? ConformExit.Ok : ConformExit.RuleFailed;
}

/** --json and --html, each if asked for; false (the reason on stderr) if one cannot be written. */
function writeOutputs(args: ConformArgs, json: () => string, html: () => string): boolean {
  const outputs: [string | undefined, () => string][] = [
    [args.json, json],
    [args.html, html],
  ];
  for (const [file, text] of outputs) {
    if (file === undefined) continue;
    try {
      fs.writeFileSync(file, text());
    } catch (error) {
      console.error(`conform: cannot write ${file}: ${(error as Error).message}`);
      return false;
    }
  }
  return true;
}
