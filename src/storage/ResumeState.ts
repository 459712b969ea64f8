import { promises as fs } from 'fs';
import { Bitfield } from './Bitfield';
import type { PieceLayout } from './Piece';

/**
 * Which pieces of a partial file are known good, kept beside the file as
 * `<file>.resume`. It is written only after the data it lists is on disk and
 * replaced atomically (write a temp file, fsync, rename), so after a crash it
 * lists at most what was really written; a torn write is simply not in it.
 */
interface ResumeFile {
  format: 'swarmlab-resume';
  version: 1;
  fileSize: number;
  pieceSize: number;
  /** The bitfield's wire bytes, hex. */
  pieces: string;
}

export function resumePath(dataFile: string): string {
  return `${dataFile}.resume`;
}

/** The pieces a resume state lists, or why it cannot be trusted. */
export async function readResumeState(dataFile: string, layout: PieceLayout): Promise<Bitfield | { untrusted: string }> {
  let text: string;
  try {
    text = await fs.readFile(resumePath(dataFile), 'utf8');
  } catch {
    return { untrusted: 'no resume state' };
  }
  let state: Partial<ResumeFile>;
  try {
    state = JSON.parse(text) as Partial<ResumeFile>;
  } catch {
    return { untrusted: 'resume state is not valid JSON' };
  }
  if (state.format !== 'swarmlab-resume' || state.version !== 1) return { untrusted: 'resume state of an unknown format' };
  if (state.fileSize !== layout.fileSize || state.pieceSize !== layout.pieceSize) {
    return { untrusted: `resume state is for ${state.fileSize} bytes in ${state.pieceSize}-byte pieces, not ${layout.fileSize} in ${layout.pieceSize}` };
  }
  const bits = typeof state.pieces === 'string' && /^[0-9a-f]*$/.test(state.pieces) ? Bitfield.fromBytes(Buffer.from(state.pieces, 'hex'), layout.pieceCount) : 'no piece list';
  if (typeof bits === 'string') return { untrusted: `resume state: ${bits}` };
  try {
    const size = (await fs.stat(dataFile)).size;
    if (size !== layout.fileSize) return { untrusted: `the file is ${size} bytes, not ${layout.fileSize}` };
  } catch {
    return { untrusted: 'the file itself is missing' };
  }
  return bits;
}

/** Replaces the resume state atomically: readers see the old one or the new one, never half of one. */
export async function writeResumeState(dataFile: string, layout: PieceLayout, pieces: Bitfield): Promise<void> {
  const state: ResumeFile = {
    format: 'swarmlab-resume',
    version: 1,
    fileSize: layout.fileSize,
    pieceSize: layout.pieceSize,
    pieces: pieces.toBuffer().toString('hex'),
  };
  const target = resumePath(dataFile);
  const temp = `${target}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
}

export async function removeResumeState(dataFile: string): Promise<void> {
  await fs.rm(resumePath(dataFile), { force: true });
}
