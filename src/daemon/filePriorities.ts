import type { Bitfield } from '../core/Bitfield.js';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { FileMap } from '../storage/FileMap.js';
import type { FilePriority } from './api/contract.js';

/** A piece's rank for the planner (RequestPlanner.rank): 0 is never asked for. */
const RANK: Readonly<Record<FilePriority, number>> = { skip: 0, low: 1, normal: 2, high: 3 };

/** Each file's priority: `normal` unless told otherwise. */
export function prioritiesOf(meta: MetaInfo, kept: readonly FilePriority[] | undefined): FilePriority[] {
  return meta.files.map((_, index) => kept?.[index] ?? 'normal');
}

/**
 * Each piece's rank: the highest of its files' (a piece shared by a skipped
 * file and a wanted one is wanted). Padding files (BEP 47) do not count; a
 * piece of padding alone would be normal. Undefined when every file is normal.
 */
export function pieceRanks(meta: MetaInfo, priorities: readonly FilePriority[]): number[] | undefined {
  if (priorities.every((priority, index) => priority === 'normal' || meta.files[index].padding)) return undefined;
  const map = new FileMap(meta.files, meta.pieceLength);
  return Array.from({ length: meta.pieceCount }, (_, index) => {
    const ranks = map.filesOfPiece(index).filter((file) => !meta.files[file].padding).map((file) => RANK[priorities[file]]);
    return ranks.length === 0 ? RANK.normal : Math.max(...ranks);
  });
}

/** The first and last pieces of each wanted file, in the files' order (a preview's: the start, and the index many formats keep at the end). */
export function previewPieces(meta: MetaInfo, priorities: readonly FilePriority[]): number[] {
  const map = new FileMap(meta.files, meta.pieceLength);
  const pieces = meta.files.flatMap((file, index) => {
    if (file.padding || file.length === 0 || priorities[index] === 'skip') return [];
    const { first, end } = map.piecesOfFile(index);
    return [first, end - 1];
  });
  return [...new Set(pieces)];
}

/** Every piece of a wanted file is held: the download is done, though skipped files' pieces are missing. */
export function wantedHeld(ranks: readonly number[] | undefined, pieces: Bitfield): boolean {
  if (!ranks) return pieces.isComplete;
  return ranks.every((rank, index) => rank === 0 || pieces.has(index));
}
