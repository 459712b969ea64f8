import * as fs from 'fs';
import type { CommandModule } from 'yargs';
import { analyzeRun } from '../../report/analyzeRun';
import { renderReport } from '../../report/renderReport';
import { readRunInput, runInputOptions, type RunInputArgs } from './runInput';

interface ReportArgs extends RunInputArgs {
  out: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report [dir]',
  describe: 'write one self-contained HTML report of a finished run from its protocol logs',
  builder: (yargs) =>
    runInputOptions(yargs)
      .option('out', { alias: 'o', type: 'string', default: 'report.html', describe: 'the HTML file to write' })
      .example('$0 report --logs logs -o report.html', ''),
  handler: (args) => {
    const input = readRunInput('report', args);
    if (typeof input === 'number') {
      process.exitCode = input;
      return;
    }
    const { logs, logsDir, config } = input;
    const run = analyzeRun(logs, config.facts);
    fs.writeFileSync(args.out, renderReport(run, `swarmlab report: ${logs.length} peers (${logsDir})`));
    const met = run.requirements.filter((r) => r.met).length;
    console.log(`wrote ${args.out}: ${met} of ${run.requirements.length} course requirements shown, ${run.violations.length} log violation(s) (${logs.length} logs checked ${config.scope})`);
  },
};
