export const MIN_AUTO_PIECE_LENGTH = 16 << 10;
export const MAX_AUTO_PIECE_LENGTH = 16 << 20;
export const MAX_AUTO_PIECES = 2000;

/** The rule in words, for --help. */
export const AUTO_PIECE_LENGTH_RULE = 'the smallest power of two from 16 KiB to 16 MiB that makes at most 2000 pieces (so 1000 to 2000 pieces, fewer for inputs under 16 MiB)';

/**
 * The piece length for `totalBytes` when none is given: the smallest power of
 * two from 16 KiB (a block) to 16 MiB with at most 2000 pieces. Halving it
 * would make more than 2000, so there are at least 1001 whenever the choice is
 * not held at either bound: few enough hashes for a small .torrent, pieces small
 * enough to spread quickly.
 */
export function autoPieceLength(totalBytes: number): number {
  let length = MIN_AUTO_PIECE_LENGTH;
  while (length < MAX_AUTO_PIECE_LENGTH && Math.ceil(totalBytes / length) > MAX_AUTO_PIECES) length *= 2;
  return length;
}
