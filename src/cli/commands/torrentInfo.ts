import type { CommandModule } from 'yargs';
import { parseMetaInfo, type MetaInfo } from '../../metainfo/MetaInfo.js';
import { MetaInfoError } from '../../metainfo/MetaInfoError.js';
import { printable } from '../../metainfo/pathSegments.js';
import { readMetaInfoFile } from '../../metainfo/readMetaInfoFile.js';
import { ExitCode } from '../exitCodes.js';
import { describeFileError, isFileError } from '../fileErrors.js';

export const torrentInfoCommand: CommandModule<object, { file: string }> = {
  command: 'torrent-info <file>',
  describe: 'print what a .torrent describes: name, size, pieces, info-hash, trackers, private, and the files of a multi-file one',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'the .torrent file' })
      .epilog('Exit codes: 0 described, 8 missing, unreadable or not a valid .torrent.'),
  handler: async (args) => {
    try {
      console.log(describe(parseMetaInfo(await readMetaInfoFile(args.file), args.file)).join('\n'));
    } catch (error) {
      if (!(error instanceof MetaInfoError) && !isFileError(error)) throw error;
      console.error(`torrent-info: ${error instanceof MetaInfoError ? error.message : describeFileError(args.file, error)}`);
      process.exitCode = ExitCode.BadMetaInfo;
    }
  },
};

/** Labels padded to one column; a value of several lines continues under the first. */
function describe(meta: MetaInfo): string[] {
  const last = meta.length - (meta.pieceCount - 1) * meta.pieceLength;
  const rows: [string, string | string[] | undefined][] = [
    ['name', printable(meta.name) + (meta.multiFile ? ` (a folder of ${meta.files.filter((f) => !f.padding).length} files)` : '')],
    ['size', `${meta.length} bytes`],
    ['piece size', `${meta.pieceLength} bytes (last piece ${last})`],
    ['pieces', String(meta.pieceCount)],
    ['info-hash', meta.infoHash.toString('hex') + (meta.version === 'hybrid' ? ' (v1; a hybrid v1/v2 torrent, BEP 52)' : '')],
    ['announce', meta.announce === undefined ? '(none)' : printable(meta.announce)],
    ['trackers', meta.trackerTiers.length === 0 ? '(none)' : meta.trackerTiers.map((tier, i) => `tier ${i + 1}: ${tier.map(printable).join(', ')}`)],
    ['private', meta.isPrivate ? 'yes (BEP 27: peers from its trackers only, no DHT or peer exchange)' : 'no'],
    ['comment', meta.comment === undefined ? undefined : printable(meta.comment)],
    ['created by', meta.createdBy === undefined ? undefined : printable(meta.createdBy)],
    ['created on', meta.creationDate && !Number.isNaN(meta.creationDate.getTime()) ? meta.creationDate.toISOString() : undefined],
    ['files', meta.multiFile ? fileLines(meta) : undefined],
  ];
  return rows.flatMap(([label, value]) => {
    if (value === undefined) return [];
    const [first, ...more] = [value].flat();
    return [`${`${label}:`.padEnd(13)}${first}`, ...more.map((line) => ' '.repeat(13) + line)];
  });
}

/** Each file's size and path, sizes aligned; padding files (BEP 47) said so. */
function fileLines(meta: MetaInfo): string[] {
  const width = meta.files.reduce((widest, f) => Math.max(widest, String(f.length).length), 0);
  return meta.files.map((f) => `${String(f.length).padStart(width)}  ${printable(f.path.join('/'))}${f.padding ? '  (padding, not on disk)' : ''}`);
}
