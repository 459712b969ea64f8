import { promises as fs } from 'fs';
import * as path from 'path';
import type { CommandModule } from 'yargs';
import { makeTorrent } from '../../metainfo/makeTorrent.js';
import { MakeTorrentError } from '../../metainfo/MakeTorrentError.js';
import { FileChangedError } from '../../storage/pieceHashes.js';
import { MAX_PIECE_LENGTH } from '../../metainfo/limits.js';
import { AUTO_PIECE_LENGTH_RULE } from '../../metainfo/pieceLengthRule.js';
import { formatBytes } from '../../launcher/format.js';
import { ExitCode } from '../exitCodes.js';
import { describeFileError, isFileError } from '../fileErrors.js';

interface MakeTorrentArgs {
  path: string;
  'piece-size'?: number;
  announce?: string | string[];
  private: boolean;
  out?: string;
  force: boolean;
}

/** Inputs above this size get a progress line while they are hashed. */
const PROGRESS_ABOVE_BYTES = 64 << 20;

export const makeTorrentCommand: CommandModule<object, MakeTorrentArgs> = {
  command: 'make-torrent <path>',
  describe: 'write a standard .torrent (SHA-1 of every piece) for a file, or for a folder (multi-file)',
  builder: (yargs) =>
    yargs
      .positional('path', { type: 'string', demandOption: true, describe: 'the file, or the folder (every file below it, in the order mktorrent uses)' })
      .option('piece-size', { type: 'number', describe: `bytes per piece (PieceSize in Common.cfg); default: ${AUTO_PIECE_LENGTH_RULE}` })
      .option('announce', {
        type: 'string',
        describe: 'tracker URL; repeat for more tiers (BEP 12), commas between the URLs of one tier; the first URL is the announce',
      })
      .option('private', { type: 'boolean', default: false, describe: 'mark it private (BEP 27): peers only from its trackers, no DHT or peer exchange' })
      .option('out', { alias: 'o', type: 'string', describe: 'where to write it (default: beside the input, <path>.torrent)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the output file if it exists' })
      .check((args) => {
        const pieceSize = args['piece-size'];
        if (pieceSize !== undefined && (!Number.isSafeInteger(pieceSize) || pieceSize < 1 || pieceSize > MAX_PIECE_LENGTH)) {
          throw new Error(`--piece-size takes a whole number of bytes from 1 to ${MAX_PIECE_LENGTH}`);
        }
        if (trackerTiers(args.announce).some((tier) => tier.length === 0)) throw new Error('--announce takes a URL, or URLs separated by commas');
        return true;
      })
      .example('$0 make-torrent TheFile.dat --piece-size 32768', 'for the course: PieceSize of Common.cfg')
      .example('$0 make-torrent album --announce http://a/x,http://b/x --announce udp://c:6969', 'a folder, two tiers')
      .epilog(
        'Folders: every regular file below, hidden and empty ones included, symbolic links followed, sorted by path byte by byte (as mktorrent 1.1, so the info-hash is the same).\n' +
          'Exit codes: 0 written, 2 the input is missing, empty, unreadable or changed while hashed, or the output exists without --force.',
      ),
  handler: async (args) => {
    const input = args.path;
    const out = args.out ?? path.relative('.', `${path.resolve(input)}.torrent`);
    const refuse = (reason: string) => {
      console.error(`make-torrent: ${reason}`);
      process.exitCode = ExitCode.Usage;
    };
    let lastShownMs = 0;
    const torrent = await makeTorrent(input, {
      pieceSize: args['piece-size'],
      trackers: trackerTiers(args.announce),
      isPrivate: args.private,
      onProgress: ({ bytesDone, bytesTotal }) => {
        if (bytesTotal < PROGRESS_ABOVE_BYTES || Date.now() - lastShownMs < 500) return;
        lastShownMs = Date.now();
        process.stderr.write(`hashing ${input}: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)} (${((100 * bytesDone) / bytesTotal).toFixed(0)}%)\n`);
      },
    }).catch((error: unknown) => {
      if (isFileError(error)) return describeFileError(error.path ?? input, error);
      if (error instanceof MakeTorrentError || error instanceof FileChangedError) return error.message;
      throw error;
    });
    if (typeof torrent === 'string') return refuse(torrent);
    // 'wx' refuses an existing file in the same call that creates it: no window between a check and the write.
    const written = await fs.writeFile(out, torrent, { flag: args.force ? 'w' : 'wx' }).catch((error: NodeJS.ErrnoException) => error);
    if (written instanceof Error) {
      return refuse(written.code === 'EEXIST' ? `${out} exists: pass --force to overwrite it, or -o to write elsewhere` : describeFileError(out, written));
    }
    console.log(`wrote ${out}`);
  },
};

/** One tier per --announce, its URLs separated by commas. */
function trackerTiers(announce: string | string[] | undefined): string[][] {
  return [announce ?? []].flat().map((tier) => tier.split(',').filter((url) => url !== ''));
}
