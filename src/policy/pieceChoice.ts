import type { Bitfield } from '../core/Bitfield.js';
import { randomInt, type Random } from '../common/Random.js';

/**
 * A piece-selection strategy: given what a neighbour has, what we have and which
 * pieces are already requested from someone, name the piece to ask for next.
 * Kept as a plain function type so other strategies (rarest-first) can sit
 * beside the random one and be injected into RequestManager. `requested` is a
 * bitfield so that whole bytes of requested pieces are skipped at once: a
 * choice is made after every piece and every 'have', and most of what a
 * neighbour offers is usually requested already.
 */
export type PieceChooser = (theirs: Bitfield, ours: Bitfield, requested: Bitfield, random: Random) => number | undefined;

/**
 * Protocol rule "request": ask for a piece chosen at random among those the
 * neighbour has, we lack, and we have not requested from any neighbour.
 *
 * Two passes over the bitfields' bytes and no allocation: count the eligible
 * pieces, draw one position uniformly (a single draw from `random`, so seeded
 * runs stay reproducible), then walk to it. Linear in the piece count / 8.
 */
export const chooseRandomMissingPiece: PieceChooser = (theirs, ours, requested, random) => {
  if (theirs.pieceCount !== ours.pieceCount || requested.pieceCount !== ours.pieceCount) {
    throw new RangeError(`bitfields disagree on piece count: ${theirs.pieceCount}, ${ours.pieceCount}, ${requested.pieceCount}`);
  }
  const eligibleCount = theirs.countMissingFrom(ours, requested);
  if (eligibleCount === 0) return undefined;
  return theirs.nthMissingFrom(ours, randomInt(random, eligibleCount), requested);
};

/**
 * Rarest-first: among the pieces the neighbour has, we lack and nobody was
 * asked for, one that the fewest neighbours have (`availability`: a count per
 * piece), so rare pieces spread before
 * their holders leave. The scan starts at a random piece and goes round, so
 * ties fall at random, and it stops at a piece only this neighbour has (none
 * can be rarer). The very first piece is random: anything is worth having when
 * we have nothing to trade.
 */
export function chooseRarestPiece(availability: (pieceCount: number) => ArrayLike<number>): PieceChooser {
  return (theirs, ours, requested, random) => {
    if (ours.isEmpty) return chooseRandomMissingPiece(theirs, ours, requested, random);
    const start = randomInt(random, theirs.pieceCount);
    return theirs.lightestMissingFrom(ours, start, availability(theirs.pieceCount), 1, requested);
  };
}
