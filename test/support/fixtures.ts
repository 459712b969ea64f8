import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PieceLayout } from '../../src/core/PieceLayout.js';

/**
 * Known file contents: every byte depends on its position and the seed, and
 * no two pieces of a test file are equal, so a piece written at the wrong
 * place or taken from the wrong offset shows in a byte comparison.
 */
export function knownBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let state = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out[i] = (state >>> 16) & 0xff;
  }
  return out;
}

/** The bytes of piece `index` of `file`. */
export function pieceOf(file: Buffer, layout: PieceLayout, index: number): Buffer {
  const offset = layout.offsetOf(index);
  return file.subarray(offset, offset + layout.pieceLength(index));
}

/** A fresh directory under the OS temp dir; pass it to removeTempDir when done. */
export function makeTempDir(prefix = 'swarmlab-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The whole numbers from `from` up to, not including, `to`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * A small file for node-level tests: 20 pieces of 64 bytes, the last one 40
 * (a short last piece exercises every size check), with known contents.
 */
export function twentyPieceFile(seed: number) {
  const layout = new PieceLayout(19 * 64 + 40, 64);
  const file = knownBytes(layout.fileSize, seed);
  return { layout, N: layout.pieceCount, file, piece: (index: number) => pieceOf(file, layout, index) };
}
