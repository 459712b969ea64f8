#!/usr/bin/env -S node --max-semi-space-size=1 --no-concurrent-recompilation
// The flags above are memory (a download's target is 64 MiB; they apply when run as a
// program, npm's bin link or ./dist/cli/swarmlab.js; `node dist/cli/swarmlab.js` runs with
// Node's defaults, and setting them from inside is too late):
// - V8's young generation stays at 3 MiB instead of growing to 48: a download allocates
//   steadily (a few objects per 16 KiB block), and the default growth made it 98 MiB instead
//   of 72 at the same speed;
// - the optimizing compiler runs on the main thread: on a worker thread its scratch memory
//   came from that thread's own malloc arena, which kept it (512 MiB from aria2: peak
//   65-66 MiB -> 62-63, the same CPU).
import type { CommandModule } from 'yargs';
import { hideBin, yargs } from './yargs.js';
import { ExitCode } from './exitCodes.js';
import { packageVersion } from './version.js';

/**
 * Each command's module, by name, in the order --help lists them. Only the
 * command being run is loaded: a command pays for its own code alone (the
 * dashboard's, the report's and the tracker server's would cost `download`
 * some 20 MiB; its target is 64 MiB in all). --help and a bare or unknown
 * command load them all, to list them. (`any`: each command has its own argument type.)
 */
type AnyCommand = CommandModule<object, any>;
const COMMAND_MODULES: Readonly<Record<string, () => Promise<AnyCommand>>> = {
  swarm: async () => (await import('./commands/swarm.js')).swarmCommand,
  'make-torrent': async () => (await import('./commands/makeTorrent.js')).makeTorrentCommand,
  'torrent-info': async () => (await import('./commands/torrentInfo.js')).torrentInfoCommand,
  'check-logs': async () => (await import('./commands/checkLogs.js')).checkLogsCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  tracker: async () => (await import('./commands/tracker.js')).trackerCommand,
  download: async () => (await import('./commands/download.js')).downloadCommand,
  seed: async () => (await import('./commands/seed.js')).seedCommand,
  conform: async () => (await import('./commands/conform.js')).conformCommand,
  testbed: async () => (await import('./commands/testbed.js')).testbedCommand,
  daemon: async () => (await import('./commands/daemon.js')).daemonCommand,
  add: async () => (await import('./commands/client/add.js')).addCommand,
  ls: async () => (await import('./commands/client/ls.js')).lsCommand,
  pause: async () => (await import('./commands/client/torrentActions.js')).pauseCommand,
  resume: async () => (await import('./commands/client/torrentActions.js')).resumeCommand,
  recheck: async () => (await import('./commands/client/torrentActions.js')).recheckCommand,
  rm: async () => (await import('./commands/client/torrentActions.js')).rmCommand,
  top: async () => (await import('./commands/top.js')).topCommand,
};

const args = hideBin(process.argv);
const named = args.find((arg) => !arg.startsWith('-'));
const wanted = named !== undefined && named in COMMAND_MODULES ? [named] : Object.keys(COMMAND_MODULES);
const commands = await Promise.all(wanted.map((name) => COMMAND_MODULES[name]()));

yargs(args)
  .scriptName('swarmlab')
  .usage('$0 <command> [options]\n\nRun and inspect swarms of course-protocol peers; download and seed with the BitTorrent protocol.')
  .command(commands)
  .demandCommand(1, 'name a command: see the list above')
  .strict()
  .help()
  .alias('help', 'h')
  .version(packageVersion())
  .epilog('Options given on the command line win over the same settings in Common.cfg.')
  .fail((message, error, cli) => {
    if (error && !message) throw error;
    // With no command at all, the list of commands is what the user needs to see.
    const bare = args.length === 0;
    if (bare) cli.showHelp('error');
    process.stderr.write(`${bare ? '\n' : ''}swarmlab: ${message}\nTry swarmlab --help\n`);
    process.exit(ExitCode.Usage);
  })
  .parseAsync()
  .catch((error: unknown) => {
    process.stderr.write(`swarmlab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.Internal;
  });
