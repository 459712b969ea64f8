import type { CommandModule } from 'yargs';
import { printable } from '../../../metainfo/pathSegments.js';
import { CLIENT_EXIT_CODES, clientOptions, shortId, withDaemon, type ClientArgs } from './clientOptions.js';

interface IdArgs extends ClientArgs {
  id: string;
}

const ID_DESCRIPTION = 'the torrent: its info-hash, or the start of it that fits no other (ls shows 8 hex digits)';
const ID_EXIT_CODES = `Exit codes: 0 done, 2 usage, ${CLIENT_EXIT_CODES}.`;

/** pause, resume and recheck: one torrent, one action, its new state printed. */
function actionCommand(action: 'pause' | 'resume' | 'recheck', describe: string): CommandModule<object, IdArgs> {
  return {
    command: `${action} <id>`,
    describe,
    builder: (yargs) => clientOptions(yargs).positional('id', { type: 'string', demandOption: true, describe: ID_DESCRIPTION }).epilog(ID_EXIT_CODES) as never,
    handler: async (args) => {
      process.exitCode = await withDaemon(action, args, async (client) => {
        const torrent = await client.act(args.id, action);
        console.log(`${printable(torrent.name)} ${shortId(torrent.id)}: ${torrent.state}`);
      });
    },
  };
}

export const pauseCommand = actionCommand('pause', 'pause a torrent of the running daemon: its pieces kept, no connection, no announce');
export const resumeCommand = actionCommand('resume', 'start a paused torrent (or one stopped by an error) again');
export const recheckCommand = actionCommand('recheck', 'hash what is on disk of a torrent again');

interface RmArgs extends IdArgs {
  'delete-data': boolean;
}

export const rmCommand: CommandModule<object, RmArgs> = {
  command: 'rm <id>',
  describe: 'remove a torrent from the running daemon; its downloaded files stay unless --delete-data',
  builder: (yargs) =>
    clientOptions(yargs)
      .positional('id', { type: 'string', demandOption: true, describe: ID_DESCRIPTION })
      .option('delete-data', { type: 'boolean', default: false, describe: "delete the torrent's downloaded files too" })
      .epilog(ID_EXIT_CODES) as never,
  handler: async (args) => {
    process.exitCode = await withDaemon('rm', args, async (client) => {
      await client.remove(args.id, args['delete-data']);
      console.log(`removed ${args.id}${args['delete-data'] ? ' and deleted its files' : ''}`);
    });
  },
};
