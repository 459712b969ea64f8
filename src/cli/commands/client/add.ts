import * as path from 'path';
import type { CommandModule } from 'yargs';
import type { AddRequest } from '../../../daemon/api/contract.js';
import { parseMetaInfo } from '../../../metainfo/MetaInfo.js';
import { MetaInfoError } from '../../../metainfo/MetaInfoError.js';
import { printable } from '../../../metainfo/pathSegments.js';
import { readMetaInfoFile } from '../../../metainfo/readMetaInfoFile.js';
import { ExitCode } from '../../exitCodes.js';
import { Fatal } from '../../fatal.js';
import { describeFileError, isFileError } from '../../fileErrors.js';
import { CLIENT_EXIT_CODES, clientOptions, withDaemon, type ClientArgs } from './clientOptions.js';

interface AddArgs extends ClientArgs {
  torrent: string;
  dir?: string;
  paused: boolean;
}

export const addCommand: CommandModule<object, AddArgs> = {
  command: 'add <torrent>',
  describe: 'add a torrent to the running daemon: a .torrent file, a magnet link, or an http(s) URL of a .torrent',
  builder: (yargs) =>
    clientOptions(yargs)
      .positional('torrent', { type: 'string', demandOption: true, describe: 'a .torrent file (read here), a magnet: link, or an http(s):// URL (the daemon fetches it)' })
      .option('dir', { type: 'string', requiresArg: true, describe: "the folder to download into (default: the daemon's download folder)" })
      .option('paused', { type: 'boolean', default: false, describe: 'add it without starting it' })
      .epilog(`Exit codes: 0 added or already there, 2 usage, 8 the .torrent file is missing, unreadable or not valid, ${CLIENT_EXIT_CODES}.`) as never,
  handler: async (args) => {
    process.exitCode = await withDaemon('add', args, async (client) => {
      const { added, torrent } = await client.add({ ...(await sourceOf(args.torrent)), ...(args.dir === undefined ? {} : { dir: path.resolve(args.dir) }), ...(args.paused ? { paused: true } : {}) });
      console.log(`${added ? 'added' : 'already there:'} ${printable(torrent.name)} ${torrent.id} (${torrent.state}, in ${printable(torrent.dir)})`);
    });
  },
};

/** A magnet link or a URL as they are; anything else is a local .torrent, read and checked here so that a bad one is named with its file. */
async function sourceOf(given: string): Promise<AddRequest> {
  if (/^magnet:/i.test(given)) return { magnet: given };
  if (/^https?:\/\//i.test(given)) return { url: given };
  try {
    const bytes = await readMetaInfoFile(given);
    parseMetaInfo(bytes, given);
    return { torrent: bytes.toString('base64') };
  } catch (error) {
    if (error instanceof MetaInfoError) throw new Fatal(error.message, ExitCode.BadMetaInfo);
    if (isFileError(error)) throw new Fatal(describeFileError(given, error), ExitCode.BadMetaInfo);
    throw error;
  }
}
