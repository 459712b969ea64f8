import { Bitfield } from '../core/Bitfield.js';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { FileMap } from '../storage/FileMap.js';
import { filesOnDisk } from '../storage/filesOnDisk.js';
import type { TransferTotals } from '../storage/ResumeState.js';
import { readTorrentResume } from '../storage/TorrentResume.js';

/**
 * What a torrent that is not started holds, for the list: its resume state's
 * pieces when that can be trusted (its files are as it says), else none until
 * a start hashes them. No piece is read, so a daemon with many paused
 * torrents starts at once.
 */
export async function lastKnownPieces(resumeFile: string, meta: MetaInfo, dir: string): Promise<{ pieces: Bitfield; totals: TransferTotals; trusted: boolean }> {
  const map = new FileMap(meta.files, meta.pieceLength);
  const resume = await readTorrentResume(resumeFile, map, dir, await filesOnDisk(dir, map));
  return { pieces: resume.trusted ? resume.pieces : new Bitfield(meta.pieceCount), totals: resume.totals, trusted: resume.trusted };
}
