import type { CommandModule } from 'yargs';
import { runTransfer } from '../bt/runTransfer.js';
import { transferIo, transferOptions, type CommonTransferArgs } from '../bt/transferOptions.js';

export const seedCommand: CommandModule<object, CommonTransferArgs> = {
  command: 'seed <torrent>',
  describe: "seed a torrent from data already on disk: every piece is checked first, and a mismatch names the pieces",
  builder: (yargs) =>
    transferOptions(yargs).option('dir', { type: 'string', demandOption: true, describe: "the folder holding the torrent's file or folder" }) as never,
  handler: async (args) => {
    const io = await transferIo(args);
    process.exitCode = await runTransfer({ ...args, mode: 'seed', keepSeeding: true, traceMessages: Boolean(args.log || args.verbose) }, io);
    await io.closeLog();
  },
};
