import * as path from 'path';
import type { Config } from '../config/Config.js';
import type { MetaInfo } from './MetaInfo.js';
import { MetaInfoError } from './MetaInfoError.js';
import { readMetaInfoFile } from './readMetaInfoFile.js';

/** The Common.cfg key naming a .torrent (relative to the config directory). */
export const METAINFO_KEY = 'MetaInfo';

export function metaInfoPath(config: Config): string | undefined {
  const value = config.common.extras.get(METAINFO_KEY);
  return value === undefined ? undefined : path.resolve(config.dir, value);
}

/**
 * The metainfo named by Common.cfg's optional `MetaInfo` key, checked against
 * Common.cfg: a single-file torrent with the same file size and piece size, or
 * a clear error naming both.
 */
export async function loadMetaInfoForConfig(config: Config): Promise<MetaInfo | undefined> {
  const file = metaInfoPath(config);
  if (!file) return undefined;
  let bytes: Buffer;
  try {
    bytes = await readMetaInfoFile(file);
  } catch (error) {
    if (error instanceof MetaInfoError) throw error;
    throw new MetaInfoError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); Common.cfg names it as ${METAINFO_KEY}`);
  }
  // The bencode parser is loaded only by peers that verify: start-up time matters to every peer (issue 10).
  const { parseMetaInfo } = await import('./MetaInfo.js');
  const meta = parseMetaInfo(bytes, file);
  if (meta.multiFile) {
    throw new MetaInfoError(
      file,
      `is a multi-file torrent (${meta.files.length} files in '${meta.name}'): the course protocol shares the one file Common.cfg names; make its .torrent with 'swarmlab make-torrent FILE'`,
    );
  }
  const { fileSize, pieceSize } = config.common;
  if (meta.length !== fileSize || meta.pieceLength !== pieceSize) {
    throw new MetaInfoError(
      file,
      `describes ${meta.length} bytes in ${meta.pieceLength}-byte pieces, but Common.cfg says FileSize ${fileSize} and PieceSize ${pieceSize}`,
    );
  }
  return meta;
}
