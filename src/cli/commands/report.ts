import * as fs from 'fs';
import type { CommandModule } from 'yargs';
import { ConfigError } from '../../config/ConfigError';
import { readProtocolLogs, runFacts } from '../../logcheck/readRun';
import { analyzeRun } from '../../report/analyzeRun';
import { renderReport } from '../../report/renderReport';
import { ExitCode } from '../exitCodes';

interface ReportArgs {
  logs: string;
  'config-dir': string;
  out: string;
}

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report',
  describe: 'write one self-contained HTML report of a finished run from its protocol logs',
  builder: (yargs) =>
    yargs
      .option('logs', { type: 'string', default: 'logs', describe: 'where the log_peer_<id>.log files are (any spec-conforming implementation)' })
      .option('config-dir', { type: 'string', default: '.', describe: 'Common.cfg and PeerInfo.cfg of the run, when there' })
      .option('out', { alias: 'o', type: 'string', default: 'report.html', describe: 'the HTML file to write' })
      .example('$0 report --logs logs -o report.html', ''),
  handler: (args) => {
    const logs = readProtocolLogs(args.logs);
    if (logs.length === 0) {
      console.error(`report: no log_peer_<id>.log in ${args.logs}`);
      process.exitCode = ExitCode.Usage;
      return;
    }
    try {
      const run = analyzeRun(logs, runFacts(args['config-dir']));
      fs.writeFileSync(args.out, renderReport(run, `swarmlab report: ${logs.length} peers (${args.logs})`));
      const met = run.requirements.filter((r) => r.met).length;
      console.log(`wrote ${args.out}: ${met} of ${run.requirements.length} course requirements shown, ${run.violations.length} log violation(s)`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`report: ${error.message}`);
      process.exitCode = ExitCode.Config;
    }
  },
};
