import * as net from 'net';
import type { CommandModule } from 'yargs';
import { DEFAULT_API_PORT } from '../../daemon/api/contract.js';
import { defaultDataDir } from '../../daemon/paths.js';
import { parsePort, peerNetworkOptions, transferIo, type CommonTransferArgs } from '../bt/transferOptions.js';
import { runDaemon } from '../daemon/runDaemon.js';

interface DaemonCommandArgs extends Omit<CommonTransferArgs, 'torrent' | 'dir' | 'port'> {
  port?: number;
  data: string;
  apiPort: number;
  apiBind: string;
}

export const daemonCommand: CommandModule<object, DaemonCommandArgs> = {
  command: 'daemon',
  describe: 'keep many torrents across restarts in one process, driven by an HTTP API, a web UI, `swarmlab top` and the add/ls/pause/resume/rm commands',
  builder: (yargs) =>
    peerNetworkOptions(yargs, undefined, "the TCP port every torrent's peers reach us on (default: the port saved in the settings, else 6881)")
      .option('data', { type: 'string', default: defaultDataDir(), describe: 'the folder the daemon keeps its session, .torrent copies and resume states in' })
      .option('api-port', { type: 'string', default: String(DEFAULT_API_PORT), coerce: (text: string) => parsePort('--api-port', text), describe: 'the TCP port of the API, the web UI and /metrics' })
      .option('api-bind', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'the address the API listens on; any but loopback asks every request for the token the daemon keeps in DATA/api-token',
      })
      .check((args) => {
        if (net.isIP(args['api-bind'] as string) === 0) throw new Error(`--api-bind takes an IP address of this machine, such as 127.0.0.1, got '${args['api-bind']}'`);
        return true;
      }) as never,
  handler: async (args) => {
    const io = await transferIo(args);
    process.exitCode = await runDaemon(args, io);
    await io.closeLog();
  },
};
