import { Bitfield } from '../../core/Bitfield.js';
import { printable } from '../../metainfo/pathSegments.js';

/** A long list is cut after this many ranges (or files): the message must stay readable. */
const MOST_RANGES = 10;
const MOST_FILES = 5;

/**
 * Why `swarmlab seed` refuses to start: which pieces (as ranges) do not match
 * the torrent, and which files they touch:
 * `pieces 3, 7-9 of 40 do not match the torrent (files: a.bin, b/c.bin)`.
 */
export function seedMismatchMessage(badPieces: readonly number[], pieceCount: number, files: readonly string[]): string {
  if (badPieces.length === 0) throw new RangeError('seedMismatchMessage needs at least one piece that does not match');
  const bad = new Bitfield(pieceCount);
  for (const index of badPieces) bad.set(index);
  const ranges = bad.toRanges().split(',');
  const pieces =
    ranges.length <= MOST_RANGES
      ? `${bad.count === 1 ? 'piece' : 'pieces'} ${ranges.join(', ')} of ${pieceCount} ${bad.count === 1 ? 'does' : 'do'} not match the torrent`
      : `${bad.count} of ${pieceCount} pieces do not match the torrent: ${ranges.slice(0, MOST_RANGES).join(', ')} and ${ranges.length - MOST_RANGES} more ranges`;
  if (files.length === 0) return pieces;
  const more = files.length > MOST_FILES ? `, and ${files.length - MOST_FILES} more` : '';
  return `${pieces} (${files.length === 1 ? 'file' : 'files'}: ${files.slice(0, MOST_FILES).map(printable).join(', ')}${more})`;
}
