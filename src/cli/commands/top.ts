import type { CommandModule } from 'yargs';
import { ApiClient, ApiError } from '../../daemon/api/ApiClient.js';
import { BASES, readTopConfig, resolveSettings, TopConfigError, UNITS, parseThemeFlags, type TopSettingsLayer } from '../../top/config.js';
import type { PartialTheme } from '../../top/theme.js';
import type { RateUnit, UnitBase } from '../../top/units.js';
import { ExitCode } from '../exitCodes.js';
import { clientOptions, tokenFromEnvironment, type ClientArgs } from './client/clientOptions.js';

interface TopArgs extends ClientArgs {
  config?: string;
  units?: RateUnit;
  base?: UnitBase;
  colour?: boolean;
  theme?: PartialTheme;
}

export const topCommand: CommandModule<object, TopArgs> = {
  command: 'top',
  describe: "watch and steer a running swarmlab daemon in the terminal: its torrents, and the selected one's peers and files",
  builder: (yargs) =>
    clientOptions(yargs)
      .option('config', { type: 'string', describe: 'the config file (default: $XDG_CONFIG_HOME/swarmlab/top.json, else ~/.config/swarmlab/top.json)' })
      .option('units', { choices: UNITS, describe: 'rates in bytes or bits per second (default: bytes)' })
      .option('base', { choices: BASES, describe: 'binary prefixes (KiB = 1024) or decimal ones (kB = 1000) (default: binary)' })
      .option('colour', { type: 'boolean', describe: 'colours (--no-colour: none; default: on)' })
      .option('theme', {
        type: 'string',
        array: true,
        coerce: parseThemeFlags,
        describe: 'a colour of one part, PART.fg=COLOUR or PART.bg=COLOUR (repeatable); parts: header, selected, normal, status, barDone, barLeft, error',
      })
      .epilog(
        'Keys: up/down or j/k select; Enter or Tab shows peers or files; p pause, r resume, c recheck, d remove, D remove with its data (both ask y/n); q or Ctrl-C quits.\n' +
          'Options on the command line win over the config file.\n' +
          'Exit codes: 0 quit, 2 usage (or not a terminal), 3 the config file is unreadable or malformed, 12 no daemon answers at --api, 130 stopped by a signal.',
      ),
  handler: async (args) => {
    process.exitCode = await runTop(args);
  },
};

/** Runs `swarmlab top` until the user quits; returns the exit code. */
async function runTop(args: TopArgs): Promise<number> {
  let fileLayer: TopSettingsLayer;
  try {
    fileLayer = await readTopConfig(args.config);
  } catch (error) {
    if (!(error instanceof TopConfigError)) throw error;
    return fail(error.message, ExitCode.Config);
  }
  const settings = resolveSettings(fileLayer, { units: args.units, base: args.base, colour: args.colour, theme: args.theme });
  const client = new ApiClient({ url: args.api, token: args.token ?? tokenFromEnvironment(process.env) });
  let first;
  try {
    first = await client.list();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 0) return fail(error.message, ExitCode.DaemonUnreachable);
    if (error.status === 401 || error.status === 403) return fail(`the daemon at ${args.api} refused us (${error.message}): give its token with --token or SWARMLAB_TOKEN`, ExitCode.Usage);
    return fail(`the daemon at ${args.api} answered ${error.status}: ${error.message}`, ExitCode.Internal);
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) return fail('top draws in a terminal: run it with its input and output on one (not a pipe or a file)', ExitCode.Usage);
  // ink draws only the last frame when it thinks it runs in CI (CI=true), which leaves a
  // full-screen program blank; a terminal is there (checked above), so it is not that case.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Loaded now: ink and React are top's alone, and the other commands must not pay for them.
  const [{ runTopScreen }, { TopSession }] = await Promise.all([import('../../top/screen.js'), import('../../top/session.js')]);
  const quit = await runTopScreen(new TopSession(client, first), settings, args.api);
  return quit ? ExitCode.Ok : ExitCode.Interrupted;
}

function fail(message: string, code: number): number {
  process.stderr.write(`swarmlab top: ${message}\n`);
  return code;
}
