import { promises as fs } from 'fs';
import type { CommandModule } from 'yargs';
import { makeTorrent } from '../../metainfo/makeTorrent.js';
import { formatBytes } from '../../launcher/format.js';
import { ExitCode } from '../exitCodes.js';
import { describeFileError } from '../fileErrors.js';

interface MakeTorrentArgs {
  file: string;
  'piece-size': number;
  announce?: string;
  out?: string;
  force: boolean;
}

/** Files above this size get a progress line while they are hashed. */
const PROGRESS_ABOVE_BYTES = 64 << 20;

export const makeTorrentCommand: CommandModule<object, MakeTorrentArgs> = {
  command: 'make-torrent <file>',
  describe: 'write a standard single-file .torrent (SHA-1 of every piece) for a file',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the file to describe (one file; folders are not supported yet)' })
      .option('piece-size', { type: 'number', default: 32768, describe: 'bytes per piece (PieceSize in Common.cfg)' })
      .option('announce', { type: 'string', describe: 'tracker URL to record (optional)' })
      .option('out', { alias: 'o', type: 'string', describe: 'where to write it (default <file>.torrent)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the output file if it exists' })
      .check((args) => {
        if (!Number.isSafeInteger(args['piece-size']) || args['piece-size'] < 1) throw new Error('--piece-size takes a positive whole number of bytes');
        return true;
      })
      .example('$0 make-torrent peers/peer_1001/TheFile.dat --piece-size 32768 -o TheFile.torrent', '')
      .epilog('Exit codes: 0 written, 2 the input is missing or a folder, or the output exists without --force.'),
  handler: async (args) => {
    const out = args.out ?? `${args.file}.torrent`;
    const refuse = (reason: string) => {
      console.error(`make-torrent: ${reason}`);
      process.exitCode = ExitCode.Usage;
    };
    const stat = await fs.stat(args.file).catch((error: NodeJS.ErrnoException) => error);
    if (stat instanceof Error) return refuse(describeFileError(args.file, stat));
    // Multi-file torrents come with the BitTorrent dialect; the course shares one file.
    if (stat.isDirectory()) return refuse(`${args.file} is a folder: only single-file torrents can be made for now; name one file`);
    let lastShownMs = 0;
    const torrent = await makeTorrent(args.file, {
      pieceSize: args['piece-size'],
      announce: args.announce,
      onProgress: ({ bytesDone }) => {
        if (stat.size < PROGRESS_ABOVE_BYTES || Date.now() - lastShownMs < 500) return;
        lastShownMs = Date.now();
        process.stderr.write(`hashing ${args.file}: ${formatBytes(bytesDone)} of ${formatBytes(stat.size)} (${((100 * bytesDone) / stat.size).toFixed(0)}%)\n`);
      },
    });
    // 'wx' refuses an existing file in the same call that creates it: no window between a check and the write.
    const written = await fs.writeFile(out, torrent, { flag: args.force ? 'w' : 'wx' }).catch((error: NodeJS.ErrnoException) => error);
    if (written instanceof Error) {
      return refuse(written.code === 'EEXIST' ? `${out} exists: pass --force to overwrite it, or -o to write elsewhere` : describeFileError(out, written));
    }
    console.log(`wrote ${out}`);
  },
};
