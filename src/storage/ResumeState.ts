import { promises as fs } from 'fs';
import { Bitfield } from '../core/Bitfield.js';
import type { PieceLayout } from '../core/PieceLayout.js';
import { replaceAtomically } from './atomicFile.js';

/**
 * What a peer knows of its own file across restarts, kept beside the file as
 * `<file>.resume`: which pieces are known good, the file's modification time
 * when that was written, and the bytes uploaded and downloaded so far. It is
 * written only after the data it lists is on disk and replaced atomically
 * (write a temp file, fsync, rename), so after a crash it lists at most what
 * was really written; a torn write is simply not in it.
 */
interface ResumeFile {
  format: 'swarmlab-resume';
  version: 1;
  fileSize: number;
  pieceSize: number;
  /** The bitfield's wire bytes, hex. */
  pieces: string;
  fileMtimeMs: number;
  bytesUploaded: number;
  bytesDownloaded: number;
}

export interface TransferTotals {
  bytesUploaded: number;
  bytesDownloaded: number;
}

export type ResumeRead =
  | { trusted: true; pieces: Bitfield; fileMtimeMs: number; totals: TransferTotals }
  | { trusted: false; why: string; totals: TransferTotals };

const NO_TOTALS: TransferTotals = { bytesUploaded: 0, bytesDownloaded: 0 };

export function resumePath(dataFile: string): string {
  return `${dataFile}.resume`;
}

/** The resume state, or why its piece list cannot be trusted (the transfer totals survive either way). */
export async function readResumeState(dataFile: string, layout: PieceLayout): Promise<ResumeRead> {
  let text: string;
  try {
    text = await fs.readFile(resumePath(dataFile), 'utf8');
  } catch {
    return { trusted: false, why: 'no resume state', totals: NO_TOTALS };
  }
  let state: Partial<ResumeFile>;
  try {
    state = JSON.parse(text) as Partial<ResumeFile>;
  } catch {
    return { trusted: false, why: 'resume state is not valid JSON', totals: NO_TOTALS };
  }
  if (state.format !== 'swarmlab-resume' || state.version !== 1) return { trusted: false, why: 'resume state of an unknown format', totals: NO_TOTALS };
  const totals = {
    bytesUploaded: wholeNumber(state.bytesUploaded),
    bytesDownloaded: wholeNumber(state.bytesDownloaded),
  };
  const untrusted = (why: string): ResumeRead => ({ trusted: false, why, totals });
  if (state.fileSize !== layout.fileSize || state.pieceSize !== layout.pieceSize) {
    return untrusted(`resume state is for ${state.fileSize} bytes in ${state.pieceSize}-byte pieces, not ${layout.fileSize} in ${layout.pieceSize}`);
  }
  const pieces =
    typeof state.pieces === 'string' && /^[0-9a-f]*$/.test(state.pieces) ? Bitfield.fromBytes(Buffer.from(state.pieces, 'hex'), layout.pieceCount) : 'no piece list';
  if (typeof pieces === 'string') return untrusted(`resume state: ${pieces}`);
  try {
    const size = (await fs.stat(dataFile)).size;
    if (size !== layout.fileSize) return untrusted(`the file is ${size} bytes, not ${layout.fileSize}`);
  } catch {
    return untrusted('the file itself is missing');
  }
  return { trusted: true, pieces, fileMtimeMs: wholeNumber(state.fileMtimeMs), totals };
}

/** Replaces the resume state atomically: readers see the old one or the new one, never half of one. */
export async function writeResumeState(dataFile: string, layout: PieceLayout, pieces: Bitfield, totals: TransferTotals): Promise<void> {
  const state: ResumeFile = {
    format: 'swarmlab-resume',
    version: 1,
    fileSize: layout.fileSize,
    pieceSize: layout.pieceSize,
    pieces: pieces.toBuffer().toString('hex'),
    fileMtimeMs: (await fs.stat(dataFile)).mtimeMs,
    bytesUploaded: totals.bytesUploaded,
    bytesDownloaded: totals.bytesDownloaded,
  };
  await replaceAtomically(resumePath(dataFile), JSON.stringify(state));
}

/** A count read from a resume state: a finite number of at least 0, else 0. */
export function wholeNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}
