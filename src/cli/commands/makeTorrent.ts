import { promises as fs } from 'fs';
import type { CommandModule } from 'yargs';
import { makeTorrent } from '../../metainfo/makeTorrent';
import { formatBytes } from '../../launcher/format';
import { ExitCode } from '../exitCodes';

interface MakeTorrentArgs {
  file: string;
  'piece-size': number;
  announce?: string;
  out?: string;
}

/** Files above this size get a progress line while they are hashed. */
const PROGRESS_ABOVE_BYTES = 64 << 20;

export const makeTorrentCommand: CommandModule<object, MakeTorrentArgs> = {
  command: 'make-torrent <file>',
  describe: 'write a standard single-file .torrent (SHA-1 of every piece) for a file',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the file to describe' })
      .option('piece-size', { type: 'number', default: 32768, describe: 'bytes per piece (PieceSize in Common.cfg)' })
      .option('announce', { type: 'string', describe: 'tracker URL to record (optional)' })
      .option('out', { alias: 'o', type: 'string', describe: 'where to write it (default <file>.torrent)' })
      .check((args) => {
        if (!Number.isSafeInteger(args['piece-size']) || args['piece-size'] < 1) throw new Error('--piece-size takes a positive whole number of bytes');
        return true;
      })
      .example('$0 make-torrent peers/peer_1001/TheFile.dat --piece-size 32768 -o TheFile.torrent', ''),
  handler: async (args) => {
    const out = args.out ?? `${args.file}.torrent`;
    const { size } = await fs.stat(args.file).catch(() => ({ size: -1 }));
    if (size < 0) {
      console.error(`make-torrent: ${args.file}: no such file`);
      process.exitCode = ExitCode.Usage;
      return;
    }
    let lastShownMs = 0;
    const torrent = await makeTorrent(args.file, {
      pieceSize: args['piece-size'],
      announce: args.announce,
      onProgress: ({ bytesDone }) => {
        if (size < PROGRESS_ABOVE_BYTES || Date.now() - lastShownMs < 500) return;
        lastShownMs = Date.now();
        process.stderr.write(`hashing ${args.file}: ${formatBytes(bytesDone)} of ${formatBytes(size)} (${((100 * bytesDone) / size).toFixed(0)}%)\n`);
      },
    });
    await fs.writeFile(out, torrent);
    console.log(`wrote ${out}`);
  },
};
