import type { Bitfield } from '../storage/Bitfield';
import { randomInt, type Random } from '../common/Random';

/**
 * A piece-selection strategy: given what a neighbour has, what we have and which
 * pieces are already requested from someone, name the piece to ask for next.
 * Kept as a plain function type so other strategies (rarest-first) can sit
 * beside the random one and be injected into RequestManager.
 */
export type PieceChooser = (
  theirs: Bitfield,
  ours: Bitfield,
  isRequested: (index: number) => boolean,
  random: Random,
) => number | undefined;

/**
 * Protocol rule "request": ask for a piece chosen at random among those the
 * neighbour has, we lack, and we have not requested from any neighbour.
 *
 * Two passes over the pieces and no allocation: count the eligible pieces,
 * draw one position uniformly (a single draw from `random`, so seeded runs stay
 * reproducible), then walk to it. Linear in the piece count at worst.
 */
export const chooseRandomMissingPiece: PieceChooser = (theirs, ours, isRequested, random) => {
  if (theirs.pieceCount !== ours.pieceCount) {
    throw new RangeError(`bitfields disagree on piece count: ${theirs.pieceCount} vs ${ours.pieceCount}`);
  }
  // Byte-wise fast path: nothing of theirs is new to us, so nothing to ask.
  if (!theirs.hasAnyMissingFrom(ours)) return undefined;

  let eligibleCount = 0;
  for (let index = 0; index < theirs.pieceCount; index++) {
    if (isEligible(index, theirs, ours, isRequested)) eligibleCount++;
  }
  if (eligibleCount === 0) return undefined;

  let remaining = randomInt(random, eligibleCount);
  for (let index = 0; index < theirs.pieceCount; index++) {
    if (!isEligible(index, theirs, ours, isRequested)) continue;
    if (remaining === 0) return index;
    remaining--;
  }
  return undefined; // only reachable if isRequested changed its answers mid-call
};

function isEligible(
  index: number,
  theirs: Bitfield,
  ours: Bitfield,
  isRequested: (index: number) => boolean,
): boolean {
  return theirs.has(index) && !ours.has(index) && !isRequested(index);
}

/**
 * Rarest-first: among the pieces the neighbour has, we lack and nobody was
 * asked for, one that the fewest neighbours have, so rare pieces spread before
 * their holders leave. The scan starts at a random piece and goes round, so
 * ties fall at random, and it stops at a piece only this neighbour has (none
 * can be rarer). The very first piece is random: anything is worth having when
 * we have nothing to trade.
 */
export function chooseRarestPiece(availability: (index: number) => number): PieceChooser {
  return (theirs, ours, isRequested, random) => {
    if (ours.isEmpty) return chooseRandomMissingPiece(theirs, ours, isRequested, random);
    let best: number | undefined;
    let bestCount = Infinity;
    theirs.visitMissingFrom(ours, randomInt(random, theirs.pieceCount), (index) => {
      if (isRequested(index)) return false;
      const count = availability(index);
      if (count < bestCount) [best, bestCount] = [index, count];
      return bestCount <= 1;
    });
    return best;
  };
}
