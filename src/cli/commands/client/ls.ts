import type { CommandModule } from 'yargs';
import type { TorrentSummary } from '../../../daemon/api/contract.js';
import { formatBytes, formatRate, table } from '../../../launcher/format.js';
import { printable } from '../../../metainfo/pathSegments.js';
import { formatPercent } from '../../transfer/transferFigures.js';
import { CLIENT_EXIT_CODES, clientOptions, shortId, withDaemon, type ClientArgs } from './clientOptions.js';

interface LsArgs extends ClientArgs {
  json: boolean;
}

export const lsCommand: CommandModule<object, LsArgs> = {
  command: 'ls',
  describe: "list the running daemon's torrents: id, name, state, progress, size, rates, peers",
  builder: (yargs) =>
    clientOptions(yargs)
      .option('json', { type: 'boolean', default: false, describe: 'print the list as JSON (infoHash, name, state, progress from 0 to 1, rates in bytes per second, peers...)' })
      .epilog(`The ID column is the start of each info-hash: pause, resume, recheck and rm take it.\nExit codes: 0 listed, 2 usage, ${CLIENT_EXIT_CODES}.`) as never,
  handler: async (args) => {
    process.exitCode = await withDaemon('ls', args, async (client) => {
      const torrents = await client.list();
      console.log(args.json ? JSON.stringify(torrents, null, 2) : torrentTable(torrents));
    });
  },
};

/** One row a torrent; names with their control characters escaped. */
export function torrentTable(torrents: readonly TorrentSummary[]): string {
  if (torrents.length === 0) return 'no torrents (add one: swarmlab add FILE|MAGNET|URL)';
  const rows = torrents.map((t) => [
    shortId(t.id),
    printable(t.name),
    t.state === 'error' && t.error ? `error: ${printable(t.error)}` : t.state,
    formatPercent(t.progress, 1),
    t.sizeBytes === null ? '?' : formatBytes(t.sizeBytes),
    formatRate(t.downloadRate),
    formatRate(t.uploadRate),
    `${t.peers} (${t.seeds} seeds)`,
  ]);
  return table(['ID', 'NAME', 'STATE', 'DONE', 'SIZE', 'DOWN', 'UP', 'PEERS'], rows);
}
