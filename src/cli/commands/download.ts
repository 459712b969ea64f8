import type { CommandModule } from 'yargs';
import { runTransfer } from '../bt/runTransfer.js';
import { transferIo, transferOptions, type CommonTransferArgs } from '../bt/transferOptions.js';

interface DownloadArgs extends CommonTransferArgs {
  seed: boolean;
}

export const downloadCommand: CommandModule<object, DownloadArgs> = {
  command: 'download <torrent>',
  describe: 'download a torrent (one file or a folder) from its swarm with the BitTorrent protocol, verifying every piece',
  builder: (yargs) =>
    transferOptions(yargs)
      .option('dir', { type: 'string', default: '.', describe: "the folder to download into: the torrent's file or folder goes inside it" })
      .option('seed', { type: 'boolean', default: false, describe: 'keep seeding once complete, until Ctrl-C' }) as never,
  handler: async (args) => {
    const io = await transferIo(args);
    process.exitCode = await runTransfer({ ...args, mode: 'download', keepSeeding: args.seed, traceMessages: Boolean(args.log || args.verbose) }, io);
    await io.closeLog();
  },
};
