import * as path from 'path';
import type { Argv } from 'yargs';
import { ConfigError } from '../../config/ConfigError.js';
import type { PeerLog } from '../../logcheck/checkLogs.js';
import { readProtocolLogs } from '../../logcheck/readRun.js';
import { RunConfigError, runConfigFor, type RunConfig } from '../../logcheck/runConfig.js';
import { ExitCode } from '../exitCodes.js';

/** The arguments check-logs and report share: which run's logs, and its config. */
export interface RunInputArgs {
  dir?: string;
  logs?: string;
  'config-dir'?: string;
}

const DEFAULT_LOGS = 'logs';

/** The logs folder, as a positional argument or as --logs (either form in both commands), and --config-dir. */
export function runInputOptions<T>(yargs: Argv<T>) {
  return yargs
    .positional('dir', { type: 'string', describe: `where the log_peer_<id>.log files are (default: ${DEFAULT_LOGS})` })
    .option('logs', { type: 'string', requiresArg: true, describe: 'the same folder, as an option' })
    .option('config-dir', {
      type: 'string',
      requiresArg: true,
      describe: `Common.cfg and PeerInfo.cfg of the run (default: . when it holds them; without them, the logs are checked without a config)`,
    })
    .check((args) => {
      const given = [args.dir, args.logs].filter((dir) => dir !== undefined);
      if (given.some((dir) => typeof dir !== 'string')) throw new Error('give the logs folder once');
      if (given.length === 2 && path.resolve(given[0] as string) !== path.resolve(given[1] as string)) {
        throw new Error(`the logs folder is given twice, as ${given[0]} and --logs ${given[1]}: give one`);
      }
      if (typeof args['config-dir'] !== 'string' && args['config-dir'] !== undefined) throw new Error('give --config-dir once');
      return true;
    });
}

function logsDirOf(args: RunInputArgs): string {
  return args.dir ?? args.logs ?? DEFAULT_LOGS;
}

export interface RunInput {
  logsDir: string;
  logs: PeerLog[];
  config: RunConfig;
}

/**
 * The run's logs and config, or, when they cannot be checked together, the
 * exit code after printing why: no logs (2), a config that is missing,
 * malformed or another run's (3).
 */
export function readRunInput(command: string, args: RunInputArgs): RunInput | number {
  const logsDir = logsDirOf(args);
  const logs = readProtocolLogs(logsDir);
  if (logs.length === 0) {
    console.error(`${command}: no log_peer_<id>.log in ${logsDir}`);
    return ExitCode.Usage;
  }
  try {
    return { logsDir, logs, config: runConfigFor(logs, logsDir, args['config-dir']) };
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof RunConfigError)) throw error;
    console.error(`${command}: ${error.message}`);
    return ExitCode.Config;
  }
}
