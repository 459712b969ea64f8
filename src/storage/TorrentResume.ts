import { promises as fs } from 'fs';
import * as path from 'path';
import { Bitfield } from '../core/Bitfield.js';
import type { FileMap, MappedFile } from './FileMap.js';
import type { FileOnDisk } from './filesOnDisk.js';
import { describeIoError } from './ioStep.js';
import { replaceAtomically } from './atomicFile.js';
import { wholeNumber, type TransferTotals } from './ResumeState.js';

/**
 * What a torrent's download knows of itself across restarts (the per-torrent
 * counterpart of ResumeState.ts): which pieces are known good, each file's
 * length and modification time when that was written, and the bytes uploaded
 * and downloaded so far. Written only after the data it lists is on disk, and
 * replaced atomically; trusted only while every file is as it was then.
 */
interface TorrentResumeFile {
  format: 'swarmlab-torrent-resume';
  version: 1;
  pieceLength: number;
  pieceCount: number;
  totalLength: number;
  /** The torrent's files in order; mtimeMs is null for a file that was not on disk (a padding file never is). */
  files: { path: string[]; length: number; mtimeMs: number | null }[];
  /** The bitfield's wire bytes, hex. */
  pieces: string;
  bytesUploaded: number;
  bytesDownloaded: number;
}

export type TorrentResumeRead =
  | { trusted: true; pieces: Bitfield; totals: TransferTotals }
  | { trusted: false; why: string; totals: TransferTotals };

/**
 * The resume state at `resumeFile`, trusted only if it is for this torrent
 * (same pieces, same files) and every file under `root` is as it was when the
 * state was written (`onDisk`, from filesOnDisk); otherwise why not. The
 * transfer totals survive either way.
 */
export async function readTorrentResume(resumeFile: string, map: FileMap, root: string, onDisk: readonly (FileOnDisk | undefined)[]): Promise<TorrentResumeRead> {
  const noTotals = (why: string): TorrentResumeRead => ({ trusted: false, why, totals: { bytesUploaded: 0, bytesDownloaded: 0 } });
  let text: string;
  try {
    text = await fs.readFile(resumeFile, 'utf8');
  } catch (error) {
    return noTotals((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no resume state' : `the resume state cannot be read (${describeIoError(error)})`);
  }
  let state: Partial<TorrentResumeFile> | null;
  try {
    state = JSON.parse(text) as Partial<TorrentResumeFile> | null;
  } catch {
    return noTotals('the resume state is not valid JSON');
  }
  const totals = { bytesUploaded: wholeNumber(state?.bytesUploaded), bytesDownloaded: wholeNumber(state?.bytesDownloaded) };
  const checked = stateFor(map, state);
  if (typeof checked === 'string') return { trusted: false, why: checked, totals };
  const changed = filesChanged(checked.files, map, root, onDisk);
  if (changed) return { trusted: false, why: changed, totals };
  return { trusted: true, pieces: checked.pieces, totals };
}

/** Replaces the resume state atomically: readers see the old one or the new one, never half of one. */
export async function writeTorrentResume(
  resumeFile: string,
  map: FileMap,
  pieces: Bitfield,
  onDisk: readonly (FileOnDisk | undefined)[],
  totals: TransferTotals,
): Promise<void> {
  const state: TorrentResumeFile = {
    format: 'swarmlab-torrent-resume',
    version: 1,
    pieceLength: map.pieceLength,
    pieceCount: map.pieceCount,
    totalLength: map.totalLength,
    files: map.files.map((file, index) => ({ path: [...file.path], length: file.length, mtimeMs: onDisk[index]?.mtimeMs ?? null })),
    pieces: pieces.toBuffer().toString('hex'),
    bytesUploaded: totals.bytesUploaded,
    bytesDownloaded: totals.bytesDownloaded,
  };
  await replaceAtomically(resumeFile, JSON.stringify(state));
}

/** A parsed resume state's files and pieces, if it is one for this torrent; else why not. */
function stateFor(map: FileMap, state: Partial<TorrentResumeFile> | null): Pick<TorrentResumeFile, 'files'> & { pieces: Bitfield } | string {
  if (state?.format !== 'swarmlab-torrent-resume' || state.version !== 1) return 'the resume state is of an unknown format';
  if (state.pieceLength !== map.pieceLength || state.pieceCount !== map.pieceCount || state.totalLength !== map.totalLength) {
    return `the resume state is for ${state.totalLength} bytes in ${state.pieceCount} pieces of ${state.pieceLength}, not ${map.totalLength} in ${map.pieceCount} of ${map.pieceLength}`;
  }
  const { files } = state;
  if (!Array.isArray(files) || files.length !== map.files.length) return `the resume state does not list the torrent's ${map.files.length} files`;
  const other = map.files.findIndex((file, index) => !sameFile(files[index], file));
  if (other >= 0) return `the resume state does not list ${map.files[other].path.join('/')} (${map.files[other].length} bytes) as file ${other + 1}`;
  const pieces = typeof state.pieces === 'string' && /^[0-9a-f]*$/.test(state.pieces) ? Bitfield.fromBytes(Buffer.from(state.pieces, 'hex'), map.pieceCount) : 'none';
  if (typeof pieces === 'string') return `the resume state's piece list is wrong: ${pieces}`;
  return { files, pieces };
}

function sameFile(listed: unknown, file: MappedFile): boolean {
  const entry = listed as Partial<TorrentResumeFile['files'][number]> | null;
  return (
    entry?.length === file.length &&
    Array.isArray(entry.path) &&
    entry.path.length === file.path.length &&
    file.path.every((segment, index) => entry.path![index] === segment)
  );
}

/** The first file whose size or modification time is not what the resume state says, or undefined. */
function filesChanged(listed: TorrentResumeFile['files'], map: FileMap, root: string, onDisk: readonly (FileOnDisk | undefined)[]): string | undefined {
  for (const [index, file] of map.files.entries()) {
    if (file.padding) continue;
    const where = path.join(root, ...file.path);
    const found = onDisk[index];
    if (!found) return `${where} is missing`;
    if (found.size !== file.length) return `${where} is ${found.size} bytes, not ${file.length}`;
    if (found.mtimeMs !== listed[index].mtimeMs) return `${where} changed after the resume state was written`;
  }
  return undefined;
}
