import * as fs from 'fs';
import * as path from 'path';
import type { CommandModule } from 'yargs';
import { analyzeRun } from '../../report/analyzeRun.js';
import { renderReport } from '../../report/renderReport.js';
import { ExitCode } from '../exitCodes.js';
import { readRunInput, runInputOptions, type RunInputArgs } from './runInput.js';

interface ReportArgs extends RunInputArgs {
  out?: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report [dir]',
  describe: 'write one self-contained HTML report of a finished run from its protocol logs',
  builder: (yargs) =>
    runInputOptions(yargs)
      .option('out', { alias: 'o', type: 'string', requiresArg: true, describe: 'the HTML file to write (default: report.html in the logs folder)' })
      .example('$0 report logs', 'writes logs/report.html')
      .example('$0 report --logs student/logs --config-dir student -o student.html', "another experiment's run")
      .epilog("Exit codes: 0 written, 2 no logs found, 3 a config that is missing, malformed or not the logs' run, 6 the file cannot be written."),
  handler: (args) => {
    process.exitCode = writeReport(args);
  },
};

function writeReport(args: ReportArgs): number {
  const input = readRunInput('report', args);
  if (typeof input === 'number') return input;
  const { logs, logsDir, config } = input;
  // Next to the logs it reads, which are not versioned: not in the working folder, which may be a repository.
  const out = args.out ?? path.join(logsDir, 'report.html');
  const run = analyzeRun(logs, config.facts);
  try {
    fs.writeFileSync(out, renderReport(run, `swarmlab report: ${logs.length} peers (${logsDir})`));
  } catch (error) {
    console.error(`report: cannot write ${out}: ${(error as Error).message}`);
    return ExitCode.Storage;
  }
  const met = run.requirements.filter((r) => r.met).length;
  console.log(`wrote ${out}: ${met} of ${run.requirements.length} course requirements shown, ${run.violations.length} log violation(s) (${logs.length} logs checked ${config.scope})`);
  return ExitCode.Ok;
}
