#!/usr/bin/env node
import { hideBin, yargs } from './yargs.js';
import { checkLogsCommand } from './commands/checkLogs.js';
import { downloadCommand } from './commands/download.js';
import { makeTorrentCommand } from './commands/makeTorrent.js';
import { reportCommand } from './commands/report.js';
import { seedCommand } from './commands/seed.js';
import { swarmCommand } from './commands/swarm.js';
import { trackerCommand } from './commands/tracker.js';
import { torrentInfoCommand } from './commands/torrentInfo.js';
import { ExitCode } from './exitCodes.js';
import { packageVersion } from './version.js';

yargs(hideBin(process.argv))
  .scriptName('swarmlab')
  .usage('$0 <command> [options]\n\nRun and inspect swarms of course-protocol peers; download and seed with the BitTorrent protocol.')
  .command(swarmCommand)
  .command(makeTorrentCommand)
  .command(torrentInfoCommand)
  .command(checkLogsCommand)
  .command(reportCommand)
  .command(trackerCommand)
  .command(downloadCommand)
  .command(seedCommand)
  .demandCommand(1, 'name a command: see the list above')
  .strict()
  .help()
  .alias('help', 'h')
  .version(packageVersion())
  .epilog('Options given on the command line win over the same settings in Common.cfg.')
  .fail((message, error, cli) => {
    if (error && !message) throw error;
    // With no command at all, the list of commands is what the user needs to see.
    const bare = hideBin(process.argv).length === 0;
    if (bare) cli.showHelp('error');
    process.stderr.write(`${bare ? '\n' : ''}swarmlab: ${message}\nTry swarmlab --help\n`);
    process.exit(ExitCode.Usage);
  })
  .parseAsync()
  .catch((error: unknown) => {
    process.stderr.write(`swarmlab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.Internal;
  });
