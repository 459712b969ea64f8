import { promises as fs } from 'fs';
import type { CommandModule } from 'yargs';
import { parseMetaInfo } from '../../metainfo/MetaInfo.js';
import { MetaInfoError } from '../../metainfo/MetaInfoError.js';
import { ExitCode } from '../exitCodes.js';
import { describeFileError, isFileError } from '../fileErrors.js';

export const torrentInfoCommand: CommandModule<object, { file: string }> = {
  command: 'torrent-info <file>',
  describe: 'print what a .torrent describes: name, size, pieces, info-hash, announce',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the .torrent file' })
      .epilog('Exit codes: 0 described, 8 missing, unreadable or not a valid .torrent.'),
  handler: async (args) => {
    try {
      const meta = parseMetaInfo(await fs.readFile(args.file), args.file);
      const last = meta.length - (meta.pieceCount - 1) * meta.pieceLength;
      console.log(
        [
          `name:        ${meta.name}`,
          `size:        ${meta.length} bytes`,
          `piece size:  ${meta.pieceLength} bytes (last piece ${last})`,
          `pieces:      ${meta.pieceCount}`,
          `info-hash:   ${meta.infoHash.toString('hex')}`,
          `announce:    ${meta.announce ?? '(none)'}`,
        ].join('\n'),
      );
    } catch (error) {
      if (!(error instanceof MetaInfoError) && !isFileError(error)) throw error;
      console.error(`torrent-info: ${error instanceof MetaInfoError ? error.message : describeFileError(args.file, error)}`);
      process.exitCode = ExitCode.BadMetaInfo;
    }
  },
};
