import * as fs from 'fs';
import type { Argv } from 'yargs';
import { ApiClient, ApiError } from '../../../daemon/api/ApiClient.js';
import { DEFAULT_API_URL } from '../../../daemon/api/contract.js';
import { dataPaths, defaultDataDir } from '../../../daemon/paths.js';
import { ExitCode } from '../../exitCodes.js';
import { Fatal } from '../../fatal.js';

/** The options every command that talks to the daemon takes. */
export interface ClientArgs {
  api: string;
  token?: string;
}

export const CLIENT_EXIT_CODES = `12 no daemon answers at --api, 13 the daemon refused (an unknown or ambiguous id, a bad torrent, a wrong token)`;

/** --api and --token, checked. */
export function clientOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('api', { type: 'string', default: DEFAULT_API_URL, requiresArg: true, describe: "the daemon's API URL" })
    .option('token', {
      type: 'string',
      requiresArg: true,
      describe: 'the API token, when the daemon listens beyond 127.0.0.1 (default: $SWARMLAB_TOKEN, else the token file in the default data folder)',
    })
    .check((args) => {
      if (!/^https?:\/\/[^/]/i.test(String(args.api)) || !URL.canParse(String(args.api))) throw new Error(`--api takes the daemon's URL, such as ${DEFAULT_API_URL}, got '${args.api}'`);
      return true;
    });
}

/**
 * Runs a command's talk with the daemon: what it prints on success is its own;
 * a daemon that does not answer exits 12, one that refuses 13, each with a
 * line that names the daemon; a Fatal (a local file) exits with its code.
 */
export async function withDaemon(command: string, args: ClientArgs, talk: (client: ApiClient) => Promise<void>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    await talk(new ApiClient({ url: args.api, token: args.token ?? tokenFromEnvironment(env) }));
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof Fatal) {
      console.error(`${command}: ${error.message}`);
      return error.exitCode;
    }
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 0) {
      console.error(`${command}: ${error.message}`);
      return ExitCode.DaemonUnreachable;
    }
    console.error(`${command}: the daemon at ${args.api} refused: ${error.message}`);
    return ExitCode.DaemonRefused;
  }
}

/** $SWARMLAB_TOKEN, else the token the daemon keeps in its default data folder, if there is one and we may read it. */
export function tokenFromEnvironment(env: NodeJS.ProcessEnv): string | undefined {
  if (env.SWARMLAB_TOKEN) return env.SWARMLAB_TOKEN;
  try {
    return fs.readFileSync(dataPaths(defaultDataDir(env)).apiToken, 'utf8').trim() || undefined;
  } catch {
    // No token file (the daemon listens on 127.0.0.1 and wants none), or not ours to read.
    return undefined;
  }
}

/** The first 8 hex digits: enough to tell torrents apart, and a prefix every command takes. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}
